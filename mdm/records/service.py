"""Idempotent ingest: a repeat is a no-op, a change a new version, a bad row is quarantined."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlmodel import Session, select

from mdm import correlation
from mdm.entities import EntityType
from mdm.golden.ids import new_golden_id
from mdm.golden.models import GoldenRecord
from mdm.records import store
from mdm.records.models import QuarantineItem, RecordStatus, SourceRecord
from mdm.records.validation import InvalidRow, ValidRow, validate_row

Outcome = Literal["created", "updated", "unchanged", "quarantined"]


@dataclass(frozen=True)
class RecordInput:
    """One row to ingest: canonical cells, the native payload it came from, and where from."""

    cells: dict[str, Any]
    native: dict[str, Any] | None = None
    origin: str | None = None
    problem: str | None = None  # set when the native payload could not even be mapped


@dataclass(frozen=True)
class RecordResult:
    """What happened to one input row."""

    index: int
    result: Outcome
    source_system: str | None
    source_id: str | None
    golden_id: str | None = None
    version: int | None = None
    deleted: bool = False
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    quarantine_id: int | None = None
    origin: str | None = None


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


def ingest(
    session: Session, entity: EntityType, inputs: Sequence[RecordInput], *, snapshot: bool = False
) -> IngestReport:
    """Ingest rows in one unit of work (flushed, never committed here)."""
    checked = [(i, item, _check(entity, item)) for i, item in enumerate(inputs)]
    # Work in key order so concurrent batches lock rows in the same order (no deadlocks);
    # the sort is stable, so repeats of one key keep their input order.
    checked.sort(key=lambda c: _sort_key(c[2]))
    results = [_apply(session, entity, i, item, row) for i, item, row in checked]
    results.sort(key=lambda r: r.index)
    report = IngestReport(results)
    if snapshot:
        report.snapshot_deleted = _delete_missing(session, entity, checked)
    session.flush()
    return report


def _check(entity: EntityType, item: RecordInput) -> ValidRow | InvalidRow:
    if item.problem:
        cells = item.cells
        return InvalidRow(cells.get("source_system"), cells.get("source_id"), cells, [item.problem])
    return validate_row(entity, item.cells)


def _sort_key(row: ValidRow | InvalidRow) -> tuple[int, str, str]:
    if isinstance(row, InvalidRow):
        return (1, "", "")
    return (0, row.source_system, row.source_id)


def _apply(
    session: Session, entity: EntityType, index: int, item: RecordInput, row: ValidRow | InvalidRow
) -> RecordResult:
    if isinstance(row, InvalidRow):
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
    return replace(upsert(session, entity, row, item.native, index), origin=item.origin)


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


def upsert(
    session: Session,
    entity: EntityType,
    row: ValidRow,
    native: dict[str, Any] | None = None,
    index: int = 0,
) -> RecordResult:
    """Create, version or leave alone the record under the row's key."""
    record, created = store.lock_or_create(session, entity, row)
    if created:
        if not row.deleted:
            record.golden_id = _new_golden(session, entity)
        store.add_version(session, record, row, native, row.deleted)
        return _result(index, "created", record, row)
    deleted = row.deleted
    if deleted and _only_key(row):
        if record.status == RecordStatus.DELETED:
            return _result(index, "unchanged", record, row)
        # A bare deletion keeps the last known values in its version.
        row = store.with_previous_cells(session, record, row)
    if record.content_hash == row.content_hash:
        return _result(index, "unchanged", record, row)
    store.add_version(session, record, row, native, deleted)
    if not deleted and record.golden_id is None:
        record.golden_id = _new_golden(session, entity)
    return _result(index, "updated", record, row)


def _only_key(row: ValidRow) -> bool:
    return set(row.cells) <= {"source_system", "source_id", "deleted"}


def _new_golden(session: Session, entity: EntityType) -> str:
    # Until matching resolves records, each accepted record is its own golden record.
    golden = GoldenRecord(id=new_golden_id(entity), entity_type=entity.value)
    session.add(golden)
    session.flush()
    return golden.id


def _result(index: int, outcome: Outcome, record: SourceRecord, row: ValidRow) -> RecordResult:
    return RecordResult(
        index,
        outcome,
        record.source_system,
        record.source_id,
        golden_id=record.golden_id,
        version=record.version,
        deleted=record.status == RecordStatus.DELETED,
        warnings=row.parsed.warnings,
    )


def _delete_missing(
    session: Session, entity: EntityType, checked: list[tuple[int, RecordInput, Any]]
) -> list[str]:
    """Soft-delete each listed system's active records that the snapshot did not mention."""
    present: dict[str, set[str]] = {}
    for _i, _item, row in checked:
        if row.source_system:
            present.setdefault(row.source_system, set()).add(row.source_id or "")
    deleted: list[str] = []
    for system, ids in sorted(present.items()):
        query = select(SourceRecord).where(
            SourceRecord.entity_type == entity.value,
            SourceRecord.source_system == system,
            SourceRecord.status == RecordStatus.ACTIVE,
        )
        for record in session.scalars(store.locking(session, query)):
            if record.source_id not in ids:
                store.soft_delete(session, record)
                deleted.append(f"{system}:{record.source_id}")
    return deleted


def _jsonable(cells: dict[str, Any]) -> dict[str, Any]:
    return {
        str(k): v if isinstance(v, str | int | float | bool) or v is None else str(v)
        for k, v in cells.items()
    }
