"""The quarantine workflow: list and show what failed, fix it, resubmit it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.errors import Conflict, InvalidInput, NotFound
from mdm.records.mapping import MappingError, load_mapping
from mdm.records.models import QuarantineItem, QuarantineStatus, SourceRecord
from mdm.records.outcomes import RecordResult
from mdm.records.service import upsert
from mdm.records.validation import InvalidRow, validate_row


@dataclass(frozen=True)
class QuarantineFilter:
    """Which quarantine items to list."""

    entity: EntityType | None = None
    status: QuarantineStatus | None = QuarantineStatus.OPEN
    source_system: str | None = None
    limit: int = 100
    offset: int = 0


def list_items(session: Session, where: QuarantineFilter) -> tuple[list[QuarantineItem], int]:
    """A page of items, oldest first, and how many match in all."""
    query = select(QuarantineItem)
    if where.entity is not None:
        query = query.where(QuarantineItem.entity_type == where.entity.value)
    if where.status is not None:
        query = query.where(QuarantineItem.status == where.status.value)
    if where.source_system is not None:
        query = query.where(QuarantineItem.source_system == where.source_system)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(col(QuarantineItem.id)).limit(where.limit).offset(where.offset)
    return list(session.scalars(page)), total


def get_item(session: Session, item_id: int) -> QuarantineItem:
    """One item, or `NotFound`."""
    item = session.get(QuarantineItem, item_id)
    if item is None:
        raise NotFound(f"quarantine item {item_id} does not exist")
    return item


def resubmit(
    session: Session,
    item_id: int,
    fields: dict[str, Any] | None = None,
    native: dict[str, Any] | None = None,
) -> RecordResult:
    """Validate the fixed payload; if good, ingest it and close the item, else change nothing.

    `fields` are corrections laid over the quarantined canonical row (an empty string clears a
    cell); `native` replaces a native payload, which is mapped again with its system's mapping.
    """
    item = get_item(session, item_id)
    if item.status != QuarantineStatus.OPEN:
        raise Conflict(f"quarantine item {item_id} was already resolved")
    entity = EntityType(item.entity_type)
    cells = _fixed_cells(item, entity, fields, native)
    row = validate_row(entity, cells)
    if isinstance(row, InvalidRow):
        raise InvalidInput(
            f"quarantine item {item_id} is still invalid: " + "; ".join(row.reasons),
            extra={"reasons": row.reasons},
        )
    result = upsert(session, entity, row, native or item.native)
    item.status = QuarantineStatus.RESOLVED
    item.resolved_at = utcnow()
    item.resolved_record_id = _record_id(session, entity, row.source_system, row.source_id)
    session.flush()
    return result


def _fixed_cells(
    item: QuarantineItem,
    entity: EntityType,
    fields: dict[str, Any] | None,
    native: dict[str, Any] | None,
) -> dict[str, Any]:
    if native is not None:
        system = item.source_system or ""
        try:
            cells: dict[str, Any] = load_mapping(system).to_canonical(entity.plural, native)
        except (MappingError, FileNotFoundError, KeyError) as exc:
            raise InvalidInput(f"cannot map the native payload with {system!r}: {exc}") from exc
    else:
        cells = dict(item.payload)
    for key, value in (fields or {}).items():
        cells[key] = value
    return cells


def _record_id(session: Session, entity: EntityType, system: str, source_id: str) -> int | None:
    query = select(SourceRecord.id).where(
        SourceRecord.entity_type == entity.value,
        SourceRecord.source_system == system,
        SourceRecord.source_id == source_id,
    )
    return session.scalar(query)
