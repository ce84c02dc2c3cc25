"""Candidate pairs: every rule's runs paired, filtered by source and parent, then united."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
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

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs as two aligned index arrays (left < right in dedupe) and per-rule counts."""

    left: IntArray
    right: IntArray
    pairs_per_rule: dict[str, int]

    def __len__(self) -> int:
        return len(self.left)


def pairs_within(keyed: Keyed, cap: int, probes: Mask | None = None) -> tuple[IntArray, IntArray]:
    """Every pair of rows sharing a block of 2..cap records (once per shared block).

    With `probes`, only the pairs with a probe row on at least one side: the same pairs as
    filtering the whole list (a cap still weighs the whole block), without making the rest."""
    sizes = keyed.sizes()
    block_of = np.repeat(np.arange(len(sizes)), sizes)
    # a key shared by too many records identifies nothing (switchboard number, "consulting")
    pos = np.flatnonzero(((sizes > 1) & (sizes <= cap))[block_of])
    if probes is not None:
        return _probe_pairs_within(keyed, block_of, pos, probes)
    counts = keyed.starts[1:][block_of[pos]] - pos - 1
    left = np.repeat(pos, counts)
    right = left + 1 + np.arange(len(left)) - _run_starts(counts)
    return keyed.rows[left], keyed.rows[right]


def _run_starts(counts: IntArray) -> IntArray:
    """For runs of `counts` items laid end to end, each item's run start."""
    return np.repeat(np.cumsum(counts) - counts, counts)


def _probe_pairs_within(
    keyed: Keyed, block_of: IntArray, pos: IntArray, probes: Mask
) -> tuple[IntArray, IntArray]:
    """`pairs_within` restricted to pairs touching a probe: each probe pairs with every later
    member of its block, and with every earlier member that is no probe (a pair of two probes
    comes once, from its earlier one). Rows ascend in a block, so left < right holds."""
    hit = pos[probes[keyed.rows[pos]]]
    later = keyed.starts[1:][block_of[hit]] - hit - 1
    ahead = np.repeat(hit, later)
    behind = ahead + 1 + np.arange(len(ahead)) - _run_starts(later)
    earlier = hit - keyed.starts[block_of[hit]]
    back = np.repeat(hit, earlier)
    first = np.repeat(keyed.starts[block_of[hit]], earlier)
    before = first + np.arange(len(back)) - _run_starts(earlier)
    plain = ~probes[keyed.rows[before]]
    left = np.concatenate([keyed.rows[ahead], keyed.rows[before[plain]]])
    right = np.concatenate([keyed.rows[behind], keyed.rows[back[plain]]])
    return left, right


def _neighbours(
    order: IntArray, window: int, probes: Mask | None = None
) -> tuple[IntArray, IntArray]:
    left = np.concatenate([order[:-step] for step in range(1, window)])
    right = np.concatenate([order[step:] for step in range(1, window)])
    if probes is not None:
        touching = probes[left] | probes[right]
        left, right = left[touching], right[touching]
    return np.minimum(left, right), np.maximum(left, right)


def _rule_pairs(
    column: Column, rule: BlockingRule, parents: Values | None, probes: Mask | None
) -> tuple[IntArray, IntArray]:
    if rule.method == "sorted_neighbourhood":
        return _neighbours(sorted_order(column, parents), window_of(rule), probes)
    if rule.method == "tokens":
        keyed = chosen_tokens(column, rule, parents)
    else:
        keyed = fixed_keys(column, rule, parents)
    return pairs_within(keyed, rule.max_block_size, probes)


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
    probes: Mask | None = None,
) -> Candidates:
    """Union of every rule's pairs; with `sources`, only pairs across different sources.

    Columns may be categorical (codes into distinct values, as the batch standardizer makes
    them): the same pairs come out, without factorizing the values again. With `probes` (a
    mask over the rows), only the pairs touching a probe row are made: exactly those of the
    whole union, in the same order, and `pairs_per_rule` counts just them. Keys and block
    sizes still come from every row, so a block too big to pair is skipped as before.
    """
    columns = {field: _column(prepared[field]) for field in dict.fromkeys(r.field for r in rules)}
    parents = _objects(prepared[parent_field]) if parent_field else None
    return block_columns(
        columns, len(prepared), rules, sources=sources, parents=parents, probes=probes
    )


def block_columns(
    columns: Mapping[str, Column],
    size: int,
    rules: tuple[BlockingRule, ...],
    *,
    sources: list[str] | None = None,
    parents: Values | None = None,
    probes: Mask | None = None,
) -> Candidates:
    """`block` on columns factorized already (each rule's field; `size` rows), `parents` being
    each row's parent (None where it has none): what a caller holding codes hands over."""
    codes = pd.factorize(pd.Series(sources))[0] if sources is not None else None
    if parents is not None and not len(parents):
        parents = None
    parent_codes = (
        pd.factorize(pd.Series(parents, dtype=object))[0] if parents is not None else None
    )
    n = size
    all_codes: list[IntArray] = []
    counts: dict[str, int] = {}
    for rule in rules:
        left, right = _rule_pairs(columns[rule.field], rule, parents, probes)
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
