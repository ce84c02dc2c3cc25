"""Write a batch of valid rows with a handful of statements, not a handful per row.

Keys are locked (PostgreSQL) or the write lock is held (SQLite) for the whole batch; the
outcome of each row is decided in memory, then versions, golden ids, typed values and
cross-references are inserted in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.db import chunks, insert_rows
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
from mdm.records.store import RecordState
from mdm.records.validation import ValidRow, content_hash

KEY_ONLY = {"source_system", "source_id", "deleted"}


@dataclass(frozen=True)
class RowToWrite:
    """A valid row, its position in the request, and the native payload it came from."""

    index: int
    row: ValidRow
    native: dict[str, Any] | None = None
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class _Decided:
    """A row's outcome and the record's version and state right after it (a later row of the
    same key may change them again); the golden id is read when the batch is done."""

    outcome: Outcome
    record: RecordState
    item: RowToWrite
    version: int
    deleted: bool


@dataclass
class _Plan:
    versions: list[dict[str, Any]] = field(default_factory=list)
    typed: dict[int, dict[str, Any]] = field(default_factory=dict)
    xrefs: dict[int, dict[str, str]] = field(default_factory=dict)
    cells: dict[int, dict[str, str]] = field(default_factory=dict)
    versioned: dict[int, RecordState] = field(default_factory=dict)  # by id, once each
    created: set[int] = field(default_factory=set)  # ids of records new in this batch
    needs_golden: dict[int, RecordState] = field(default_factory=dict)  # by id, in order


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
    decided = [_decide(plan, records[_key(r.row)], r) for r in rows]
    _flush(session, entity, plan)
    if own_goldens and plan.needs_golden:
        _own_goldens(session, entity, list(plan.needs_golden.values()))
    # Golden ids were given after the rows were decided; report them as they now stand.
    return [_result(d) for d in decided]


def _key(row: ValidRow) -> tuple[str, str]:
    return (row.source_system, row.source_id)


def _is_bare_deletion(row: ValidRow) -> bool:
    return row.deleted and set(row.cells) <= KEY_ONLY


def _cells_for_bare_deletions(
    session: Session, records: dict[tuple[str, str], RecordState], rows: list[RowToWrite]
) -> dict[int, dict[str, str]]:
    # A bare deletion row ("source_system,source_id,deleted") keeps the last known values.
    wanted = [records[_key(r.row)] for r in rows if _is_bare_deletion(r.row)]
    current = {rec.id: rec.version for rec in wanted if rec.version > 0}
    if not current:
        return {}
    query = select(
        col(SourceRecordVersion.source_record_id),
        col(SourceRecordVersion.version),
        col(SourceRecordVersion.data),
    ).where(col(SourceRecordVersion.source_record_id).in_(list(current)))
    return {
        record_id: data
        for record_id, version, data in session.execute(query)
        if current.get(record_id) == version
    }


def _decide(plan: _Plan, record: RecordState, item: RowToWrite) -> _Decided:
    row = item.row
    if record.version == 0:
        plan.created.add(record.id)
        if not row.deleted:
            plan.needs_golden[record.id] = record
        _add_version(plan, record, item, row)
        return _decided("created", record, item)
    if _is_bare_deletion(row):
        if record.status == RecordStatus.DELETED:
            return _decided("unchanged", record, item)
        cells = {**plan.cells.get(record.id, {}), **row.cells}
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
        return _decided("unchanged", record, item)
    _add_version(plan, record, item, row)
    if not row.deleted and record.golden_id is None:
        plan.needs_golden[record.id] = record
    return _decided("updated", record, item)


def _add_version(plan: _Plan, record: RecordState, item: RowToWrite, row: ValidRow) -> None:
    record.version += 1
    record.content_hash = row.content_hash
    record.status = RecordStatus.DELETED.value if row.deleted else RecordStatus.ACTIVE.value
    record.updated_at = utcnow()
    plan.versioned[record.id] = record
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


def _decided(outcome: Outcome, record: RecordState, item: RowToWrite) -> _Decided:
    return _Decided(outcome, record, item, record.version, record.status == RecordStatus.DELETED)


def _result(decided: _Decided) -> RecordResult:
    record, item = decided.record, decided.item
    return RecordResult(
        item.index,
        decided.outcome,
        record.source_system,
        record.source_id,
        golden_id=record.golden_id,
        version=decided.version,
        deleted=decided.deleted,
        warnings=item.row.parsed.warnings,
        origin=item.origin,
        record_id=record.id,
    )


def _own_goldens(session: Session, entity: EntityType, records: list[RecordState]) -> None:
    # Golden records are given to mapped objects (read after the batch's own writes), so the
    # one way of making them serves here too.
    loaded: dict[int | None, SourceRecord] = {}
    for chunk in chunks([r.id for r in records]):
        query = select(SourceRecord).where(col(SourceRecord.id).in_(chunk))
        loaded.update((record.id, record) for record in session.exec(query))
    mapped = [loaded[r.id] for r in records]
    new_goldens(session, entity, mapped)
    for state, record in zip(records, mapped, strict=True):
        state.golden_id = record.golden_id


def _flush(session: Session, entity: EntityType, plan: _Plan) -> None:
    store.save_versions(session, list(plan.versioned.values()))
    if plan.versions:
        insert_rows(session, SourceRecordVersion, plan.versions)
    _replace_typed(session, entity, plan.typed, plan.created)
    _replace_xrefs(session, plan.xrefs, plan.created)


def _replace_typed(
    session: Session, entity: EntityType, typed: dict[int, dict[str, Any]], created: set[int]
) -> None:
    if not typed:
        return
    table = RECORD_TABLES[entity]
    fields = [f for f in table.model_fields if f != "source_record_id"]
    # A record new in this batch has no typed values yet: only older ones are replaced.
    if old := [rid for rid in typed if rid not in created]:
        session.execute(delete(table).where(col(table.source_record_id).in_(old)))
    rows = [
        {"source_record_id": rid, **{f: values.get(f) for f in fields}}
        for rid, values in typed.items()
    ]
    insert_rows(session, table, rows)


def _replace_xrefs(session: Session, xrefs: dict[int, dict[str, str]], created: set[int]) -> None:
    if not xrefs:
        return
    if old := [rid for rid in xrefs if rid not in created]:
        session.execute(delete(SourceXref).where(col(SourceXref.source_record_id).in_(old)))
    rows = [
        {"source_record_id": rid, "system": system, "external_id": external_id}
        for rid, claimed in xrefs.items()
        for system, external_id in claimed.items()
    ]
    if rows:
        insert_rows(session, SourceXref, rows)
