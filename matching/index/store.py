"""The records of an index: prepared values by row, in the row order of the batch frame."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TypeVar

RecordKey = tuple[str, str]  # (source_system, source_id)
Values = Mapping[str, str | None]
T = TypeVar("T")


def gather(items: Sequence[T], rows: Sequence[int]) -> list[T]:
    """`[items[r] for r in rows]`, gathered in C."""
    if len(rows) == 1:
        return [items[rows[0]]]
    return list(itemgetter(*rows)(items)) if rows else []


@dataclass(frozen=True, slots=True)
class Probe:
    """A record as it would stand in the index: its row, its prepared values and, when its key
    is in the index already, the values stored now (which the probe's values replace)."""

    row: int
    values: Values
    stored: Values | None = None


class Store:
    """Prepared values per field and row; a removed row keeps its place, emptied.

    Rows only grow: a new record takes the next row, so the batch frame equal to the index holds
    the live records in row order (an updated record keeps its row).
    """

    def __init__(self, columns: dict[str, list[str | None]], keys: list[RecordKey]) -> None:
        self.columns = columns
        self.keys: list[RecordKey | None] = list(keys)
        self.row_of = {key: row for row, key in enumerate(keys)}
        if len(self.row_of) != len(keys):
            raise ValueError("records repeat a (source_system, source_id) key")

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def next_row(self) -> int:
        """The row a new record takes: after every row ever used."""
        return len(self.keys)

    def value(self, row: int, field: str) -> str | None:
        """One prepared value of a row."""
        return self.columns[field][row]

    def values(self, row: int) -> dict[str, str | None]:
        """Every prepared value of a row."""
        return {field: column[row] for field, column in self.columns.items()}

    def keys_at(self, rows: Sequence[int]) -> list[RecordKey]:
        """The keys of these rows (each must hold a record)."""
        keys = gather(self.keys, rows)
        if None in keys:
            raise LookupError("a row holds no record")
        return keys  # type: ignore[return-value]

    def put(self, key: RecordKey, row: int, values: Values) -> None:
        """Store a record's values at its row (the next row for a new record)."""
        if row == self.next_row:
            self.keys.append(key)
            for field, column in self.columns.items():
                column.append(values.get(field))
        else:
            self.keys[row] = key
            for field, column in self.columns.items():
                column[row] = values.get(field)
        self.row_of[key] = row

    def drop(self, key: RecordKey) -> int:
        """Forget a record; its row stays empty for good."""
        row = self.row_of.pop(key)
        self.keys[row] = None
        for column in self.columns.values():
            column[row] = None
        return row
