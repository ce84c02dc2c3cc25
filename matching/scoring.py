"""Fellegi-Sunter scoring: m/u per level by EM without labels, refit from labels, explanations."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.compare import NULL_LEVEL, LevelArray
from matching.config import EMSettings, MatchSettings, Thresholds

FloatArray = npt.NDArray[np.float64]
# probabilities never reach 0 or 1, so every weight stays finite
EPS = 1e-6
MODEL_FORMAT = "fs-1"


@dataclass(frozen=True, slots=True)
class FittedModel:
    """A versioned Fellegi-Sunter model: m and u per comparison level, prior, thresholds."""

    entity_type: str
    model_version: str
    comparisons: tuple[str, ...]
    groups: tuple[str | None, ...]
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    prior: float
    thresholds: Thresholds
    trained_by: str = "em"
    format: str = MODEL_FORMAT

    def level_weights(self) -> list[FloatArray]:
        """log2(m/u) per level of every comparison; the null level weighs 0."""
        out = []
        for m, u in zip(self.m, self.u, strict=True):
            w = np.log2(np.clip(m, EPS, 1) / np.clip(u, EPS, 1))
            w[NULL_LEVEL] = 0.0
            out.append(w)
        return out

    def to_json(self) -> str:
        """JSON text of the artefact."""
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> FittedModel:
        """Load an artefact written by `to_json`."""
        d: dict[str, Any] = json.loads(text)
        if d.get("format") != MODEL_FORMAT:
            raise ValueError(f"unsupported model format {d.get('format')!r}")
        return cls(
            entity_type=d["entity_type"],
            model_version=d["model_version"],
            comparisons=tuple(d["comparisons"]),
            groups=tuple(d["groups"]),
            m=tuple(tuple(x) for x in d["m"]),
            u=tuple(tuple(x) for x in d["u"]),
            prior=float(d["prior"]),
            thresholds=Thresholds(**d["thresholds"]),
            trained_by=d.get("trained_by", "em"),
        )


def weight_matrix(model: FittedModel, levels: LevelArray) -> FloatArray:
    """Weight of every comparison per pair; in a correlated group only the strongest counts."""
    lw = model.level_weights()
    w = np.column_stack([lw[c][levels[:, c]] for c in range(levels.shape[1])])
    for group in {g for g in model.groups if g is not None}:
        cols = [c for c, g in enumerate(model.groups) if g == group]
        if len(cols) < 2:
            continue
        block = w[:, cols]
        strongest = np.abs(block).argmax(axis=1)
        keep = np.zeros_like(block)
        keep[np.arange(len(block)), strongest] = block[np.arange(len(block)), strongest]
        w[:, cols] = keep
    return w


def match_weight(model: FittedModel, levels: LevelArray) -> FloatArray:
    """Total log2 odds of a match: prior odds plus every counted comparison weight."""
    prior = np.log2(model.prior / (1 - model.prior))
    return np.asarray(prior + weight_matrix(model, levels).sum(axis=1), np.float64)


def probability(weights: FloatArray) -> FloatArray:
    """Match probability from log2 odds."""
    return np.asarray(1.0 / (1.0 + np.exp2(-np.clip(weights, -60, 60))), np.float64)


def _level_shares(
    levels: LevelArray, weights: FloatArray, n_levels: int, pseudo: float
) -> FloatArray:
    counts = np.bincount(levels, weights=weights, minlength=n_levels).astype(np.float64)
    counts[NULL_LEVEL] = 0.0
    counts[1:] += pseudo
    counts /= counts[1:].sum()
    counts[NULL_LEVEL] = 1.0
    return counts


def monotone_m(m: FloatArray, u: FloatArray) -> FloatArray:
    """m adjusted so weights never rise from a stricter level to a looser one (pooled, PAVA).

    Levels are ordered by similarity; a looser level that seems to weigh more than a stricter
    one is noise (or EM latching onto a correlated field), so adjacent violators share one
    weight while each pool keeps its total m.
    """
    pools: list[list[int]] = []
    for level in range(1, len(m)):
        pools.append([level])
        while len(pools) > 1:
            last, prev = pools[-1], pools[-2]
            if _pool_ratio(m, u, prev) >= _pool_ratio(m, u, last):
                break
            pools[-2:] = [prev + last]
    out = m.copy()
    for pool in pools:
        total_u = u[pool].sum()
        if total_u > 0:
            out[pool] = m[pool].sum() * u[pool] / total_u
    return out


def capped_m(m: FloatArray, u: FloatArray, max_weight: float | None) -> FloatArray:
    """m lowered where needed so that no level weighs more than `max_weight` bits."""
    if max_weight is None:
        return m
    out: FloatArray = np.minimum(m, u * 2.0**max_weight)
    out[NULL_LEVEL] = m[NULL_LEVEL]
    return out


def _pool_ratio(m: FloatArray, u: FloatArray, pool: list[int]) -> float:
    return float(m[pool].sum() / max(u[pool].sum(), EPS))


def _initial_m(n_levels: int) -> FloatArray:
    # matches mostly agree: exact is likeliest, each looser level less so, "else" least
    m = np.array([0.0] + [0.5**k for k in range(n_levels - 1)], np.float64)
    m[-1] = min(m[-1], 0.02)
    m[1:] /= m[1:].sum()
    m[NULL_LEVEL] = 1.0
    return m


def _model(
    settings: MatchSettings, m: list[FloatArray], u: list[FloatArray], prior: float, by: str
) -> FittedModel:
    return FittedModel(
        entity_type=settings.entity_type,
        model_version=settings.model_version,
        comparisons=tuple(c.name for c in settings.comparisons),
        groups=tuple(c.group for c in settings.comparisons),
        m=tuple(tuple(float(x) for x in a) for a in m),
        u=tuple(tuple(float(x) for x in a) for a in u),
        prior=float(np.clip(prior, EPS, 1 - EPS)),
        thresholds=settings.thresholds,
        trained_by=by,
    )


def level_patterns(levels: LevelArray) -> tuple[LevelArray, FloatArray]:
    """The distinct rows of a level matrix and how many pairs have each."""
    if not len(levels):
        return levels, np.zeros(0, np.float64)
    radix = int(levels.max()) + 1
    if radix ** levels.shape[1] >= 2**62:
        rows, count = np.unique(levels, axis=0, return_counts=True)
        return rows, count.astype(np.float64)
    code = np.zeros(len(levels), np.int64)
    for c in range(levels.shape[1]):
        code = code * radix + levels[:, c]
    distinct, first, count = np.unique(code, return_index=True, return_counts=True)
    del distinct
    return levels[first], count.astype(np.float64)


def _posterior(model: FittedModel, levels: LevelArray, prior: float | None = None) -> FloatArray:
    fitted = model if prior is None else replace(model, prior=float(np.clip(prior, EPS, 1 - EPS)))
    return probability(match_weight(fitted, levels))


def fit_em(
    settings: MatchSettings,
    levels: LevelArray,
    random_levels: LevelArray,
    candidate_share: float,
    em: EMSettings | None = None,
) -> FittedModel:
    """Estimate m, u and the prior by EM on candidate pairs, u anchored on random pairs.

    u comes from random record pairs, but each random pair counts by its posterior chance of
    being a non-match: with many duplicates (company data) random pairs are not all non-matches.
    m and the prior come from the candidate pairs, where nearly all matches are.
    `candidate_share` is the candidate pairs' share of all pairs (to scale the prior).
    """
    em = em or settings.em
    sizes = [c.n_levels for c in settings.comparisons]
    m = [_initial_m(k) for k in sizes]
    u = [
        _level_shares(random_levels[:, c], np.ones(len(random_levels)), k, 1.0)
        for c, k in enumerate(sizes)
    ]
    prior = 0.1
    # pairs with the same levels have the same posterior: EM runs once per distinct pattern
    levels, count = level_patterns(levels)
    for _ in range(em.max_iter):
        model = _model(settings, m, u, prior, "em")
        p = _posterior(model, levels)
        u = [_level_shares(levels[:, c], (1.0 - p) * count, k, 1.0) for c, k in enumerate(sizes)]
        new_m = [
            capped_m(
                monotone_m(_level_shares(levels[:, c], p * count, k, 0.1), u[c]),
                u[c],
                spec.max_weight,
            )
            for c, (k, spec) in enumerate(zip(sizes, settings.comparisons, strict=True))
        ]
        new_prior = float((p * count).sum() / count.sum()) if len(p) else prior
        delta = max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True))
        m, prior = new_m, new_prior
        if delta < em.tolerance and abs(new_prior - model.prior) < em.tolerance:
            break
    return _model(settings, m, u, prior, "em")


def fit_from_labels(
    settings: MatchSettings,
    levels: LevelArray,
    labels: npt.NDArray[np.bool_],
    base: FittedModel | None = None,
    strength: float = 10.0,
) -> FittedModel:
    """Refit m and u from steward-labelled pairs, shrunk towards `base` by `strength` pairs."""
    sizes = [c.n_levels for c in settings.comparisons]
    match_w = labels.astype(np.float64)
    m, u = [], []
    for c, k in enumerate(sizes):
        m_c = _level_shares(levels[:, c], match_w, k, 0.5)
        u_c = _level_shares(levels[:, c], 1.0 - match_w, k, 0.5)
        if base is not None:
            n_m, n_u = match_w.sum(), (1.0 - match_w).sum()
            m_c = (n_m * m_c + strength * np.asarray(base.m[c])) / (n_m + strength)
            u_c = (n_u * u_c + strength * np.asarray(base.u[c])) / (n_u + strength)
        m.append(m_c)
        u.append(u_c)
    prior = base.prior if base is not None else float(np.clip(match_w.mean(), EPS, 1 - EPS))
    return _model(settings, m, u, prior, "labels")
