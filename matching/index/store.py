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


class _Column:
    """One field's values by row: the build's rows in an array, later rows in a list.

    The garbage collector walks every item of a list on each full collection (a third of a
    second for the ten columns of a million records) but never looks inside a numpy array.
    """

    def __init__(self, values: Sequence[object]) -> None:
        # fromiter keeps each value whole (an array built from tuples would grow a dimension)
        self.base: ObjectArray = np.fromiter(values, dtype=object, count=len(values))
        self.tail: list[object] = []

    def __getitem__(self, row: int) -> object:
        size = len(self.base)
        return self.base[row] if row < size else self.tail[row - size]

    def __setitem__(self, row: int, value: object) -> None:
        size = len(self.base)
        if row < size:
            self.base[row] = value
        elif row - size == len(self.tail):
            self.tail.append(value)
        else:
            self.tail[row - size] = value

    def gather(self, rows: Sequence[int]) -> list[object]:
        """The values of these rows (ascending), in order."""
        size = len(self.base)
        cut = next((k for k, r in enumerate(rows) if r >= size), len(rows))
        out: list[object] = self.base[list(rows[:cut])].tolist() if cut else []
        return out + [self.tail[r - size] for r in rows[cut:]]


class Store:
    """Prepared values per field and row; a removed row keeps its place, emptied.

    Rows only grow: a new record takes the next row, so the batch frame equal to the index holds
    the live records in row order (an updated record keeps its row).
    """

    def __init__(self, columns: Mapping[str, Sequence[str | None]], keys: list[RecordKey]) -> None:
        self.fields = list(columns)
        self._columns = {field: _Column(values) for field, values in columns.items()}
        self._keys = _Column(keys)
        self._rows = len(keys)
        self.row_of = {key: row for row, key in enumerate(keys)}
        if len(self.row_of) != len(keys):
            raise ValueError("records repeat a (source_system, source_id) key")

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def next_row(self) -> int:
        """The row a new record takes: after every row ever used."""
        return self._rows

    def value(self, row: int, field: str) -> str | None:
        """One prepared value of a row."""
        return self._columns[field][row]  # type: ignore[return-value]

    def values(self, row: int) -> dict[str, str | None]:
        """Every prepared value of a row."""
        return {field: self.value(row, field) for field in self.fields}

    def gather(self, field: str, rows: Sequence[int]) -> list[str | None]:
        """One field's values of these rows (ascending)."""
        return self._columns[field].gather(rows)  # type: ignore[return-value]

    def keys_at(self, rows: Sequence[int]) -> list[RecordKey]:
        """The keys of these rows (ascending; each must hold a record)."""
        keys = self._keys.gather(rows)
        if None in keys:
            raise LookupError("a row holds no record")
        return keys  # type: ignore[return-value]

    def put(self, key: RecordKey, row: int, values: Values) -> None:
        """Store a record's values at its row (`next_row` for a new record)."""
        self._keys[row] = key
        for field, column in self._columns.items():
            column[row] = values.get(field)
        self.row_of[key] = row
        self._rows = max(self._rows, row + 1)

    def drop(self, key: RecordKey) -> int:
        """Forget a record; its row stays empty for good."""
        row = self.row_of.pop(key)
        self._keys[row] = None
        for column in self._columns.values():
            column[row] = None
        return row
