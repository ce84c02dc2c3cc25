"""The body a receiver gets: the outbox event, masked for the subscription's scopes.

`data` has the change feed's shape (`GET /api/v1/events`) and goes through the same masking
(`mdm.golden.shown`), so a value a subscription may not see is null and named in `masked`.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from mdm.auth.masking import is_visible
from mdm.auth.principal import Principal
from mdm.clock import aware
from mdm.entities import EntityType
from mdm.golden.lineage_models import OutboxEvent
from mdm.golden.shown import shown_event
from mdm.golden.timeline import EventView


def event_id(outbox_id: int) -> str:
    """The public id of an outbox event (`evt_42`), the same in every delivery of it."""
    return f"evt_{outbox_id}"


def envelope(row: OutboxEvent, receiver: Principal, correlation_id: str) -> dict[str, Any]:
    """The JSON body for one event: id, type, occurred_at, masked data, correlation id."""
    assert row.id is not None
    payload = row.payload
    entity = EntityType.parse(payload["entity_type"])
    occurred_at = aware(row.created_at).astimezone(UTC)
    view = EventView(
        id=row.id,
        golden_id=payload["golden_id"],
        kind=payload["kind"],
        at=occurred_at,
        actor=payload.get("actor", "engine"),
        correlation_id=row.correlation_id,
        detail=dict(payload.get("detail", {})),
        state=dict(payload.get("state", {})),
    )
    shown = shown_event(entity, view, receiver)
    masked = set(shown.state.masked)
    override = view.detail.get("override")
    if isinstance(override, str) and not is_visible(entity, override, receiver):
        masked.add(override)  # a steward override's value, nulled in `detail`
    state = shown.state
    return {
        "id": event_id(row.id),
        "type": row.topic,
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {
            "golden_id": view.golden_id,
            "entity_type": entity.value,
            "kind": view.kind,
            "state": {
                "status": state.status,
                "merged_into": state.merged_into,
                "members": state.members,
                "attributes": state.attributes,
            },
            "detail": shown.detail,
            "masked": sorted(masked),
            "actor": view.actor,
        },
        "correlation_id": correlation_id,
    }
