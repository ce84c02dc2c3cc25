"""Index latency: one new record resolved against an index of n - 1,000 records.

Two children per size. The first fits the model with our batch path on the n - 1,000 indexed
records, or on a seeded random sample of FIT_SAMPLE of them when there are more (a sample keeps
the duplicate share per candidate pair about the same, since both pairs and true pairs shrink
with its square). The second builds `MatchIndex` from that model and times `query` for each
held-out record, so the peak it reports is the index's (plus the loaded frame), not the fit's.
Beside the timings: `link_precision`, the share of "link" decisions that pair one entity, and
`partner_found`, the share of held-out records with a true partner indexed that got a true link.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matching.presets import customers
from matching.scoring import FittedModel
from tests.benchmarks.scale_data import TRUTH, peak_mb
from tests.benchmarks.scale_engines import resolve

HOLD_OUT = 1_000
FIT_SAMPLE = 100_000


def split(records: pd.DataFrame, hold_out: int = HOLD_OUT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indexed records and held-out queries; the generator shuffles, so the tail is a fair draw."""
    cut = max(len(records) - hold_out, 0)
    return records.iloc[:cut].reset_index(drop=True), records.iloc[cut:].reset_index(drop=True)


def fit(records: pd.DataFrame, seed: int, model_path: Path) -> dict[str, Any]:
    """Fit the model on the records to be indexed (or a sample) and write it as JSON."""
    base, _ = split(records)
    if len(base) > FIT_SAMPLE:
        base = base.sample(FIT_SAMPLE, random_state=seed).reset_index(drop=True)
    started = time.perf_counter()
    label, result = resolve(base.drop(columns=[TRUTH]), customers(), "ours")
    model_path.write_text(result.model.to_json())
    return {
        "fit_engine": label,
        "fit_records": len(base),
        "fit_seconds": time.perf_counter() - started,
    }


def _index_class() -> Any:
    # imported by name so the harness type-checks and runs before the index has landed
    return importlib.import_module("matching.index").MatchIndex


def _quantiles(nanoseconds: list[int]) -> dict[str, float]:
    ms = np.asarray(nanoseconds, np.float64) / 1e6
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
    }


def _link_quality(base: pd.DataFrame, held: pd.DataFrame, links: list[list[Any]]) -> dict[str, Any]:
    """Share of auto-links that are true, and of held-out records with a true partner found."""
    entity = dict(
        zip(zip(base["source_system"], base["source_id"], strict=True), base[TRUTH], strict=True)
    )
    indexed = set(base[TRUTH])
    correct = [
        sum(entity.get(tuple(key)) == own for key in keys)
        for keys, own in zip(links, held[TRUTH], strict=True)
    ]
    partnered = [own in indexed for own in held[TRUTH]]
    total = sum(len(keys) for keys in links)
    return {
        "link_precision": sum(correct) / total if total else 0.0,
        "partner_found": sum(c > 0 for c in correct) / max(sum(partnered), 1),
    }


def latency(records: pd.DataFrame, model_path: Path) -> dict[str, Any]:
    """Build the index on n - 1,000 records, query each held-out one, time every query."""
    base, held = split(records)
    model = FittedModel.from_json(model_path.read_text())
    queries = held.drop(columns=[TRUTH]).to_dict("records")
    started = time.perf_counter()
    index = _index_class().build(base.drop(columns=[TRUTH]), customers(), model)
    build_seconds = time.perf_counter() - started
    build_peak = peak_mb()
    timings: list[int] = []
    links: list[list[Any]] = []
    decisions = 0
    for record in queries:
        began = time.perf_counter_ns()
        answer = index.query(record)
        timings.append(time.perf_counter_ns() - began)
        decisions += len(answer)
        links.append([d.key for d in answer if d.decision == "link"])
    peak = peak_mb()
    return {
        "indexed": len(base),
        "queries": len(queries),
        "build_seconds": build_seconds,
        "build_peak_mb": build_peak,
        "peak_mb": peak,
        **_quantiles(timings),
        "mean_decisions": decisions / max(len(queries), 1),
        **_link_quality(base, held, links),
    }
