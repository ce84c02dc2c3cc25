"""Entry points: records in, scored pairs with explanations and clusters out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.blocking import Candidates, block
from matching.clustering import cluster
from matching.compare import EXACT_LEVEL, LevelArray, compare
from matching.config import MatchSettings
from matching.prepare import prepare
from matching.rules import (
    CANNOT_LINK,
    MUST_LINK,
    NO_RULE,
    RULE_NAMES,
    TAX_ID_CONFLICT,
    TAX_ID_MATCH,
    RuleArray,
    cap_divergent_names,
    tax_id_rules,
)
from matching.scoring import (
    FittedModel,
    fit_em,
    fit_from_labels,
    match_weight,
    probability,
    weight_matrix,
)

IntArray = npt.NDArray[np.int64]
RecordKey = tuple[str, str]  # (source_system, source_id)
KEY_COLUMNS = ("source_system", "source_id")
# by how many thresholds a pair's probability clears
DECISIONS = ("distinct", "review", "link")
# a vetoed pair keeps at most this probability: enough for review, never an auto-link
VETO_PROBABILITY = 0.5


@dataclass(frozen=True, slots=True)
class Constraints:
    """Steward decisions that every run obeys."""

    must_link: tuple[tuple[RecordKey, RecordKey], ...] = ()
    cannot_link: tuple[tuple[RecordKey, RecordKey], ...] = ()


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Scored candidate pairs (with explanations), cluster per record, the model used."""

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    model: FittedModel
    candidates: Candidates


@dataclass(frozen=True, slots=True)
class Scored:
    """Model output for a set of pairs, before decisions."""

    levels: LevelArray
    weights: npt.NDArray[np.float64]
    total: npt.NDArray[np.float64]
    prob: npt.NDArray[np.float64]
    rule: npt.NDArray[np.int8]


def _keys(records: pd.DataFrame) -> list[RecordKey]:
    missing = [c for c in KEY_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records need columns {missing}")
    return list(
        zip(records["source_system"].astype(str), records["source_id"].astype(str), strict=True)
    )


def _pairs_of(
    keys: list[RecordKey], pairs: Iterable[tuple[RecordKey, RecordKey]]
) -> list[tuple[int, int]]:
    index = {k: i for i, k in enumerate(keys)}
    out = []
    for a, b in pairs:
        if a in index and b in index and index[a] != index[b]:
            out.append((min(index[a], index[b]), max(index[a], index[b])))
    return out


def random_pairs(
    n: int, size: int, seed: int, sources: list[str] | None = None
) -> tuple[IntArray, IntArray]:
    """A reproducible sample of distinct record pairs (across sources when given)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, max(n, 1), size)
    b = rng.integers(0, max(n, 1), size)
    keep = a != b
    if sources is not None:
        codes = pd.factorize(pd.Series(sources))[0]
        keep &= codes[a] != codes[b]
    return np.minimum(a, b)[keep], np.maximum(a, b)[keep]


def total_pairs(n: int, sources: list[str] | None) -> float:
    if sources is None:
        return n * (n - 1) / 2
    counts = pd.Series(sources).value_counts().to_numpy(np.float64)
    return float((counts.sum() ** 2 - (counts**2).sum()) / 2)


def fit(
    prepared: pd.DataFrame,
    settings: MatchSettings,
    candidates: Candidates,
    levels: LevelArray,
    sources: list[str] | None = None,
) -> FittedModel:
    """Unsupervised model for these records and candidate pairs."""
    n = len(prepared)
    rl, rr = random_pairs(n, settings.em.random_pairs, settings.em.seed, sources)
    random_levels = compare(prepared, rl, rr, settings.comparisons)
    share = len(candidates) / max(total_pairs(n, sources), 1.0)
    return fit_em(settings, levels, random_levels, min(share, 1.0))


def score(
    prepared: pd.DataFrame,
    settings: MatchSettings,
    model: FittedModel,
    left: IntArray,
    right: IntArray,
    levels: LevelArray | None = None,
) -> Scored:
    """Model weights and deterministic rules for the given pairs (batch and incremental alike)."""
    if levels is None:
        levels = compare(prepared, left, right, settings.comparisons)
    rule = tax_id_rules(prepared, left, right, settings.tax_id_field, settings.country_field)
    total, prob = probabilities(settings, model, levels, rule)
    field = settings.divergent_name_field
    if field and field in prepared:
        names = prepared[field].to_numpy(dtype=object)
        cap_divergent_names(names, (left, right), prob, rule, VETO_PROBABILITY)
    return Scored(levels, weight_matrix(model, levels), total, prob, rule)


def probabilities(
    settings: MatchSettings, model: FittedModel, levels: LevelArray, rule: RuleArray
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Match weight and probability per pair: the model, then tax-id rules and link floors."""
    total = match_weight(model, levels)
    prob = probability(total)
    prob[rule == TAX_ID_MATCH] = 1.0
    prob[rule == TAX_ID_CONFLICT] = 0.0
    lifted = _floor_lifted(settings, levels)
    for c, spec in enumerate(settings.comparisons):
        vetoed = np.isin(levels[:, c], spec.vetoed_levels()) & (rule == NO_RULE) & ~lifted
        prob[vetoed] = np.minimum(prob[vetoed], VETO_PROBABILITY)
    return total, prob


def _floor_lifted(settings: MatchSettings, levels: LevelArray) -> npt.NDArray[np.bool_]:
    """Pairs whose every `floor_lifted_by` comparison agrees exactly (none named: no pair)."""
    names = [spec.name for spec in settings.comparisons]
    lifted = np.full(len(levels), bool(settings.floor_lifted_by))
    for name in settings.floor_lifted_by:
        lifted &= levels[:, names.index(name)] == EXACT_LEVEL
    return lifted


def _apply_constraints(
    left: IntArray,
    right: IntArray,
    scored: Scored,
    must: list[tuple[int, int]],
    cannot: list[tuple[int, int]],
) -> Scored:
    codes = {(a, b): k for k, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True))}
    for pairs, value, rule in ((must, 1.0, MUST_LINK), (cannot, 0.0, CANNOT_LINK)):
        for pair in pairs:
            k = codes.get(pair)
            if k is not None:
                scored.prob[k] = value
                scored.rule[k] = rule
    return scored


def explain(
    settings: MatchSettings, keys: list[RecordKey], left: IntArray, right: IntArray, scored: Scored
) -> pd.DataFrame:
    """One row per pair: ids, weight, probability, decision, rule, each level and its weight."""
    th = settings.thresholds
    band = (scored.prob >= th.lower).astype(np.int8) + (scored.prob >= th.upper)
    systems = np.array([k[0] for k in keys], dtype=object)
    ids = np.array([k[1] for k in keys], dtype=object)
    columns: dict[str, Any] = {
        "source_system_l": systems[left],
        "source_id_l": ids[left],
        "source_system_r": systems[right],
        "source_id_r": ids[right],
        "match_weight": np.round(scored.total, 3),
        "probability": np.round(scored.prob, 5),
        # labels as categories: a million explained pairs hold one byte per label, not a pointer
        "decision": pd.Categorical.from_codes(band, DECISIONS),
        "rule": pd.Categorical.from_codes(scored.rule, RULE_NAMES),
    }
    for c, spec in enumerate(settings.comparisons):
        columns[spec.name] = pd.Categorical.from_codes(scored.levels[:, c], spec.level_labels())
        columns[f"{spec.name}_weight"] = np.round(scored.weights[:, c], 3)
    frame = pd.DataFrame(columns)
    return frame


def conflicting(
    settings: MatchSettings, levels: LevelArray, rule: RuleArray
) -> npt.NDArray[np.bool_]:
    """Pairs whose hard evidence disagrees (a `conflict_on_else` comparison at "else")."""
    out = np.zeros(len(rule), bool)
    for c, spec in enumerate(settings.comparisons):
        if spec.conflict_on_else:
            out |= levels[:, c] == spec.n_levels - 1
    # an equal tax id outranks it (and a steward's must-link outranks both, in clustering)
    keep: npt.NDArray[np.bool_] = out & (rule != TAX_ID_MATCH)
    return keep


def dedupe(
    records: pd.DataFrame,
    settings: MatchSettings,
    *,
    model: FittedModel | None = None,
    constraints: Constraints | None = None,
    link_only: bool = False,
) -> MatchResult:
    """Resolve records (columns `source_system`, `source_id` + canonical fields) into clusters."""
    constraints = constraints or Constraints()
    keys = _keys(records)
    sources = [k[0] for k in keys] if link_only else None
    prepared = prepare(records.reset_index(drop=True), settings)
    cands = block(prepared, settings.blocking, sources=sources, parent_field=settings.parent_field)
    must = _pairs_of(keys, constraints.must_link)
    cannot = _pairs_of(keys, constraints.cannot_link)
    left, right = _with_pairs(cands.left, cands.right, must)
    levels = compare(prepared, left, right, settings.comparisons)
    if model is None:
        model = fit(prepared, settings, cands, levels, sources)
    scored = score(prepared, settings, model, left, right, levels)
    scored = _apply_constraints(left, right, scored, must, cannot)
    hard_no = (scored.rule == TAX_ID_CONFLICT) | conflicting(settings, scored.levels, scored.rule)
    labels = cluster(
        len(keys),
        left,
        right,
        scored.prob,
        settings.clustering.join_threshold or settings.thresholds.upper,
        min_support=settings.clustering.min_support,
        must_link=must,
        cannot_link=cannot,
        conflicts=list(zip(left[hard_no].tolist(), right[hard_no].tolist(), strict=True)),
        weights=scored.total,
    )
    clusters = pd.DataFrame(
        {
            "source_system": [k[0] for k in keys],
            "source_id": [k[1] for k in keys],
            "cluster_id": [f"c{label}" for label in labels.tolist()],
        }
    )
    return MatchResult(explain(settings, keys, left, right, scored), clusters, model, cands)


def _with_pairs(
    left: IntArray, right: IntArray, extra: list[tuple[int, int]]
) -> tuple[IntArray, IntArray]:
    if not extra:
        return left, right
    n = int(max(left.max(initial=0), right.max(initial=0), *(b for _, b in extra))) + 1
    codes = np.unique(
        np.concatenate([left * n + right, np.array([a * n + b for a, b in extra], np.int64)])
    )
    return codes // n, codes % n


def link(
    left: pd.DataFrame,
    right: pd.DataFrame,
    settings: MatchSettings,
    *,
    model: FittedModel | None = None,
    constraints: Constraints | None = None,
) -> MatchResult:
    """Link two sources: only pairs across them are compared."""
    tagged = []
    for frame, tag in ((left, "left"), (right, "right")):
        frame = frame.copy()
        frame["source_system"] = tag
        tagged.append(frame)
    both = pd.concat(tagged, ignore_index=True)
    return dedupe(both, settings, model=model, constraints=constraints, link_only=True)


def refit(
    records: pd.DataFrame,
    settings: MatchSettings,
    labelled: Iterable[tuple[RecordKey, RecordKey, bool]],
    base: FittedModel | None = None,
) -> FittedModel:
    """A model refitted from steward-labelled pairs (True = same entity), shrunk towards `base`."""
    keys = _keys(records)
    index = {k: i for i, k in enumerate(keys)}
    known = [(index[a], index[b], same) for a, b, same in labelled if a in index and b in index]
    prepared = prepare(records.reset_index(drop=True), settings)
    left = np.array([a for a, _, _ in known], np.int64)
    right = np.array([b for _, b, _ in known], np.int64)
    levels = compare(prepared, left, right, settings.comparisons)
    labels = np.array([same for _, _, same in known], bool)
    return fit_from_labels(settings, levels, labels, base)
