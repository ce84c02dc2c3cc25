"""The review queue: match candidates page by page, most uncertain first, both records side by
side with the engine's explanation; and a steward's decision with its consequences."""

from __future__ import annotations

import base64
import binascii
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from mdm.clock import aware
from mdm.entities import EntityType
from mdm.errors import InvalidInput, NotFound
from mdm.golden.queries import SourceKey
from mdm.records.models import RECORD_TABLES, RecordStatus, SourceRecord
from mdm.resolution.incremental import follow_parents
from mdm.resolution.models import CandidateStatus, MatchCandidate
from mdm.resolution.review import decide

MAX_PAGE = 100
_CURSOR_PREFIX = "v1:"


@dataclass(frozen=True)
class CandidateSide:
    """One record of a candidate pair: its key, current golden id and current values."""

    key: SourceKey
    golden_id: str | None
    values: dict[str, str]


@dataclass(frozen=True)
class CandidateView:
    """A pair the engine was unsure of, with why, and what became of it."""

    id: int
    entity_type: EntityType
    status: str
    probability: float
    priority: float
    explanation: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    a: CandidateSide
    b: CandidateSide


@dataclass(frozen=True)
class CandidateFilter:
    """Which candidates a page holds."""

    entity: EntityType | None = None
    status: CandidateStatus | None = CandidateStatus.OPEN


@dataclass(frozen=True)
class CandidatePage:
    """One page; `end_cursor` resumes after its last item."""

    items: list[CandidateView]
    end_cursor: str | None
    has_next: bool
    total: int


def encode_cursor(priority: float, candidate_id: int) -> str:
    """The opaque position of a candidate in the queue's order."""
    raw = f"{_CURSOR_PREFIX}{priority!r}:{candidate_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, int]:
    """(priority, id) of a cursor this module handed out; `InvalidInput` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        priority, candidate_id = raw.removeprefix(_CURSOR_PREFIX).split(":")
        position = float(priority)
        if not raw.startswith(_CURSOR_PREFIX) or not candidate_id.isdigit():
            raise ValueError(raw)
        if not math.isfinite(position) or len(candidate_id) > 18:
            raise ValueError(raw)
        return position, int(candidate_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"cursor {cursor[:80]!r} is not one this queue handed out") from exc


def candidates_page(
    session: Session, where: CandidateFilter, first: int = 20, after: str | None = None
) -> CandidatePage:
    """Up to `first` candidates after the cursor, most uncertain (highest priority) first."""
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}")
    filters = []
    if where.entity is not None:
        filters.append(col(MatchCandidate.entity_type) == where.entity.value)
    if where.status is not None:
        filters.append(col(MatchCandidate.status) == where.status.value)
    total = session.exec(select(func.count()).select_from(MatchCandidate).where(*filters)).one()
    query = select(MatchCandidate).where(*filters)
    if after is not None:
        priority, last_id = decode_cursor(after)
        query = query.where(
            or_(
                col(MatchCandidate.priority) < priority,
                and_(col(MatchCandidate.priority) == priority, col(MatchCandidate.id) > last_id),
            )
        )
    query = query.order_by(col(MatchCandidate.priority).desc(), col(MatchCandidate.id))
    rows = list(session.exec(query.limit(first + 1)))
    items = _views(session, rows[:first])
    end = encode_cursor(items[-1].priority, items[-1].id) if items else None
    return CandidatePage(items, end, has_next=len(rows) > first, total=total)


def candidates_by_ids(session: Session, ids: Iterable[int]) -> dict[int, CandidateView]:
    """The candidates that exist among `ids`."""
    wanted = sorted(set(ids))
    rows = list(session.exec(select(MatchCandidate).where(col(MatchCandidate.id).in_(wanted))))
    return {view.id: view for view in _views(session, rows)}


def candidate(
    session: Session, candidate_id: int, entity: EntityType | None = None
) -> CandidateView:
    """One candidate (of `entity`, when given); `NotFound` otherwise."""
    view = candidates_by_ids(session, [candidate_id]).get(candidate_id)
    if view is None or (entity is not None and view.entity_type != entity):
        kind = f"{entity.value} " if entity else ""
        raise NotFound(f"no {kind}match candidate {candidate_id}")
    return view


def decide_candidate(
    session: Session, candidate_id: int, accept: bool, actor: str, entity: EntityType | None = None
) -> CandidateView:
    """Accept (merge) or reject (keep apart) a candidate; a customer's children follow a merge."""
    before = candidate(session, candidate_id, entity)
    moved = _members(session, {before.a.golden_id, before.b.golden_id})
    decide(session, candidate_id, accept, actor)
    if accept and before.entity_type == EntityType.CUSTOMER:
        follow_parents(session, moved)
    return candidate(session, candidate_id)


def _members(session: Session, golden_ids: set[str | None]) -> list[int]:
    wanted = [g for g in golden_ids if g]
    query = select(SourceRecord.id).where(
        col(SourceRecord.golden_id).in_(wanted),
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
    )
    return [i for i in session.exec(query) if i is not None]


def _views(session: Session, rows: list[MatchCandidate]) -> list[CandidateView]:
    by_type: dict[EntityType, set[int]] = defaultdict(set)
    for row in rows:
        by_type[EntityType(row.entity_type)] |= {row.record_a_id, row.record_b_id}
    sides: dict[int, CandidateSide] = {}
    for entity, record_ids in by_type.items():
        sides.update(_sides(session, entity, record_ids))
    return [
        CandidateView(
            id=row.id or 0,
            entity_type=EntityType(row.entity_type),
            status=row.status,
            probability=row.probability,
            priority=row.priority,
            explanation=dict(row.explanation),
            created_at=aware(row.created_at),
            decided_at=aware(row.decided_at) if row.decided_at else None,
            decided_by=row.decided_by,
            a=sides[row.record_a_id],
            b=sides[row.record_b_id],
        )
        for row in rows
    ]


def _sides(session: Session, entity: EntityType, record_ids: set[int]) -> dict[int, CandidateSide]:
    table = RECORD_TABLES[entity]
    names = [n for n in table.model_fields if n != "source_record_id"]
    query = (
        select(SourceRecord, table)
        .outerjoin(table, col(table.source_record_id) == col(SourceRecord.id))
        .where(col(SourceRecord.id).in_(sorted(record_ids)))
    )
    found = {}
    for record, typed in session.exec(query):
        assert record.id is not None
        values = {} if typed is None else {n: getattr(typed, n) for n in names}
        found[record.id] = CandidateSide(
            SourceKey(record.id, record.source_system, record.source_id),
            record.golden_id,
            {n: str(v) for n, v in values.items() if v is not None},
        )
    return found
