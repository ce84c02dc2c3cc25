"""The job queue's SQL: enqueue, claim, heartbeat, acknowledge, fail, reap and replay.

Every function runs inside the caller's unit of work and takes `now` from the caller, so the
worker's clock (or a test's) is the only clock. Times are computed here, never by the database,
so SQLite and PostgreSQL agree to the microsecond.

Claiming is one guarded UPDATE over a sub-select:
- PostgreSQL: the sub-select locks its rows `FOR UPDATE SKIP LOCKED`, so workers never wait
  on each other and never take the same job.
- SQLite: the unit of work starts with `BEGIN IMMEDIATE`, so one claimer at a time.
A job is claimable when it is due, and no other job of its lock key is running or waiting
ahead of it (lower id): that keeps one running job per key and the order per key. A partial
unique index on running lock keys makes the database refuse anything that slips past.
The claim and the acknowledgement, the per-job hot path, are built once in `statements`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from mdm import correlation
from mdm.jobs import statements
from mdm.jobs.context import JobRecord
from mdm.jobs.models import Job, JobEvent, JobEventKind, JobStatus
from mdm.jobs.tasks import Task

JOB: Table = Job.__table__  # type: ignore[attr-defined]
EVENT: Table = JobEvent.__table__  # type: ignore[attr-defined]
MAX_ERROR_CHARS = 4000
Event = tuple[JobRecord, JobEventKind, dict[str, Any]]


@dataclass(frozen=True)
class NewJob:
    """A job to enqueue, resolved against its task (lock key, queue, attempts)."""

    task: str
    args: dict[str, Any]
    idempotency_key: str
    lock_key: str | None
    queue: str
    max_attempts: int
    run_at: datetime | None = None
    correlation_id: str | None = None
    traceparent: str | None = None


def new_job(
    task: Task,
    args: Mapping[str, Any],
    *,
    idempotency_key: str | None = None,
    run_at: datetime | None = None,
    traceparent: str | None = None,
) -> NewJob:
    """A job for `task`; without a key, its name and args make one (same args, same job)."""
    values = dict(args)
    key = idempotency_key or default_idempotency_key(task.name, values)
    return NewJob(
        task=task.name,
        args=values,
        idempotency_key=key,
        lock_key=task.lock_key(values),
        queue=task.queue,
        max_attempts=task.retry.max_attempts,
        run_at=run_at,
        correlation_id=correlation.get() or correlation.new_id(),
        traceparent=traceparent,
    )


def default_idempotency_key(task_name: str, args: Mapping[str, Any]) -> str:
    """The task's name and a digest of its canonical arguments."""
    canonical = json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)
    return f"{task_name}:{hashlib.sha256(canonical.encode()).hexdigest()[:40]}"


def enqueue(session: Session, jobs: Sequence[NewJob], now: datetime) -> int:
    """Add jobs in the caller's transaction; a job whose idempotency key exists is skipped.

    Returns how many were new. The caller's commit makes the jobs and their cause visible
    together, or neither.
    """
    if not jobs:
        return 0
    rows = [_job_row(job, now) for job in jobs]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(JOB).on_conflict_do_nothing(index_elements=["idempotency_key"])
    result = session.connection().execute(statement.returning(JOB.c.id), rows)
    return len(result.fetchall())


def _job_row(job: NewJob, now: datetime) -> dict[str, Any]:
    return {
        "task": job.task,
        "queue": job.queue,
        "args": job.args,
        "idempotency_key": job.idempotency_key,
        "lock_key": job.lock_key,
        "status": JobStatus.TODO.value,
        "attempts": 0,
        "max_attempts": job.max_attempts,
        "replay_count": 0,
        "run_at": job.run_at or now,
        "correlation_id": job.correlation_id,
        "traceparent": job.traceparent,
        "created_at": now,
    }


def claim(
    session: Session,
    worker_id: str,
    *,
    queues: Sequence[str],
    tasks: Sequence[str],
    now: datetime,
    lease_seconds: float,
    limit: int = 1,
) -> list[JobRecord]:
    """Take up to `limit` due jobs this worker can run, in id order; count the attempt now.

    A worker of several queues takes them in name order (the order of the index it walks).
    Counting at claim time means a job that kills its worker every time still runs out of
    attempts. May raise IntegrityError if a race broke the one-running-per-key rule; the
    caller rolls back and tries again.
    """
    params = {
        "queues": list(queues),
        "tasks": list(tasks),
        "now": now,
        "lease_until": now + timedelta(seconds=lease_seconds),
        "worker": worker_id,
        "limit": limit,
    }
    dialect = session.get_bind().dialect.name
    rows = session.connection().execute(statements.claim(dialect), params)
    jobs = sorted((JobRecord.from_row(row) for row in rows), key=lambda job: job.id)
    if not statements.events_inline(dialect):
        claimed: list[Event] = [(job, JobEventKind.CLAIMED, {}) for job in jobs]
        record_events(session, claimed, worker_id, now)
    return jobs


def _held(job: JobRecord, worker_id: str) -> ColumnElement[bool]:
    """Still this worker's claim: running, same worker, same attempt (the lease not lost)."""
    return and_(
        JOB.c.id == job.id,
        JOB.c.status == statements.DOING,
        JOB.c.worker_id == worker_id,
        JOB.c.attempts == job.attempts,
    )


def heartbeat(
    session: Session, jobs: Iterable[JobRecord], worker_id: str, now: datetime, lease_seconds: float
) -> set[int]:
    """Extend the leases of jobs this worker still holds; returns the ids it still holds."""
    held: set[int] = set()
    expires = now + timedelta(seconds=lease_seconds)
    for job in jobs:
        statement = update(JOB).where(_held(job, worker_id)).values(lease_expires_at=expires)
        if session.connection().execute(statement).rowcount:
            held.add(job.id)
    return held


def complete(session: Session, job: JobRecord, worker_id: str, now: datetime) -> bool:
    """Mark the job succeeded; False when its lease was lost (another worker may redo it)."""
    dialect = session.get_bind().dialect.name
    params = {"job_id": job.id, "worker": worker_id, "attempt": job.attempts, "now": now}
    if not session.connection().execute(statements.complete(dialect), params).first():
        return False
    if not statements.events_inline(dialect):
        record_events(session, [(job, JobEventKind.SUCCEEDED, {})], worker_id, now)
    return True


def fail(
    session: Session,
    job: JobRecord,
    worker_id: str,
    now: datetime,
    *,
    error: str,
    retry_at: datetime | None,
) -> str | None:
    """Schedule the next attempt at `retry_at`, or dead-letter the job when it is None or the
    attempts are spent. Returns the new status, None when the lease was lost."""
    error = error[:MAX_ERROR_CHARS]
    dead = retry_at is None or job.attempts >= job.max_attempts
    values: dict[str, Any] = {"lease_expires_at": None, "last_error": error}
    if dead:
        values |= {"status": JobStatus.DEAD, "finished_at": now}
    else:
        values |= {"status": JobStatus.TODO, "run_at": retry_at}
    statement = update(JOB).where(_held(job, worker_id)).values(**values)
    if not session.connection().execute(statement).rowcount:
        return None
    detail: dict[str, Any] = {"error": error}
    if dead:
        record_events(session, [(job, JobEventKind.DEAD, detail)], worker_id, now)
        return JobStatus.DEAD
    assert retry_at is not None
    detail["retry_at"] = retry_at.isoformat()
    record_events(session, [(job, JobEventKind.RETRY_SCHEDULED, detail)], worker_id, now)
    return JobStatus.TODO


def release(session: Session, jobs: Iterable[JobRecord], worker_id: str, now: datetime) -> int:
    """Hand claimed but unstarted jobs back (graceful shutdown), their attempt not counted."""
    released: list[tuple[JobRecord, JobEventKind, dict[str, Any]]] = []
    for job in jobs:
        statement = (
            update(JOB)
            .where(_held(job, worker_id))
            .values(status=JobStatus.TODO, attempts=job.attempts - 1, lease_expires_at=None)
        )
        if session.connection().execute(statement).rowcount:
            released.append((job, JobEventKind.RELEASED, {}))
    record_events(session, released, worker_id, now)
    return len(released)


def reap_expired(session: Session, now: datetime, limit: int = 500) -> list[tuple[int, str]]:
    """Take back jobs whose worker stopped heartbeating: retry them, or dead-letter them when
    the attempt that died was the last. Returns (job id, new status) pairs."""
    expired = (
        select(JOB.c.id)
        .where(JOB.c.status == JobStatus.DOING, JOB.c.lease_expires_at < now)
        .order_by(JOB.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    spent = JOB.c.attempts >= JOB.c.max_attempts
    statement = (
        update(JOB)
        .where(JOB.c.id.in_(expired.scalar_subquery()), JOB.c.status == JobStatus.DOING)
        .values(
            status=case((spent, JobStatus.DEAD.value), else_=JobStatus.TODO.value),
            finished_at=case((spent, now), else_=None),
            lease_expires_at=None,
            run_at=now,
            last_error="lease expired: worker " + func.coalesce(JOB.c.worker_id, "?") + " stopped",
        )
        .returning(*JOB.c)
    )
    jobs = [JobRecord.from_row(row) for row in session.connection().execute(statement)]
    events: list[tuple[JobRecord, JobEventKind, dict[str, Any]]] = []
    for job in jobs:
        detail = {"worker_id": job.worker_id, "error": job.last_error}
        events.append((job, JobEventKind.LEASE_EXPIRED, detail))
        if job.status == JobStatus.DEAD:
            events.append((job, JobEventKind.DEAD, detail))
    record_events(session, events, None, now)
    return [(job.id, job.status) for job in jobs]


def record_events(
    session: Session,
    events: Sequence[tuple[JobRecord, JobEventKind, dict[str, Any]]],
    worker_id: str | None,
    now: datetime,
    actor: str | None = None,
) -> None:
    if not events:
        return
    rows = [
        {
            "job_id": job.id,
            "kind": kind.value,
            "attempt": job.attempts,
            "worker_id": worker_id,
            "actor": actor,
            "detail": detail,
            "at": now,
        }
        for job, kind, detail in events
    ]
    session.connection().execute(EVENT.insert(), rows)
