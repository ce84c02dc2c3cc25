"""Which source records make up which golden record: assign, merge, split, move, redirect."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.db import chunks, execute_many, expire_loaded, insert_rows
from mdm.entities import EntityType
from mdm.errors import Conflict, InvalidInput, NotFound
from mdm.golden.attributes import GoldenView, recompute
from mdm.golden.history import record_events, state_of
from mdm.golden.ids import new_golden_id
from mdm.golden.lineage_models import ConstraintKind, GoldenLink, LinkKind, MatchConstraint
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.id_lists import in_list
from mdm.records.models import RecordStatus, SourceRecord

_ACTIVE, _RETIRED = GoldenStatus.ACTIVE.value, GoldenStatus.RETIRED.value


@dataclass(frozen=True)
class Change:
    """One golden record touched by an operation, and the event to record for it."""

    golden_id: str
    kind: str
    detail: dict[str, Any]


def resolve_id(session: Session, golden_id: str) -> GoldenRecord:
    """The golden record behind an id, following merge redirects to the survivor."""
    seen: set[str] = set()
    golden = session.get(GoldenRecord, golden_id)
    while golden is not None and golden.merged_into_id and golden.id not in seen:
        seen.add(golden.id)
        golden = session.get(GoldenRecord, golden.merged_into_id)
    if golden is None:
        raise NotFound(f"no golden record {golden_id}")
    return golden


def members_of(session: Session, golden_id: str) -> list[SourceRecord]:
    """Active source records of a golden id, in key order."""
    query = (
        select(SourceRecord)
        .where(
            col(SourceRecord.golden_id) == golden_id,
            col(SourceRecord.status) == RecordStatus.ACTIVE.value,
        )
        .order_by(col(SourceRecord.source_system), col(SourceRecord.source_id))
    )
    return list(session.exec(query))


def new_goldens(session: Session, entity: EntityType, records: Sequence[SourceRecord]) -> None:
    """Give each record a golden record of its own (no event yet: see `publish`)."""
    now = utcnow()
    rows = []
    for record in records:
        record.golden_id = new_golden_id(entity)
        rows.append(
            {
                "id": record.golden_id,
                "entity_type": entity.value,
                "status": GoldenStatus.ACTIVE.value,
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        with session.no_autoflush:
            insert_rows(session, GoldenRecord, rows)
        session.flush()


def own_goldens_for(
    session: Session, entity: EntityType, record_ids: Sequence[int]
) -> dict[int, str]:
    """Give records without a golden record one each, with its `created` event."""
    records = [r for r in (session.get(SourceRecord, i) for i in record_ids) if r is not None]
    records = [r for r in records if r.golden_id is None]
    new_goldens(session, entity, records)
    changes = [
        Change(r.golden_id or "", "created", {"record": f"{r.source_system}:{r.source_id}"})
        for r in records
    ]
    publish(session, entity, changes)
    return {r.id: r.golden_id for r in records if r.id is not None and r.golden_id}


def publish(
    session: Session,
    entity: EntityType,
    changes: Iterable[Change],
    actor: str = "engine",
    *,
    fresh: frozenset[str] = frozenset(),
) -> dict[str, GoldenView]:
    """Recompute survivorship of every touched golden id and record one event for each change.

    `fresh`: golden ids inserted in this transaction, active and without attributes or
    overrides yet (nothing of them is read back or deleted: half of a batch's golden ids)."""
    changes = list(changes)
    views = recompute(session, entity, {c.golden_id for c in changes}, fresh=fresh)
    # Columns and one bulk update, not ORM objects: resolve on ingest touches a thousand
    # golden records per batch, and the unit of work would update them one by one.
    goldens = _golden_rows(session, views, fresh)
    events, now, kind = [], utcnow(), entity.value
    for change in changes:
        golden, view = goldens[change.golden_id], views[change.golden_id]
        if change.kind != "merged" and golden.status == _ACTIVE and not view.members:
            golden.status = GoldenStatus.RETIRED  # its last record was deleted or moved away
        elif golden.status == _RETIRED and view.members:
            golden.status = GoldenStatus.ACTIVE
        events.append(
            {
                "golden_id": golden.id,
                "entity_type": kind,
                "kind": change.kind,
                "state": state_of(golden, view.members, view.values()),
                "detail": change.detail,
                "actor": actor,
            }
        )
    _stamp(session, goldens.values(), now)
    record_events(session, events)
    return views


@dataclass
class _GoldenRow:
    """What an event's state needs of a golden record (the shape `state_of` reads)."""

    id: str
    status: str
    merged_into_id: str | None


def _golden_rows(
    session: Session, ids: Iterable[str], fresh: frozenset[str]
) -> dict[str, _GoldenRow]:
    session.flush()  # read through the connection: what the session holds goes first
    found = {gid: _GoldenRow(gid, _ACTIVE, None) for gid in fresh}
    wanted = sorted(set(ids) - fresh)
    for chunk in chunks(wanted):
        for gid, status, into in session.connection().execute(_GOLDENS, {"ids": chunk}).all():
            found[gid] = _GoldenRow(gid, status, into)
    return found


_TABLE = GoldenRecord.__table__.c  # type: ignore[attr-defined]
# built once, the ids bound per chunk: cheaper than literals, and than building it per call
_GOLDENS = sql_select(_TABLE.id, _TABLE.status, _TABLE.merged_into_id).where(in_list(_TABLE.id))


def _stamp(session: Session, goldens: Iterable[_GoldenRow], now: datetime) -> None:
    """Write each golden record's `updated_at` (and a status a change flipped) in bulk."""
    rows = [{"gid": g.id, "status": g.status, "now": now} for g in goldens]
    if not rows:
        return
    execute_many(session.connection(), _STAMP, rows)
    expire_loaded(session, GoldenRecord, {row["gid"] for row in rows}, ["status", "updated_at"])


_GOLDEN = GoldenRecord.__table__  # type: ignore[attr-defined]
# built once: `execute_many` keeps its compiled form by statement
_STAMP = (
    update(_GOLDEN)
    .where(_GOLDEN.c.id == bindparam("gid"))
    .values(status=bindparam("status"), updated_at=bindparam("now"))
)


def merge(
    session: Session, entity: EntityType, a: str, b: str, actor: str, kind: LinkKind
) -> GoldenRecord:
    """Merge two golden records; the one with more members (then the older) keeps its id."""
    first, second = resolve_id(session, a), resolve_id(session, b)
    if first.id == second.id:
        raise Conflict(f"{a} and {b} are already one golden record ({first.id})")
    _same_type(entity, first, second)
    ranked = sorted([first, second], key=lambda g: (-len(members_of(session, g.id)), g.id))
    survivor, absorbed = ranked
    moved = members_of(session, absorbed.id)
    kept = members_of(session, survivor.id)
    _check_cannot_link(session, kept, moved)
    for record in moved:
        record.golden_id = survivor.id
    absorbed.status, absorbed.merged_into_id = GoldenStatus.MERGED, survivor.id
    if kept and moved:
        _link(session, entity, kept[0], moved[0], kind, actor, must=kind == LinkKind.STEWARD)
    session.flush()
    keys = [f"{r.source_system}:{r.source_id}" for r in moved]
    publish(
        session,
        entity,
        [
            Change(survivor.id, "merged", {"absorbed": absorbed.id, "records": keys}),
            Change(absorbed.id, "merged", {"into": survivor.id, "records": keys}),
        ],
        actor,
    )
    return survivor


def split(
    session: Session, entity: EntityType, golden_id: str, record_ids: Sequence[int], actor: str
) -> tuple[str, str]:
    """Split the given records off a golden record; the larger part keeps the id.

    Returns (kept id, new id). Steward splits leave cannot-link constraints across the parts.
    """
    golden = resolve_id(session, golden_id)
    members = members_of(session, golden.id)
    part = [r for r in members if r.id in set(record_ids)]
    rest = [r for r in members if r.id not in set(record_ids)]
    if not part or not rest or len(part) != len(set(record_ids)):
        raise InvalidInput("split needs some, but not all, of the golden record's active records")
    leaving, staying = (part, rest) if len(rest) >= len(part) else (rest, part)
    fresh = new_golden_id(entity)
    session.add(GoldenRecord(id=fresh, entity_type=entity.value))
    session.flush()
    for record in leaving:
        record.golden_id = fresh
    _end_links_between(session, staying, leaving)
    for a in staying:
        for b in leaving:
            _constrain(session, entity, a, b, ConstraintKind.CANNOT_LINK, actor)
    session.flush()
    keys = [f"{r.source_system}:{r.source_id}" for r in leaving]
    publish(
        session,
        entity,
        [
            Change(golden.id, "unmerged", {"split_off": fresh, "records": keys}),
            Change(fresh, "created", {"split_from": golden.id, "records": keys}),
        ],
        actor,
    )
    return golden.id, fresh


def _same_type(entity: EntityType, *goldens: GoldenRecord) -> None:
    for golden in goldens:
        if golden.entity_type != entity.value:
            raise InvalidInput(f"{golden.id} is a {golden.entity_type}, not a {entity.value}")


def _check_cannot_link(
    session: Session, left: Sequence[SourceRecord], right: Sequence[SourceRecord]
) -> None:
    pairs = {_pair(a.id, b.id) for a in left for b in right}
    if not pairs:
        return
    query = select(MatchConstraint).where(
        col(MatchConstraint.kind) == ConstraintKind.CANNOT_LINK.value,
        col(MatchConstraint.record_a_id).in_([a for a, _ in pairs]),
    )
    for constraint in session.exec(query):
        if (constraint.record_a_id, constraint.record_b_id) in pairs:
            raise Conflict(
                f"records {constraint.record_a_id} and {constraint.record_b_id} were kept apart "
                f"by {constraint.actor}; remove that decision before merging"
            )


def _pair(a: int | None, b: int | None) -> tuple[int, int]:
    assert a is not None
    assert b is not None
    return (a, b) if a < b else (b, a)


def _link(
    session: Session,
    entity: EntityType,
    a: SourceRecord,
    b: SourceRecord,
    kind: LinkKind,
    actor: str,
    *,
    must: bool,
    score: float | None = None,
    explanation: dict[str, Any] | None = None,
) -> None:
    low, high = _pair(a.id, b.id)
    session.add(
        GoldenLink(
            entity_type=entity.value,
            record_a_id=low,
            record_b_id=high,
            kind=kind.value,
            score=score,
            explanation=explanation or {},
            actor=actor,
        )
    )
    if must:
        _constrain(session, entity, a, b, ConstraintKind.MUST_LINK, actor)


def _constrain(
    session: Session,
    entity: EntityType,
    a: SourceRecord,
    b: SourceRecord,
    kind: ConstraintKind,
    actor: str,
) -> None:
    low, high = _pair(a.id, b.id)
    existing = session.exec(
        select(MatchConstraint).where(
            col(MatchConstraint.record_a_id) == low, col(MatchConstraint.record_b_id) == high
        )
    ).first()
    if existing is None:
        session.add(
            MatchConstraint(
                entity_type=entity.value,
                record_a_id=low,
                record_b_id=high,
                kind=kind.value,
                actor=actor,
            )
        )
    else:  # the newest decision replaces an older one about the same pair
        existing.kind, existing.actor, existing.created_at = kind.value, actor, utcnow()


def _end_links_between(
    session: Session, left: Sequence[SourceRecord], right: Sequence[SourceRecord]
) -> None:
    pairs = [_pair(a.id, b.id) for a in left for b in right]
    for low, high in pairs:
        session.execute(
            update(GoldenLink)
            .where(
                col(GoldenLink.record_a_id) == low,
                col(GoldenLink.record_b_id) == high,
                col(GoldenLink.active),
            )
            .values(active=False, ended_at=utcnow())
        )
