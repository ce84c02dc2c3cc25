"""GraphQL of the review queue: match candidates as a Relay-style connection, and decisions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from mdm.api.gql_context import (
    CanRead,
    CanSteward,
    MutationError,
    gql_field,
    gql_mutation,
    run_mutation,
)
from mdm.auth.masking import mask
from mdm.errors import NotFound
from mdm.golden.gql_base import EntityKind, GoldenRecord, Info, load_node
from mdm.resolution.candidates import (
    CandidateFilter,
    CandidateSide,
    CandidateView,
    candidates_page,
    decide_candidate,
    encode_cursor,
)
from mdm.resolution.models import CandidateStatus as Status


@strawberry.enum(description="Where a candidate stands in review.")
class CandidateStatus(Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


@strawberry.type(description="One comparison of the pair: its level and its weight of evidence.")
class Comparison:
    name: str
    level: str
    weight: float


@strawberry.type(description="Why the engine scored the pair as it did.")
class Explanation:
    match_weight: float | None
    rule: str | None
    comparisons: list[Comparison]

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Explanation:
        """From the stored explanation (older rows may lack parts of it)."""
        comparisons = raw.get("comparisons") or {}
        return cls(
            match_weight=_float(raw.get("match_weight")),
            rule=None if raw.get("rule") is None else str(raw["rule"]),
            comparisons=[
                Comparison(name=n, level=str(c.get("level")), weight=_float(c.get("weight")) or 0.0)
                for n, c in sorted(comparisons.items())
                if isinstance(c, Mapping)
            ],
        )


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


@strawberry.type(description="A current value of a source record; null when masked.")
class RecordValue:
    name: str
    value: str | None
    masked: bool


@strawberry.type(description="One side of a candidate pair: a source record as it is now.")
class CandidateRecord:
    side: strawberry.Private[CandidateSide]
    system: str
    source_id: str
    values: list[RecordValue]

    @gql_field(description="The golden record it belongs to now")
    async def golden_record(self, info: Info) -> GoldenRecord | None:
        return await load_node(info, self.side.golden_id)


def _side(view: CandidateView, side: CandidateSide, info: Info) -> CandidateRecord:
    shown = mask(view.entity_type, side.values, info.context.principal)
    values = [
        RecordValue(name=n, value=v, masked=n in shown.masked) for n, v in shown.values.items()
    ]
    return CandidateRecord(
        side=side, system=side.key.system, source_id=side.key.source_id, values=values
    )


@strawberry.type(description="A pair of records the engine was unsure of.")
class MatchCandidate:
    view: strawberry.Private[CandidateView]
    id: strawberry.ID
    entity_type: EntityKind
    status: CandidateStatus
    probability: float
    priority: float = strawberry.field(description="1 at a coin toss, 0 at certainty")
    explanation: Explanation
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    a: CandidateRecord
    b: CandidateRecord

    @classmethod
    def of(cls, view: CandidateView, info: Info) -> MatchCandidate:
        """From the service's view, masked for the caller."""
        return cls(
            view=view,
            id=strawberry.ID(str(view.id)),
            entity_type=EntityKind(view.entity_type.value),
            status=CandidateStatus(view.status),
            probability=view.probability,
            priority=view.priority,
            explanation=Explanation.of(view.explanation),
            created_at=view.created_at,
            decided_at=view.decided_at,
            decided_by=view.decided_by,
            a=_side(view, view.a, info),
            b=_side(view, view.b, info),
        )


@strawberry.type
class MatchCandidateEdge:
    cursor: str
    node: MatchCandidate


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A page of the review queue, most uncertain first.")
class MatchCandidateConnection:
    edges: list[MatchCandidateEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Candidates matching the filter, all pages")


def _candidate_id(raw: strawberry.ID) -> int:
    text = str(raw)
    if not text.isdigit() or len(text) > 18:
        raise NotFound(f"no match candidate {text[:40]!r}")
    return int(text)


@strawberry.type
class CandidateQuery:
    @gql_field(
        permission_classes=[CanRead],
        description="The review queue: filtered, most uncertain (highest priority) first",
    )
    def match_candidates(
        self,
        info: Info,
        entity_type: EntityKind | None = None,
        status: CandidateStatus | None = CandidateStatus.OPEN,
        first: int = 20,
        after: str | None = None,
    ) -> MatchCandidateConnection:
        where = CandidateFilter(
            entity_type.domain if entity_type else None, Status(status.value) if status else None
        )
        page = candidates_page(info.context.session, where, first, after)
        edges = [
            MatchCandidateEdge(
                cursor=encode_cursor(v.priority, v.id), node=MatchCandidate.of(v, info)
            )
            for v in page.items
        ]
        return MatchCandidateConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )

    @gql_field(permission_classes=[CanRead], description="One match candidate")
    async def match_candidate(self, info: Info, id: strawberry.ID) -> MatchCandidate | None:
        text = str(id)
        if not text.isdigit() or len(text) > 18:
            return None
        view = await info.context.loaders.candidates.load(int(text))
        return MatchCandidate.of(view, info) if view is not None else None


@strawberry.type(description="A steward decided a candidate.")
class DecisionSuccess:
    candidate: MatchCandidate


DecisionResult = Annotated[DecisionSuccess | MutationError, strawberry.union("DecisionResult")]


def _decide(info: Info, raw: strawberry.ID, accept: bool) -> DecisionResult:
    session, actor = info.context.session, info.context.principal.actor

    def change() -> DecisionSuccess:
        view = decide_candidate(session, _candidate_id(raw), accept, actor)
        return DecisionSuccess(candidate=MatchCandidate.of(view, info))

    return run_mutation(info, change)


@strawberry.type
class CandidateMutation:
    @gql_mutation(
        permission_classes=[CanSteward],
        description="Accept a candidate: its two golden records become one, for good",
    )
    def accept_candidate(self, info: Info, id: strawberry.ID) -> DecisionResult:
        return _decide(info, id, accept=True)

    @gql_mutation(
        permission_classes=[CanSteward],
        description="Reject a candidate: its records are kept apart, for good",
    )
    def reject_candidate(self, info: Info, id: strawberry.ID) -> DecisionResult:
        return _decide(info, id, accept=False)
