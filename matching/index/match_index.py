"""`MatchIndex`: resolve one record at a time against many, with the batch path's answers.

For the same model and records, `query(x)` gives exactly the pairs involving x that
`matching.pipeline.dedupe` produces: the same candidates (block caps, token frequencies, sorted
neighbours, parent scopes, all with x counted) and the same scores (name-token weights counted
over the whole index). Adding, removing and updating records adjusts counts and postings in
place: nothing is rebuilt, and a query's work depends on block caps, not on the index size.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
from sortedcontainers import SortedList

from matching.batch.standardize import prepare_distinct
from matching.blocking import (
    Column,
    fixed_keys,
    sort_value,
    sorted_order,
    token_postings,
    tokens_of,
)
from matching.config import MatchSettings
from matching.index.postings import Postings, Rows, TokenCounts
from matching.index.rules import Blocker, KeyRule, Maintained, NeighbourRule, TokenRule
from matching.index.scoring import Decision, Scorer
from matching.index.standardize import prepare_record, warm_up
from matching.index.store import Probe, RecordKey, Store, Values
from matching.scoring import FittedModel

KEY_COLUMNS = ("source_system", "source_id")
ObjectArray = npt.NDArray[np.object_]


def record_key(record: Mapping[str, object]) -> RecordKey:
    """A record's (source_system, source_id), as `dedupe` reads it."""
    missing = [c for c in KEY_COLUMNS if record.get(c) is None]
    if missing:
        raise ValueError(f"a record needs {missing}")
    return str(record["source_system"]), str(record["source_id"])


class MatchIndex:
    """Records of one entity type, kept ready to be matched one at a time."""

    def __init__(
        self,
        settings: MatchSettings,
        model: FittedModel,
        keys: list[RecordKey],
        columns: Mapping[str, Column],
        table: ObjectArray,
    ) -> None:
        """Use `build`: `columns` are the prepared features factorized, `table` their values."""
        self.settings = settings
        self.model = model
        self._store = Store(table, list(columns), keys)
        self._rows = Rows(len(keys))
        parents = _parents(columns, settings.parent_field)
        self._tokens = {
            field: TokenCounts(token_postings(columns[field]), self._rows)
            for field in _token_fields(settings)
        }
        self._blockers: list[Blocker] = []
        self._maintained: list[Maintained] = []
        for rule in settings.blocking:
            column = columns[rule.field]
            if rule.method == "tokens":
                counts = self._tokens[rule.field]
                self._blockers.append(TokenRule(rule, counts, self._store))
                continue
            if rule.method == "sorted_neighbourhood":
                order = _sort_order(column, parents)
                kept: KeyRule | NeighbourRule = NeighbourRule(rule, settings.parent_field, order)
            else:
                postings = Postings(fixed_keys(column, rule, parents), self._rows)
                kept = KeyRule(rule, settings.parent_field, postings)
            self._blockers.append(kept)
            self._maintained.append(kept)
        self._scorer = Scorer(settings, model, self._store, self._tokens)

    @classmethod
    def build(
        cls, records: pd.DataFrame, settings: MatchSettings, model: FittedModel
    ) -> MatchIndex:
        """An index of these records (`source_system`, `source_id` and canonical columns)."""
        missing = [c for c in KEY_COLUMNS if c not in records.columns]
        if missing:
            raise ValueError(f"records need columns {missing}")
        frame = records.reset_index(drop=True)
        keys = list(
            zip(frame["source_system"].astype(str), frame["source_id"].astype(str), strict=True)
        )
        prepared = prepare_distinct(frame, settings)
        table = np.empty((len(frame), len(prepared.columns)), dtype=object)
        for j, feature in enumerate(prepared.columns.values()):
            table[:, j] = np.array([*feature.values, None], dtype=object)[feature.codes]
        columns = {name: Column(c.codes, c.values) for name, c in prepared.columns.items()}
        index = cls(settings, model, keys, columns, table)
        warm_up(frame, settings)
        return index

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, key: object) -> bool:
        return key in self._store.row_of

    def add(self, record: Mapping[str, object]) -> None:
        """Index a new record; its key must not be in the index yet."""
        key = record_key(record)
        if key in self._store.row_of:
            raise ValueError(f"record {key} is already in the index; update it instead")
        self._attach(key, self._store.next_row, prepare_record(record, self.settings))

    def remove(self, key: RecordKey) -> None:
        """Take a record out of the index."""
        row = self._row(key)
        self._detach(row)
        self._store.drop(key)

    def update(self, record: Mapping[str, object]) -> None:
        """Replace an indexed record's values; it keeps its place in the row order."""
        key = record_key(record)
        row = self._row(key)
        self._detach(row)
        self._attach(key, row, prepare_record(record, self.settings))

    def candidates(self, record: Mapping[str, object]) -> list[RecordKey]:
        """Keys of the records blocking pairs with this one, in row order."""
        probe = self._probe(record)
        return self._store.keys_at(self._candidate_rows(probe))

    def query(self, record: Mapping[str, object]) -> list[Decision]:
        """Every candidate pair of the record, scored, most probable first.

        A record not in the index is scored as if it had been added (counted in block sizes and
        token frequencies); one in the index (same key) against the others, with the values
        given. The index is left unchanged.
        """
        probe = self._probe(record)
        decisions = self._scorer.decisions(probe, self._candidate_rows(probe))
        return sorted(decisions, key=lambda d: -d.probability)

    def _probe(self, record: Mapping[str, object]) -> Probe:
        key = record_key(record)
        values = prepare_record(record, self.settings)
        row = self._store.row_of.get(key)
        if row is None:
            return Probe(self._store.next_row, values)
        return Probe(row, values, self._store.values(row))

    def _candidate_rows(self, probe: Probe) -> list[int]:
        found: set[int] = set()
        for rule in self._blockers:
            found.update(rule.candidates(probe))
        found.discard(probe.row)
        parent_field = self.settings.parent_field
        if parent_field is not None:
            # children only pair inside one parent
            parent = probe.values.get(parent_field)
            found = {r for r in found if self._store.value(r, parent_field) == parent}
        return sorted(found)

    def _row(self, key: RecordKey) -> int:
        row = self._store.row_of.get(key)
        if row is None:
            raise KeyError(f"record {key} is not in the index")
        return row

    def _attach(self, key: RecordKey, row: int, values: Values) -> None:
        for rule in self._maintained:
            rule.attach(row, values)
        for field, counts in self._tokens.items():
            counts.add(tokens_of(values.get(field)), row)
        self._store.put(key, row, values)

    def _detach(self, row: int) -> None:
        values = self._store.values(row)
        for rule in self._maintained:
            rule.detach(row, values)
        for field, counts in self._tokens.items():
            counts.discard(tokens_of(values.get(field)), row)
        if row < self._rows.base_size:
            self._rows.revised.add(row)


def _parents(columns: Mapping[str, Column], parent_field: str | None) -> ObjectArray | None:
    if parent_field is None:
        return None
    column = columns[parent_field]
    return np.array([*column.uniques, None], dtype=object)[column.codes]


def _token_fields(settings: MatchSettings) -> list[str]:
    # token frequencies serve the tokens rules and the name comparisons' weights
    fields = [r.field for r in settings.blocking if r.method == "tokens"]
    fields += [c.field for c in settings.comparisons if c.kind == "name"]
    return list(dict.fromkeys(fields))


def _sort_order(column: Column, parents: ObjectArray | None) -> SortedList:
    """(sort value, row) of every record taking part, in order."""
    rows = sorted_order(column, parents).tolist()
    values = np.array([*column.uniques, None], dtype=object)[column.codes].tolist()
    if parents is None:
        return SortedList([(values[r], r) for r in rows])
    return SortedList([(sort_value(values[r], parents[r], True), r) for r in rows])
