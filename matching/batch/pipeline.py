"""`dedupe_batch`: the reference `dedupe`, columnar, for millions of records on every core.

Same stages and the same answers (a test holds it to the reference clusters): standardize once
per distinct value, block, compare once per distinct value pair, fit EM on a sample of the
candidate pairs, score in chunks, cluster with union-find first. Only pairs worth a look
(review or link) are explained in `pairs`; the rest are counted in `candidates`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.batch.cluster import fast_cluster
from matching.batch.columns import Column, Memo, block_prepared, prepared_columns
from matching.batch.compare import comparison_levels, name_tokens
from matching.batch.names import NameTokens
from matching.batch.rules import tax_country_codes, tax_id_rules
from matching.compare import LevelArray
from matching.config import MatchSettings
from matching.pipeline import (
    VETO_PROBABILITY,
    Constraints,
    MatchResult,
    Scored,
    _keys,
    _pairs_of,
    _with_pairs,
    conflicting,
    explain,
    probabilities,
    random_pairs,
    total_pairs,
)
from matching.rules import (
    CANNOT_LINK,
    MUST_LINK,
    TAX_ID_CONFLICT,
    RuleArray,
    cap_divergent_names,
)
from matching.scoring import FittedModel, fit_em, weight_matrix

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
SCORE_CHUNK = 1_000_000


def token_tables(columns: dict[str, Column], settings: MatchSettings) -> dict[str, NameTokens]:
    """The token table of every field a name comparison reads (built once, used twice)."""
    fields = {spec.field for spec in settings.comparisons if spec.kind == "name"}
    return {f: name_tokens(columns[f].codes, columns[f].values) for f in sorted(fields)}


def compare_all(
    columns: dict[str, Column],
    settings: MatchSettings,
    pairs: tuple[IntArray, IntArray],
    tokens: dict[str, NameTokens],
    workers: int,
) -> LevelArray:
    """Level matrix (pairs x comparisons), like `matching.compare.compare`."""
    left, right = pairs
    out = np.zeros((len(left), len(settings.comparisons)), np.int8)
    for c, spec in enumerate(settings.comparisons):
        column = columns[spec.field]
        out[:, c] = comparison_levels(
            spec,
            column.codes,
            column.values,
            left,
            right,
            tokens=tokens.get(spec.field) if spec.kind == "name" else None,
            workers=workers,
        )
    return out


def _rules(
    columns: dict[str, Column],
    settings: MatchSettings,
    left: IntArray,
    right: IntArray,
    workers: int,
) -> RuleArray:
    if not settings.tax_id_field or settings.tax_id_field not in columns:
        return np.zeros(len(left), np.int8)
    tax = columns[settings.tax_id_field]
    country = columns.get(settings.country_field or "")
    countries = tax_country_codes(
        tax.codes,
        tax.values,
        country.codes if country is not None else None,
        country.values if country is not None else None,
    )
    return tax_id_rules(tax.codes, tax.values, countries, left, right, workers)


def _fit(
    columns: dict[str, Column],
    settings: MatchSettings,
    levels: LevelArray,
    sources: list[str] | None,
    tokens: dict[str, NameTokens],
    workers: int,
) -> FittedModel:
    n = len(next(iter(columns.values())).codes)
    random = random_pairs(n, settings.em.random_pairs, settings.em.seed, sources)
    random_levels = compare_all(columns, settings, random, tokens, workers)
    share = len(levels) / max(total_pairs(n, sources), 1.0)
    # EM runs once per distinct level pattern, so every candidate pair can take part
    return fit_em(settings, levels, random_levels, min(share, 1.0))


def _score(
    settings: MatchSettings,
    model: FittedModel,
    levels: LevelArray,
    rule: RuleArray,
    divergence: tuple[dict[str, Column], IntArray, IntArray],
) -> tuple[FloatArray, FloatArray]:
    """Weights and probabilities (rules applied in place), like `matching.pipeline.score`."""
    total = np.empty(len(levels), np.float64)
    prob = np.empty(len(levels), np.float64)
    for start in range(0, len(levels), SCORE_CHUNK):
        part = slice(start, start + SCORE_CHUNK)
        total[part], prob[part] = _by_pattern(settings, model, levels[part], rule[part])
    columns, left, right = divergence
    field = settings.divergent_name_field
    if field and field in columns:
        names = columns[field].to_array()
        cap_divergent_names(names, (left, right), prob, rule, VETO_PROBABILITY)
    return total, prob


def _by_pattern(
    settings: MatchSettings, model: FittedModel, levels: LevelArray, rule: RuleArray
) -> tuple[FloatArray, FloatArray]:
    """`probabilities`, worked out once per distinct (levels, rule) row and handed to every pair
    with that row: a pair's weight and probability read nothing else, and tens of thousands of
    pairs share a few thousand rows."""
    code = _pattern_codes(levels, rule)
    if code is None:
        return probabilities(settings, model, levels, rule)
    which, patterns = pd.factorize(code)
    # any pair of a pattern stands for it: they hold the very same row
    example = np.empty(len(patterns), np.int64)
    example[which] = np.arange(len(which))
    total, prob = probabilities(settings, model, levels[example], rule[example])
    return total[which], prob[which]


def _pattern_codes(levels: LevelArray, rule: RuleArray) -> IntArray | None:
    """One integer per distinct (levels, rule) row (mixed radix); None if it would overflow."""
    code = np.zeros(len(rule), np.int64)
    span = 1
    for column in [*levels.T, rule]:
        low = int(column.min(initial=0))
        radix = int(column.max(initial=0)) - low + 1
        span *= radix
        if span >= 2**62:
            return None
        code = code * radix + (column.astype(np.int64) - low)
    return code


def _constrain(
    left: IntArray,
    right: IntArray,
    n: int,
    pairs: list[tuple[int, int]],
    found: tuple[FloatArray, RuleArray, float, int],
) -> None:
    prob, rule, value, code = found
    if not pairs:
        return
    wanted = np.array([a * n + b for a, b in pairs], np.int64)
    # membership, not position: no reliance on the candidates' order
    hit = np.isin(left * n + right, wanted)
    prob[hit] = value
    rule[hit] = code


def dedupe_batch(
    records: pd.DataFrame,
    settings: MatchSettings,
    *,
    model: FittedModel | None = None,
    constraints: Constraints | None = None,
    link_only: bool = False,
    workers: int = 2,
    memo: Memo | None = None,
) -> MatchResult:
    """Resolve records into clusters, like `matching.pipeline.dedupe`, for millions of rows.

    A `memo` (kept by a caller that resolves the same records again and again) spares
    standardizing values met before."""
    constraints = constraints or Constraints()
    keys = _keys(records)
    n = len(keys)
    sources = [k[0] for k in keys] if link_only else None
    columns = prepared_columns(records.reset_index(drop=True), settings, workers, memo)
    cands = block_prepared(columns, n, settings, sources=sources)
    must = _pairs_of(keys, constraints.must_link)
    cannot = _pairs_of(keys, constraints.cannot_link)
    left, right = _with_pairs(cands.left, cands.right, must)
    tokens = token_tables(columns, settings)
    levels = compare_all(columns, settings, (left, right), tokens, workers)
    if model is None:
        model = _fit(columns, settings, levels, sources, tokens, workers)
    rule = _rules(columns, settings, left, right, workers)
    total, prob = _score(settings, model, levels, rule, (columns, left, right))
    _constrain(left, right, n, must, (prob, rule, 1.0, MUST_LINK))
    _constrain(left, right, n, cannot, (prob, rule, 0.0, CANNOT_LINK))
    hard = np.flatnonzero((rule == TAX_ID_CONFLICT) | conflicting(settings, levels, rule))
    labels = fast_cluster(
        n,
        left,
        right,
        prob,
        settings.clustering.join_threshold or settings.thresholds.upper,
        min_support=settings.clustering.min_support,
        must_link=must,
        cannot_link=cannot,
        conflicts=(left[hard], right[hard]),
        weights=total,
        workers=workers,
    )
    keep = np.flatnonzero(prob >= settings.thresholds.lower)
    shown = Scored(
        levels[keep], weight_matrix(model, levels[keep]), total[keep], prob[keep], rule[keep]
    )
    clusters = pd.DataFrame(
        {
            "source_system": [k[0] for k in keys],
            "source_id": [k[1] for k in keys],
            "cluster_id": [f"c{label}" for label in labels.tolist()],
        }
    )
    pairs = explain(settings, keys, left[keep], right[keep], shown)
    return MatchResult(pairs, clusters, model, cands)
