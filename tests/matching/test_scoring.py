"""Fellegi-Sunter: EM recovers known m and u; labels refit; artefacts round-trip."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from matching.config import ComparisonSpec, MatchSettings
from matching.scoring import (
    FittedModel,
    capped_m,
    fit_em,
    fit_from_labels,
    match_weight,
    monotone_m,
    weight_matrix,
)

SETTINGS = MatchSettings(
    entity_type="test",
    fields=(),
    blocking=(),
    comparisons=(
        ComparisonSpec("a", "a", "string", (0.9,)),
        ComparisonSpec("b", "b", "exact"),
        ComparisonSpec("c", "c", "string", (0.9,)),
    ),
)
# levels 1.. (null excluded): exact, fuzzy, else / exact, else / exact, fuzzy, else
TRUE_M = [np.array([0.7, 0.2, 0.1]), np.array([0.9, 0.1]), np.array([0.6, 0.3, 0.1])]
TRUE_U = [np.array([0.02, 0.08, 0.9]), np.array([0.1, 0.9]), np.array([0.05, 0.15, 0.8])]


def _sample(n: int, share: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    is_match = rng.random(n) < share
    cols = []
    for m, u in zip(TRUE_M, TRUE_U, strict=True):
        from_m = rng.choice(len(m), n, p=m) + 1
        from_u = rng.choice(len(u), n, p=u) + 1
        cols.append(np.where(is_match, from_m, from_u))
    return np.column_stack(cols).astype(np.int8), is_match


def test_em_recovers_known_m_and_u_from_unlabelled_pairs() -> None:
    rng = np.random.default_rng(7)
    levels, _ = _sample(40_000, 0.2, rng)
    random_levels, _ = _sample(40_000, 0.001, rng)
    model = fit_em(SETTINGS, levels, random_levels, candidate_share=0.005)
    assert model.prior == pytest.approx(0.2, abs=0.02)
    for c in range(3):
        assert np.asarray(model.m[c][1:]) == pytest.approx(TRUE_M[c], abs=0.03)
        assert np.asarray(model.u[c][1:]) == pytest.approx(TRUE_U[c], abs=0.03)


def test_labels_refit_recovers_m_and_u() -> None:
    levels, is_match = _sample(20_000, 0.3, np.random.default_rng(3))
    model = fit_from_labels(SETTINGS, levels, is_match)
    for c in range(3):
        assert np.asarray(model.m[c][1:]) == pytest.approx(TRUE_M[c], abs=0.03)
        assert np.asarray(model.u[c][1:]) == pytest.approx(TRUE_U[c], abs=0.03)


def test_null_level_weighs_nothing() -> None:
    levels, is_match = _sample(2_000, 0.3, np.random.default_rng(5))
    model = fit_from_labels(SETTINGS, levels, is_match)
    null_pair = np.zeros((1, 3), np.int8)
    assert weight_matrix(model, null_pair).tolist() == [[0.0, 0.0, 0.0]]


def test_agreement_weighs_for_and_disagreement_against() -> None:
    levels, is_match = _sample(5_000, 0.3, np.random.default_rng(11))
    model = fit_from_labels(SETTINGS, levels, is_match)
    agree = match_weight(model, np.array([[1, 1, 1]], np.int8))[0]
    disagree = match_weight(model, np.array([[3, 2, 3]], np.int8))[0]
    assert agree > 0 > disagree


def test_correlated_group_counts_only_its_strongest_weight() -> None:
    levels, is_match = _sample(5_000, 0.3, np.random.default_rng(13))
    grouped = MatchSettings(
        entity_type="test",
        fields=(),
        blocking=(),
        comparisons=(
            ComparisonSpec("a", "a", "string", (0.9,), group="name"),
            ComparisonSpec("b", "b", "exact"),
            ComparisonSpec("c", "c", "string", (0.9,), group="name"),
        ),
    )
    model = fit_from_labels(grouped, levels, is_match)
    weights = weight_matrix(model, np.array([[1, 1, 1]], np.int8))[0]
    assert (weights[0] == 0.0) != (weights[2] == 0.0)
    assert weights[1] != 0.0


def test_fitted_model_round_trips_as_json() -> None:
    levels, is_match = _sample(2_000, 0.3, np.random.default_rng(17))
    model = fit_from_labels(SETTINGS, levels, is_match)
    assert FittedModel.from_json(model.to_json()) == model


def test_unknown_model_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        FittedModel.from_json('{"format": "other"}')


@pytest.mark.parametrize(
    ("m", "u"),
    [
        # "else" seeming to weigh more than ">=0.3" is pooled with it
        ([1.0, 0.5, 0.2, 0.1, 0.2], [1.0, 0.01, 0.1, 0.5, 0.39]),
        ([1.0, 0.7, 0.2, 0.1], [1.0, 0.1, 0.2, 0.7]),
        ([1.0, 0.1, 0.2, 0.7], [1.0, 0.7, 0.2, 0.1]),
    ],
)
def test_monotone_m_keeps_weights_ordered_by_level(m: list[float], u: list[float]) -> None:
    fixed = monotone_m(np.array(m), np.array(u))
    weights = np.log2(fixed[1:] / np.array(u[1:])).tolist()
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(weights))
    assert fixed[1:].sum() == pytest.approx(sum(m[1:]))


def test_monotone_m_leaves_ordered_weights_alone() -> None:
    m, u = np.array([1.0, 0.6, 0.3, 0.1]), np.array([1.0, 0.05, 0.15, 0.8])
    assert monotone_m(m, u) == pytest.approx(m)


@pytest.mark.parametrize(
    ("m", "u", "cap", "weights"),
    [
        # exact would weigh log2(0.9 / 0.0009) ~ 10 bits: held to 5
        ([1.0, 0.9, 0.1], [1.0, 0.0009, 0.9991], 5.0, [5.0, -3.32]),
        # under the cap nothing moves, and disagreement is never touched
        ([1.0, 0.5, 0.5], [1.0, 0.25, 0.75], 5.0, [1.0, -0.58]),
        ([1.0, 0.9, 0.1], [1.0, 0.0009, 0.9991], None, [9.97, -3.32]),
    ],
)
def test_capped_m_holds_every_level_to_the_most_bits_allowed(
    m: list[float], u: list[float], cap: float | None, weights: list[float]
) -> None:
    capped = capped_m(np.array(m), np.array(u), cap)
    assert capped[0] == m[0]
    assert np.log2(capped[1:] / np.array(u[1:])) == pytest.approx(weights, abs=0.01)


def test_em_never_gives_a_capped_comparison_more_bits_than_its_cap() -> None:
    rng = np.random.default_rng(7)
    levels, random_levels = _sample(20_000, 0.1, rng)[0], _sample(20_000, 0.0, rng)[0]
    capped = tuple(replace(c, max_weight=2.0) for c in SETTINGS.comparisons)
    model = fit_em(replace(SETTINGS, comparisons=capped), levels, random_levels, 0.1)
    assert max(float(w.max()) for w in model.level_weights()) <= 2.0 + 1e-9
