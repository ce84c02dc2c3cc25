"""Generated customer sets for the scaling harness, cached on disk as parquet.

Generating a million records takes ~50 s and ~1.7 GB, so each (n, seed) is made once, in its
own process, and every engine's process loads the file instead. The file name carries a digest
of the generator's source, so a changed generator never serves a stale world.

Parquet goes through pandas and pyarrow (the `bench` extra, requirements-bench.lock).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from seeds import SEEDS_DIR, generate_customers
from tests.benchmarks.data import ROOT

CACHE = ROOT / ".bench-cache"
TRUTH = "entity_id"


@dataclass(frozen=True)
class Loaded:
    """A cached set read back: the records (truth included), the read time and the peak after."""

    records: pd.DataFrame
    seconds: float
    peak_mb: float


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generator_digest() -> str:
    """Short digest of the generator's source files: part of every cache file's name."""
    digest = hashlib.sha256()
    for path in sorted((SEEDS_DIR / "generator").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def cache_path(n: int, seed: int, folder: Path = CACHE) -> Path:
    """Where the set of `n` records drawn with `seed` lives."""
    return folder / f"customers-{n}-{seed}-{generator_digest()}.parquet"


def write(n: int, seed: int, folder: Path = CACHE) -> dict[str, float]:
    """Generate `n` records and write them atomically; report generation and write seconds."""
    started = time.perf_counter()
    rows = generate_customers(n, seed)
    generated = time.perf_counter() - started
    frame = pd.DataFrame(rows)
    del rows
    path = cache_path(n, seed, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a killed run must never leave a half-written file under the final name
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    started = time.perf_counter()
    frame.to_parquet(partial, index=False)
    partial.replace(path)
    figures = {
        "generate_seconds": generated,
        "write_seconds": time.perf_counter() - started,
        "generate_peak_mb": peak_mb(),
    }
    # kept beside the file so a later run that finds it cached can still report them
    _sidecar(path).write_text(json.dumps(figures))
    return figures


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def generation(n: int, seed: int, folder: Path = CACHE) -> dict[str, float] | None:
    """Figures of the run that generated the cached set, or None when it is not cached."""
    path = cache_path(n, seed, folder)
    if not path.exists():
        return None
    sidecar = _sidecar(path)
    figures: dict[str, float] = json.loads(sidecar.read_text()) if sidecar.exists() else {}
    return figures


def read(n: int, seed: int, folder: Path = CACHE) -> Loaded:
    """Load a cached set (it must exist); time the read."""
    started = time.perf_counter()
    records = pd.read_parquet(cache_path(n, seed, folder))
    return Loaded(records, time.perf_counter() - started, peak_mb())
