"""Source records as the table `matching` reads: keys, canonical columns, resolved parents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import String
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from mdm.entities import EntityType
from mdm.golden.attributes import attribute_names
from mdm.records.lookups import golden_ids_by_key
from mdm.records.models import RECORD_TABLES, RecordStatus, SourceRecord

PARENT_COLUMN = "customer_golden_id"
_KEYS = (col(SourceRecord.source_system), col(SourceRecord.source_id))


@dataclass(frozen=True)
class RecordFrame:
    """Records in matching's shape, row i being source record `record_ids[i]`."""

    frame: pd.DataFrame
    record_ids: list[int]
    golden_ids: list[str | None]


def load_frame(
    session: Session, entity: EntityType, record_ids: Iterable[int] | None = None
) -> RecordFrame:
    """Active records of a type (all, or the given ids), with parents resolved for children."""
    table = RECORD_TABLES[entity]
    names = attribute_names(entity)
    typed = [col(getattr(table, n)) for n in names]
    # Plain column tuples, not ORM objects: a neighbourhood is thousands of rows per batch.
    query = (
        sa_select(col(SourceRecord.id), col(SourceRecord.golden_id), *_KEYS, *typed)
        .join(table, col(table.source_record_id) == col(SourceRecord.id))
        .where(
            col(SourceRecord.entity_type) == entity.value,
            col(SourceRecord.status) == RecordStatus.ACTIVE.value,
        )
        .order_by(col(SourceRecord.id))
    )
    wanted = None if record_ids is None else sorted(set(record_ids))
    rows: list[Any] = []
    for chunk in _chunks(wanted):
        scoped = query if chunk is None else query.where(col(SourceRecord.id).in_(chunk))
        rows.extend(session.execute(scoped).all())
    # column by column: ten thousand neighbours a batch, so no per-row Python work
    values = list(zip(*rows, strict=True)) if rows else [()] * (4 + len(names))
    ids: list[int] = list(values[0])
    goldens: list[str | None] = list(values[1])
    data = {"source_system": list(values[2]), "source_id": list(values[3])}
    for name, cells in zip(names, values[4:], strict=True):
        data[name] = list(cells) if _is_text(table, name) else [_text(v) for v in cells]
    frame = pd.DataFrame(data, columns=["source_system", "source_id", *names], dtype=object)
    if entity != EntityType.CUSTOMER:
        frame[PARENT_COLUMN] = _parents(session, frame)
    return RecordFrame(frame, ids, goldens)


def pick(frames: Sequence[RecordFrame], wanted: set[int]) -> RecordFrame:
    """The wanted records out of frames already loaded, in record id order (as `load_frame`)."""
    present = [f for f in frames if f.record_ids] or list(frames[:1])
    combined = pd.concat([f.frame for f in present], ignore_index=True)
    ids = [rid for f in present for rid in f.record_ids]
    goldens = [g for f in present for g in f.golden_ids]
    rows = [row for _rid, row in sorted((rid, row) for row, rid in enumerate(ids) if rid in wanted)]
    frame = combined.iloc[rows].reset_index(drop=True)
    return RecordFrame(frame, [ids[r] for r in rows], [goldens[r] for r in rows])


def _chunks(ids: list[int] | None) -> Iterable[list[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), 500):
        yield ids[start : start + 500]


def _is_text(table: Any, name: str) -> bool:
    """Whether a typed column already reads as text (matching reads every value as text)."""
    return isinstance(table.__table__.c[name].type, String)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _parents(session: Session, frame: pd.DataFrame) -> list[str | None]:
    """Each child's customer golden id, through its `customer_source_id` in the same system."""
    keys = [
        (system, customer)
        for system, customer in zip(
            frame["source_system"], frame["customer_source_id"], strict=True
        )
        if isinstance(customer, str)
    ]
    golden_of = golden_ids_by_key(session, EntityType.CUSTOMER, keys)
    return [
        golden_of.get((system, customer)) if isinstance(customer, str) else None
        for system, customer in zip(
            frame["source_system"], frame["customer_source_id"], strict=True
        )
    ]
