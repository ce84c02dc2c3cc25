"""Source records as the table `matching` reads: keys, canonical columns, resolved parents."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Row, Select, String
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from matching.config import MatchSettings
from mdm.db import chunks, flushed_connection
from mdm.entities import EntityType
from mdm.golden.attributes import attribute_names
from mdm.id_lists import in_list
from mdm.records.lookups import golden_ids_by_key
from mdm.records.models import RECORD_TABLES, RecordStatus, SourceRecord

PARENT_COLUMN = "customer_golden_id"
_PARENT_KEY = "customer_source_id"
_KEYS = (col(SourceRecord.source_system), col(SourceRecord.source_id))


@dataclass(frozen=True)
class RecordFrame:
    """Records in matching's shape, row i being source record `record_ids[i]`."""

    frame: pd.DataFrame
    record_ids: list[int]
    golden_ids: list[str | None]


def load_frame(
    session: Session,
    entity: EntityType,
    record_ids: Iterable[int] | None = None,
    columns: Collection[str] | None = None,
) -> RecordFrame:
    """Active records of a type (all, or the given ids), with parents resolved for children.

    `columns` keeps only those typed columns (see `read_columns`): a caller that only matches
    the records reads a third less.
    """
    names = _typed_names(entity, columns)
    values = _fetch(session, entity, names, record_ids)
    frame = _frame(entity, names, values[2:])
    if entity != EntityType.CUSTOMER:
        frame[PARENT_COLUMN] = _parents(session, frame)
    return RecordFrame(frame, list(values[0]), list(values[1]))


def frame_of_rows(
    entity: EntityType,
    rows: Sequence[tuple[str, str, dict[str, Any]]],
    columns: Collection[str] | None = None,
) -> RecordFrame:
    """(system, source id, typed values) not written yet, as `load_frame` would read them back
    once written: ids -1, -2, ... and no golden ids. Customers only (no parent to resolve)."""
    if entity != EntityType.CUSTOMER:
        raise ValueError(f"{entity.plural} have parents: load them with load_frame")
    names = _typed_names(entity, columns)
    values: list[list[Any]] = [[r[0] for r in rows], [r[1] for r in rows]]
    values += [[r[2].get(name) for r in rows] for name in names]
    ids = [-(i + 1) for i in range(len(rows))]
    return RecordFrame(_frame(entity, names, values), ids, [None] * len(rows))


def cells_by_key(records: RecordFrame) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Each record's cells, by (system, source id)."""
    frame = records.frame
    rows = zip(*(frame[c].tolist() for c in frame.columns), strict=True)
    return {(row[0], row[1]): row for row in rows}


def _frame(
    entity: EntityType, names: tuple[str, ...], values: Sequence[Sequence[Any]]
) -> pd.DataFrame:
    """Keys then typed columns as matching reads them: text, each cell as it is."""
    table = RECORD_TABLES[entity]
    data: dict[str, Sequence[Any]] = {"source_system": values[0], "source_id": values[1]}
    for name, cells in zip(names, values[2:], strict=True):
        data[name] = cells if _is_text(table, name) else [_text(v) for v in cells]
    return pd.DataFrame(
        {name: _objects(cells) for name, cells in data.items()},
        columns=["source_system", "source_id", *names],
    )


def read_columns(settings: MatchSettings) -> frozenset[str]:
    """The record columns matching with `settings` reads (besides the keys)."""
    fields = {column for spec in settings.fields for column in spec.columns}
    return frozenset(fields | ({settings.parent_field} if settings.parent_field else set()))


def _typed_names(entity: EntityType, columns: Collection[str] | None) -> tuple[str, ...]:
    names = attribute_names(entity)
    if columns is None:
        return tuple(names)
    # a child's parent is read through its customer's source id
    return tuple(n for n in names if n in columns or n == _PARENT_KEY)


def _fetch(
    session: Session, entity: EntityType, names: tuple[str, ...], record_ids: Iterable[int] | None
) -> list[tuple[Any, ...]]:
    """Columns (id, golden id, system, source id, *typed columns) of active records, by id.

    Column by column: ten thousand neighbours a batch, so no per-row Python work.
    """
    everything, by_id = _queries(entity, names)
    # rows through the connection, not the ORM: its row handling costs more than the reading
    connection = flushed_connection(session)
    rows: list[Row[Any]] = []
    if record_ids is None:
        rows.extend(connection.execute(everything).all())
    wanted = [] if record_ids is None else sorted(set(record_ids))
    for chunk in chunks(wanted):
        rows.extend(connection.execute(by_id, {"ids": chunk}).all())
    return _columns(rows, 4 + len(names))


@lru_cache(maxsize=32)
def _queries(entity: EntityType, names: tuple[str, ...]) -> tuple[Select[Any], Select[Any]]:
    """The active records of a type: all of them, and those of the ids bound to `ids`.

    Built once per type (building one costs more than running it from the statement cache).
    Each row ends with whether it is of the type: by id, the type is checked on the rows read.
    In the WHERE clause SQLite (without statistics) seeks the (type, system, source id) index
    and walks every record of the type once per chunk of ids, instead of seeking the ids.
    """
    table = RECORD_TABLES[entity]
    typed = [col(getattr(table, n)) for n in names]
    of_type = col(SourceRecord.entity_type) == entity.value
    query = (
        sa_select(col(SourceRecord.id), col(SourceRecord.golden_id), *_KEYS, *typed)
        .add_columns(of_type.label("of_type"))
        .join(table, col(table.source_record_id) == col(SourceRecord.id))
        .where(col(SourceRecord.status) == RecordStatus.ACTIVE.value)
        .order_by(col(SourceRecord.id))
    )
    by_id = query.where(in_list(col(SourceRecord.id)))
    return query.where(of_type), by_id


def _columns(rows: list[Row[Any]], width: int) -> list[tuple[Any, ...]]:
    """The first `width` columns of the rows whose last column (of the entity type) is true."""
    if not rows:
        return [()] * width
    columns = list(zip(*rows, strict=True))
    if all(columns[-1]):
        return columns[:width]
    return list(zip(*(row[:width] for row in rows if row[-1]), strict=True)) or [()] * width


def _objects(cells: Sequence[Any]) -> npt.NDArray[np.object_]:
    """A column as an object array, each cell as it is (quicker than pandas' conversion)."""
    return np.fromiter(cells, dtype=object, count=len(cells))


def pick(frames: Sequence[RecordFrame], wanted: set[int]) -> RecordFrame:
    """The wanted records out of frames already loaded, in record id order (as `load_frame`).

    A record in several frames is taken from the last of them (a later read)."""
    present = [f for f in frames if f.record_ids] or list(frames[:1])
    combined = pd.concat([f.frame for f in present], ignore_index=True)
    ids = [rid for f in present for rid in f.record_ids]
    goldens = [g for f in present for g in f.golden_ids]
    at = {rid: row for row, rid in enumerate(ids) if rid in wanted}
    rows = [at[rid] for rid in sorted(at)]
    frame = combined.iloc[rows].reset_index(drop=True)
    return RecordFrame(frame, [ids[r] for r in rows], [goldens[r] for r in rows])


def _is_text(table: Any, name: str) -> bool:
    """Whether a typed column already reads as text (matching reads every value as text)."""
    return isinstance(table.__table__.c[name].type, String)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _parents(session: Session, frame: pd.DataFrame) -> list[str | None]:
    """Each child's customer golden id, through its `customer_source_id` in the same system."""
    keys = [
        (system, customer)
        for system, customer in zip(frame["source_system"], frame[_PARENT_KEY], strict=True)
        if isinstance(customer, str)
    ]
    golden_of = golden_ids_by_key(session, EntityType.CUSTOMER, keys)
    return [
        golden_of.get((system, customer)) if isinstance(customer, str) else None
        for system, customer in zip(frame["source_system"], frame[_PARENT_KEY], strict=True)
    ]
