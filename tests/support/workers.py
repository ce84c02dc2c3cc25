"""Functions run in other processes by concurrency tests (importable, hence here)."""

from __future__ import annotations

from typing import Any

from mdm.db import create_db_engine, session_scope
from mdm.entities import EntityType
from mdm.records.service import RecordInput, ingest
from mdm.settings import Settings


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
