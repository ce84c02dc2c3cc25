"""The batch path gives the reference path's clusters and pairs on the benchmark data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.batch.pipeline import _by_pattern, _pattern_codes, dedupe_batch
from matching.pipeline import Constraints, MatchResult, dedupe, probabilities
from matching.presets import customers, preset
from matching.rules import NO_RULE, TAX_ID_CONFLICT, TAX_ID_MATCH
from tests.benchmarks.data import available, load
from tests.matching.customers_fixture import customer_frame

DATASETS = [name for name in available() if name != "febrl4"]


def _partition(result: MatchResult) -> set[frozenset[int]]:
    groups = result.clusters.groupby("cluster_id").groups
    return {frozenset(int(i) for i in rows) for rows in groups.values()}


def _shown(result: MatchResult, lower: float) -> pd.DataFrame:
    pairs = result.pairs[result.pairs["probability"] >= lower]
    return pairs.reset_index(drop=True)


@pytest.mark.parametrize("name", DATASETS)
def test_batch_equals_reference_on_benchmark_data(name: str) -> None:
    data = load(name)
    records = data.records.drop(columns=["entity"])
    settings = preset(data.preset)
    batch = dedupe_batch(records, settings, link_only=data.link)
    reference = dedupe(records, settings, model=batch.model, link_only=data.link)
    assert _partition(batch) == _partition(reference)
    pd.testing.assert_frame_equal(
        _shown(batch, 0.0), _shown(reference, settings.thresholds.lower), check_exact=False
    )
    assert len(batch.candidates) == len(reference.candidates)


def test_batch_fits_the_reference_model() -> None:
    data = load("seed_customers")
    records = data.records.drop(columns=["entity"])
    batch = dedupe_batch(records, customers()).model
    reference = dedupe(records, customers()).model
    assert batch.prior == pytest.approx(reference.prior, rel=1e-9)
    for mine, theirs in zip(batch.m + batch.u, reference.m + reference.u, strict=True):
        assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_batch_obeys_steward_constraints_like_the_reference() -> None:
    records, _ = customer_frame()
    keys = list(zip(records["source_system"], records["source_id"], strict=True))
    constraints = Constraints(must_link=((keys[0], keys[-1]),), cannot_link=((keys[0], keys[1]),))
    batch = dedupe_batch(records, customers(), constraints=constraints)
    reference = dedupe(records, customers(), model=batch.model, constraints=constraints)
    assert _partition(batch) == _partition(reference)
    rules = set(batch.pairs["rule"])
    assert "must_link" in rules


def test_scoring_once_per_distinct_row_gives_every_pair_its_own_scores_bit_for_bit() -> None:
    records, _ = customer_frame()
    settings = customers()
    model = dedupe_batch(records, settings).model
    rng = np.random.default_rng(3)
    levels = np.column_stack(
        [rng.integers(0, spec.n_levels, 20_000) for spec in settings.comparisons]
    ).astype(np.int8)
    rule = rng.choice(np.array([NO_RULE, TAX_ID_MATCH, TAX_ID_CONFLICT], np.int8), 20_000)
    for part in (slice(None), slice(0, 1), slice(7, 12)):
        total, prob = probabilities(settings, model, levels[part], rule[part])
        by_row = _by_pattern(settings, model, levels[part], rule[part])
        assert total.tobytes() == by_row[0].tobytes()
        assert prob.tobytes() == by_row[1].tobytes()


def test_pattern_codes_tell_rows_apart_or_give_up() -> None:
    rng = np.random.default_rng(5)
    levels = rng.integers(-1, 4, (5_000, 6)).astype(np.int8)
    rule = rng.integers(0, 3, 5_000).astype(np.int8)
    codes = _pattern_codes(levels, rule)
    assert codes is not None
    rows = [(*row, r) for row, r in zip(levels.tolist(), rule.tolist(), strict=True)]
    assert len(set(codes.tolist())) == len(set(rows))
    assert len(set(zip(codes.tolist(), rows, strict=True))) == len(set(rows))
    wide = rng.integers(0, 2, (10, 70)).astype(np.int8)  # 2**71 rows could differ
    assert _pattern_codes(wide, np.zeros(10, np.int8)) is None
