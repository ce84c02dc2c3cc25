"""GraphQL building blocks of golden records: the interface, attributes with lineage, history.

A `GoldenRecord` interface with one type per entity (`Customer`, `Project`, `Contract`). Every
field resolves through the request's data loaders (see `mdm.api.gql_context`), and every
attribute value through the caller's masking.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from mdm.api.gql_context import Context, gql_field
from mdm.entities import EntityType
from mdm.golden.queries import GoldenRef, Relation, external_ids
from mdm.golden.shown import ShownState, shown_event, shown_state

Info = strawberry.Info[Context, None]


@strawberry.enum(name="EntityType", description="The mastered entity types.")
class EntityKind(Enum):
    CUSTOMER = "customer"
    PROJECT = "project"
    CONTRACT = "contract"

    @property
    def domain(self) -> EntityType:
        """The hub's own name for it."""
        return EntityType(self.value)


@strawberry.enum(description="Where a source record stands, as in the xref export.")
class XrefStatus(Enum):
    LINKED = "linked"
    PENDING_REVIEW = "pending_review"
    DELETED = "deleted"


@strawberry.type(description="A source record of a golden record.")
class SourceRecord:
    system: str
    source_id: str
    status: XrefStatus


@strawberry.type(description="One attribute of a historical state.")
class StateAttribute:
    name: str
    value: str | None
    masked: bool


@strawberry.type(description="A golden record as it stood after a change.")
class GoldenState:
    status: str
    merged_into: str | None
    members: list[str] = strawberry.field(description="Source records as `system:source_id`")
    attributes: list[StateAttribute]

    @classmethod
    def of(cls, state: ShownState) -> GoldenState:
        """From the masked state."""
        return cls(
            status=state.status,
            merged_into=state.merged_into,
            members=state.members,
            attributes=[
                StateAttribute(name=n, value=v, masked=n in state.masked)
                for n, v in state.attributes.items()
            ],
        )


@strawberry.type(description="One append-only change of a golden record.")
class GoldenEvent:
    id: int
    kind: str
    at: datetime
    actor: str
    correlation_id: str | None
    detail: JSON
    state: GoldenState


@strawberry.interface(description="A golden record: one real customer, project or contract.")
class GoldenRecord:
    ref: strawberry.Private[GoldenRef]

    @gql_field(description="Its golden id, e.g. `cus_01JD3X...`")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.ref.id)

    @gql_field()
    def entity_type(self) -> EntityKind:
        return EntityKind(self.ref.entity_type.value)

    @gql_field(description="`active`, or `retired` when every record behind it went away")
    def status(self) -> str:
        return self.ref.status

    @gql_field(description="The merged-away id asked for, when a redirect led here")
    def redirected_from(self) -> strawberry.ID | None:
        moved = self.ref.redirected_from
        return strawberry.ID(moved) if moved else None

    @gql_field()
    def created_at(self) -> datetime:
        return self.ref.created_at

    @gql_field()
    def updated_at(self) -> datetime:
        return self.ref.updated_at

    @gql_field(description="Every source record behind it, deleted ones included")
    async def source_records(self, info: Info) -> list[SourceRecord]:
        members = await info.context.loaders.members.load(self.ref.id)
        return [
            SourceRecord(
                system=m.key.system, source_id=m.key.source_id, status=XrefStatus(m.status)
            )
            for m in members
        ]

    @gql_field(description="Its ids in `system`: the source ids of its active records there")
    async def external_ids(self, info: Info, system: str) -> list[str]:
        return external_ids(await info.context.loaders.members.load(self.ref.id), system)

    @gql_field(description="Every change, oldest first")
    async def history(self, info: Info) -> list[GoldenEvent]:
        events = await info.context.loaders.events.load(self.ref.id)
        entity, principal = self.ref.entity_type, info.context.principal
        shown = [shown_event(entity, event, principal) for event in events]
        return [
            GoldenEvent(
                id=s.event.id,
                kind=s.event.kind,
                at=s.event.at,
                actor=s.event.actor,
                correlation_id=s.event.correlation_id,
                detail=cast(JSON, s.detail),
                state=GoldenState.of(s.state),
            )
            for s in shown
        ]

    @gql_field(description="Its state at `time` (null before it existed)")
    async def as_of(self, info: Info, time: datetime) -> GoldenState | None:
        state = await info.context.loaders.states.load((self.ref.id, time))
        if state is None:
            return None
        return GoldenState.of(shown_state(self.ref.entity_type, state, info.context.principal))


NodeMaker = Callable[[GoldenRef], GoldenRecord]
_MAKERS: dict[EntityType, NodeMaker] = {}
T = TypeVar("T", bound=GoldenRecord)


def register(entity: EntityType) -> Callable[[type[T]], type[T]]:
    """Declare the GraphQL type that stands for golden records of `entity`."""

    def wrap(cls: type[T]) -> type[T]:
        _MAKERS[entity] = lambda ref: cls(ref=ref)
        return cls

    return wrap


def node(ref: GoldenRef) -> GoldenRecord:
    """The GraphQL object of a golden record."""
    return _MAKERS[ref.entity_type](ref)


async def load_node(info: Info, golden_id: str | None) -> GoldenRecord | None:
    """A golden record by id through the loader (redirects followed), or None."""
    if not golden_id:
        return None
    ref = await info.context.loaders.goldens.load(golden_id)
    return node(ref) if ref is not None else None


async def load_nodes(info: Info, golden_ids: list[str]) -> list[GoldenRecord]:
    """Golden records by id, in order, those that exist."""
    refs = await info.context.loaders.goldens.load_many(golden_ids)
    return [node(ref) for ref in refs if ref is not None]


async def reference(root: GoldenRecord, info: Info, column: str, kind: type[T]) -> T | None:
    """The golden record a survived reference of `root` points at (`customer_golden_id`...)."""
    refs = await info.context.loaders.references.load((root.ref.entity_type, root.ref.id))
    found = await load_node(info, refs.get(column))
    return found if isinstance(found, kind) else None


async def referring(root: GoldenRecord, info: Info, relation: Relation, kind: type[T]) -> list[T]:
    """The golden records whose survived reference points at `root`."""
    ids = await info.context.loaders.children[relation].load(root.ref.id)
    return [n for n in await load_nodes(info, ids) if isinstance(n, kind)]
