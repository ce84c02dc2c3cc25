"""The worker: claim due jobs, run them under a heartbeated lease, record the outcome.

One loop per worker (a thread in `mdm serve`, or an `mdm worker` process). Each claim and
each outcome is its own short unit of work; the task's effect runs between them, outside any
transaction, so a crash anywhere leaves the job either still claimed (its lease expires and
another worker takes it) or finished. Effects are therefore at least once, and tasks make them
exactly once with the job's idempotency key.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from mdm import correlation
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext, JobRecord
from mdm.jobs.hooks import CrashPoints
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import PermanentError, RetryableError, TaskRegistry

if TYPE_CHECKING:
    from mdm.settings import Settings

log = logging.getLogger("mdm.jobs.worker")
# How a unit of the queue's bookkeeping runs on PostgreSQL (one round trip for both settings):
# - a claim or an acknowledgement lost to a database crash only runs its job again, which the
#   promise allows (at least once, idempotent effects), so its commit need not wait for the WAL
#   to reach the disk (2 ms of a no-op job's 2.5 on this machine's disk);
# - its statements are few and prepared (psycopg prepares a statement run five times); their
#   generic plans are the right ones (the claim's order leaves one index to walk), and planning
#   each run afresh cost as much as running it.
_PG_UNIT = (
    "SELECT set_config('synchronous_commit', 'off', true),"
    " set_config('plan_cache_mode', 'force_generic_plan', true)"
)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class WorkerConfig:
    """How a worker claims: which queues, how long a lease, how often it polls."""

    # Taken in name order, each in id order (the order of the index a claim walks).
    queues: tuple[str, ...] = ("default",)
    lease_seconds: float = 30.0
    poll_seconds: float = 0.5
    # Jobs claimed per round trip; more is faster for tiny jobs, but holds their keys longer.
    prefetch: int = 1
    reap_every_seconds: float = 5.0
    # Every retry delay (backoff and Retry-After alike) times this: 1 in production; a demo or a
    # test compresses time with, say, 0.01.
    backoff_scale: float = 1.0


class Observer(Protocol):
    """Told about every outcome (metrics); must be quick and must not raise."""

    def finished(self, job: JobRecord, outcome: str, seconds: float) -> None: ...


class _Silent:
    def finished(self, job: JobRecord, outcome: str, seconds: float) -> None:
        return None


@dataclass(frozen=True)
class Duty:
    """Periodic housekeeping run by the worker loop (lease reaping, the outbox relay)."""

    name: str
    every_seconds: float
    run: Callable[[Engine, datetime], int]


def default_worker_id() -> str:
    """Host, process and a random suffix: unique across restarts and machines."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Worker:
    """Runs jobs of the tasks in `registry` until told to stop."""

    engine: Engine
    registry: TaskRegistry
    config: WorkerConfig = WorkerConfig()
    worker_id: str = field(default_factory=default_worker_id)
    clock: Clock = utcnow
    crash: CrashPoints = field(default_factory=CrashPoints)
    observer: Observer = field(default_factory=_Silent)
    duties: Sequence[Duty] = ()
    settings: Settings | None = None
    # Shared by this worker's jobs (see JobContext.resource); one worker runs one job at a time.
    resources: dict[str, Any] = field(default_factory=dict)
    _held: dict[int, JobRecord] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _last_run: dict[str, float] = field(default_factory=dict, init=False)
    # Claimed with the last acknowledgement, run by the next step.
    _next: list[JobRecord] = field(default_factory=list, init=False)

    def run(self, stop: threading.Event, *, burst: bool = False) -> None:
        """Work until `stop` is set (or, with `burst`, until no open job of ours is left)."""
        finished = threading.Event()
        beat = threading.Thread(target=self._heartbeats, args=(finished,), daemon=True)
        beat.start()
        log.info("worker started", extra={"worker_id": self.worker_id})
        try:
            while not stop.is_set():
                self._housekeeping()
                if self.step(stop):
                    continue
                if burst and not self.open_jobs():
                    break
                stop.wait(self.config.poll_seconds)
        finally:
            self._release_all()
            finished.set()
            log.info("worker stopped", extra={"worker_id": self.worker_id})

    def step(self, stop: threading.Event | None = None) -> int:
        """Run one batch (claimed with the last acknowledgement, or now); returns how many ran."""
        jobs, self._next = self._next or self._claim(), []
        for index, job in enumerate(jobs):
            if stop is not None and stop.is_set():
                self._release(jobs[index:])
                return index
            self._execute(job, claim_next=index == len(jobs) - 1, stop=stop)
        return len(jobs)

    def open_jobs(self) -> int:
        """Jobs of this worker's tasks still to run or running (by anyone)."""
        with self.engine.connect() as connection:
            query = select(func.count()).where(
                store.JOB.c.status.in_([JobStatus.TODO, JobStatus.DOING]),
                store.JOB.c.task.in_(self.registry.names()),
                store.JOB.c.queue.in_(self.config.queues),
            )
            return int(connection.execute(query).scalar_one())

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        """A unit of work of the queue's own bookkeeping: claims, acknowledgements, leases."""
        with session_scope(self.engine, write=True) as session:
            if self.engine.dialect.name == "postgresql":
                session.connection().exec_driver_sql(_PG_UNIT)
            yield session

    def _claim(self) -> list[JobRecord]:
        try:
            with self._unit() as session:
                jobs = self._claim_in(session)
        except IntegrityError:
            # Two claimers raced for one lock key and the unique index refused the second.
            log.debug("claim lost a lock-key race; trying again")
            return []
        return self._took(jobs)

    def _claim_in(self, session: Session) -> list[JobRecord]:
        return store.claim(
            session,
            self.worker_id,
            queues=self.config.queues,
            tasks=self.registry.names(),
            now=self.clock(),
            lease_seconds=self.config.lease_seconds,
            limit=self.config.prefetch,
        )

    def _took(self, jobs: list[JobRecord]) -> list[JobRecord]:
        with self._lock:
            self._held.update((job.id, job) for job in jobs)
        for _ in jobs:
            self.crash.hit("after_claim")
        return jobs

    def _execute(
        self, job: JobRecord, *, claim_next: bool = False, stop: threading.Event | None = None
    ) -> None:
        started = time.perf_counter()
        correlation.set_current(job.correlation_id)
        try:
            record = self._run(job)
            outcome = self._acknowledge(job, record, claim_next and not _is_set(stop))
        finally:
            correlation.set_current(None)
            self._let_go(job)
        self.observer.finished(job, outcome, time.perf_counter() - started)

    def _run(self, job: JobRecord) -> Callable[[Session], str]:
        """Run the job's task; returns how to record its outcome."""
        task = self.registry.get(job.task)
        assert task is not None  # claimed only tasks we know
        try:
            self.crash.hit("before_effect")
            task.run(JobContext(job, self.engine, self.worker_id, self.settings, self.resources))
        except PermanentError as exc:
            return self._failure(job, exc, retry_after=None, permanent=True)
        except Exception as exc:  # any other failure is worth another attempt
            retry_after = exc.retry_after if isinstance(exc, RetryableError) else None
            return self._failure(job, exc, retry_after=retry_after, permanent=False)
        self.crash.hit("after_effect")
        return partial(self._complete, job)

    def _acknowledge(
        self, job: JobRecord, record: Callable[[Session], str], claim_next: bool
    ) -> str:
        """Record the job's outcome; with `claim_next`, claim the next batch in the same unit
        of work, so a job of a busy queue costs one commit, not two."""
        try:
            with self._unit() as session:
                outcome = record(session)
                self.crash.hit("during_ack")
                upcoming = self._claim_in(session) if claim_next else []
        except IntegrityError:
            # The claim lost a lock-key race and took the acknowledgement down with it.
            log.debug("claim lost a lock-key race; acknowledging alone")
            with self._unit() as session:
                outcome = record(session)
                self.crash.hit("during_ack")
            upcoming = []
        # The job leaves the held set before the next batch joins it: a retry due at once may
        # be claimed again in the same unit of work, under the same id.
        self._let_go(job)
        self._next = self._took(upcoming)
        return outcome

    def _let_go(self, job: JobRecord) -> None:
        with self._lock:
            if self._held.get(job.id) is job:
                del self._held[job.id]

    def _complete(self, job: JobRecord, session: Session) -> str:
        if not store.complete(session, job, self.worker_id, self.clock()):
            log.warning("lease lost before the job was acknowledged", extra={"job_id": job.id})
            return "lease_lost"
        return JobStatus.SUCCEEDED

    def _failure(
        self, job: JobRecord, exc: Exception, *, retry_after: float | None, permanent: bool
    ) -> Callable[[Session], str]:
        error = f"{type(exc).__name__}: {exc}"
        now = self.clock()
        retry_at = None if permanent else now + timedelta(seconds=self._delay(job, retry_after))
        log.warning("job failed", extra={"job_id": job.id, "task": job.task, "error": error})

        def record(session: Session) -> str:
            status = store.fail(session, job, self.worker_id, now, error=error, retry_at=retry_at)
            if status is None:
                return "lease_lost"
            return "retried" if status == JobStatus.TODO else JobStatus.DEAD

        return record

    def _delay(self, job: JobRecord, retry_after: float | None) -> float:
        task = self.registry.get(job.task)
        assert task is not None
        # Seeded by job and attempt: jitter spreads jobs apart yet replays deterministically.
        rng = random.Random(f"{job.id}:{job.attempts}:{job.replay_count}")
        delay = task.retry.delay(job.attempts, retry_after=retry_after, rng=rng)
        return delay * self.config.backoff_scale

    def _heartbeats(self, finished: threading.Event) -> None:
        # Runs until the loop has finished its last job, so a job still running while the
        # worker is asked to stop keeps its lease to the end.
        while not finished.wait(self.config.lease_seconds / 3):
            with self._lock:
                jobs = list(self._held.values())
            if jobs:
                self._beat(jobs)

    def _beat(self, jobs: list[JobRecord]) -> None:
        try:
            with self._unit() as session:
                held = store.heartbeat(
                    session, jobs, self.worker_id, self.clock(), self.config.lease_seconds
                )
        except OperationalError:
            log.exception("heartbeat failed; the lease may expire")
            return
        for job in jobs:
            if job.id not in held:
                log.warning("lease lost while running", extra={"job_id": job.id})

    def _housekeeping(self) -> None:
        reap = Duty("reap_expired_leases", self.config.reap_every_seconds, _reap)
        for duty in (reap, *self.duties):
            now_mono = time.monotonic()
            if now_mono - self._last_run.get(duty.name, float("-inf")) < duty.every_seconds:
                continue
            self._last_run[duty.name] = now_mono
            try:
                duty.run(self.engine, self.clock())
            except Exception:  # housekeeping must never stop the worker
                log.exception("worker duty failed", extra={"duty": duty.name})

    def _release(self, jobs: Sequence[JobRecord]) -> None:
        if not jobs:
            return
        with session_scope(self.engine, write=True) as session:
            store.release(session, jobs, self.worker_id, self.clock())
        with self._lock:
            for job in jobs:
                self._held.pop(job.id, None)

    def _release_all(self) -> None:
        self._next = []
        with self._lock:
            jobs = list(self._held.values())
        try:
            self._release(jobs)
        except Exception:
            log.exception("could not hand jobs back; their leases will expire")


def _is_set(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _reap(engine: Engine, now: datetime) -> int:
    with session_scope(engine, write=True) as session:
        taken = store.reap_expired(session, now)
    for job_id, status in taken:
        log.warning("lease expired", extra={"job_id": job_id, "now": status})
    return len(taken)
