"""Ingest throughput with resolve-on-ingest, on the embedded SQLite database.

Run on demand: `.venv/bin/python -m tests.benchmarks.hub_ingest [N] [--fit-first]
[--workers W] [--batch B]` (default 100,000 synthetic customers with the seeds' corruption
model, arriving in batches of 1,000, from two ingest processes; the API takes up to 10,000 a
request).

The batches are shared out among `--workers` processes, as among an API's workers: each
prepares its next batch on a read snapshot (`prepare`) while the other writes, then writes it
(`ingest(..., prepared=)`). SQLite runs one writer at a time, so the gain is what preparing
takes off the write lock. `--workers 1` ingests batch after batch in one process, unprepared.

By default the hub starts empty, as a new install does, and resolves every record as it lands
with the preset's default weights. `--fit-first` loads the first 5% and resolves them in batch
first, so the rest are resolved with a model fitted on those few (a small fit over-links, which
widens every later neighbourhood). The clusters are scored against the true entities, so
speed is never bought with accuracy.

Memory is the process's peak resident set (`ru_maxrss`), not tracemalloc: tracing every
allocation slows this pure-Python path about four times, which would make the timing a figure
of the instrument. Every tenth batch's time is printed too: it grows with the hub.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time

import pandas as pd
from sqlalchemy import Engine, select
from sqlmodel import col

from mdm import migrate
from mdm.db import create_db_engine, session_scope
from mdm.entities import EntityType
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest, prepare
from mdm.resolution.batch import resolve_all
from mdm.settings import Settings
from seeds import generate_customers
from tests.benchmarks.metrics import Scores, cluster_scores

BATCH = 1000


def main(n: int, *, fit_first: bool, workers: int, batch: int = BATCH) -> None:
    """Print records per second of resolve-on-ingest, peak memory and the clusters' scores."""
    generated = generate_customers(n, 7)
    truth = {(r["source_system"], r["source_id"]): r["entity_id"] for r in generated}
    rows = [{k: v for k, v in r.items() if k != "entity_id" and v} for r in generated]
    warm = max(batch, n // 20) if fit_first else 0
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_db_engine(
            Settings(database_url=f"sqlite:///{tmp}/bench.db", _env_file=None)
        )
        migrate.upgrade(engine)
        if fit_first:
            began = time.perf_counter()
            _load(engine, rows[:warm], batch)
            with session_scope(engine, write=True) as session:
                resolve_all(session, EntityType.CUSTOMER)
            print(
                f"fit first: {warm} records loaded and resolved in batch in "
                f"{time.perf_counter() - began:.1f}s"
            )
        engine.dispose()  # each process opens its own (none is forked open)
        started = time.perf_counter()
        if workers == 1:
            _load(engine, rows[warm:], batch, say=True)
        else:
            _load_in_processes(f"sqlite:///{tmp}/bench.db", rows[warm:], workers, batch)
        done = time.perf_counter()
        peak = max(
            resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        scores = _scores(engine, truth)
        engine.dispose()
    rest = n - warm
    model = "a model fitted on the first 5%" if fit_first else "the default weights"
    print(
        f"resolve-on-ingest with {model}, {workers} ingest process(es), batches of {batch}: "
        f"{rest} records in "
        f"{done - started:.1f}s = {rest / (done - started):.0f} records/s (target 2000), "
        f"peak RSS {peak:.0f} MB per process"
    )
    print(
        f"golden clusters of all {n} records: precision {scores.precision:.3f}, "
        f"recall {scores.recall:.3f}, F1 {scores.f1:.3f}"
    )


def _load(engine: Engine, rows: list[dict[str, str]], batch: int, *, say: bool = False) -> None:
    for start in range(0, len(rows), batch):
        began = time.perf_counter()
        with session_scope(engine, write=True) as session:
            ingest(
                session, EntityType.CUSTOMER, [RecordInput(r) for r in rows[start : start + batch]]
            )
        if say and (start // batch) % 10 == 0:
            print(f"  batch at {start:,}: {time.perf_counter() - began:.2f}s", flush=True)


def _load_in_processes(url: str, rows: list[dict[str, str]], workers: int, batch: int) -> None:
    """Batch i to process i mod `workers`; each prepares its next batch, then writes it."""
    context = multiprocessing.get_context("fork")  # the rows are shared, not pickled
    processes = [
        context.Process(target=_prepare_and_write, args=(url, rows, k, workers, batch))
        for k in range(workers)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise SystemExit(f"an ingest process failed (exit codes {failed})")


def _prepare_and_write(
    url: str, rows: list[dict[str, str]], k: int, workers: int, batch: int
) -> None:
    engine = create_db_engine(Settings(database_url=url, _env_file=None))
    for start in range(k * batch, len(rows), workers * batch):
        began = time.perf_counter()
        inputs = [RecordInput(r) for r in rows[start : start + batch]]
        with session_scope(engine) as reading:
            prepared = prepare(reading, EntityType.CUSTOMER, inputs)
        with session_scope(engine, write=True) as session:
            ingest(session, EntityType.CUSTOMER, inputs, prepared=prepared)
        if (start // batch) % 10 < workers and k == 0:
            print(f"  batch at {start:,}: {time.perf_counter() - began:.2f}s", flush=True)
    engine.dispose()


def _scores(engine: Engine, truth: dict[tuple[str, str], str]) -> Scores:
    with engine.connect() as connection:
        found = connection.execute(
            select(
                col(SourceRecord.source_system),
                col(SourceRecord.source_id),
                col(SourceRecord.golden_id),
            )
        ).all()
    records = pd.DataFrame(
        {
            "source_system": [r[0] for r in found],
            "entity": [truth[(r[0], r[1])] for r in found],
        }
    )
    return cluster_scores(records, pd.Series([r[2] for r in found]), link=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--fit-first", action="store_true", help="fit a model on the first 5%%")
    parser.add_argument("--workers", type=int, default=2, help="ingest processes (default 2)")
    parser.add_argument("--batch", type=int, default=BATCH, help="records a batch (default 1000)")
    args = parser.parse_args()
    main(args.n, fit_first=args.fit_first, workers=max(1, args.workers), batch=max(1, args.batch))
