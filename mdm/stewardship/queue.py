"""The steward's queue: open candidates by priority = match uncertainty x business impact.

The ranking (see `ranking`) covers every open candidate; the filters (entity type, source
system, score band, age) pick from it, and a page loads both records of its 25 pairs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select as columns
from sqlmodel import Session, col

from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.records.models import SourceRecord
from mdm.resolution.candidates import CandidateView, candidates_by_ids
from mdm.stewardship.ranking import Ranked, open_queue

PAGE_SIZE = 25
# Score bands by match probability, in percent: [low, high).
BANDS: dict[str, tuple[float, float]] = {
    "0-50": (0.0, 0.5),
    "50-70": (0.5, 0.7),
    "70-90": (0.7, 0.9),
    "90-100": (0.9, 1.01),
}
# Age filters: (min days, max days) since the candidate was opened.
AGES: dict[str, tuple[int | None, int | None]] = {
    "1d": (None, 1),
    "7d": (None, 7),
    "old7": (7, None),
    "old30": (30, None),
}


@dataclass(frozen=True)
class QueueFilter:
    """What the steward narrowed the queue to; None means any."""

    entity: EntityType | None = None
    system: str | None = None
    band: str | None = None
    age: str | None = None

    def admits(self, row: Ranked, now: datetime) -> bool:
        """Whether a ranked candidate passes every filter."""
        if self.entity is not None and row.entity_type != self.entity.value:
            return False
        if self.system and self.system not in row.systems:
            return False
        if self.band is not None:
            low, high = BANDS[self.band]
            if not low <= row.probability < high:
                return False
        if self.age is not None:
            min_days, max_days = AGES[self.age]
            age = now - row.created_at
            if min_days is not None and age < timedelta(days=min_days):
                return False
            if max_days is not None and age >= timedelta(days=max_days):
                return False
        return True

    def __post_init__(self) -> None:
        if self.band is not None and self.band not in BANDS:
            raise InvalidInput(f"unknown score band {self.band!r}; expected one of {list(BANDS)}")
        if self.age is not None and self.age not in AGES:
            raise InvalidInput(f"unknown age {self.age!r}; expected one of {list(AGES)}")


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue page: the ranking and the pair itself."""

    rank: Ranked
    view: CandidateView


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and the size of the whole filtered queue."""

    items: list[QueueItem]
    total: int
    page: int
    pages: int


def ranked(session: Session, where: QueueFilter) -> list[Ranked]:
    """Every open candidate passing the filter, highest priority first (ties: oldest first)."""
    return [r for r in open_queue(session) if where.admits(r, utcnow())]


def queue_page(session: Session, where: QueueFilter, page: int = 1) -> QueuePage:
    """One page of the queue with both records of every pair."""
    if page < 1:
        raise InvalidInput("page numbers start at 1")
    order = ranked(session, where)
    pages = max(1, -(-len(order) // PAGE_SIZE))
    chosen = order[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    views = candidates_by_ids(session, [r.id for r in chosen])
    items = [QueueItem(r, views[r.id]) for r in chosen if r.id in views]
    return QueuePage(items=items, total=len(order), page=page, pages=pages)


def next_after(session: Session, where: QueueFilter, candidate_id: int) -> int | None:
    """The candidate after `candidate_id` in the queue (skip), or the first when it is gone."""
    order = [r.id for r in ranked(session, where)]
    if candidate_id in order:
        i = order.index(candidate_id)
        rest = order[i + 1 :] or order[:i]
        return rest[0] if rest else None
    return order[0] if order else None


def systems(session: Session) -> list[str]:
    """Source systems with records, for the filter."""
    query = columns(col(SourceRecord.source_system)).distinct().order_by("source_system")
    return [s for (s,) in session.execute(query)]
