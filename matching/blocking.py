"""Blocking: candidate pairs from several capped keys; values too common to identify are dropped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.config import BlockingRule

IntArray = npt.NDArray[np.int64]

_ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "at", "de", "la", "du", "der", "und"})
_SOUNDEX = {
    c: d for d, letters in enumerate(("bfpv", "cgjkqsxz", "dt", "l", "mn", "r"), 1) for c in letters
}


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs as two aligned index arrays (left < right in dedupe) and per-rule counts."""

    left: IntArray
    right: IntArray
    pairs_per_rule: dict[str, int]

    def __len__(self) -> int:
        return len(self.left)


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


def _token_keys(values: list[str | None], rule: BlockingRule) -> list[tuple[int, str]]:
    tokenised = [sorted(set(v.split())) if v else [] for v in values]
    freq = Counter(t for tokens in tokenised for t in tokens)
    keys: list[tuple[int, str]] = []
    for i, tokens in enumerate(tokenised):
        usable = sorted((freq[t], t) for t in tokens if 1 < freq[t] <= rule.max_block_size)
        chosen = usable[: rule.param] if rule.param > 0 else usable
        keys.extend((i, t) for _, t in chosen)
    return keys


def _acronym_keys(values: list[str | None]) -> list[tuple[int, str]]:
    # "university of california los angeles" meets "ucla": initials against short tokens
    keys: list[tuple[int, str]] = []
    for i, v in enumerate(values):
        tokens = v.split() if v else []
        initials = "".join(t[0] for t in tokens if t not in _ACRONYM_SKIP)
        if len(initials) >= 3:
            keys.append((i, initials))
        keys.extend((i, t) for t in tokens if 3 <= len(t) <= 6 and t != initials)
    return keys


def _keys(values: list[str | None], rule: BlockingRule) -> list[tuple[int, str]]:
    if rule.method == "tokens":
        return _token_keys(values, rule)
    if rule.method == "acronym":
        return _acronym_keys(values)
    if rule.method == "prefix":
        return [(i, v[: rule.param or 4]) for i, v in enumerate(values) if v]
    if rule.method == "phonetic":
        return [(i, " ".join(soundex(t) for t in v.split())) for i, v in enumerate(values) if v]
    return [(i, v) for i, v in enumerate(values) if v]


def _pairs_from_keys(keys: list[tuple[int, str]], cap: int) -> tuple[IntArray, IntArray]:
    if not keys:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    frame = pd.DataFrame(keys, columns=["row", "key"]).drop_duplicates()
    sizes = frame.groupby("key")["row"].transform("size")
    # a key shared by too many records identifies nothing (switchboard number, "consulting")
    frame = frame[(sizes > 1) & (sizes <= cap)]
    joined = frame.merge(frame, on="key", suffixes=("_l", "_r"))
    joined = joined[joined["row_l"] < joined["row_r"]]
    return joined["row_l"].to_numpy(np.int64), joined["row_r"].to_numpy(np.int64)


def _sorted_neighbourhood(values: list[str | None], window: int) -> tuple[IntArray, IntArray]:
    present = sorted((v, i) for i, v in enumerate(values) if v)
    order = np.array([i for _, i in present], dtype=np.int64)
    lefts, rights = [], []
    for step in range(1, max(window, 2)):
        lefts.append(order[:-step])
        rights.append(order[step:])
    left = np.concatenate(lefts) if lefts else np.empty(0, np.int64)
    right = np.concatenate(rights) if rights else np.empty(0, np.int64)
    return np.minimum(left, right), np.maximum(left, right)


def _with_parent(values: list[str | None], parents: list[str | None] | None) -> list[str | None]:
    if parents is None:
        return values
    # children only meet inside their parent: the parent becomes part of every key
    return [f"{p or ''}\x1f{v}" if v else None for v, p in zip(values, parents, strict=True)]


def _rule_pairs(
    prepared: pd.DataFrame, rule: BlockingRule, parents: list[str | None] | None
) -> tuple[IntArray, IntArray]:
    values: list[str | None] = prepared[rule.field].tolist()
    if rule.method == "sorted_neighbourhood":
        return _sorted_neighbourhood(_with_parent(values, parents), rule.param or 5)
    keys = _keys(values, rule)
    if parents is not None:
        keys = [(i, f"{parents[i] or ''}\x1f{k}") for i, k in keys]
    return _pairs_from_keys(keys, rule.max_block_size)


def block(
    prepared: pd.DataFrame,
    rules: tuple[BlockingRule, ...],
    *,
    sources: list[str] | None = None,
    parent_field: str | None = None,
) -> Candidates:
    """Union of every rule's pairs; with `sources`, only pairs across different sources."""
    parents = prepared[parent_field].tolist() if parent_field else None
    codes = pd.factorize(pd.Series(sources))[0] if sources is not None else None
    parent_codes = pd.factorize(pd.Series(parents, dtype=object))[0] if parents else None
    n = len(prepared)
    all_codes: list[IntArray] = []
    counts: dict[str, int] = {}
    for rule in rules:
        left, right = _rule_pairs(prepared, rule, parents)
        if codes is not None:
            keep = codes[left] != codes[right]
            left, right = left[keep], right[keep]
        if parent_codes is not None:
            keep = parent_codes[left] == parent_codes[right]
            left, right = left[keep], right[keep]
        counts[f"{rule.method}:{rule.field}"] = len(left)
        all_codes.append(left * n + right)
    merged = np.unique(np.concatenate(all_codes)) if all_codes else np.empty(0, np.int64)
    return Candidates(merged // n, merged % n, counts) if n else Candidates(merged, merged, counts)
