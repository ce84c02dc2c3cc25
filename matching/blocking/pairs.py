"""Candidate pairs: every rule's runs paired, filtered by source and parent, then united."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.blocking.columns import (
    Column,
    IntArray,
    Keyed,
    Values,
    chosen_tokens,
    distinct,
    fixed_keys,
    sorted_order,
)
from matching.blocking.keys import rule_name, window_of
from matching.config import BlockingRule


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs as two aligned index arrays (left < right in dedupe) and per-rule counts."""

    left: IntArray
    right: IntArray
    pairs_per_rule: dict[str, int]

    def __len__(self) -> int:
        return len(self.left)


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


def _column(values: pd.Series) -> Column:
    # a categorical column is factorized already: its codes and categories are the column
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes, np.int64)
        return Column(codes, [str(c) for c in values.cat.categories])
    return Column.of(values.to_numpy(dtype=object))


def _objects(values: pd.Series) -> Values:
    # None where missing, as in a prepared frame (a categorical column would give NaN)
    out: Values = values.to_numpy(dtype=object)
    out[values.isna().to_numpy()] = None
    return out


def block(
    prepared: pd.DataFrame,
    rules: tuple[BlockingRule, ...],
    *,
    sources: list[str] | None = None,
    parent_field: str | None = None,
) -> Candidates:
    """Union of every rule's pairs; with `sources`, only pairs across different sources.

    Columns may be categorical (codes into distinct values, as the batch standardizer makes
    them): the same pairs come out, without factorizing the values again.
    """
    parents = _objects(prepared[parent_field]) if parent_field else None
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
            columns[rule.field] = _column(prepared[rule.field])
        left, right = _rule_pairs(columns[rule.field], rule, parents)
        if codes is not None:
            keep = codes[left] != codes[right]
            left, right = left[keep], right[keep]
        if parent_codes is not None:
            keep = parent_codes[left] == parent_codes[right]
            left, right = left[keep], right[keep]
        counts[rule_name(rule)] = len(left)
        all_codes.append(left * n + right)
    merged = distinct(np.concatenate(all_codes)) if all_codes else np.empty(0, np.int64)
    return Candidates(merged // n, merged % n, counts) if n else Candidates(merged, merged, counts)
