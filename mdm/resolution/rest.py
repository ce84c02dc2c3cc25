"""REST for the review queue: match candidates page by page, and a steward's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from mdm.api.deps import SessionDep, WriteSessionDep
from mdm.api.openapi import error_responses
from mdm.auth.deps import requires
from mdm.auth.masking import mask
from mdm.auth.principal import Principal, Scope
from mdm.entities import EntityType
from mdm.resolution.candidates import (
    MAX_PAGE,
    CandidateFilter,
    CandidateSide,
    CandidateView,
    candidate,
    candidates_page,
    decide_candidate,
)
from mdm.resolution.models import CandidateStatus

router = APIRouter(prefix="/api/v1", tags=["review"])

Reader = Annotated[Principal, Depends(requires(Scope.READ))]
Steward = Annotated[Principal, Depends(requires(Scope.STEWARD))]
CandidateId = Annotated[int, Path(ge=1, le=2**62, description="The candidate's id")]


class CandidateRecordOut(BaseModel):
    """One record of the pair as it is now; masked values are null."""

    source_system: str
    source_id: str
    golden_id: str | None
    values: dict[str, str | None]
    masked: list[str]


_EXAMPLE: dict[str, Any] = {
    "id": 42,
    "entity_type": "customer",
    "status": "open",
    "probability": 0.62,
    "priority": 0.76,
    "explanation": {
        "match_weight": 1.4,
        "rule": "none",
        "comparisons": {"name": {"level": "fuzzy_0.9", "weight": 4.1}},
    },
    "created_at": "2026-11-26T08:00:00Z",
    "decided_at": None,
    "decided_by": None,
    "a": {
        "source_system": "crm",
        "source_id": "0015g00000AbCdE",
        "golden_id": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA",
        "values": {"name": "Acme GmbH", "city": "Berlin", "tax_id": None},
        "masked": ["tax_id"],
    },
    "b": {
        "source_system": "erp",
        "source_id": "C-10442",
        "golden_id": "cus_01JD3X7B5E2R8W4N6Y0T3M9QPC",
        "values": {"name": "ACME Deutschland GmbH", "city": "Berlin", "tax_id": None},
        "masked": ["tax_id"],
    },
}


class CandidateOut(BaseModel):
    """A pair the engine was unsure of, both records side by side, and why it scored so."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: int
    entity_type: str
    status: str = Field(description="`open`, `accepted`, `rejected` or `superseded`")
    probability: float
    priority: float = Field(description="1 at a coin toss, 0 at certainty: the queue's order")
    explanation: dict[str, Any] = Field(description="match weight, rule, each comparison")
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    a: CandidateRecordOut
    b: CandidateRecordOut

    @classmethod
    def of(cls, view: CandidateView, principal: Principal) -> CandidateOut:
        """From the service's view, values masked for the caller."""
        return cls(
            id=view.id,
            entity_type=view.entity_type.value,
            status=view.status,
            probability=view.probability,
            priority=view.priority,
            explanation=view.explanation,
            created_at=view.created_at,
            decided_at=view.decided_at,
            decided_by=view.decided_by,
            a=_side(view, view.a, principal),
            b=_side(view, view.b, principal),
        )


def _side(view: CandidateView, side: CandidateSide, principal: Principal) -> CandidateRecordOut:
    shown = mask(view.entity_type, side.values, principal)
    return CandidateRecordOut(
        source_system=side.key.system,
        source_id=side.key.source_id,
        golden_id=side.golden_id,
        values=shown.values,
        masked=sorted(shown.masked),
    )


class CandidatePageOut(BaseModel):
    """A page of the queue, most uncertain first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [_EXAMPLE], "next_cursor": None, "has_more": False, "total": 1}]
        }
    )

    items: list[CandidateOut]
    next_cursor: str | None = Field(description="Pass as `after` for the next page")
    has_more: bool
    total: int = Field(description="Candidates matching the filter, all pages")


@router.get(
    "/{entity}/candidates",
    response_model=CandidatePageOut,
    summary="The review queue",
    responses=error_responses(422),
)
def list_candidates(
    entity: str,
    session: SessionDep,
    principal: Reader,
    status: Annotated[
        CandidateStatus | None, Query(description="Only these (default: open)")
    ] = CandidateStatus.OPEN,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    after: Annotated[str | None, Query(max_length=200, description="`next_cursor`")] = None,
) -> CandidatePageOut:
    """Candidates of one entity type, highest priority (most uncertain) first."""
    where = CandidateFilter(EntityType.parse(entity), status)
    page = candidates_page(session, where, limit, after)
    return CandidatePageOut(
        items=[CandidateOut.of(v, principal) for v in page.items],
        next_cursor=page.end_cursor if page.has_next else None,
        has_more=page.has_next,
        total=page.total,
    )


@router.get(
    "/{entity}/candidates/{candidate_id}",
    response_model=CandidateOut,
    summary="One match candidate",
    responses=error_responses(404, 422),
)
def get_candidate(
    entity: str, candidate_id: CandidateId, session: SessionDep, principal: Reader
) -> CandidateOut:
    """Both records side by side, with the engine's explanation."""
    return CandidateOut.of(candidate(session, candidate_id, EntityType.parse(entity)), principal)


@router.post(
    "/{entity}/candidates/{candidate_id}/accept",
    response_model=CandidateOut,
    summary="Accept a candidate: merge its two golden records",
    responses=error_responses(404, 409, 422),
)
def accept(
    entity: str, candidate_id: CandidateId, session: WriteSessionDep, steward: Steward
) -> CandidateOut:
    """The two golden records become one, and stay so in every later run."""
    kind = EntityType.parse(entity)
    view = decide_candidate(session, candidate_id, True, steward.actor, kind)
    return CandidateOut.of(view, steward)


@router.post(
    "/{entity}/candidates/{candidate_id}/reject",
    response_model=CandidateOut,
    summary="Reject a candidate: keep its records apart",
    responses=error_responses(404, 409, 422),
)
def reject(
    entity: str, candidate_id: CandidateId, session: WriteSessionDep, steward: Steward
) -> CandidateOut:
    """The two records never share a golden record in any later run."""
    kind = EntityType.parse(entity)
    view = decide_candidate(session, candidate_id, False, steward.actor, kind)
    return CandidateOut.of(view, steward)
