"""GraphQL queries and steward mutations of golden records (the types are in `gql_types`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mdm.api.gql_context import (
    CanRead,
    CanSteward,
    MutationError,
    gql_field,
    gql_mutation,
    run_mutation,
)
from mdm.errors import InvalidInput
from mdm.golden import commands
from mdm.golden.gql_base import EntityKind, GoldenRecord, Info, load_node, node
from mdm.golden.queries import golden_by_key

MAX_IDS = 100


@strawberry.type(description="A golden record found by a search.")
class SearchHit:
    score: float = strawberry.field(description="0 to 100, higher is closer")
    label: str = strawberry.field(description="The name (or code, number) that matched")
    golden_id: strawberry.Private[str]

    @gql_field()
    async def golden_record(self, info: Info) -> GoldenRecord | None:
        return await load_node(info, self.golden_id)


@strawberry.input(description="A source record by its key in its system.")
class SourceKeyInput:
    system: str
    source_id: str


@strawberry.type
class GoldenQuery:
    @gql_field(
        permission_classes=[CanRead],
        description="The golden record of the record `sourceId` in `system` (merges followed)",
    )
    def lookup(
        self, info: Info, system: str, source_id: str, entity_type: EntityKind
    ) -> GoldenRecord | None:
        found = golden_by_key(info.context.session, entity_type.domain, system, source_id)
        return node(found) if found is not None else None

    @gql_field(
        permission_classes=[CanRead],
        description="A golden record by id; a merged-away id leads to its survivor",
    )
    async def golden_record(self, info: Info, id: strawberry.ID) -> GoldenRecord | None:
        return await load_node(info, str(id))

    @gql_field(
        permission_classes=[CanRead],
        description=f"Golden records by id, in order (null where none), at most {MAX_IDS}",
    )
    async def golden_records(
        self, info: Info, ids: list[strawberry.ID]
    ) -> list[GoldenRecord | None]:
        if len(ids) > MAX_IDS:
            raise InvalidInput(f"at most {MAX_IDS} ids per query")
        refs = await info.context.loaders.goldens.load_many([str(i) for i in ids])
        return [node(ref) if ref is not None else None for ref in refs]

    @gql_field(
        permission_classes=[CanRead],
        description="Golden records whose name (code, number) is like `text`, best first",
    )
    def search(
        self, info: Info, entity_type: EntityKind, text: str, first: int = 10
    ) -> list[SearchHit]:
        context = info.context
        hits = context.names.search(context.session, entity_type.domain, text, first)
        return [SearchHit(score=h.score, label=h.label, golden_id=h.golden_id) for h in hits]


@strawberry.type(description="Two golden records became one.")
class MergeSuccess:
    survivor_id: strawberry.Private[str]
    absorbed_id: strawberry.ID = strawberry.field(description="Now redirects to the survivor")

    @gql_field(description="The survivor, which kept its id")
    async def golden_record(self, info: Info) -> GoldenRecord | None:
        return await load_node(info, self.survivor_id)


@strawberry.type(description="A golden record was split in two.")
class SplitSuccess:
    kept_id: strawberry.Private[str]
    split_off_id: strawberry.Private[str]

    @gql_field(description="The larger part, which kept the id")
    async def kept(self, info: Info) -> GoldenRecord | None:
        return await load_node(info, self.kept_id)

    @gql_field(description="The part that left, under a new id")
    async def split_off(self, info: Info) -> GoldenRecord | None:
        return await load_node(info, self.split_off_id)


@strawberry.type(description="A golden record changed; here it is now.")
class GoldenSuccess:
    golden_id: strawberry.Private[str]

    @gql_field()
    async def golden_record(self, info: Info) -> GoldenRecord | None:
        return await load_node(info, self.golden_id)


MergeResult = Annotated[MergeSuccess | MutationError, strawberry.union("MergeResult")]
SplitResult = Annotated[SplitSuccess | MutationError, strawberry.union("SplitResult")]
GoldenResult = Annotated[GoldenSuccess | MutationError, strawberry.union("GoldenResult")]


def _split(result: commands.Split) -> SplitSuccess:
    return SplitSuccess(kept_id=result.kept, split_off_id=result.split_off)


@strawberry.type
class GoldenMutation:
    @gql_mutation(permission_classes=[CanSteward], description="Merge two golden records")
    def merge(
        self, info: Info, entity_type: EntityKind, a: strawberry.ID, b: strawberry.ID
    ) -> MergeResult:
        session, actor = info.context.session, info.context.principal.actor

        def change() -> MergeSuccess:
            done = commands.merge(session, entity_type.domain, str(a), str(b), actor)
            return MergeSuccess(survivor_id=done.survivor, absorbed_id=strawberry.ID(done.absorbed))

        return run_mutation(info, change)

    @gql_mutation(
        permission_classes=[CanSteward], description="Undo the latest merge into a golden record"
    )
    def unmerge(self, info: Info, entity_type: EntityKind, id: strawberry.ID) -> SplitResult:
        session, actor = info.context.session, info.context.principal.actor
        return run_mutation(
            info, lambda: _split(commands.unmerge(session, entity_type.domain, str(id), actor))
        )

    @gql_mutation(
        permission_classes=[CanSteward],
        description="Split these records off a golden record (the larger part keeps the id)",
    )
    def split(
        self,
        info: Info,
        entity_type: EntityKind,
        id: strawberry.ID,
        records: list[SourceKeyInput],
    ) -> SplitResult:
        session, actor = info.context.session, info.context.principal.actor
        keys = [(r.system, r.source_id) for r in records]
        return run_mutation(
            info, lambda: _split(commands.split(session, entity_type.domain, str(id), keys, actor))
        )

    @gql_mutation(
        permission_classes=[CanSteward],
        description="Move a record into the `target` golden record, or out on its own",
    )
    def move_record(
        self,
        info: Info,
        entity_type: EntityKind,
        record: SourceKeyInput,
        target: strawberry.ID | None = None,
    ) -> GoldenResult:
        session, actor = info.context.session, info.context.principal.actor
        into = str(target) if target is not None else None
        key = (record.system, record.source_id)

        def change() -> GoldenSuccess:
            moved = commands.move(session, entity_type.domain, key, into, actor)
            return GoldenSuccess(golden_id=moved)

        return run_mutation(info, change)

    @gql_mutation(
        permission_classes=[CanSteward],
        description="Pin an attribute (`tax_id`, `legal_name`...) to a value; null lifts the pin",
    )
    def override_attribute(
        self,
        info: Info,
        entity_type: EntityKind,
        id: strawberry.ID,
        attribute: str,
        value: str | None,
    ) -> GoldenResult:
        session, principal = info.context.session, info.context.principal

        def change() -> GoldenSuccess:
            golden = commands.override(
                session, entity_type.domain, str(id), attribute, value, principal
            )
            return GoldenSuccess(golden_id=golden)

        return run_mutation(info, change)
