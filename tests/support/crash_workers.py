"""Real `mdm worker` processes that crash on cue, and the queue and sink they leave behind.

Shared by the crash tests and the crash campaign harness: start workers with
`MDM_JOBS_CRASH_AT`, enqueue sink jobs, and read back each job's end state and its lease
expiries (each one a worker that died holding the job).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.models import JobEventKind
from tests.support import sink_store

REPO_ROOT = Path(__file__).resolve().parents[2]
# Short leases, so a job stranded by a killed worker comes back within seconds; long enough
# that a worker starved of CPU on a busy machine still renews its lease (every third of it).
LEASE_SECONDS = 2.0
POLL_SECONDS = 0.05


def mdm_command() -> list[str]:
    """The installed `mdm` console script beside this interpreter."""
    return [str(Path(sys.executable).with_name("mdm"))]


def worker_env(
    database_url: str,
    *,
    crash_at: str | None = None,
    lease_seconds: float = LEASE_SECONDS,
    poll_seconds: float = POLL_SECONDS,
) -> dict[str, str]:
    """The environment of a worker process: ours, with no stray MDM_* setting inherited."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MDM_")}
    env |= {
        "MDM_DATABASE_URL": database_url,
        "MDM_LOG_LEVEL": "WARNING",
        "MDM_LOG_FORMAT": "text",
        "MDM_JOBS_TASK_MODULES": '["tests.support.job_sink"]',
        "MDM_JOBS_LEASE_SECONDS": str(lease_seconds),
        "MDM_JOBS_POLL_SECONDS": str(poll_seconds),
        # The task module lives in the test tree, not in the installed package.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    }
    if crash_at:
        env["MDM_JOBS_CRASH_AT"] = crash_at
    return env


def start_worker(
    database_url: str,
    workdir: Path,
    name: str,
    *,
    crash_at: str | None = None,
    lease_seconds: float = LEASE_SECONDS,
) -> subprocess.Popen[bytes]:
    """Start `mdm worker --burst` named `name`; its output goes to `workdir/<name>.log`."""
    log = (workdir / f"{name}.log").open("wb")
    try:
        return subprocess.Popen(
            [*mdm_command(), "worker", "--burst", "--worker-id", name],
            env=worker_env(database_url, crash_at=crash_at, lease_seconds=lease_seconds),
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    finally:
        log.close()  # the child has its own handle


def worker_log(workdir: Path, name: str) -> str:
    """The tail of a worker's output, for failure messages."""
    path = workdir / f"{name}.log"
    return path.read_text(errors="replace")[-2000:] if path.exists() else ""


def _sink_job(task: str, args: dict[str, Any], lock_key: str | None, attempts: int) -> store.NewJob:
    # Built here rather than from the task registry, so the test process never registers the
    # sink tasks (the poison one kills whoever runs it).
    return store.NewJob(
        task=task,
        args=args,
        idempotency_key=store.default_idempotency_key(task, args),
        lock_key=lock_key,
        queue="default",
        max_attempts=attempts,
    )


def enqueue_sink_jobs(
    engine: Engine, sink: Path, keys: Sequence[str], per_key: int, *, start: int = 0
) -> int:
    """Enqueue `per_key` effect jobs for each key, interleaved across keys; returns how many."""
    jobs = [
        _sink_job(
            sink_store.EFFECT_TASK,
            {"sink": str(sink), "key": key, "n": n},
            sink_store.EFFECT_LOCK.format(key=key),
            sink_store.EFFECT_ATTEMPTS,
        )
        for n in range(start, start + per_key)
        for key in keys
    ]
    with session_scope(engine, write=True) as session:
        return store.enqueue(session, jobs, utcnow())


def enqueue_poison(engine: Engine, sink: Path) -> None:
    """Enqueue one job that kills its worker on every attempt."""
    args: dict[str, Any] = {"sink": str(sink), "n": 1}
    job = _sink_job(sink_store.POISON_TASK, args, None, sink_store.POISON_ATTEMPTS)
    with session_scope(engine, write=True) as session:
        store.enqueue(session, [job], utcnow())


@dataclass(frozen=True)
class JobEnd:
    """A job as the queue last saw it, with how many workers died holding it."""

    id: int
    task: str
    idempotency_key: str
    status: str
    attempts: int
    max_attempts: int
    last_error: str | None
    lease_expiries: int


def queue_state(engine: Engine) -> list[JobEnd]:
    """Every job, in id order, with its lease expiries counted from the event log."""
    with engine.connect() as connection:
        events = connection.execute(
            select(store.EVENT.c.job_id).where(
                store.EVENT.c.kind == JobEventKind.LEASE_EXPIRED.value
            )
        ).scalars()
        expiries = Counter(events)
        rows = connection.execute(select(store.JOB).order_by(store.JOB.c.id)).all()
    return [
        JobEnd(
            row.id,
            row.task,
            row.idempotency_key,
            row.status,
            row.attempts,
            row.max_attempts,
            row.last_error,
            expiries[row.id],
        )
        for row in rows
    ]
