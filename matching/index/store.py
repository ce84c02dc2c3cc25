"""The records of an index: prepared values by row, in the row order of the batch frame."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RecordKey = tuple[str, str]  # (source_system, source_id)
Values = Mapping[str, str | None]
ObjectArray = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class Probe:
    """A record as it would stand in the index: its row, its prepared values and, when its key
    is in the index already, the values stored now (which the probe's values replace)."""

    row: int
    values: Values
    stored: Values | None = None


class Store:
    """Prepared values by row and field; a removed row keeps its place, emptied.

    Rows only grow: a new record takes the next row, so the batch frame equal to the index holds
    the live records in row order (an updated record keeps its row). The build's rows live in
    one object array (a row's fields side by side, so a query gathers its candidates in one
    step, and the garbage collector never walks them as it walks lists); later rows in a list.
    """

    def __init__(self, table: ObjectArray, fields: list[str], keys: list[RecordKey]) -> None:
        self.fields = fields
        self._column = {field: j for j, field in enumerate(fields)}
        self._base = table
        self._tail: list[list[object]] = []
        # fromiter keeps each key whole (an array built from tuples would grow a dimension)
        self._base_keys: ObjectArray = np.fromiter(keys, dtype=object, count=len(keys))
        self._tail_keys: list[RecordKey | None] = []
        self.row_of = {key: row for row, key in enumerate(keys)}
        if len(self.row_of) != len(keys):
            raise ValueError("records repeat a (source_system, source_id) key")

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def next_row(self) -> int:
        """The row a new record takes: after every row ever used."""
        return len(self._base) + len(self._tail)

    def value(self, row: int, field: str) -> str | None:
        """One prepared value of a row."""
        j, size = self._column[field], len(self._base)
        found = self._base[row, j] if row < size else self._tail[row - size][j]
        return found  # type: ignore[return-value]

    def values(self, row: int) -> dict[str, str | None]:
        """Every prepared value of a row."""
        size = len(self._base)
        found = self._base[row].tolist() if row < size else self._tail[row - size]
        return dict(zip(self.fields, found, strict=True))

    def table(self, rows: Sequence[int]) -> ObjectArray:
        """The values of these rows (ascending), a row per record and a column per field."""
        size = len(self._base)
        cut = next((k for k, r in enumerate(rows) if r >= size), len(rows))
        base = self._base[np.asarray(rows[:cut], np.int64)]
        if cut == len(rows):
            return base
        tail = np.empty((len(rows) - cut, len(self.fields)), dtype=object)
        for k, row in enumerate(rows[cut:]):
            tail[k, :] = self._tail[row - size]
        return np.concatenate([base, tail])

    def keys_at(self, rows: Sequence[int]) -> list[RecordKey]:
        """The keys of these rows (ascending; each must hold a record)."""
        size = len(self._base)
        cut = next((k for k, r in enumerate(rows) if r >= size), len(rows))
        keys = self._base_keys[np.asarray(rows[:cut], np.int64)].tolist()
        keys += [self._tail_keys[r - size] for r in rows[cut:]]
        if None in keys:
            raise LookupError("a row holds no record")
        return keys  # type: ignore[no-any-return]

    def put(self, key: RecordKey, row: int, values: Values) -> None:
        """Store a record's values at its row (`next_row` for a new record)."""
        self._set(row, key, [values.get(field) for field in self.fields])
        self.row_of[key] = row

    def drop(self, key: RecordKey) -> int:
        """Forget a record; its row stays empty for good."""
        row = self.row_of.pop(key)
        self._set(row, None, [None] * len(self.fields))
        return row

    def _set(self, row: int, key: RecordKey | None, values: list[object]) -> None:
        size = len(self._base)
        if row < size:
            self._base[row, :] = values
            self._base_keys[row] = key
        elif row == self.next_row:
            self._tail.append(values)
            self._tail_keys.append(key)
        else:
            self._tail[row - size] = values
            self._tail_keys[row - size] = key
