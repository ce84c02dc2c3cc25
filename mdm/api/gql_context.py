"""What every GraphQL resolver gets: the request's unit of work, its caller, and data loaders.

Loaders batch every lookup made in one tick of the event loop into one service call, so a
query for a hundred golden records with their source records and children costs a handful
of statements, not hundreds. They are built per request (their caches must not outlive it)
and rebuilt after each mutation, so a later field reads what the mutation wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, ClassVar, TypeVar, cast

import strawberry
from sqlmodel import Session
from strawberry.dataloader import DataLoader
from strawberry.permission import BasePermission

from mdm.auth.principal import Principal, Scope
from mdm.entities import EntityType
from mdm.errors import Conflict, Forbidden, InvalidInput, MDMError, NotFound
from mdm.exports.references import golden_references
from mdm.golden import queries
from mdm.golden.queries import AttributeValue, GoldenRef, Member, Relation
from mdm.golden.search import NameIndex
from mdm.golden.timeline import EventView, events_of, states_as_of
from mdm.resolution.candidates import CandidateView, candidates_by_ids

K = TypeVar("K")
V = TypeVar("V")
RELATIONS = (
    queries.SUBSIDIARIES,
    queries.CUSTOMER_CONTRACTS,
    queries.CUSTOMER_PROJECTS,
    queries.CONTRACT_CHILDREN,
    queries.CONTRACT_PROJECTS,
)


def _loader(fetch: Callable[[list[K]], Mapping[K, V]], missing: V) -> DataLoader[K, V]:
    """A loader over a batch service call answering a dict (keys it lacks get `missing`)."""

    async def load(keys: list[K]) -> Sequence[V]:
        found = fetch(keys)
        return [found.get(key, missing) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """One request's data loaders, each batching one service function."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.goldens: DataLoader[str, GoldenRef | None] = _loader(self._goldens, None)
        self.attributes: DataLoader[str, dict[str, AttributeValue]] = _loader(
            lambda ids: queries.attributes_of(session, ids), {}
        )
        self.members: DataLoader[str, list[Member]] = _loader(
            lambda ids: queries.members_of_many(session, ids), []
        )
        self.events: DataLoader[str, list[EventView]] = _loader(
            lambda ids: events_of(session, ids), []
        )
        self.states: DataLoader[tuple[str, datetime], dict[str, Any] | None] = _loader(
            lambda keys: dict(zip(keys, states_as_of(session, keys), strict=True)), None
        )
        self.references: DataLoader[tuple[EntityType, str], dict[str, str]] = _loader(
            self._references, {}
        )
        self.children: dict[Relation, DataLoader[str, list[str]]] = {
            relation: _loader(self._children_fetch(relation), []) for relation in RELATIONS
        }
        self.candidates: DataLoader[int, CandidateView | None] = _loader(
            lambda ids: candidates_by_ids(session, ids), None
        )

    def _goldens(self, ids: list[str]) -> dict[str, GoldenRef | None]:
        return dict(queries.resolve_goldens(self.session, ids))

    def _references(
        self, keys: list[tuple[EntityType, str]]
    ) -> dict[tuple[EntityType, str], dict[str, str]]:
        by_kind: dict[EntityType, list[str]] = defaultdict(list)
        for kind, golden_id in keys:
            by_kind[kind].append(golden_id)
        found: dict[tuple[EntityType, str], dict[str, str]] = {}
        for kind, ids in by_kind.items():
            for golden_id, refs in golden_references(self.session, kind, ids).items():
                found[(kind, golden_id)] = refs
        return found

    def _children_fetch(self, relation: Relation) -> Callable[[list[str]], dict[str, list[str]]]:
        return lambda ids: queries.children_of(self.session, relation, ids)


@dataclass
class Context:
    """The context of one GraphQL request."""

    session: Session
    principal: Principal
    names: NameIndex
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.session)

    def after_write(self) -> None:
        """Forget what the loaders cached: a mutation just changed it."""
        self.loaders = Loaders(self.session)


class _Needs(BasePermission):
    """Admit callers holding `scope` (directly or by implication)."""

    scope: ClassVar[Scope]
    error_extensions = {"code": "forbidden"}  # noqa: RUF012 (strawberry's own attribute)

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        principal: Principal = info.context.principal
        if principal.has(self.scope):
            return True
        self.message = f"this needs the {self.scope.value} scope; {principal.actor!r} lacks it"
        return False


class CanRead(_Needs):
    """Reading golden records, candidates and history."""

    scope = Scope.READ


class CanSteward(_Needs):
    """Steward decisions: merge, split, move, override, accept, reject."""

    scope = Scope.STEWARD


@strawberry.enum(description="Why a mutation did not happen.")
class ErrorCode(Enum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID_INPUT = "invalid_input"
    FORBIDDEN = "forbidden"


@strawberry.type(name="Error", description="An expected failure: nothing was changed.")
class MutationError:
    code: ErrorCode
    message: str


# Subclasses (a more specific code) answer with their family's code.
EXPECTED: dict[type[MDMError], ErrorCode] = {
    NotFound: ErrorCode.NOT_FOUND,
    Conflict: ErrorCode.CONFLICT,
    InvalidInput: ErrorCode.INVALID_INPUT,
    Forbidden: ErrorCode.FORBIDDEN,
}
R = TypeVar("R")


def run_mutation(info: strawberry.Info, change: Callable[[], R]) -> R | MutationError:
    """Run one mutation atomically (a savepoint): all of it, or nothing and an `Error`."""
    context: Context = info.context
    try:
        with context.session.begin_nested():
            result = change()
    except tuple(EXPECTED) as exc:
        code = next(c for kind, c in EXPECTED.items() if isinstance(exc, kind))
        return MutationError(code=code, message=exc.detail)
    context.after_write()
    return result


F = TypeVar("F", bound=Callable[..., Any])


def gql_field(
    *, description: str | None = None, permission_classes: list[type[BasePermission]] | None = None
) -> Callable[[F], F]:
    """`strawberry.field(...)` as a decorator the type checker can follow."""

    def wrap(resolver: F) -> F:
        made = strawberry.field(
            resolver, description=description, permission_classes=permission_classes
        )
        return cast(F, made)

    return wrap


def gql_mutation(
    *, description: str | None = None, permission_classes: list[type[BasePermission]] | None = None
) -> Callable[[F], F]:
    """`strawberry.mutation(...)` as a decorator the type checker can follow."""

    def wrap(resolver: F) -> F:
        made = strawberry.mutation(
            resolver, description=description, permission_classes=permission_classes
        )
        return cast(F, made)

    return wrap
