"""Rows of the xref and golden exports, streamed from the database in key order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.records.models import (
    RECORD_TABLES,
    QuarantineItem,
    QuarantineStatus,
    RecordStatus,
    SourceRecord,
)

XREF_COLUMNS = ("entity_type", "source_system", "source_id", "golden_id", "status")
BATCH = 2000


def xref_rows(session: Session, entity: EntityType | None) -> Iterator[dict[str, str]]:
    """Every source record's golden id and status, then quarantined keys with no record."""
    for kind in [entity] if entity else list(EntityType):
        yield from _record_rows(session, kind)
        yield from _quarantined_rows(session, kind)


def _record_rows(session: Session, kind: EntityType) -> Iterator[dict[str, str]]:
    redirects = _redirects(session, kind)
    query = (
        select(SourceRecord)
        .where(SourceRecord.entity_type == kind.value)
        .order_by(SourceRecord.source_system, SourceRecord.source_id)
        .execution_options(yield_per=BATCH)
    )
    for record in session.scalars(query):
        deleted = record.status == RecordStatus.DELETED
        golden = _follow(redirects, record.golden_id) if record.golden_id else ""
        yield {
            "entity_type": kind.value,
            "source_system": record.source_system,
            "source_id": record.source_id,
            "golden_id": golden,
            "status": "deleted" if deleted else "linked",
        }


def _quarantined_rows(session: Session, kind: EntityType) -> Iterator[dict[str, str]]:
    # A key that already has an accepted record is reported once, with the record's status.
    accepted = and_(
        col(SourceRecord.entity_type) == col(QuarantineItem.entity_type),
        col(SourceRecord.source_system) == col(QuarantineItem.source_system),
        col(SourceRecord.source_id) == col(QuarantineItem.source_id),
    )
    query = (
        select(QuarantineItem.source_system, QuarantineItem.source_id)
        .outerjoin(SourceRecord, accepted)
        .where(
            QuarantineItem.entity_type == kind.value,
            QuarantineItem.status == QuarantineStatus.OPEN.value,
            col(SourceRecord.id).is_(None),
        )
        .distinct()
        .order_by(col(QuarantineItem.source_system), col(QuarantineItem.source_id))
    )
    for system, source_id in session.execute(query):
        yield {
            "entity_type": kind.value,
            "source_system": system or "",
            "source_id": source_id or "",
            "golden_id": "",
            "status": "quarantined",
        }


def _redirects(session: Session, kind: EntityType) -> dict[str, str]:
    query = select(GoldenRecord.id, GoldenRecord.merged_into_id).where(
        GoldenRecord.entity_type == kind.value,
        col(GoldenRecord.merged_into_id).is_not(None),
    )
    return dict(session.execute(query).all())


def _follow(redirects: dict[str, str], golden_id: str) -> str:
    seen = {golden_id}
    while golden_id in redirects:
        golden_id = redirects[golden_id]
        if golden_id in seen:  # a cycle would be a bug; stop rather than hang an export
            break
        seen.add(golden_id)
    return golden_id


def golden_columns(kind: EntityType) -> tuple[str, ...]:
    """Header of the golden export: id, the canonical attributes, and where they came from."""
    table = RECORD_TABLES[kind]
    attributes = tuple(f for f in table.model_fields if f != "source_record_id")
    return ("golden_id", *attributes, "source_count", "source_systems")


def golden_rows(session: Session, kind: EntityType) -> Iterator[dict[str, Any]]:
    """One row per active golden record with at least one active source record."""
    table = RECORD_TABLES[kind]
    query = (
        select(SourceRecord, table)
        .join(table, col(table.source_record_id) == col(SourceRecord.id))
        .join(GoldenRecord, col(GoldenRecord.id) == col(SourceRecord.golden_id))
        .where(
            SourceRecord.entity_type == kind.value,
            SourceRecord.status == RecordStatus.ACTIVE.value,
            GoldenRecord.status == GoldenStatus.ACTIVE.value,
        )
        .order_by(col(SourceRecord.golden_id), col(SourceRecord.updated_at).desc())
        .execution_options(yield_per=BATCH)
    )
    current: list[tuple[SourceRecord, Any]] = []
    for record, values in session.execute(query):
        if current and current[0][0].golden_id != record.golden_id:
            yield _golden_row(kind, current)
            current = []
        current.append((record, values))
    if current:
        yield _golden_row(kind, current)


def _golden_row(kind: EntityType, members: list[tuple[SourceRecord, Any]]) -> dict[str, Any]:
    # Until survivorship rules exist, the most recently changed member supplies each attribute
    # it has, and older members fill the gaps.
    row: dict[str, Any] = {"golden_id": members[0][0].golden_id}
    for name in golden_columns(kind)[1:-2]:
        row[name] = next(
            (getattr(v, name) for _r, v in members if getattr(v, name) is not None), None
        )
    row["source_count"] = len(members)
    row["source_systems"] = " ".join(sorted({r.source_system for r, _v in members}))
    return row
