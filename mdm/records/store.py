"""Row-level persistence of source records: lock or create by key, append versions, typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session, col

from mdm.clock import utcnow
from mdm.db import chunks, execute_many, expire_loaded, insert_returning
from mdm.entities import EntityType
from mdm.records.models import (
    RecordStatus,
    SourceRecord,
)

Q = TypeVar("Q", bound=GenerativeSelect)


@dataclass(slots=True)
class RecordState:
    """A source record as a batch writer sees it: read as plain values, decided in memory, and
    written back in one statement (ORM objects cost more per row than the database does)."""

    id: int
    source_system: str
    source_id: str
    golden_id: str | None
    status: str
    version: int
    content_hash: str
    updated_at: datetime | None = None  # set when the batch gives the record a new version


_STATE_COLUMNS = (
    col(SourceRecord.id),
    col(SourceRecord.source_system),
    col(SourceRecord.source_id),
    col(SourceRecord.golden_id),
    col(SourceRecord.status),
    col(SourceRecord.version),
    col(SourceRecord.content_hash),
)


def locking(session: Session, query: Q) -> Q:
    """Row locks on PostgreSQL; SQLite's write transaction (BEGIN IMMEDIATE) already serialises."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def fetch_locked(
    session: Session, entity: EntityType, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], RecordState]:
    """The records under `keys` that exist, locked in id order (so lockers never deadlock)."""
    by_system: dict[str, list[str]] = {}
    for system, source_id in keys:
        by_system.setdefault(system, []).append(source_id)
    found: dict[tuple[str, str], RecordState] = {}
    for system, ids in sorted(by_system.items()):
        for chunk in chunks(sorted(ids)):
            query = (
                select(*_STATE_COLUMNS)
                .where(
                    col(SourceRecord.entity_type) == entity.value,
                    col(SourceRecord.source_system) == system,
                    col(SourceRecord.source_id).in_(chunk),
                )
                .order_by(col(SourceRecord.id))
            )
            for row in session.execute(locking(session, query)):
                record = RecordState(*row)
                found[(record.source_system, record.source_id)] = record
    return found


def lock_or_create_many(
    session: Session, entity: EntityType, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], RecordState]:
    """Every key's record, locked; new ones created at version 0 with no golden id yet."""
    found = fetch_locked(session, entity, keys)
    missing = [key for key in keys if key not in found]
    if missing:
        created = _insert_if_absent(session, entity, missing)
        found.update(created)
        # Keys a concurrent writer created first (and committed): read them back, locked.
        if raced := [key for key in missing if key not in created]:
            found.update(fetch_locked(session, entity, raced))
    return found


def _insert_if_absent(
    session: Session, entity: EntityType, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], RecordState]:
    # ON CONFLICT DO NOTHING: writers racing on one new key all survive; exactly one creates
    # it, and the others find it (committed) when they read the keys back. RETURNING hands
    # back the ids of the rows this writer created, so those need no second read.
    now, kind, active = utcnow(), entity.value, RecordStatus.ACTIVE.value
    rows = [
        {
            "entity_type": kind,
            "source_system": system,
            "source_id": source_id,
            "status": active,
            "version": 0,
            "content_hash": "",
            "created_at": now,
            "updated_at": now,
        }
        for system, source_id in keys
    ]
    # Core, not the ORM's bulk insert: nothing here needs the ORM's per-row bookkeeping.
    statement = _CREATE[session.get_bind().dialect.name == "postgresql"]
    connection = session.connection()
    created: dict[tuple[str, str], RecordState] = {}
    for chunk in chunks(rows):
        for record_id, system, source_id in insert_returning(connection, statement, chunk):
            created[(system, source_id)] = RecordState(
                record_id, system, source_id, None, active, 0, ""
            )
    return created


def _create(insert: type[PgInsert] | type[SqliteInsert]) -> ReturningInsert[Any]:
    table = SourceRecord.__table__  # type: ignore[attr-defined]
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["entity_type", "source_system", "source_id"])
        .returning(table.c.id, table.c.source_system, table.c.source_id)
    )


# built once (by "is it PostgreSQL"): `insert_returning` keeps its compiled form by statement
_CREATE = {True: _create(PgInsert), False: _create(SqliteInsert)}


def save_versions(session: Session, records: list[RecordState]) -> None:
    """Write back the version, hash, status and time of records given a new version, in one
    executemany; a copy of one of them the session already holds is expired (read again)."""
    if not records:
        return
    rows = [
        {
            "record_id": r.id,
            "version": r.version,
            "content_hash": r.content_hash,
            "status": r.status,
            "updated_at": r.updated_at,
        }
        for r in records
    ]
    execute_many(session.connection(), _SAVE_VERSION, rows)
    expire_loaded(session, SourceRecord, {r.id for r in records})


_RECORDS = SourceRecord.__table__  # type: ignore[attr-defined]
# built once: `execute_many` keeps its compiled form by statement
_SAVE_VERSION = update(_RECORDS).where(_RECORDS.c.id == bindparam("record_id"))
