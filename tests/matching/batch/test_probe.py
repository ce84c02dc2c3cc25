"""`probe_pairs`: the batch path's scores, for just the pairs that touch the probe rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.batch.pipeline import dedupe_batch
from matching.batch.probe import probe_pairs
from matching.presets import preset
from tests.matching.customers_fixture import customer_frame


def _keys(frame: pd.DataFrame, rows: np.ndarray) -> list[tuple[str, str]]:
    return [(frame.at[r, "source_system"], frame.at[r, "source_id"]) for r in rows.tolist()]


def test_probed_pairs_touch_a_probe_and_score_as_the_batch_path_does() -> None:
    frame, _truth = customer_frame()
    settings = preset("customers")
    full = dedupe_batch(frame, settings)
    probes = [0, 3]
    probed = probe_pairs(frame, probes, settings, full.model)
    assert len(probed.left)
    assert all(a in probes or b in probes for a, b in zip(probed.left, probed.right, strict=True))
    scored = {
        frozenset([(r.source_system_l, r.source_id_l), (r.source_system_r, r.source_id_r)]): (
            r.probability
        )
        for r in full.pairs.itertuples()
    }
    lefts, rights = _keys(frame, probed.left), _keys(frame, probed.right)
    shown = 0
    for a, b, p in zip(lefts, rights, probed.probability.tolist(), strict=True):
        pair = frozenset([a, b])
        if p >= settings.thresholds.lower:
            assert scored[pair] == round(p, 5)
            shown += 1
    assert shown  # the fixture's duplicates of the probes are among them


def test_nothing_to_probe_scores_nothing() -> None:
    frame, _truth = customer_frame()
    settings = preset("customers")
    model = dedupe_batch(frame, settings).model
    assert len(probe_pairs(frame, [], settings, model).left) == 0
    assert len(probe_pairs(frame.iloc[:1], [0], settings, model).left) == 0


def test_the_pairs_between_two_sides_are_the_same_whichever_side_probes() -> None:
    frame, _truth = customer_frame()
    settings = preset("customers")
    model = dedupe_batch(frame, settings).model
    half = len(frame) // 3
    sides = (range(half), range(half, len(frame)))

    def across(probes: range) -> dict[tuple[int, int], float]:
        probed = probe_pairs(frame, probes, settings, model)
        return {
            (min(a, b), max(a, b)): p
            for a, b, p in zip(
                probed.left.tolist(),
                probed.right.tolist(),
                probed.probability.tolist(),
                strict=True,
            )
            if (a < half) != (b < half)
        }

    first, second = across(sides[0]), across(sides[1])
    assert first  # the fixture's duplicates straddle the two sides
    assert first == second
