"""Run this project's matching engine on a benchmark data set, at the preset's thresholds."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from matching.batch.pipeline import dedupe_batch
from matching.presets import preset
from tests.benchmarks.data import Dataset
from tests.benchmarks.metrics import cluster_scores, pair_scores


def run(data: Dataset) -> dict[str, Any]:
    """Fit, score and cluster; report scores after clustering, blocking recall, pair count."""
    records = data.records.drop(columns=["entity"])
    started = time.perf_counter()
    result = dedupe_batch(records, preset(data.preset), link_only=data.link)
    elapsed = time.perf_counter() - started
    clusters = pd.Series(result.clusters["cluster_id"].to_numpy())
    after = cluster_scores(data.records, clusters, data.link)
    blocking = pair_scores(data.records, result.candidates.left, result.candidates.right, data.link)
    return {
        "precision": after.precision,
        "recall": after.recall,
        "f1": after.f1,
        "blocking_recall": blocking.recall,
        "pairs": len(result.candidates),
        "seconds": elapsed,
    }
