"""Ingest throughput with resolve-on-ingest, on the embedded SQLite database.

Run on demand: `.venv/bin/python -m tests.benchmarks.hub_ingest [N]` (default 100,000 synthetic
customers with the seeds' corruption model). The first 5% are loaded and resolved in batch to
fit a model; the rest arrive in batches of 1,000 and are resolved as they land.

Memory is the process's peak resident set (`ru_maxrss`), not tracemalloc: tracing every
allocation slows this pure-Python path about four times, which would make the timing a figure
of the instrument. Each batch's time is printed too: it grows with the hub.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time

from sqlalchemy import Engine

from mdm import migrate
from mdm.db import create_db_engine, session_scope
from mdm.entities import EntityType
from mdm.records.service import RecordInput, ingest
from mdm.resolution.batch import resolve_all
from mdm.settings import Settings
from seeds import generate_customers

BATCH = 1000


def main(n: int) -> None:
    """Print records per second for the batch fit and for resolve-on-ingest."""
    rows = [
        {k: v for k, v in r.items() if k != "entity_id" and v} for r in generate_customers(n, 7)
    ]
    warm = max(BATCH, n // 20)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_db_engine(
            Settings(database_url=f"sqlite:///{tmp}/bench.db", _env_file=None)
        )
        migrate.upgrade(engine)
        started = time.perf_counter()
        _load(engine, rows[:warm])
        with session_scope(engine, write=True) as session:
            resolve_all(session, EntityType.CUSTOMER)
        fitted = time.perf_counter()
        _load(engine, rows[warm:], say=True)
        done = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        engine.dispose()
    rest = n - warm
    print(f"warm-up: {warm} records loaded and resolved in {fitted - started:.1f}s")
    print(
        f"resolve-on-ingest: {rest} records in {done - fitted:.1f}s = "
        f"{rest / (done - fitted):.0f} records/s (target 2000), peak RSS {peak:.0f} MB"
    )


def _load(engine: Engine, rows: list[dict[str, str]], *, say: bool = False) -> None:
    for start in range(0, len(rows), BATCH):
        began = time.perf_counter()
        with session_scope(engine, write=True) as session:
            ingest(
                session, EntityType.CUSTOMER, [RecordInput(r) for r in rows[start : start + BATCH]]
            )
        if say and (start // BATCH) % 10 == 0:
            print(f"  batch at {start:,}: {time.perf_counter() - began:.2f}s", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
