"""Run Splink 5 (DuckDB) on the same data: unsupervised, trained the way its guides advise.

Splink is a benchmark-only extra (`pip install -e '.[bench]'`); it is imported dynamically so
the unit suite and type checks never need it.
"""

from __future__ import annotations

import importlib
import re
import time
from typing import Any

import numpy as np
import pandas as pd

from tests.benchmarks.data import Dataset
from tests.benchmarks.metrics import cluster_scores, pair_scores

THRESHOLD = 0.9
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = _NON_ALNUM.sub(" ", value.lower()).strip()
    return text or None


def _digits(value: object) -> str | None:
    text = re.sub(r"\D", "", value) if isinstance(value, str) else ""
    return text[-10:] or None


def _prepare(data: Dataset) -> pd.DataFrame:
    frame = data.records.copy()
    frame["unique_id"] = np.arange(len(frame))
    for column in ("name", "street", "city"):
        if column in frame:
            frame[column] = frame[column].map(_clean)
    if "name" in frame:
        tokens = frame["name"].map(lambda v: v.split() if v else [])
        frame["name_tokens"] = tokens
        frame["name_first"] = tokens.map(lambda t: t[0] if t else None)
        frame["name_last"] = tokens.map(lambda t: t[-1] if t else None)
    if "phone" in frame:
        frame["phone"] = frame["phone"].map(_digits)
    return frame.drop(columns=["entity"])


def _settings(data: Dataset, splink: Any) -> tuple[dict[str, Any], list[Any], list[Any]]:
    cl = importlib.import_module("splink.comparison_library")
    block_on = splink.block_on
    link_type = "link_only" if data.link else "dedupe_only"
    if data.preset == "people":
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.JaroWinklerAtThresholds("suburb", [0.9]),
            cl.ExactMatch("state"),
        ]
        rules = [block_on(c) for c in ("given_name", "surname", "date_of_birth", "soc_sec_id")]
        train = [block_on("date_of_birth"), block_on("surname")]
        deterministic = [block_on("soc_sec_id", "date_of_birth")]
    else:
        comparisons = [
            cl.JaroWinklerAtThresholds("name", [0.95, 0.88, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            cl.ArrayIntersectAtSizes("name_tokens", [3, 2, 1]),
        ]
        rules = [block_on("name_first"), block_on("name_last")]
        train = [block_on("name_first"), block_on("name_last")]
        deterministic = [block_on("name")]
        for column in ("street", "city", "phone"):
            if column in data.records:
                kind = cl.ExactMatch(column) if column == "phone" else None
                comparisons.append(kind or cl.JaroWinklerAtThresholds(column, [0.9, 0.8]))
        if "phone" in data.records:
            rules.append(block_on("phone"))
            deterministic.append(block_on("phone"))
    settings = {
        "link_type": link_type,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": rules,
    }
    return settings, train, deterministic


def run(data: Dataset) -> dict[str, Any]:
    """Train unsupervised, predict every blocked pair, cluster at 0.9 (connected components)."""
    splink = importlib.import_module("splink")
    frame = _prepare(data)
    started = time.perf_counter()
    db = splink.DuckDBAPI()
    settings, train, deterministic = _settings(data, splink)
    if data.link:
        sides = [frame[data.records["source_system"].to_numpy() == s] for s in ("left", "right")]
        tables = [
            db.register(side, dataset_display_name=f"{s}_records")
            for side, s in zip(sides, ("left", "right"), strict=True)
        ]
    else:
        tables = db.register(frame)
    linker = splink.Linker(tables, splink.SettingsCreator(**settings), log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in train:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    predictions = linker.inference.predict()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    elapsed = time.perf_counter() - started
    pairs = predictions.as_pandas_dataframe()
    labelled = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    cluster_of = pd.Series(
        labelled["cluster_id"].to_numpy(), index=labelled["unique_id"].to_numpy()
    )
    cluster = pd.Series(cluster_of.reindex(frame["unique_id"]).to_numpy())
    after = cluster_scores(data.records, cluster.astype(str), data.link)
    left, right = pairs["unique_id_l"].to_numpy(), pairs["unique_id_r"].to_numpy()
    strong = pairs["match_probability"].to_numpy() >= THRESHOLD
    at_threshold = pair_scores(data.records, left[strong], right[strong], data.link)
    blocking = pair_scores(data.records, left, right, data.link)
    # informational only: the best a labelled threshold could do, which a user cannot pick
    prob = pairs["match_probability"].to_numpy()
    fixed = np.linspace(0.05, 0.99, 95)
    quantiles = np.quantile(prob, np.linspace(0.0, 0.999, 60)) if len(prob) else fixed
    cuts: Any = np.unique(np.concatenate([fixed, quantiles]))
    best = max(
        (pair_scores(data.records, left[prob >= t], right[prob >= t], data.link).f1 for t in cuts),
        default=0.0,
    )
    return {
        "precision": after.precision,
        "recall": after.recall,
        "f1": after.f1,
        "pairwise_f1": at_threshold.f1,
        "best_pairwise_f1": best,
        "blocking_recall": blocking.recall,
        "pairs": len(pairs),
        "seconds": elapsed,
    }
