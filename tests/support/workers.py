"""Functions run in other processes by concurrency tests (importable, hence here)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

from mdm.db import create_db_engine, session_scope
from mdm.entities import EntityType
from mdm.records.service import RecordInput, ingest, prepare
from mdm.settings import Settings

# Spawned, not forked: a child starts clean, as another process of the hub would. Barriers
# and queues handed to the children come from this context too.
SPAWN = multiprocessing.get_context("spawn")


def run_spawned(
    target: Callable[..., None], calls: Sequence[tuple[Any, ...]], timeout: float = 180
) -> list[int | None]:
    """Run `target(*args)` for each `args` in a process of its own, at once; the exit codes."""
    processes = [SPAWN.Process(target=target, args=args) for args in calls]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=timeout)
    return [process.exitcode for process in processes]


def ingest_after_barrier(url: str, row: dict[str, str], barrier: Any, results: Any) -> None:
    """Wait until every worker is ready, then ingest `row` once and report the outcome."""
    engine = create_db_engine(Settings(database_url=url, _env_file=None))
    try:
        barrier.wait(timeout=60)
        with session_scope(engine, write=True) as session:
            report = ingest(session, EntityType.CUSTOMER, [RecordInput(row)])
        results.put(report.results[0].result)
    finally:
        engine.dispose()


def ingest_rows_after_barrier(url: str, rows: list[dict[str, str]], barrier: Any) -> None:
    """Wait until every worker is ready, then ingest `rows` as customers in one unit of work."""
    engine = create_db_engine(Settings(database_url=url, _env_file=None))
    try:
        barrier.wait(timeout=60)
        with session_scope(engine, write=True) as session:
            ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in rows])
    finally:
        engine.dispose()


def prepare_then_ingest_after_barrier(url: str, rows: list[dict[str, str]], barrier: Any) -> None:
    """Prepare `rows` as customers (before any worker writes), wait until every worker has,
    then write them as prepared; exits 3 if SQLite prepared nothing ahead."""
    engine = create_db_engine(Settings(database_url=url, _env_file=None))
    try:
        inputs = [RecordInput(r) for r in rows]
        with session_scope(engine) as reading:
            prepared = prepare(reading, EntityType.CUSTOMER, inputs)
        barrier.wait(timeout=60)
        with session_scope(engine, write=True) as session:
            ingest(session, EntityType.CUSTOMER, inputs, prepared=prepared)
        if engine.dialect.name == "sqlite" and prepared.ahead is None:
            raise SystemExit(3)
    finally:
        engine.dispose()
