"""Row-level persistence of source records: lock or create by key, append versions, typed values."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from mdm import correlation
from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.records.models import (
    RECORD_TABLES,
    RecordStatus,
    SourceRecord,
    SourceRecordVersion,
    SourceXref,
)
from mdm.records.validation import ValidRow, content_hash

T = TypeVar("T")


def locking(session: Session, query: SelectOfScalar[T]) -> SelectOfScalar[T]:
    """Row locks on PostgreSQL; SQLite's write transaction (BEGIN IMMEDIATE) already serialises."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def _find(session: Session, entity: EntityType, system: str, source_id: str) -> SourceRecord | None:
    query = select(SourceRecord).where(
        SourceRecord.entity_type == entity.value,
        SourceRecord.source_system == system,
        SourceRecord.source_id == source_id,
    )
    return session.exec(locking(session, query)).one_or_none()


def lock_or_create(
    session: Session, entity: EntityType, row: ValidRow
) -> tuple[SourceRecord, bool]:
    """The record under the row's key, locked; created (version 0, no golden id) if new."""
    record = _find(session, entity, row.source_system, row.source_id)
    if record is not None:
        return record, False
    inserted = session.execute(_insert_if_absent(session, entity, row)).scalar_one_or_none()
    record = _find(session, entity, row.source_system, row.source_id)
    assert record is not None  # inserted now, or by a concurrent writer that has committed
    return record, inserted is not None


def _insert_if_absent(session: Session, entity: EntityType, row: ValidRow) -> Any:
    # ON CONFLICT DO NOTHING: two writers racing on one new key both survive; one of them creates.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    return (
        insert(SourceRecord)
        .values(
            entity_type=entity.value,
            source_system=row.source_system,
            source_id=row.source_id,
            status=RecordStatus.ACTIVE.value,
            version=0,
            content_hash="",
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["entity_type", "source_system", "source_id"])
        .returning(col(SourceRecord.id))
    )


def add_version(
    session: Session,
    record: SourceRecord,
    row: ValidRow,
    native: dict[str, Any] | None,
    deleted: bool,
) -> None:
    """Append the row as the record's next version and make it current."""
    assert record.id is not None
    record.version += 1
    record.content_hash = row.content_hash
    record.status = RecordStatus.DELETED if deleted else RecordStatus.ACTIVE
    record.updated_at = utcnow()
    session.add(
        SourceRecordVersion(
            source_record_id=record.id,
            version=record.version,
            content_hash=row.content_hash,
            deleted=deleted,
            data=row.cells,
            native=native,
            warnings=row.parsed.warnings,
            correlation_id=correlation.get(),
        )
    )
    if not deleted:
        _write_typed(session, EntityType(record.entity_type), record.id, row)
        _write_xrefs(session, record.id, row.xrefs)
    session.flush()


def _write_typed(session: Session, entity: EntityType, record_id: int, row: ValidRow) -> None:
    table = RECORD_TABLES[entity]
    values = {k: v for k, v in row.parsed.values.items() if k in table.model_fields}
    typed = session.get(table, record_id)
    if typed is None:
        session.add(table(source_record_id=record_id, **values))
        return
    for name in table.model_fields:
        if name != "source_record_id":
            setattr(typed, name, values.get(name))


def _write_xrefs(session: Session, record_id: int, xrefs: dict[str, str]) -> None:
    session.execute(delete(SourceXref).where(col(SourceXref.source_record_id) == record_id))
    for system, external_id in sorted(xrefs.items()):
        session.add(SourceXref(source_record_id=record_id, system=system, external_id=external_id))


def latest_version(session: Session, record: SourceRecord) -> SourceRecordVersion:
    """The record's current version."""
    query = select(SourceRecordVersion).where(
        SourceRecordVersion.source_record_id == record.id,
        SourceRecordVersion.version == record.version,
    )
    return session.exec(query).one()


def with_previous_cells(session: Session, record: SourceRecord, row: ValidRow) -> ValidRow:
    """A bare deletion row, filled with the record's last known cells."""
    cells = {**latest_version(session, record).data, **row.cells}
    return ValidRow(
        row.source_system, row.source_id, True, cells, row.xrefs, row.parsed, content_hash(cells)
    )


def soft_delete(session: Session, record: SourceRecord) -> None:
    """Mark a record deleted with a new version carrying its last values."""
    previous = latest_version(session, record)
    cells = {**previous.data, "deleted": "true"}
    record.version += 1
    record.content_hash = content_hash(cells)
    record.status = RecordStatus.DELETED
    record.updated_at = utcnow()
    assert record.id is not None
    session.add(
        SourceRecordVersion(
            source_record_id=record.id,
            version=record.version,
            content_hash=record.content_hash,
            deleted=True,
            data=cells,
            correlation_id=correlation.get(),
        )
    )
    session.flush()
