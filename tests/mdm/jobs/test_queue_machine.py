"""The queue's SQL as a Hypothesis state machine: any interleaving keeps the queue's promises.

Named workers enqueue, claim, succeed, fail (retryable or for good), hand jobs back, crash
(forgetting their jobs unacknowledged) and replay dead letters, while a fake clock moves on and
expired leases are reaped, all through the real `mdm.jobs.store` and `replay` functions on the
test database. A small model predicts every answer; after each step the database must show: no
job lost or doubled, each job in exactly one state, at most one running job per lock key, jobs
of a key first claimed in id order, attempts bounded, and dead only when the attempts are spent
or the failure was permanent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, select
from sqlmodel import Session

from mdm.db import session_scope
from mdm.errors import Conflict
from mdm.jobs import store
from mdm.jobs.context import JobContext, JobRecord
from mdm.jobs.models import JobEventKind, JobStatus
from mdm.jobs.replay import replay_one
from mdm.jobs.tasks import RetryStrategy, Task
from tests.support.databases import empty_tables

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
WORKERS = ("w1", "w2", "w3")
LEASE_SECONDS = 30.0
MAX_REPLAYS = 2


def _noop(_ctx: JobContext, **_args: object) -> None:
    return None


TASKS = (
    Task("machine.once", _noop, RetryStrategy(max_attempts=1), lock="key:{key}"),
    Task("machine.thrice", _noop, RetryStrategy(max_attempts=3), lock="key:{key}"),
    Task("machine.free", _noop, RetryStrategy(max_attempts=2)),  # no lock key: runs in parallel
)
TASK_NAMES = [task.name for task in TASKS]


@dataclass
class ModelJob:
    """What the model expects of one job."""

    id: int
    new: store.NewJob
    run_at: datetime
    status: str = JobStatus.TODO
    attempts: int = 0
    worker: str | None = None
    lease_until: datetime | None = None
    replays: int = 0
    permanent: bool = False  # its last failure was for good
    claims: int = 0


class QueueModel:
    """The queue's rules in plain Python: which job is claimable, who still holds what."""

    def __init__(self) -> None:
        self.jobs: dict[int, ModelJob] = {}

    def claimable(self, now: datetime) -> list[int]:
        """Due todo jobs, in id order, whose key has nothing running or waiting ahead."""
        busy = {job.new.lock_key for job in self.jobs.values() if job.status == JobStatus.DOING}
        ready: list[int] = []
        for job_id in sorted(self.jobs):
            job = self.jobs[job_id]
            if job.status != JobStatus.TODO:
                continue
            lock = job.new.lock_key
            if lock is not None:
                if lock in busy:
                    continue
                busy.add(lock)  # a waiting job holds back later jobs of its key, due or not
            if job.run_at <= now:
                ready.append(job_id)
        return ready

    def claim(self, job_id: int, worker: str, now: datetime) -> None:
        """A worker took the job: one more attempt, under a lease."""
        job = self.jobs[job_id]
        job.status, job.worker = JobStatus.DOING, worker
        job.attempts += 1
        job.claims += 1
        job.lease_until = now + timedelta(seconds=LEASE_SECONDS)

    def holds(self, record: JobRecord, worker: str) -> bool:
        """True when the worker's claim is still the job's current one."""
        job = self.jobs[record.id]
        return (
            job.status == JobStatus.DOING
            and job.worker == worker
            and job.attempts == record.attempts
        )

    def finish(self, job_id: int, status: str, *, permanent: bool = False) -> None:
        """The job left `doing` for `status`."""
        job = self.jobs[job_id]
        job.status, job.lease_until, job.permanent = status, None, permanent

    def expired(self, now: datetime) -> list[tuple[int, str]]:
        """Jobs whose lease ran out, with the status the reaper gives them."""
        return [
            (job.id, JobStatus.DEAD if job.attempts >= job.new.max_attempts else JobStatus.TODO)
            for job in self.jobs.values()
            if job.status == JobStatus.DOING and job.lease_until and job.lease_until < now
        ]


class QueueMachine(RuleBasedStateMachine):
    """Rules drive the real store; the model predicts each answer."""

    engine: ClassVar[Engine]

    def __init__(self) -> None:
        super().__init__()
        empty_tables(self.engine)
        self.now = T0
        self.model = QueueModel()
        # What each worker believes it holds; stale once its lease was reaped.
        self.holding: dict[str, list[JobRecord]] = {worker: [] for worker in WORKERS}
        self.serial = 0

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One unit of work on the test database."""
        with session_scope(self.engine, write=True) as session:
            yield session

    @rule(task=st.sampled_from(TASKS), key=st.sampled_from(["a", "b"]))
    def enqueue(self, task: Task, key: str) -> None:
        self.serial += 1
        new = store.new_job(task, {"key": key, "n": self.serial})
        with self.unit() as session:
            assert store.enqueue(session, [new], self.now) == 1
            found = select(store.JOB.c.id).where(store.JOB.c.idempotency_key == new.idempotency_key)
            job_id = session.connection().execute(found).scalar_one()
        self.model.jobs[job_id] = ModelJob(job_id, new, self.now)

    @precondition(lambda self: self.model.jobs)
    @rule(data=st.data())
    def enqueue_again(self, data: st.DataObject) -> None:
        job = self.model.jobs[data.draw(st.sampled_from(sorted(self.model.jobs)))]
        again = store.new_job(next(t for t in TASKS if t.name == job.new.task), job.new.args)
        with self.unit() as session:
            assert store.enqueue(session, [again], self.now) == 0

    @rule(worker=st.sampled_from(WORKERS), limit=st.integers(1, 2))
    def claim(self, worker: str, limit: int) -> None:
        expected = self.model.claimable(self.now)[:limit]
        with self.unit() as session:
            claimed = store.claim(
                session,
                worker,
                queues=["default"],
                tasks=TASK_NAMES,
                now=self.now,
                lease_seconds=LEASE_SECONDS,
                limit=limit,
            )
        assert [job.id for job in claimed] == expected
        for job in claimed:
            self.model.claim(job.id, worker, self.now)
        self.holding[worker].extend(claimed)

    def _take(self, data: st.DataObject, worker: str) -> JobRecord:
        held = self.holding[worker]
        return held.pop(data.draw(st.integers(0, len(held) - 1)))

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data())
    def succeed(self, data: st.DataObject) -> None:
        worker = data.draw(st.sampled_from([w for w in WORKERS if self.holding[w]]))
        record = self._take(data, worker)
        expected = self.model.holds(record, worker)
        with self.unit() as session:
            assert store.complete(session, record, worker, self.now) is expected
        if expected:
            self.model.finish(record.id, JobStatus.SUCCEEDED)

    @precondition(lambda self: any(self.holding.values()))
    @rule(data=st.data(), permanent=st.booleans(), delay=st.sampled_from([0, 5]))
    def fail(self, data: st.DataObject, permanent: bool, delay: int) -> None:
        worker = data.draw(st.sampled_from([w for w in WORKERS if self.holding[w]]))
        record = self._take(data, worker)
        retry_at = None if permanent else self.now + timedelta(seconds=delay)
        expected: str | None = None
        if self.model.holds(record, worker):
            spent = record.attempts >= record.max_attempts
            expected = JobStatus.DEAD if permanent or spent else JobStatus.TODO
        with self.unit() as session:
            status = store.fail(session, record, worker, self.now, error="boom", retry_at=retry_at)
        assert status == expected
        if expected is not None:
            self.model.finish(record.id, expected, permanent=permanent)
        if expected == JobStatus.TODO and retry_at is not None:
            self.model.jobs[record.id].run_at = retry_at

    @rule(worker=st.sampled_from(WORKERS))
    def hand_back(self, worker: str) -> None:
        records, self.holding[worker] = self.holding[worker], []
        still = [record for record in records if self.model.holds(record, worker)]
        with self.unit() as session:
            assert store.release(session, records, worker, self.now) == len(still)
        for record in still:
            self.model.finish(record.id, JobStatus.TODO)
            self.model.jobs[record.id].attempts -= 1

    @rule(worker=st.sampled_from(WORKERS))
    def crash(self, worker: str) -> None:
        # Killed: its jobs stay `doing` until their leases run out.
        self.holding[worker] = []

    @rule(seconds=st.sampled_from([1, 10, 31]))
    def advance_clock(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)
        expected = self.model.expired(self.now)
        with self.unit() as session:
            reaped = store.reap_expired(session, self.now)
        assert sorted(reaped) == sorted(expected)
        for job_id, status in expected:
            self.model.finish(job_id, status)
            self.model.jobs[job_id].run_at = self.now

    @precondition(lambda self: self.model.jobs)
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        dead = [job.id for job in self.model.jobs.values() if job.status == JobStatus.DEAD]
        # Mostly dead letters; sometimes any job, which must be refused unless it is dead.
        take_dead = bool(dead) and data.draw(st.booleans())
        pool = dead if take_dead else sorted(self.model.jobs)
        job = self.model.jobs[data.draw(st.sampled_from(pool))]
        allowed = job.status == JobStatus.DEAD and job.replays < MAX_REPLAYS
        try:
            with self.unit() as session:
                replay_one(
                    session,
                    job.id,
                    actor="steward",
                    reason="fixed",
                    now=self.now,
                    max_replays=MAX_REPLAYS,
                )
        except Conflict:
            assert not allowed
            return
        assert allowed
        job.status, job.attempts, job.run_at, job.permanent = JobStatus.TODO, 0, self.now, False
        job.replays += 1

    @invariant()
    def the_database_agrees_with_the_model(self) -> None:
        with self.engine.connect() as connection:
            rows = connection.execute(select(store.JOB)).all()
            claims = connection.execute(
                select(store.EVENT.c.job_id)
                .where(store.EVENT.c.kind == JobEventKind.CLAIMED.value)
                .order_by(store.EVENT.c.id)
            ).scalars()
            claim_order = list(claims)
        check_queue(rows, claim_order, self.model)


def check_queue(rows: Sequence[Any], claim_order: list[int], model: QueueModel) -> None:
    """The queue's invariants over the job table and its claim log."""
    # No job lost, none doubled: every enqueued idempotency key is there exactly once.
    keys = sorted(row.idempotency_key for row in rows)
    assert keys == sorted(job.new.idempotency_key for job in model.jobs.values())
    running: set[str] = set()
    for row in rows:
        job = model.jobs[row.id]
        assert row.status in set(JobStatus)
        assert (row.status, row.attempts, row.replay_count) == (
            job.status,
            job.attempts,
            job.replays,
        )
        assert 0 <= row.attempts <= row.max_attempts
        assert (row.status == JobStatus.DOING) == (row.lease_expires_at is not None)
        if row.status == JobStatus.TODO:
            assert row.attempts < row.max_attempts  # its next claim stays within bounds
        if row.status == JobStatus.DEAD:
            assert row.attempts == row.max_attempts or job.permanent
        if row.status == JobStatus.DOING and row.lock_key is not None:
            assert row.lock_key not in running, f"two running jobs of {row.lock_key}"
            running.add(row.lock_key)
    _claims_follow_id_order(rows, claim_order, model)


def _claims_follow_id_order(rows: Sequence[Any], claim_order: list[int], model: QueueModel) -> None:
    lock_of = {row.id: row.lock_key for row in rows}
    first_claims: dict[str, list[int]] = {}
    seen: set[int] = set()
    for job_id in claim_order:
        if job_id not in seen and lock_of[job_id] is not None:
            first_claims.setdefault(lock_of[job_id], []).append(job_id)
        seen.add(job_id)
    for lock, order in first_claims.items():
        assert order == sorted(order), f"jobs of {lock} first claimed out of order: {order}"
    for job_id, job in model.jobs.items():
        assert claim_order.count(job_id) == job.claims


def test_the_queue_keeps_its_promises_under_any_interleaving(engine: Engine) -> None:
    machine = type("QueueMachineOnTestDatabase", (QueueMachine,), {"engine": engine})
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=50, stateful_step_count=40, deadline=None),
    )
