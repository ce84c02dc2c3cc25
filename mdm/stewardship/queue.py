"""The steward's queue: open candidates by priority = match uncertainty x business impact.

Filters (entity type, source system, score band, age) run in SQL; the ranking runs in Python
over the filtered candidates' few columns, because impact comes from the records' contracts
and projects, which the candidate rows do not carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_
from sqlalchemy import select as columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.golden.queries import aware
from mdm.records.models import SourceRecord
from mdm.resolution.candidates import CandidateView, candidates_by_ids
from mdm.resolution.models import CandidateStatus, MatchCandidate
from mdm.stewardship.impact import golden_amounts, weight

PAGE_SIZE = 25
Rows = Select[*tuple[Any, ...]]
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

    def __post_init__(self) -> None:
        if self.band is not None and self.band not in BANDS:
            raise InvalidInput(f"unknown score band {self.band!r}; expected one of {list(BANDS)}")
        if self.age is not None and self.age not in AGES:
            raise InvalidInput(f"unknown age {self.age!r}; expected one of {list(AGES)}")


@dataclass(frozen=True)
class Ranked:
    """A candidate's place in the queue."""

    id: int
    probability: float
    uncertainty: float
    impact: float
    priority: float
    created_at: datetime


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
    rows = list(session.execute(_query(where)))
    goldens = {g for row in rows for g in (row[4], row[5]) if g}
    amounts = golden_amounts(session, goldens) if rows else {}
    out = []
    for cid, probability, uncertainty, created, golden_a, golden_b in rows:
        impact = max(amounts.get(golden_a or "", 0.0), amounts.get(golden_b or "", 0.0))
        out.append(
            Ranked(
                id=cid,
                probability=probability,
                uncertainty=uncertainty,
                impact=impact,
                priority=round(uncertainty * weight(impact), 6),
                created_at=aware(created),
            )
        )
    out.sort(key=lambda r: (-r.priority, r.created_at, r.id))
    return out


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


def _query(where: QueueFilter) -> Rows:
    a, b = aliased(SourceRecord), aliased(SourceRecord)
    query = (
        columns(
            col(MatchCandidate.id),
            col(MatchCandidate.probability),
            col(MatchCandidate.priority),
            col(MatchCandidate.created_at),
            col(a.golden_id),
            col(b.golden_id),
        )
        .join(a, col(a.id) == col(MatchCandidate.record_a_id))
        .join(b, col(b.id) == col(MatchCandidate.record_b_id))
        .where(col(MatchCandidate.status) == CandidateStatus.OPEN.value)
    )
    if where.entity is not None:
        query = query.where(col(MatchCandidate.entity_type) == where.entity.value)
    if where.system:
        query = query.where(
            or_(col(a.source_system) == where.system, col(b.source_system) == where.system)
        )
    if where.band is not None:
        low, high = BANDS[where.band]
        query = query.where(
            col(MatchCandidate.probability) >= low, col(MatchCandidate.probability) < high
        )
    if where.age is not None:
        query = _age(query, *AGES[where.age])
    return query


def _age(query: Rows, min_days: int | None, max_days: int | None) -> Rows:
    now = utcnow()
    if min_days is not None:
        query = query.where(col(MatchCandidate.created_at) <= now - timedelta(days=min_days))
    if max_days is not None:
        query = query.where(col(MatchCandidate.created_at) > now - timedelta(days=max_days))
    return query
