"""Blocking: candidate pairs from several capped keys; values too common to identify are dropped.

Keys are derived once per distinct value by the small per-value functions below (`tokens_of`,
`choose_tokens`, `value_keys`, `scoped`, `sort_value`); the incremental index calls the same
functions, so batch and index can never disagree about a record's keys. The batch path works on
integer codes: records sharing a key become one sorted run, and pairs come from each run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.config import BlockingRule

IntArray = npt.NDArray[np.int64]
Values = npt.NDArray[np.object_]

_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "at", "de", "la", "du", "der", "und"})
_SOUNDEX = {
    c: d for d, letters in enumerate(("bfpv", "cgjkqsxz", "dt", "l", "mn", "r"), 1) for c in letters
}
# joins a child's parent to each of its keys: children only meet inside their parent
SCOPE_SEPARATOR = "\x1f"
DEFAULT_WINDOW = 5
DEFAULT_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs as two aligned index arrays (left < right in dedupe) and per-rule counts."""

    left: IntArray
    right: IntArray
    pairs_per_rule: dict[str, int]

    def __len__(self) -> int:
        return len(self.left)


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


def soundex(word: str) -> str:
    """American Soundex code of a word ("robert" -> "r163"); empty for a non-alphabetic word."""
    letters = [c for c in word.lower() if c.isalpha()]
    if not letters:
        return ""
    code, last = letters[0], _SOUNDEX.get(letters[0])
    for c in letters[1:]:
        digit = _SOUNDEX.get(c)
        if digit is not None and digit != last:
            code += str(digit)
        if c not in "hw":
            last = digit
    return (code + "000")[:4]


def rule_name(rule: BlockingRule) -> str:
    """The rule's label in `Candidates.pairs_per_rule`."""
    return f"{rule.method}:{rule.field}"


def tokens_of(value: str | None) -> list[str]:
    """A value's distinct whitespace tokens, sorted (none for a missing value)."""
    return sorted(set(value.split())) if value else []


def usable(count: int, cap: int) -> bool:
    """Whether a key (or token) held by `count` records can block: shared, yet not too common."""
    return 1 < count <= cap


def choose_tokens(counted: Iterable[tuple[int, str]], rule: BlockingRule) -> list[str]:
    """A record's blocking tokens from its (frequency, token) pairs: the rarest usable ones."""
    ranked = sorted((f, t) for f, t in counted if usable(f, rule.max_block_size))
    chosen = ranked[: rule.param] if rule.param > 0 else ranked
    return [t for _, t in chosen]


def initials_of(value: str) -> str:
    """First letters of a value's words, small connecting words left out."""
    return "".join([t[0] for t in value.split() if t not in _ACRONYM_SKIP])


def acronym_keys(value: str) -> list[str]:
    """Initials of the words, and the short words themselves: "ucla" meets "univ of cal la"."""
    initials = initials_of(value)
    keys = [initials] if len(initials) >= 3 else []
    keys.extend(t for t in value.split() if 3 <= len(t) <= 6 and t != initials)
    return list(dict.fromkeys(keys))


def single_key(value: str, rule: BlockingRule) -> str:
    """The one key of a present value under an exact, prefix or phonetic rule."""
    if rule.method == "prefix":
        return value[: rule.param or DEFAULT_PREFIX]
    if rule.method == "phonetic":
        return " ".join(soundex(t) for t in value.split())
    return value


def value_keys(value: str | None, rule: BlockingRule) -> list[str]:
    """Distinct keys of one value under a fixed-key rule (exact, prefix, phonetic, acronym)."""
    if not value:
        return []
    return acronym_keys(value) if rule.method == "acronym" else [single_key(value, rule)]


def scoped(parent: object, key: str) -> str:
    """A key made private to one parent."""
    return f"{parent or ''}{SCOPE_SEPARATOR}{key}"


def sort_value(value: str | None, parent: object, has_parent: bool) -> str | None:
    """What sorted neighbourhood sorts a record by (None: the record takes no part)."""
    if not value:
        return None
    return scoped(parent, value) if has_parent else value


def window_of(rule: BlockingRule) -> int:
    """How many sorted positions apart two records may be and still pair (at least 2)."""
    return max(rule.param or DEFAULT_WINDOW, 2)


def _factorize(
    values: Values | list[str] | list[str | None], sort: bool = False
) -> tuple[IntArray, list[str]]:
    """Codes per value (-1 for a missing one) and the distinct values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), sort=sort)
    return codes.astype(np.int64), list(uniques)


def _distinct(codes: IntArray) -> IntArray:
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
    combined = _distinct(unit * max(len(names), 1) + key)
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
            lens = np.fromiter((len(v.split()) for v in self.uniques), np.int64, len(self.uniques))
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
    for u, value in enumerate(column.uniques):
        initials = initials_of(value)
        if len(initials) >= 3:
            initial_codes[u] = index.setdefault(initials, len(index))
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


def pairs_within(keyed: Keyed, cap: int) -> tuple[IntArray, IntArray]:
    """Every pair of rows sharing a block of 2..cap records (once per shared block)."""
    sizes = keyed.sizes()
    block_of = np.repeat(np.arange(len(sizes)), sizes)
    # a key shared by too many records identifies nothing (switchboard number, "consulting")
    pos = np.flatnonzero(((sizes > 1) & (sizes <= cap))[block_of])
    counts = keyed.starts[1:][block_of[pos]] - pos - 1
    left = np.repeat(pos, counts)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(counts) - counts, counts)
    return keyed.rows[left], keyed.rows[right]


def _neighbours(order: IntArray, window: int) -> tuple[IntArray, IntArray]:
    left = np.concatenate([order[:-step] for step in range(1, window)])
    right = np.concatenate([order[step:] for step in range(1, window)])
    return np.minimum(left, right), np.maximum(left, right)


def _rule_pairs(
    column: Column, rule: BlockingRule, parents: Values | None
) -> tuple[IntArray, IntArray]:
    if rule.method == "sorted_neighbourhood":
        return _neighbours(sorted_order(column, parents), window_of(rule))
    if rule.method == "tokens":
        return pairs_within(chosen_tokens(column, rule, parents), rule.max_block_size)
    return pairs_within(fixed_keys(column, rule, parents), rule.max_block_size)


def block(
    prepared: pd.DataFrame,
    rules: tuple[BlockingRule, ...],
    *,
    sources: list[str] | None = None,
    parent_field: str | None = None,
) -> Candidates:
    """Union of every rule's pairs; with `sources`, only pairs across different sources."""
    parents = prepared[parent_field].to_numpy(dtype=object) if parent_field else None
    codes = pd.factorize(pd.Series(sources))[0] if sources is not None else None
    if parents is not None and not len(parents):
        parents = None
    parent_codes = (
        pd.factorize(pd.Series(parents, dtype=object))[0] if parents is not None else None
    )
    n = len(prepared)
    all_codes: list[IntArray] = []
    counts: dict[str, int] = {}
    columns: dict[str, Column] = {}
    for rule in rules:
        if rule.field not in columns:
            columns[rule.field] = Column.of(prepared[rule.field].to_numpy(dtype=object))
        left, right = _rule_pairs(columns[rule.field], rule, parents)
        if codes is not None:
            keep = codes[left] != codes[right]
            left, right = left[keep], right[keep]
        if parent_codes is not None:
            keep = parent_codes[left] == parent_codes[right]
            left, right = left[keep], right[keep]
        counts[rule_name(rule)] = len(left)
        all_codes.append(left * n + right)
    merged = _distinct(np.concatenate(all_codes)) if all_codes else np.empty(0, np.int64)
    return Candidates(merged // n, merged % n, counts) if n else Candidates(merged, merged, counts)
