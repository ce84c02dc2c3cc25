"""Row-level persistence of source records: lock or create by key, append versions, typed values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.records.models import (
    RecordStatus,
    SourceRecord,
)

T = TypeVar("T")


def locking(session: Session, query: SelectOfScalar[T]) -> SelectOfScalar[T]:
    """Row locks on PostgreSQL; SQLite's write transaction (BEGIN IMMEDIATE) already serialises."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def _chunks(items: list[T], size: int = 500) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fetch_locked(
    session: Session, entity: EntityType, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], SourceRecord]:
    """The records under `keys` that exist, locked in id order (so lockers never deadlock)."""
    by_system: dict[str, list[str]] = {}
    for system, source_id in keys:
        by_system.setdefault(system, []).append(source_id)
    found: dict[tuple[str, str], SourceRecord] = {}
    for system, ids in sorted(by_system.items()):
        for chunk in _chunks(sorted(ids)):
            query = (
                select(SourceRecord)
                .where(
                    col(SourceRecord.entity_type) == entity.value,
                    col(SourceRecord.source_system) == system,
                    col(SourceRecord.source_id).in_(chunk),
                )
                .order_by(col(SourceRecord.id))
            )
            for record in session.exec(locking(session, query)):
                found[(record.source_system, record.source_id)] = record
    return found


def lock_or_create_many(
    session: Session, entity: EntityType, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], SourceRecord]:
    """Every key's record, locked; new ones created at version 0 with no golden id yet."""
    found = fetch_locked(session, entity, keys)
    missing = [key for key in keys if key not in found]
    if missing:
        _insert_if_absent(session, entity, missing)
        found.update(fetch_locked(session, entity, missing))
    return found


def _insert_if_absent(session: Session, entity: EntityType, keys: list[tuple[str, str]]) -> None:
    # ON CONFLICT DO NOTHING: writers racing on one new key all survive; exactly one creates
    # it, and the others find it (committed) when they read the keys back.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    rows = [
        {
            "entity_type": entity.value,
            "source_system": system,
            "source_id": source_id,
            "status": RecordStatus.ACTIVE.value,
            "version": 0,
            "content_hash": "",
            "created_at": now,
            "updated_at": now,
        }
        for system, source_id in keys
    ]
    statement = insert(SourceRecord).on_conflict_do_nothing(
        index_elements=["entity_type", "source_system", "source_id"]
    )
    for chunk in _chunks(rows):
        session.execute(statement, chunk)
