"""A sandbox's change feed, with the faults real feeds have: duplicates, reordering, late
events and a retention window after which old events are gone."""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field


class FeedFaults(BaseModel):
    """How unreliable the feed is (rates per published event), seeded."""

    duplicate_rate: float = Field(default=0.0, ge=0, le=1)
    reorder_rate: float = Field(default=0.0, ge=0, le=1)
    late_rate: float = Field(default=0.0, ge=0, le=1)
    late_by: int = Field(default=3, ge=1, le=1000, description="Events a late one waits behind.")
    seed: int = 0


@dataclass
class FeedEvent:
    """One change notification; `event_id` is the dedupe key, `sequence` the position."""

    sequence: int
    event_id: str
    entity: str
    record_id: str
    change_type: str
    changed_fields: list[str]
    at: datetime
    origin: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sequence": self.sequence,
            "event_id": self.event_id,
            "entity": self.entity,
            "record_id": self.record_id,
            "change_type": self.change_type,
            "changed_fields": self.changed_fields,
            "at": self.at.isoformat(),
            "origin": self.origin,
        }


@dataclass
class ChangeFeed:
    """Events in delivery order; faults decide that order and what is repeated."""

    retention: timedelta = timedelta(hours=72)
    faults: FeedFaults = field(default_factory=FeedFaults)
    _events: list[FeedEvent] = field(default_factory=list)
    _late: list[tuple[int, FeedEvent]] = field(default_factory=list)
    _sequence: int = 0
    _rng: random.Random = field(default_factory=lambda: random.Random(0))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, faults: FeedFaults) -> None:
        """Replace the feed's faults (and reseed)."""
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)

    def publish(
        self,
        entity: str,
        record_id: str,
        change_type: str,
        changed_fields: list[str],
        origin: str | None = None,
    ) -> None:
        """Announce a change; with faults it may come twice, out of order, or late."""
        with self._lock:
            event = FeedEvent(
                0,
                str(uuid.uuid4()),
                entity,
                record_id,
                change_type,
                changed_fields,
                datetime.now(UTC),
                origin,
            )
            self._release_late()
            if self._rng.random() < self.faults.late_rate:
                self._late.append((self.faults.late_by, event))
                return
            self._deliver(event)
            if self._rng.random() < self.faults.duplicate_rate:
                self._deliver(event)
            if len(self._events) > 1 and self._rng.random() < self.faults.reorder_rate:
                self._events[-1], self._events[-2] = self._events[-2], self._events[-1]

    def read(self, after: int, limit: int) -> list[FeedEvent]:
        """Events positioned after `after`, within the retention window."""
        with self._lock:
            horizon = datetime.now(UTC) - self.retention
            return [e for e in self._events if e.sequence > after and e.at >= horizon][:limit]

    def reset(self) -> None:
        """Drop every event (sequence numbers keep counting)."""
        with self._lock:
            self._events.clear()
            self._late.clear()

    def _deliver(self, event: FeedEvent) -> None:
        self._sequence += 1
        # A duplicate keeps its event id (that is what consumers dedupe on), not its position.
        self._events.append(FeedEvent(**{**event.__dict__, "sequence": self._sequence}))

    def _release_late(self) -> None:
        waiting = [(n - 1, e) for n, e in self._late]
        self._late = [(n, e) for n, e in waiting if n > 0]
        for _, event in (item for item in waiting if item[0] <= 0):
            self._deliver(event)
