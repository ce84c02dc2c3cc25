"""One engine on one cached customer set, scored against the truth: a child of the scaling run.

`ours` is the batch path (`matching.batch.pipeline.dedupe_batch`) when it exists and the
reference path (`matching.pipeline.dedupe`, reported as `ours-reference`) otherwise; `reference`
asks for the reference path outright. Splink runs exactly as `make bench` sets it up for the
customers preset.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any, cast

import pandas as pd

from matching.config import MatchSettings
from matching.pipeline import MatchResult, dedupe
from matching.presets import customers
from tests.benchmarks.data import Dataset
from tests.benchmarks.metrics import cluster_scores
from tests.benchmarks.scale_data import TRUTH, peak_mb

BatchDedupe = Callable[..., MatchResult]
ENGINES = ("ours", "reference", "splink")


def batch_dedupe() -> BatchDedupe | None:
    """The batch path's entry point, or None while it has not landed."""
    try:
        module = importlib.import_module("matching.batch.pipeline")
    except ModuleNotFoundError as exc:
        # only the module's own absence means "not landed"; a broken import inside it is an error
        if exc.name != "matching.batch.pipeline":
            raise
        return None
    return cast(BatchDedupe, module.dedupe_batch)


def resolve(records: pd.DataFrame, settings: MatchSettings, engine: str) -> tuple[str, MatchResult]:
    """Dedupe with our engine; the label says which path ran."""
    batch = batch_dedupe() if engine == "ours" else None
    if batch is None:
        return "ours-reference", dedupe(records, settings)
    return "ours", batch(records, settings, workers=2)


def run_ours(records: pd.DataFrame, engine: str) -> dict[str, Any]:
    """Time our engine alone; peak memory is taken before scoring, so it is the engine's."""
    features = records.drop(columns=[TRUTH])
    started = time.perf_counter()
    label, result = resolve(features, customers(), engine)
    seconds = time.perf_counter() - started
    peak = peak_mb()
    truth = pd.DataFrame(
        {"source_system": records["source_system"].to_numpy(), "entity": records[TRUTH].to_numpy()}
    )
    scores = cluster_scores(truth, pd.Series(result.clusters["cluster_id"].to_numpy()), False)
    return {
        "engine": label,
        "seconds": seconds,
        "peak_mb": peak,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "pairs": len(result.candidates),
    }


def run_splink(records: pd.DataFrame, n: int) -> dict[str, Any]:
    """Splink 5 on DuckDB, trained unsupervised; its seconds exclude its column cleaning."""
    engine = importlib.import_module("tests.benchmarks.engine_splink")
    data = Dataset(f"customers-{n}", records.rename(columns={TRUTH: "entity"}), False, "customers")
    started = time.perf_counter()
    result: dict[str, Any] = engine.run(data)
    return {
        "engine": "splink",
        "seconds": result["seconds"],
        # cleaning, prediction, clustering and the threshold sweep used for scoring
        "call_seconds": time.perf_counter() - started,
        "peak_mb": peak_mb(),
        "precision": result["precision"],
        "recall": result["recall"],
        "f1": result["f1"],
        "pairs": result["pairs"],
    }


def run(records: pd.DataFrame, engine: str, n: int) -> dict[str, Any]:
    """Run `engine` (one of ENGINES) on the records and score it against their truth."""
    if engine == "splink":
        return run_splink(records, n)
    if engine in ("ours", "reference"):
        return run_ours(records, engine)
    raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
