"""Crash safety with real `mdm worker` processes killed by SIGKILL at each step boundary.

Several workers at once (four on PostgreSQL, two on SQLite, whose writers queue on one lock)
die at the named step (`MDM_JOBS_CRASH_AT`), each holding one job; clean workers then drain
the queue. Nothing may be lost or stuck, and the idempotent sink may hold
each job's record exactly once, even where the killed pass had already delivered it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mdm.jobs.hooks import STEPS
from mdm.jobs.models import JobStatus
from mdm.settings import Settings
from tests.support.crash_workers import (
    enqueue_poison,
    enqueue_sink_jobs,
    queue_state,
    start_worker,
)
from tests.support.sink_store import POISON_ATTEMPTS, create_sink, read_sink
from tests.support.worker_processes import WorkerProcesses

KEYS = ("k0", "k1", "k2", "k3", "k4")
PER_KEY = 3
# Processes at once per backend: (crashing, clean).
WORKERS = {"postgresql": (4, 2), "sqlite": (2, 1)}
# The effect had reached the sink before the worker died at these steps.
AFTER_EFFECT = ("after_effect", "during_ack")


class Workers(WorkerProcesses):
    """Sink workers this test started, each stopped (by its pid) if the test fails."""

    def start(self, names: list[str], crash_at: str | None = None) -> None:
        """Start burst workers, all at once."""
        for name in names:
            self.running[name] = start_worker(
                self.database_url, self.workdir, name, crash_at=crash_at
            )


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    """Start and reap worker processes on the test database."""
    pool = Workers(settings.database_url, tmp_path)
    yield pool
    pool.stop_all()


@pytest.mark.parametrize("hook", STEPS)
def test_workers_killed_at_a_step_lose_no_job_and_duplicate_no_effect(
    hook: str, backend: str, engine: Engine, workers: Workers, tmp_path: Path
) -> None:
    crashing, clean = WORKERS[backend]
    sink = create_sink(tmp_path / "sink.db")
    enqueue_sink_jobs(engine, sink, KEYS, PER_KEY)

    workers.start([f"crash-{i}" for i in range(crashing)], crash_at=hook)
    workers.wait(-signal.SIGKILL)
    workers.start([f"clean-{i}" for i in range(clean)])
    workers.wait(0)

    jobs = queue_state(engine)
    arrived = read_sink(sink)
    assert len(jobs) == len(KEYS) * PER_KEY
    assert {job.status for job in jobs} == {JobStatus.SUCCEEDED}
    # Each kill stranded exactly the one job its worker held, which came back and succeeded.
    assert sum(job.lease_expiries for job in jobs) == crashing
    for job in jobs:
        assert job.attempts == 1 + job.lease_expiries <= job.max_attempts
        killed_after_effect = job.lease_expiries if hook in AFTER_EFFECT else 0
        assert arrived.deliveries[job.idempotency_key] == 1 + killed_after_effect
    # One record per job at the sink, whatever the deliveries; per key, arrivals in job order.
    assert set(arrived.effects) == {job.idempotency_key for job in jobs}
    assert arrived.duplicate_effects() == 0
    assert arrived.order_violations() == 0
    if hook in AFTER_EFFECT:
        assert len(arrived.redelivered()) >= 1


def test_a_job_that_kills_every_worker_ends_dead_when_its_attempts_are_spent(
    engine: Engine, workers: Workers, tmp_path: Path
) -> None:
    sink = create_sink(tmp_path / "sink.db")
    enqueue_poison(engine, sink)

    for attempt in range(1, POISON_ATTEMPTS + 1):
        # Each victim waits for the previous one's lease to run out, takes the job, and dies.
        workers.start([f"victim-{attempt}"])
        workers.wait(-signal.SIGKILL)
    workers.start(["reaper"])
    workers.wait(0)

    [job] = queue_state(engine)
    assert job.status == JobStatus.DEAD
    assert job.attempts == job.max_attempts == POISON_ATTEMPTS
    assert job.lease_expiries == POISON_ATTEMPTS
    assert "lease expired" in (job.last_error or "")
    assert read_sink(sink).deliveries[job.idempotency_key] == POISON_ATTEMPTS
