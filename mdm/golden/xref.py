"""The cross-reference lookup: "I hold id X in system A; what is its golden record and its ids
in every other system?" Asked thousands of times a minute, so it is two indexed statements on
a bare connection (no ORM objects): the record with its golden record and review flag, then
the golden record's active members. A merge redirect costs one more statement per hop.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, exists, or_, select

from mdm.entities import EntityType
from mdm.errors import NotFound
from mdm.golden.models import GoldenRecord
from mdm.golden.queries import MAX_REDIRECTS
from mdm.records.models import RecordStatus, SourceRecord
from mdm.resolution.models import CandidateStatus, MatchCandidate

_record = SourceRecord.__table__.alias("r")  # type: ignore[attr-defined]
_golden = GoldenRecord.__table__.alias("g")  # type: ignore[attr-defined]
_candidate = MatchCandidate.__table__.alias("c")  # type: ignore[attr-defined]
_member = SourceRecord.__table__.alias("m")  # type: ignore[attr-defined]


def _open_candidate_on(column: object) -> object:
    return exists().where(_candidate.c.status == CandidateStatus.OPEN.value, column == _record.c.id)


# Built once: SQLAlchemy caches the compiled form, so a lookup only binds three values.
RECORD_QUERY = (
    select(
        _record.c.golden_id,
        _record.c.status,
        _golden.c.merged_into_id,
        or_(
            _open_candidate_on(_candidate.c.record_a_id),  # type: ignore[arg-type]
            _open_candidate_on(_candidate.c.record_b_id),  # type: ignore[arg-type]
        ).label("pending"),
    )
    .select_from(_record.outerjoin(_golden, _golden.c.id == _record.c.golden_id))
    .where(
        and_(
            _record.c.entity_type == bindparam("entity"),
            _record.c.source_system == bindparam("system"),
            _record.c.source_id == bindparam("source_id"),
        )
    )
)
MEMBERS_QUERY = (
    select(_member.c.source_system, _member.c.source_id)
    .where(
        _member.c.golden_id == bindparam("golden_id"),
        _member.c.status == RecordStatus.ACTIVE.value,
    )
    .order_by(_member.c.source_system, _member.c.source_id)
)
REDIRECT_QUERY = select(_golden.c.merged_into_id).where(_golden.c.id == bindparam("golden_id"))


@dataclass(frozen=True)
class Xref:
    """Where a source record stands: its golden record and every system's ids for it."""

    entity_type: EntityType
    source_system: str
    source_id: str
    golden_id: str | None
    status: str  # "linked", "pending_review" or "deleted", as in the xref export
    redirected_from: str | None  # the record's stored golden id, when it has been merged away
    ids: dict[str, list[str]]


def xref(connection: Connection, entity: EntityType, system: str, source_id: str) -> Xref:
    """The cross-reference of one source record; `NotFound` when the hub has no such record."""
    key = {"entity": entity.value, "system": system.strip().lower(), "source_id": source_id}
    row = connection.execute(RECORD_QUERY, key).first()
    if row is None:
        raise NotFound(f"no {entity.value} record {key['system']}:{source_id}")
    stored, record_status, merged_into, pending = row
    golden = _follow(connection, merged_into) if merged_into else stored
    ids: dict[str, list[str]] = defaultdict(list)
    if golden is not None:
        for member_system, member_id in connection.execute(MEMBERS_QUERY, {"golden_id": golden}):
            ids[member_system].append(member_id)
    if record_status == RecordStatus.DELETED.value:
        status = "deleted"
    else:
        status = "pending_review" if pending else "linked"
    return Xref(
        entity_type=entity,
        source_system=key["system"],
        source_id=source_id,
        golden_id=golden,
        status=status,
        redirected_from=stored if golden != stored else None,
        ids=dict(ids),
    )


def _follow(connection: Connection, golden_id: str) -> str:
    seen = {golden_id}
    for _ in range(MAX_REDIRECTS):
        nxt = connection.execute(REDIRECT_QUERY, {"golden_id": golden_id}).scalar()
        if nxt is None or nxt in seen:
            break
        seen.add(nxt)
        golden_id = nxt
    return golden_id
