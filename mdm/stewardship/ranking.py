"""The ranked open queue, kept per database and recomputed only when the hub changed.

Ranking needs every open candidate with the business impact of its golden records, which
means reading contracts, projects and customers: hundreds of milliseconds at 10,000
candidates. A page needs it on every load, so the ranking is kept in memory with a state
token (open candidates, newest candidate, golden record, golden event and record version):
any decision, merge, split, override or ingest moves the token and the next page recomputes.
The token costs one statement of indexed lookups.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from mdm.clock import aware
from mdm.golden.lineage_models import GoldenEvent
from mdm.golden.models import GoldenRecord
from mdm.records.models import SourceRecord, SourceRecordVersion
from mdm.resolution.models import CandidateStatus, MatchCandidate
from mdm.stewardship.impact import golden_amounts, weight


@dataclass(frozen=True)
class Ranked:
    """An open candidate's place in the queue, with what the filters look at."""

    id: int
    entity_type: str
    systems: tuple[str, str]
    probability: float
    uncertainty: float
    impact: float
    priority: float
    created_at: datetime


_OPEN = col(MatchCandidate.status) == CandidateStatus.OPEN.value


def state_token(session: Session) -> tuple[Any, ...]:
    """What moves whenever the ranking could change (ids are never reused, ULIDs grow)."""
    query = columns(
        columns(func.count()).select_from(MatchCandidate).where(_OPEN).scalar_subquery(),
        columns(func.max(MatchCandidate.id)).scalar_subquery(),
        columns(func.max(GoldenRecord.id)).scalar_subquery(),
        columns(func.max(GoldenEvent.id)).scalar_subquery(),
        columns(func.max(SourceRecordVersion.id)).scalar_subquery(),
    )
    return tuple(session.connection().execute(query).one())


def compute(session: Session) -> list[Ranked]:
    """Every open candidate, highest priority first (ties: oldest, then lowest id)."""
    a, b = aliased(SourceRecord), aliased(SourceRecord)
    query = (
        columns(
            col(MatchCandidate.id),
            col(MatchCandidate.entity_type),
            col(MatchCandidate.probability),
            col(MatchCandidate.priority),
            col(MatchCandidate.created_at),
            col(a.golden_id),
            col(b.golden_id),
            col(a.source_system),
            col(b.source_system),
        )
        .join(a, col(a.id) == col(MatchCandidate.record_a_id))
        .join(b, col(b.id) == col(MatchCandidate.record_b_id))
        .where(_OPEN)
    )
    rows = session.connection().execute(query).all()
    amounts = golden_amounts(session) if rows else {}
    out = []
    for cid, entity, probability, uncertainty, created, ga, gb, sa, sb in rows:
        impact = max(amounts.get(ga or "", 0.0), amounts.get(gb or "", 0.0))
        priority = round(uncertainty * weight(impact), 6)
        out.append(
            Ranked(
                cid or 0,
                entity,
                (sa, sb),
                probability,
                uncertainty,
                impact,
                priority,
                aware(created),
            )
        )
    out.sort(key=lambda r: (-r.priority, r.created_at, r.id))
    return out


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: tuple[Any, ...] | None = None
        self.rows: list[Ranked] = []


# One cache per connection pool: every engine and option-engine over a database shares it.
_CACHES: weakref.WeakKeyDictionary[Any, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def open_queue(session: Session) -> list[Ranked]:
    """The ranked open queue as of now (from memory when nothing changed since)."""
    pool = session.connection().engine.pool
    with _CACHES_LOCK:
        cache = _CACHES.setdefault(pool, _Cache())
    token = state_token(session)
    with cache.lock:
        if cache.token == token:
            return cache.rows
    rows = compute(session)
    with cache.lock:
        cache.token, cache.rows = token, rows
    return rows
