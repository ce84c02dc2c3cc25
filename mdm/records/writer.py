"""Write a batch of valid rows with a handful of statements, not a handful per row.

Keys are locked (PostgreSQL) or the write lock is held (SQLite) for the whole batch; the
outcome of each row is decided in memory, then versions, golden ids, typed values and
cross-references are inserted in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.db import insert_rows
from mdm.entities import EntityType
from mdm.golden.membership import new_goldens
from mdm.records import store
from mdm.records.models import (
    RECORD_TABLES,
    RecordStatus,
    SourceRecord,
    SourceRecordVersion,
    SourceXref,
)
from mdm.records.outcomes import Outcome, RecordResult
from mdm.records.validation import ValidRow, content_hash

KEY_ONLY = {"source_system", "source_id", "deleted"}


@dataclass(frozen=True)
class RowToWrite:
    """A valid row, its position in the request, and the native payload it came from."""

    index: int
    row: ValidRow
    native: dict[str, Any] | None = None
    origin: str | None = None


@dataclass
class _Plan:
    versions: list[dict[str, Any]] = field(default_factory=list)
    typed: dict[int, dict[str, Any]] = field(default_factory=dict)
    xrefs: dict[int, dict[str, str]] = field(default_factory=dict)
    cells: dict[int, dict[str, str]] = field(default_factory=dict)
    needs_golden: list[SourceRecord] = field(default_factory=list)
    golden_pending: set[int] = field(default_factory=set)  # id() of those records


def write_rows(
    session: Session, entity: EntityType, rows: list[RowToWrite], *, own_goldens: bool = True
) -> list[RecordResult]:
    """Create, version or leave alone each row's record; rows of one key apply in order.

    With `own_goldens`, each new record gets a golden record of its own; without, the
    resolver gives it one afterwards.
    """
    keys = sorted({(r.row.source_system, r.row.source_id) for r in rows})
    records = store.lock_or_create_many(session, entity, keys)
    plan = _Plan(cells=_cells_for_bare_deletions(session, records, rows))
    with session.no_autoflush:
        decided = [_decide(plan, entity, records[_key(r.row)], r) for r in rows]
        if own_goldens:
            new_goldens(session, entity, plan.needs_golden)
    _flush(session, entity, plan)
    # Golden ids were given after the rows were decided; report them as they now stand.
    return [
        replace(r, golden_id=records[(r.source_system or "", r.source_id or "")].golden_id)
        for r in decided
    ]


def _key(row: ValidRow) -> tuple[str, str]:
    return (row.source_system, row.source_id)


def _is_bare_deletion(row: ValidRow) -> bool:
    return row.deleted and set(row.cells) <= KEY_ONLY


def _cells_for_bare_deletions(
    session: Session, records: dict[tuple[str, str], SourceRecord], rows: list[RowToWrite]
) -> dict[int, dict[str, str]]:
    # A bare deletion row ("source_system,source_id,deleted") keeps the last known values.
    wanted = [records[_key(r.row)] for r in rows if _is_bare_deletion(r.row)]
    current = {rec.id: rec.version for rec in wanted if rec.version > 0 and rec.id is not None}
    if not current:
        return {}
    query = select(SourceRecordVersion).where(
        col(SourceRecordVersion.source_record_id).in_(list(current))
    )
    return {
        v.source_record_id: v.data
        for v in session.exec(query)
        if current.get(v.source_record_id) == v.version
    }


def _decide(
    plan: _Plan, entity: EntityType, record: SourceRecord, item: RowToWrite
) -> RecordResult:
    row = item.row
    if record.version == 0:
        if not row.deleted:
            _new_golden(plan, entity, record)
        _add_version(plan, record, item, row)
        return _result("created", record, item)
    if _is_bare_deletion(row):
        if record.status == RecordStatus.DELETED:
            return _result("unchanged", record, item)
        cells = {**plan.cells.get(record.id or 0, {}), **row.cells}
        row = ValidRow(
            row.source_system,
            row.source_id,
            True,
            cells,
            row.xrefs,
            row.parsed,
            content_hash(cells),
        )
    if record.content_hash == row.content_hash:
        return _result("unchanged", record, item)
    _add_version(plan, record, item, row)
    if not row.deleted and record.golden_id is None:
        _new_golden(plan, entity, record)
    return _result("updated", record, item)


def _new_golden(plan: _Plan, entity: EntityType, record: SourceRecord) -> None:
    # a set of identities, not a scan of the list: a batch holds thousands of new records
    if id(record) not in plan.golden_pending:
        plan.golden_pending.add(id(record))
        plan.needs_golden.append(record)


def _add_version(plan: _Plan, record: SourceRecord, item: RowToWrite, row: ValidRow) -> None:
    assert record.id is not None
    record.version += 1
    record.content_hash = row.content_hash
    record.status = RecordStatus.DELETED if row.deleted else RecordStatus.ACTIVE
    record.updated_at = utcnow()
    plan.versions.append(
        {
            "source_record_id": record.id,
            "version": record.version,
            "content_hash": row.content_hash,
            "deleted": row.deleted,
            "data": row.cells,
            "native": item.native,
            "warnings": row.parsed.warnings,
            "correlation_id": correlation.get(),
            "created_at": record.updated_at,
        }
    )
    plan.cells[record.id] = row.cells
    if not row.deleted:
        plan.typed[record.id] = row.parsed.values
        plan.xrefs[record.id] = row.xrefs


def _result(outcome: Outcome, record: SourceRecord, item: RowToWrite) -> RecordResult:
    return RecordResult(
        item.index,
        outcome,
        record.source_system,
        record.source_id,
        golden_id=record.golden_id,
        version=record.version,
        deleted=record.status == RecordStatus.DELETED,
        warnings=item.row.parsed.warnings,
        origin=item.origin,
        record_id=record.id,
    )


def _flush(session: Session, entity: EntityType, plan: _Plan) -> None:
    session.flush()
    if plan.versions:
        insert_rows(session, SourceRecordVersion, plan.versions)
    _replace_typed(session, entity, plan.typed)
    _replace_xrefs(session, plan.xrefs)


def _replace_typed(session: Session, entity: EntityType, typed: dict[int, dict[str, Any]]) -> None:
    if not typed:
        return
    table = RECORD_TABLES[entity]
    fields = [f for f in table.model_fields if f != "source_record_id"]
    session.execute(delete(table).where(col(table.source_record_id).in_(list(typed))))
    rows = [
        {"source_record_id": rid, **{f: values.get(f) for f in fields}}
        for rid, values in typed.items()
    ]
    insert_rows(session, table, rows)


def _replace_xrefs(session: Session, xrefs: dict[int, dict[str, str]]) -> None:
    if not xrefs:
        return
    session.execute(delete(SourceXref).where(col(SourceXref.source_record_id).in_(list(xrefs))))
    rows = [
        {"source_record_id": rid, "system": system, "external_id": external_id}
        for rid, claimed in xrefs.items()
        for system, external_id in claimed.items()
    ]
    if rows:
        insert_rows(session, SourceXref, rows)
