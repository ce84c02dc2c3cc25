"""`GET /api/v1/events`: the golden change feed, resumable with an opaque cursor, never skipping."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from mdm.api.deps import SessionDep
from mdm.api.openapi import UtcDateTime, error_response, error_responses
from mdm.auth.deps import requires
from mdm.auth.masking import is_visible, mask
from mdm.auth.principal import Principal, Scope
from mdm.entities import EntityType
from mdm.golden.feed import FeedEvent, FeedFilter, parse_cursor, read_feed

router = APIRouter(prefix="/api/v1", tags=["events"])

Reader = Annotated[Principal, Depends(requires(Scope.READ))]


class EventKind(StrEnum):
    """What happened to a golden record (the outbox topic is `golden.<kind>`)."""

    CREATED = "created"
    UPDATED = "updated"
    MERGED = "merged"
    UNMERGED = "unmerged"
    RECORD_LINKED = "record_linked"
    RECORD_UNLINKED = "record_unlinked"


class GoldenStateOut(BaseModel):
    """The golden record right after the change."""

    status: str = Field(description="`active`, `merged` (see `merged_into`) or `retired`")
    merged_into: str | None
    members: list[str] = Field(description="Its source records as `system:source_id`")
    attributes: dict[str, str | None] = Field(description="Survived values; masked ones null")


class FeedEventOut(BaseModel):
    """One change of one golden record."""

    cursor: str = Field(description="Pass as `after` to resume right after this event")
    id: int
    topic: str
    kind: EventKind
    golden_id: str
    entity_type: str
    state: GoldenStateOut
    detail: dict[str, Any]
    masked: list[str] = Field(description="Attributes hidden from this caller")
    actor: str
    correlation_id: str | None
    created_at: UtcDateTime


_EXAMPLE_EVENT: dict[str, JsonValue] = {
    "cursor": "djEuMC4x",
    "id": 1,
    "topic": "golden.created",
    "kind": "created",
    "golden_id": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA",
    "entity_type": "customer",
    "state": {
        "status": "active",
        "merged_into": None,
        "members": ["crm:0015g00000AbCdE"],
        "attributes": {"name": "Acme GmbH", "country": "DE", "tax_id": None},
    },
    "detail": {"records": ["crm:0015g00000AbCdE"]},
    "masked": ["tax_id"],
    "actor": "engine",
    "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA",
    "created_at": "2026-11-26T08:00:00Z",
}


class FeedPageOut(BaseModel):
    """A page of the feed, oldest first, and where to resume."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"events": [_EXAMPLE_EVENT], "next_cursor": "djEuMC4x", "has_more": False}]
        }
    )

    events: list[FeedEventOut]
    next_cursor: str = Field(description="Pass as `after` next time, even when `events` is empty")
    has_more: bool = Field(description="More events are ready now: ask again without waiting")


_BAD_CURSOR = error_response(
    400, "The cursor is not one this feed handed out", "invalid_cursor", "cursor 'x' is not ..."
)


@router.get(
    "/events",
    response_model=FeedPageOut,
    summary="Read the golden change feed",
    responses={400: _BAD_CURSOR, **error_responses(422)},
)
def events(
    session: SessionDep,
    principal: Reader,
    after: Annotated[
        str | None, Query(description="`next_cursor` of the previous page; omit to start")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Events per page")] = 100,
    entity_type: Annotated[
        str | None, Query(description="Only `customers`, `projects` or `contracts`")
    ] = None,
    kind: Annotated[EventKind | None, Query(description="Only this kind of change")] = None,
) -> FeedPageOut:
    """Golden changes after `after`, in an order no late commit can break.

    Poll with the answer's `next_cursor`: it moves past events the filters leave out, and an
    event is served only once every transaction that could precede it has finished.
    """
    where = FeedFilter(EntityType.parse(entity_type) if entity_type else None, kind)
    page = read_feed(session, parse_cursor(after), limit, where)
    return FeedPageOut(
        events=[_shown(e, principal) for e in page.events],
        next_cursor=page.next.cursor(),
        has_more=page.has_more,
    )


def _shown(event: FeedEvent, principal: Principal) -> FeedEventOut:
    """The event as this caller may see it: values their scopes do not cover are nulled."""
    payload = event.row.payload
    entity = EntityType.parse(payload["entity_type"])
    state = payload["state"]
    shown = mask(entity, state.get("attributes", {}), principal)
    detail, hidden = dict(payload.get("detail", {})), set(shown.masked)
    override = detail.get("override")
    # A steward override carries the value it set: as sensitive as the attribute itself.
    if isinstance(override, str) and not is_visible(entity, override, principal):
        detail["value"] = None
        hidden.add(override)
    return FeedEventOut(
        cursor=event.position.cursor(),
        id=event.position.id,
        topic=event.row.topic,
        kind=EventKind(payload["kind"]),
        golden_id=payload["golden_id"],
        entity_type=entity.value,
        state=GoldenStateOut(**{**state, "attributes": shown.values}),
        detail=detail,
        masked=sorted(hidden),
        actor=payload.get("actor", "engine"),
        correlation_id=event.row.correlation_id,
        created_at=event.row.created_at,
    )
