"""Read side of golden history: events of many golden ids, and their states at given times."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mdm.clock import aware
from mdm.db import chunks
from mdm.golden.lineage_models import GoldenEvent


@dataclass(frozen=True)
class EventView:
    """One change of a golden record and its state afterwards."""

    id: int
    golden_id: str
    kind: str
    at: datetime
    actor: str
    correlation_id: str | None
    detail: dict[str, Any]
    state: dict[str, Any]


def events_of(session: Session, golden_ids: Iterable[str]) -> dict[str, list[EventView]]:
    """Every event of each golden id, oldest first."""
    found: dict[str, list[EventView]] = defaultdict(list)
    for chunk in chunks(sorted(set(golden_ids))):
        query = (
            select(GoldenEvent)
            .where(col(GoldenEvent.golden_id).in_(chunk))
            .order_by(col(GoldenEvent.id))
        )
        for event in session.exec(query):
            assert event.id is not None
            found[event.golden_id].append(
                EventView(
                    id=event.id,
                    golden_id=event.golden_id,
                    kind=event.kind,
                    at=aware(event.created_at),
                    actor=event.actor,
                    correlation_id=event.correlation_id,
                    detail=dict(event.detail),
                    state=dict(event.state),
                )
            )
    return found


def states_as_of(
    session: Session, wanted: Sequence[tuple[str, datetime]]
) -> list[dict[str, Any] | None]:
    """For each (golden id, time), the state after its last event at or before that time.

    None where the golden record did not exist yet. Times without a zone are read as UTC.
    """
    events = events_of(session, {gid for gid, _ in wanted})
    return [_state_at(events.get(gid, []), aware(when)) for gid, when in wanted]


def _state_at(events: list[EventView], when: datetime) -> dict[str, Any] | None:
    state = None
    for event in events:  # in id order: the last one not after `when` wins, as in `history`
        if event.at <= when:
            state = event.state
    return state
