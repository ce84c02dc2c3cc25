"""Idempotent ingest: a repeat is a no-op, a change a new version, a bad row is quarantined."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session, col, select

from matching.collector import collector_paused
from mdm import correlation
from mdm.entities import EntityType
from mdm.golden.membership import Change, own_goldens_for, publish
from mdm.planner import index_lookups
from mdm.records.models import QuarantineItem, RecordStatus, SourceRecord
from mdm.records.outcomes import Outcome, RecordResult
from mdm.records.validation import InvalidRow, ValidRow, bare_deletion, validate_row
from mdm.records.writer import RowToWrite, write_rows
from mdm.resolution.ahead import Ahead, look_ahead
from mdm.resolution.incremental import has_model, resolve_records


@dataclass(frozen=True)
class RecordInput:
    """One row to ingest: canonical cells, the native payload it came from, and where from."""

    cells: dict[str, Any]
    native: dict[str, Any] | None = None
    origin: str | None = None
    problem: str | None = None  # set when the native payload could not even be mapped


@dataclass
class IngestReport:
    """Per-row results and the totals a person reads."""

    results: list[RecordResult]
    snapshot_deleted: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        """How many rows ended with `outcome`."""
        return sum(1 for r in self.results if r.result == outcome)

    @property
    def totals(self) -> dict[str, int]:
        """Counts per outcome, plus the records a snapshot deleted."""
        outcomes: tuple[Outcome, ...] = ("created", "updated", "unchanged", "quarantined")
        return {o: self.count(o) for o in outcomes} | {"deleted": len(self.snapshot_deleted)}


Checked = list[tuple[int, RecordInput, ValidRow | InvalidRow]]


@dataclass(frozen=True)
class Prepared:
    """A batch checked, and resolved as far as a read-only snapshot takes it (`prepare`)."""

    entity: EntityType
    inputs: Sequence[RecordInput]
    checked: Checked
    ahead: Ahead | None


def prepare(session: Session, entity: EntityType, inputs: Sequence[RecordInput]) -> Prepared:
    """Do what `ingest` can before it writes, reading through `session` only.

    On SQLite writers take turns: a batch prepared in a read-only session while another
    process writes holds the write lock for less time when `ingest(..., prepared=)` writes
    it. Nothing here is trusted blindly: whatever was committed in between is caught up with.
    """
    with collector_paused():
        checked = _checked(entity, inputs)
        valid = [row for _i, _item, row in checked if isinstance(row, ValidRow)]
        ahead = look_ahead(session, entity, valid) if valid else None
    return Prepared(entity, inputs, checked, ahead)


def ingest(
    session: Session,
    entity: EntityType,
    inputs: Sequence[RecordInput],
    *,
    snapshot: bool = False,
    resolve: bool = True,
    prepared: Prepared | None = None,
) -> IngestReport:
    """Ingest rows in one unit of work (flushed, never committed here).

    With `resolve=False` (a bulk load that `mdm resolve --all` follows) each new record starts
    as its own golden record and matching waits for the batch run. `prepared`: these very
    inputs, prepared (see `prepare`).
    """
    if prepared is not None and (prepared.inputs is not inputs or prepared.entity != entity):
        raise ValueError("prepared for other inputs: prepare these inputs for this entity")
    with collector_paused(), index_lookups(session):
        return _ingest(
            session, entity, inputs, snapshot=snapshot, resolve=resolve, prepared=prepared
        )


def _checked(entity: EntityType, inputs: Sequence[RecordInput]) -> Checked:
    return [(i, item, _check(entity, item)) for i, item in enumerate(inputs)]


def _ingest(
    session: Session,
    entity: EntityType,
    inputs: Sequence[RecordInput],
    *,
    snapshot: bool,
    resolve: bool,
    prepared: Prepared | None,
) -> IngestReport:
    checked = prepared.checked if prepared else _checked(entity, inputs)
    valid = [
        RowToWrite(i, row, item.native, item.origin)
        for i, item, row in checked
        if isinstance(row, ValidRow)
    ]
    # Key order, so concurrent batches lock rows in the same order (no deadlocks); the sort
    # is stable, so repeats of one key keep their input order.
    valid.sort(key=lambda r: (r.row.source_system, r.row.source_id))
    resolving = resolve and has_model(session, entity)
    results = write_rows(session, entity, valid, own_goldens=not resolving) if valid else []
    ahead = prepared.ahead if prepared else None
    results = _resolve(session, entity, results, match=resolving, ahead=ahead)
    results += [
        _quarantined(session, entity, i, item, row)
        for i, item, row in checked
        if isinstance(row, InvalidRow)
    ]
    results.sort(key=lambda r: r.index)
    report = IngestReport(results)
    changes = _golden_changes(results, created=not resolving)
    if snapshot:
        report.snapshot_deleted, unlinked = _delete_missing(session, entity, checked)
        changes += unlinked
    session.flush()
    publish(session, entity, changes)
    return report


def upsert(
    session: Session, entity: EntityType, row: ValidRow, native: dict[str, Any] | None = None
) -> RecordResult:
    """Create, version or leave alone the record under one row's key."""
    with index_lookups(session):
        return _upsert(session, entity, row, native)


def _upsert(
    session: Session, entity: EntityType, row: ValidRow, native: dict[str, Any] | None
) -> RecordResult:
    resolving = has_model(session, entity)
    results = write_rows(session, entity, [RowToWrite(0, row, native)], own_goldens=not resolving)
    (result,) = _resolve(session, entity, results, match=resolving)
    publish(session, entity, _golden_changes([result], created=not resolving))
    return result


def _resolve(
    session: Session,
    entity: EntityType,
    results: list[RecordResult],
    *,
    match: bool,
    ahead: Ahead | None = None,
) -> list[RecordResult]:
    """Match what changed against its neighbourhood; report the golden ids it ends in."""
    changed = [r for r in results if r.result in ("created", "updated") and r.record_id]
    touched = {r.record_id for r in changed if not r.deleted and r.record_id}
    deleted = {r.record_id for r in changed if r.deleted and r.record_id}
    assigned = resolve_records(session, entity, touched, deleted, match=match, ahead=ahead)
    orphans = [
        r.record_id
        for r in changed
        if r.record_id in touched and r.golden_id is None and r.record_id not in assigned
    ]
    if orphans:  # the resolver left it alone: it stands on its own
        assigned |= own_goldens_for(session, entity, orphans)
    return [replace(r, golden_id=assigned.get(r.record_id or 0, r.golden_id)) for r in results]


def _golden_changes(results: list[RecordResult], *, created: bool) -> list[Change]:
    """The golden event each written row causes (a repeat causes none).

    With `created` False the resolver already reported new golden records and joins.
    """
    changes = []
    for r in results:
        if r.golden_id is None or r.result not in ("created", "updated"):
            continue
        detail = {"record": f"{r.source_system}:{r.source_id}", "version": r.version}
        if r.result == "created":
            if created:
                changes.append(Change(r.golden_id, "created", detail))
        elif r.deleted:
            changes.append(Change(r.golden_id, "record_unlinked", {**detail, "reason": "deleted"}))
        else:
            changes.append(Change(r.golden_id, "updated", detail))
    return changes


def _check(entity: EntityType, item: RecordInput) -> ValidRow | InvalidRow:
    if item.problem:
        cells = item.cells
        return InvalidRow(cells.get("source_system"), cells.get("source_id"), cells, [item.problem])
    return validate_row(entity, item.cells)


def _quarantined(
    session: Session, entity: EntityType, index: int, item: RecordInput, row: InvalidRow
) -> RecordResult:
    quarantined = quarantine(session, entity, row, item)
    return RecordResult(
        index,
        "quarantined",
        row.source_system,
        row.source_id,
        reasons=row.reasons,
        quarantine_id=quarantined.id,
        origin=item.origin,
    )


def quarantine(
    session: Session, entity: EntityType, row: InvalidRow, item: RecordInput
) -> QuarantineItem:
    """Keep a failed row whole, with every reason, for a person to fix."""
    quarantined = QuarantineItem(
        entity_type=entity.value,
        source_system=row.source_system,
        source_id=row.source_id,
        reasons=row.reasons,
        payload=_jsonable(row.cells),
        native=item.native,
        origin=item.origin,
        correlation_id=correlation.get(),
    )
    session.add(quarantined)
    session.flush()
    return quarantined


def _delete_missing(
    session: Session, entity: EntityType, checked: list[tuple[int, RecordInput, Any]]
) -> tuple[list[str], list[Change]]:
    """Soft-delete each listed system's active records that the snapshot did not mention."""
    present: dict[str, set[str]] = {}
    for _i, _item, row in checked:
        if row.source_system:
            present.setdefault(row.source_system, set()).add(row.source_id or "")
    missing = []
    for system, ids in sorted(present.items()):
        query = select(SourceRecord.source_id).where(
            col(SourceRecord.entity_type) == entity.value,
            col(SourceRecord.source_system) == system,
            col(SourceRecord.status) == RecordStatus.ACTIVE,
        )
        missing += [(system, sid) for sid in session.exec(query) if sid not in ids]
    # The same path as a deletion row: locked, versioned, keys dropped, golden record told.
    rows = [RowToWrite(-1, bare_deletion(entity, system, sid)) for system, sid in missing]
    written = write_rows(session, entity, rows) if rows else []
    results = _resolve(session, entity, written, match=True) if rows else []
    changes = [
        Change(
            r.golden_id,
            "record_unlinked",
            {
                "record": f"{r.source_system}:{r.source_id}",
                "version": r.version,
                "reason": "missing from snapshot",
            },
        )
        for r in results
        if r.golden_id
    ]
    return [f"{r.source_system}:{r.source_id}" for r in results], changes


def _jsonable(cells: dict[str, Any]) -> dict[str, Any]:
    return {
        str(k): v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in cells.items()
    }
