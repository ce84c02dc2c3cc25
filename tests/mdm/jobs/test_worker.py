"""The worker loop on a real database: effects, retries, dead letters, graceful stop."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext, JobRecord
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import PermanentError, RetryableError, RetryStrategy, TaskRegistry
from mdm.jobs.worker import Worker, WorkerConfig

FAST = WorkerConfig(poll_seconds=0.01, lease_seconds=5)


def _registry(effects: list[tuple[str, int]]) -> TaskRegistry:
    registry = TaskRegistry()

    @registry.task(name="test.record", retry=RetryStrategy(max_attempts=3, base_delay_s=0))
    def record(ctx: JobContext, n: int) -> None:
        effects.append((ctx.idempotency_key, n))

    @registry.task(name="test.flaky", retry=RetryStrategy(max_attempts=3, base_delay_s=0))
    def flaky(ctx: JobContext, n: int) -> None:
        if ctx.attempt < 3:
            raise RetryableError("try later", retry_after=0)
        effects.append((ctx.idempotency_key, n))

    @registry.task(name="test.broken", retry=RetryStrategy(max_attempts=5, base_delay_s=0))
    def broken(ctx: JobContext, n: int) -> None:
        raise PermanentError(f"job {n} can never work")

    return registry


def _enqueue(engine: Engine, registry: TaskRegistry, name: str, n: int) -> None:
    task = registry.get(name)
    assert task is not None
    with session_scope(engine, write=True) as session:
        store.enqueue(session, [store.new_job(task, {"n": n})], utcnow())


def _jobs(engine: Engine) -> dict[str, tuple[str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(select(store.JOB)).all()
    return {row.task: (row.status, row.attempts) for row in rows}


def test_burst_worker_runs_every_job_to_its_end(engine: Engine) -> None:
    effects: list[tuple[str, int]] = []
    registry = _registry(effects)
    for name, n in (("test.record", 1), ("test.flaky", 2), ("test.broken", 3)):
        _enqueue(engine, registry, name, n)
    Worker(engine, registry, FAST).run(threading.Event(), burst=True)
    assert sorted(n for _key, n in effects) == [1, 2]
    assert _jobs(engine) == {
        "test.record": (JobStatus.SUCCEEDED, 1),
        "test.flaky": (JobStatus.SUCCEEDED, 3),
        "test.broken": (JobStatus.DEAD, 1),
    }


def test_a_stopped_worker_hands_back_prefetched_jobs(engine: Engine) -> None:
    effects: list[tuple[str, int]] = []
    registry = _registry(effects)
    for n in range(5):
        _enqueue(engine, registry, "test.record", n)
    stop = threading.Event()
    worker = Worker(engine, registry, WorkerConfig(prefetch=5, poll_seconds=0.01))
    original = registry.tasks["test.record"].fn

    def stop_after_first(ctx: JobContext, n: int) -> None:
        original(ctx, n=n)
        stop.set()

    registry.tasks["test.record"] = registry.tasks["test.record"].__class__(
        "test.record", stop_after_first
    )
    worker.run(stop)
    with engine.connect() as connection:
        rows = connection.execute(select(store.JOB.c.status, store.JOB.c.attempts)).all()
    assert len(effects) == 1
    assert sorted((row.status, row.attempts) for row in rows) == [
        (JobStatus.SUCCEEDED, 1),
        *[(JobStatus.TODO, 0)] * 4,
    ]


def test_a_job_claimed_with_the_last_acknowledgement_is_handed_back_on_stop(
    engine: Engine,
) -> None:
    effects: list[tuple[str, int]] = []
    registry = _registry(effects)
    for n in range(3):
        _enqueue(engine, registry, "test.record", n)
    stop = threading.Event()

    class StopAfterFirst:
        def finished(self, job: JobRecord, outcome: str, seconds: float) -> None:
            stop.set()  # told after the acknowledgement, which claimed the next job

    Worker(engine, registry, FAST, observer=StopAfterFirst()).run(stop)
    with engine.connect() as connection:
        rows = connection.execute(select(store.JOB.c.status, store.JOB.c.attempts)).all()
    assert len(effects) == 1
    assert sorted((row.status, row.attempts) for row in rows) == [
        (JobStatus.SUCCEEDED, 1),
        *[(JobStatus.TODO, 0)] * 2,
    ]
