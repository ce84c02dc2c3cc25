"""How the database runs one claim over the harness's jobs: which indexes, any full scan, how long.

The claim must walk the partial index of waiting jobs (ix_job_todo) and answer its lock-key
checks from ix_job_lock_open and uq_job_lock_doing, never scanning the job table: a scan
grows with every finished job and makes a long queue slower the further it gets. The plan is
taken in a transaction that opens the gate, claims under EXPLAIN (ANALYZE on PostgreSQL, QUERY
PLAN on SQLite) and rolls everything back, so the run itself starts untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event, text, update
from sqlmodel import Session

from mdm.clock import utcnow
from mdm.jobs import store
from tests.support import noop_tasks

INDEX = re.compile(r"\b((?:ix|uq|pk)_job\w*)")
# A sequential scan, or the picking scan (alias j) walking the primary key: both pass every
# finished job on the way to the first waiting one.
FULL_SCAN = re.compile(
    r"Seq Scan on job\b|using pk_job on job j\b|\bSCAN (?:j|job|ahead|running)\b"
)
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


class _Captured(Exception):
    """Stops the claim before it reaches the database, once its SQL is known."""


@dataclass(frozen=True)
class ClaimPlan:
    """The indexes a claim used, whether it scanned the job table, and its time if measured."""

    indexes: tuple[str, ...]
    full_scan: bool
    milliseconds: float | None

    def summary(self) -> str:
        """One line for the report."""
        scan = "WALKS EVERY JOB" if self.full_scan else "no walk over every job"
        took = f", {self.milliseconds:.2f} ms" if self.milliseconds is not None else ""
        return f"{', '.join(self.indexes)}; {scan}{took}"


def claim_plan(engine: Engine) -> ClaimPlan:
    """Explain one claim of the harness's worker with every job due, changing nothing."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        connection.execute(update(store.JOB).values(run_at=utcnow()))
        if postgres:
            connection.execute(text("ANALYZE job"))
        sql, parameters = _claim_sql(connection)
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        rows = connection.exec_driver_sql(prefix + sql, parameters).all()
        connection.rollback()
    plan = "\n".join(str(row[-1]) for row in rows)
    took = EXECUTION.search(plan)
    return ClaimPlan(
        indexes=tuple(dict.fromkeys(INDEX.findall(plan))),
        full_scan=bool(FULL_SCAN.search(plan)),
        milliseconds=float(took.group(1)) if took else None,
    )


def _claim_sql(connection: Any) -> tuple[str, Any]:
    """The SQL and driver parameters of a claim, as the worker would send them."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))
        raise _Captured

    event.listen(connection, "before_cursor_execute", capture)
    try:
        store.claim(
            Session(bind=connection),
            "plan",
            queues=["default"],
            tasks=[noop_tasks.NAME],
            now=utcnow(),
            lease_seconds=30,
        )
    except _Captured:
        pass
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    return captured[0]
