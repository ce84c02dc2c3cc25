"""Read one source record with its history; delete one by key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, SQLModel, col, select

from mdm.entities import EntityType
from mdm.errors import NotFound
from mdm.records.models import RECORD_TABLES, SourceRecord, SourceRecordVersion
from mdm.records.outcomes import RecordResult
from mdm.records.service import upsert
from mdm.records.validation import bare_deletion


@dataclass(frozen=True)
class RecordView:
    """A source record, its current typed values and every version of it, oldest first."""

    record: SourceRecord
    values: SQLModel | None
    versions: list[SourceRecordVersion]


def find_record(session: Session, entity: EntityType, system: str, source_id: str) -> SourceRecord:
    """The record under a key, or `NotFound`."""
    query = select(SourceRecord).where(
        SourceRecord.entity_type == entity.value,
        SourceRecord.source_system == system.lower(),
        SourceRecord.source_id == source_id,
    )
    record = session.scalars(query).one_or_none()
    if record is None:
        raise NotFound(f"no {entity.value} record {system}:{source_id}")
    return record


def record_history(session: Session, entity: EntityType, system: str, source_id: str) -> RecordView:
    """The record and its versions."""
    record = find_record(session, entity, system, source_id)
    query = (
        select(SourceRecordVersion)
        .where(SourceRecordVersion.source_record_id == record.id)
        .order_by(col(SourceRecordVersion.version))
    )
    values = session.get(RECORD_TABLES[entity], record.id)
    return RecordView(record, values, list(session.exec(query)))


def delete_record(
    session: Session, entity: EntityType, system: str, source_id: str
) -> RecordResult:
    """Soft-delete a known record (a new version; nothing is erased)."""
    record = find_record(session, entity, system, source_id)
    return upsert(session, entity, bare_deletion(entity, record.source_system, record.source_id))
