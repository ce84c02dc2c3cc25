"""Comparison levels for millions of pairs: each similarity once per distinct value pair.

A prepared field arrives as codes into its distinct values (-1 = missing), so null and exact
levels are integer comparisons, and only the distinct (left value, right value) pairs that
differ need a similarity — computed by the reference `similarities` (or the vectorised name
similarity), so every level equals `matching.compare.levels_for`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.batch.names import NameTokens, pair_similarity
from matching.compare import EXACT_LEVEL, NULL_LEVEL, LevelArray, fuzzy_levels, similarities
from matching.config import ComparisonSpec

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def name_tokens(codes: IntArray, values: list[str]) -> NameTokens:
    """Token table of a name field; weights count records, as the reference does."""
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    return NameTokens.build(values, counts, len(codes))


def _distinct_similarities(
    spec: ComparisonSpec,
    values: list[str],
    va: IntArray,
    vb: IntArray,
    tokens: NameTokens | None,
    workers: int,
) -> FloatArray:
    if spec.kind == "name":
        table = tokens if tokens is not None else name_tokens(np.arange(len(values)), values)
        return pair_similarity(table, va, vb, workers)
    pool = np.array(values, dtype=object)
    return similarities(spec, pool[va].tolist(), pool[vb].tolist(), None, workers=workers)


def comparison_levels(
    spec: ComparisonSpec,
    codes: IntArray,
    values: list[str],
    left: IntArray,
    right: IntArray,
    *,
    tokens: NameTokens | None = None,
    workers: int = 1,
) -> LevelArray:
    """Level of every (left, right) record pair for one comparison."""
    cl, cr = codes[left], codes[right]
    out = np.full(len(left), spec.n_levels - 1, np.int8)
    null = (cl < 0) | (cr < 0)
    out[null] = NULL_LEVEL
    out[~null & (cl == cr)] = EXACT_LEVEL
    fuzzy = np.flatnonzero(~null & (cl != cr))
    if not spec.thresholds or not len(fuzzy):
        return out
    pair_code = cl[fuzzy] * len(values) + cr[fuzzy]
    which, distinct = pd.factorize(pair_code)
    distinct = np.asarray(distinct, np.int64)
    sims = _distinct_similarities(
        spec, values, distinct // len(values), distinct % len(values), tokens, workers
    )
    out[fuzzy] = fuzzy_levels(spec, sims)[which]
    return out
