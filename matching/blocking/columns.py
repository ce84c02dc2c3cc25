"""Records grouped by key, in integer codes: each column is factorized once, keys are derived
once per distinct value (`matching.blocking.keys`), and records sharing a key form one run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.blocking.keys import (
    choose_tokens,
    remembered_initials,
    scoped,
    single_key,
    sort_value,
)
from matching.config import BlockingRule

IntArray = npt.NDArray[np.int64]
Values = npt.NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class Keyed:
    """Records grouped by key: block k (key `names[k]`) is `rows[starts[k]:starts[k + 1]]`.

    Rows ascend inside a block and a row appears at most once per block.
    """

    names: list[str]
    starts: IntArray
    rows: IntArray

    def sizes(self) -> IntArray:
        """Number of records holding each key."""
        return np.diff(self.starts)


def _factorize(
    values: Values | list[str] | list[str | None], sort: bool = False
) -> tuple[IntArray, list[str]]:
    """Codes per value (-1 for a missing one) and the distinct values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=sort)
    return codes.astype(np.int64), list(uniques)


def distinct(codes: IntArray) -> IntArray:
    # np.unique hashes int64 in numpy 2.x, far slower than a sort for millions of codes
    ordered = np.sort(codes)
    keep = np.ones(len(ordered), bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


@dataclass(frozen=True, slots=True)
class _UnitKeys:
    """Keys of each distinct value: pairs (unit, key) sorted by unit, and the key strings."""

    unit: IntArray
    key: IntArray
    names: list[str]


def _unit_keys(unit: IntArray, key: IntArray, names: list[str]) -> _UnitKeys:
    combined = distinct(unit * max(len(names), 1) + key)
    return _UnitKeys(combined // max(len(names), 1), combined % max(len(names), 1), names)


class Column:
    """One prepared column, factorized once and shared by every rule on the field.

    `uniques[codes[i]]` is row i's value (code -1: missing); the uniques are distinct.
    """

    def __init__(self, codes: IntArray, uniques: list[str]) -> None:
        codes = np.asarray(codes, np.int64)
        if "" in uniques:
            # an empty value is a missing one: no keys, no place in the sort order
            codes = np.where(codes == uniques.index(""), -1, codes)
        self.codes = codes
        self.uniques = uniques
        self._tokens: _UnitKeys | None = None

    @classmethod
    def of(cls, values: Values | list[str | None]) -> Column:
        """Factorize a column of values."""
        return cls(*_factorize(values))

    def __len__(self) -> int:
        return len(self.codes)

    def tokens(self) -> _UnitKeys:
        """`tokens_of` each distinct value, with no list per value (the collector would crawl)."""
        if self._tokens is None:
            flat = " ".join(self.uniques).split()
            lens = np.fromiter(map(len, map(str.split, self.uniques)), np.int64, len(self.uniques))
            codes, names = _factorize(flat)
            self._tokens = _unit_keys(np.repeat(np.arange(len(lens)), lens), codes, names)
        return self._tokens

    def keyed(self, units: _UnitKeys, parents: Values | None = None) -> Keyed:
        """Records grouped by the keys of their value (and by parent, when given)."""
        rows = np.flatnonzero(self.codes >= 0)
        starts = np.concatenate(
            [[0], np.cumsum(np.bincount(units.unit, minlength=len(self.uniques)))]
        )
        lens = np.diff(starts)[self.codes[rows]]
        first = np.repeat(starts[self.codes[rows]], lens)
        keys = units.key[first + np.arange(len(first)) - np.repeat(np.cumsum(lens) - lens, lens)]
        rows = np.repeat(rows, lens)
        if parents is None:
            return _group(rows, keys, units.names, len(self))
        names = units.names
        paired = zip(rows.tolist(), keys.tolist(), strict=True)
        scoped_keys, scoped_names = _factorize([scoped(parents[r], names[k]) for r, k in paired])
        return _group(rows, scoped_keys, scoped_names, len(self))


def _group(rows: IntArray, keys: IntArray, names: list[str], n: int) -> Keyed:
    """(row, key) pairs, distinct, grouped by key with rows ascending."""
    combined = np.sort(keys * max(n, 1) + rows)
    keys, rows = combined // max(n, 1), combined % max(n, 1)
    starts = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=len(names)))])
    return Keyed(names, starts.astype(np.int64), rows)


def token_postings(column: Column) -> Keyed:
    """Records grouped by every token of their value: a token's block size is its frequency."""
    return column.keyed(column.tokens())


def _acronym_units(column: Column) -> _UnitKeys:
    tokens = column.tokens()
    index = {t: k for k, t in enumerate(tokens.names)}
    names = list(tokens.names)
    initial_codes = np.full(len(column.uniques), -1, np.int64)
    initials = list(map(remembered_initials, column.uniques))
    letters = np.fromiter(map(len, initials), np.int64, len(initials))
    for u in np.flatnonzero(letters >= 3).tolist():
        initial_codes[u] = index.setdefault(initials[u], len(index))
    names.extend(list(index)[len(names) :])
    lengths = np.fromiter((len(t) for t in tokens.names), np.int64, len(tokens.names))
    short = (lengths[tokens.key] >= 3) & (lengths[tokens.key] <= 6)
    short &= tokens.key != initial_codes[tokens.unit]
    has_initials = np.flatnonzero(initial_codes >= 0)
    unit = np.concatenate([has_initials, tokens.unit[short]])
    return _unit_keys(unit, np.concatenate([initial_codes[has_initials], tokens.key[short]]), names)


def _single_units(column: Column, rule: BlockingRule) -> _UnitKeys:
    codes, names = _factorize([single_key(v, rule) for v in column.uniques])
    return _UnitKeys(np.arange(len(codes)), codes, names)


def fixed_keys(column: Column, rule: BlockingRule, parents: Values | None = None) -> Keyed:
    """Records grouped by a fixed-key rule's keys (exact, prefix, phonetic, acronym)."""
    if rule.method == "exact" and parents is None:
        rows = np.flatnonzero(column.codes >= 0)
        return _group(rows, column.codes[rows], column.uniques, len(column))
    if rule.method == "acronym":
        return column.keyed(_acronym_units(column), parents)
    return column.keyed(_single_units(column, rule), parents)


def chosen_tokens(column: Column, rule: BlockingRule, parents: Values | None = None) -> Keyed:
    """Records grouped by the tokens each chose under a tokens rule (scoped to the parent)."""
    postings = token_postings(column)
    if rule.param <= 0 and parents is None:
        # every usable token is chosen, so a token's block is exactly its postings
        return postings
    freq = postings.sizes().tolist()
    tokens, names = column.tokens(), postings.names
    index = {t: k for k, t in enumerate(names)}
    starts = np.searchsorted(tokens.unit, np.arange(len(column.uniques) + 1))
    units: list[int] = []
    chosen: list[int] = []
    for u, (a, b) in enumerate(zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True)):
        picked = choose_tokens(((freq[k], names[k]) for k in tokens.key[a:b].tolist()), rule)
        units.extend([u] * len(picked))
        chosen.extend(index[t] for t in picked)
    picks = _UnitKeys(np.array(units, np.int64), np.array(chosen, np.int64), names)
    return column.keyed(picks, parents)


def sorted_order(column: Column, parents: Values | None = None) -> IntArray:
    """Rows holding a value, by (`sort_value`, row)."""
    if parents is not None:
        values = [
            sort_value(column.uniques[c] if c >= 0 else None, p, True)
            for c, p in zip(column.codes.tolist(), parents, strict=True)
        ]
        column = Column.of(values)
    # Python's own string order, as a plain sort of the values would give
    ranks = np.empty(len(column.uniques), np.int64)
    ranks[sorted(range(len(column.uniques)), key=column.uniques.__getitem__)] = np.arange(
        len(ranks)
    )
    rows = np.flatnonzero(column.codes >= 0)
    return rows[np.argsort(ranks[column.codes[rows]], kind="stable")]
