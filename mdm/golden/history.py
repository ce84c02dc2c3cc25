"""Append-only golden events, each with the state afterwards, and the outbox row beside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.db import insert_rows
from mdm.errors import NotFound
from mdm.golden.lineage_models import GoldenEvent, OutboxEvent

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


def record_events(session: Session, events: Sequence[dict[str, Any]]) -> None:
    """Write events and their outbox rows in bulk (same transaction as the change).

    Each event dict has golden_id, entity_type, kind, state, and optionally detail and actor.
    """
    if not events:
        return
    now, cid = utcnow(), correlation.get()
    rows = [
        {
            "golden_id": e["golden_id"],
            "entity_type": e["entity_type"],
            "kind": e["kind"],
            "state": e["state"],
            "detail": e.get("detail", {}),
            "actor": e.get("actor", "engine"),
            "correlation_id": cid,
            "created_at": now,
        }
        for e in events
    ]
    for row in rows:
        assert row["kind"] in EVENT_KINDS, row["kind"]
    insert_rows(session, GoldenEvent, rows)
    outbox = [
        {
            "topic": f"golden.{r['kind']}",
            "aggregate_id": r["golden_id"],
            "payload": {
                k: r[k] for k in ("golden_id", "entity_type", "kind", "state", "detail", "actor")
            },
            "correlation_id": cid,
            "created_at": now,
        }
        for r in rows
    ]
    insert_rows(session, OutboxEvent, outbox)


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
