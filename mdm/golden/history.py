"""Append-only golden events, each with the state afterwards, and the outbox row beside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.db import execute_many, flushed_connection
from mdm.errors import NotFound
from mdm.golden.lineage_models import GoldenEvent, OutboxEvent
from mdm.jsontext import dumps as _dumps
from mdm.jsontext import json_bind

EVENT_KINDS = ("created", "updated", "merged", "unmerged", "record_linked", "record_unlinked")


class GoldenState(Protocol):
    """What an event's state reads of a golden record (a loaded record or its columns)."""

    @property
    def status(self) -> str: ...

    @property
    def merged_into_id(self) -> str | None: ...


def state_of(
    golden: GoldenState, members: Iterable[str], attributes: Mapping[str, str]
) -> dict[str, Any]:
    """What a golden record is after a change: status, redirect, members and attributes."""
    return {
        "status": golden.status,
        "merged_into": golden.merged_into_id,
        "members": sorted(members),
        "attributes": dict(sorted(attributes.items())),
    }


_EVENT_TABLE = GoldenEvent.__table__  # type: ignore[attr-defined]
_OUTBOX_TABLE = OutboxEvent.__table__  # type: ignore[attr-defined]
# Inserts taking their JSON columns as text: see `_outbox_row`.
_EVENTS = _EVENT_TABLE.insert().values(
    state=json_bind("state_json"), detail=json_bind("detail_json")
)
_OUTBOX = _OUTBOX_TABLE.insert().values(payload=json_bind("payload_json"))


def record_events(session: Session, events: Sequence[dict[str, Any]]) -> None:
    """Write events and their outbox rows in bulk (same transaction as the change).

    Each event dict has golden_id, entity_type, kind, state, and optionally detail and actor.
    """
    if not events:
        return
    now, cid = utcnow(), correlation.get()
    rows, outbox = [], []
    for event in events:
        assert event["kind"] in EVENT_KINDS, event["kind"]
        row = _event_row(event, cid, now)
        rows.append(row)
        outbox.append(_outbox_row(row))
    # rows may refer to golden records the session holds: those are flushed first
    connection = flushed_connection(session)
    execute_many(connection, _EVENTS, rows)
    execute_many(connection, _OUTBOX, outbox)


def _event_row(event: dict[str, Any], cid: str | None, now: datetime) -> dict[str, Any]:
    """An event row, its JSON columns serialized here: the outbox row reuses the text."""
    return {
        "golden_id": event["golden_id"],
        "entity_type": event["entity_type"],
        "kind": event["kind"],
        "state_json": _dumps(event["state"]),
        "detail_json": _dumps(event.get("detail", {})),
        "actor": event.get("actor", "engine"),
        "correlation_id": cid,
        "created_at": now,
    }


def _outbox_row(row: dict[str, Any]) -> dict[str, Any]:
    """The outbox row of an event row; its payload is the text `json.dumps` writes for
    {golden_id, entity_type, kind, state, detail, actor}, put together around the state
    already serialized (a thousand states a batch, each the larger part of both rows)."""
    payload = (
        f'{{"golden_id": {_dumps(row["golden_id"])}, '
        f'"entity_type": {_dumps(row["entity_type"])}, "kind": {_dumps(row["kind"])}, '
        f'"state": {row["state_json"]}, "detail": {row["detail_json"]}, '
        f'"actor": {_dumps(row["actor"])}}}'
    )
    return {
        "topic": f"golden.{row['kind']}",
        "aggregate_id": row["golden_id"],
        "payload_json": payload,
        "correlation_id": row["correlation_id"],
        "created_at": row["created_at"],
    }


def history(session: Session, golden_id: str) -> list[GoldenEvent]:
    """Every event of a golden id, oldest first."""
    query = (
        select(GoldenEvent)
        .where(col(GoldenEvent.golden_id) == golden_id)
        .order_by(col(GoldenEvent.id))
    )
    return list(session.exec(query))


def state_as_of(session: Session, golden_id: str, when: datetime) -> dict[str, Any]:
    """The golden record as it stood at `when`; `NotFound` before it existed."""
    query = (
        select(GoldenEvent)
        .where(col(GoldenEvent.golden_id) == golden_id, col(GoldenEvent.created_at) <= when)
        .order_by(col(GoldenEvent.id).desc())
        .limit(1)
    )
    event = session.exec(query).first()
    if event is None:
        raise NotFound(f"golden record {golden_id} did not exist at {when.isoformat()}")
    return event.state
