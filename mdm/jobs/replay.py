"""Replaying dead letters: audited, capped, and under the job's own idempotency key.

A replay puts the same job row back in the queue (attempts start again, `replay_count` goes
up), so its idempotency key, and every remote effect keyed on it, stays what it was: a replay
never creates a second remote record. Each replay is a `replayed` event naming who and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from mdm.errors import Conflict, InvalidInput, NotFound
from mdm.jobs.context import JobRecord
from mdm.jobs.models import JobEventKind, JobStatus
from mdm.jobs.store import JOB, record_events


@dataclass(frozen=True)
class ReplayFilter:
    """Which dead letters a bulk replay takes: by task, by time of death, by error text."""

    task: str | None = None
    died_after: datetime | None = None
    died_before: datetime | None = None
    error_contains: str | None = None

    def is_empty(self) -> bool:
        """True when nothing narrows the replay."""
        return not any((self.task, self.died_after, self.died_before, self.error_contains))


@dataclass(frozen=True)
class ReplayReport:
    """Which jobs went back to the queue, and which were refused, with why."""

    replayed: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    truncated: bool = False


def replay_one(
    session: Session, job_id: int, *, actor: str, reason: str, now: datetime, max_replays: int
) -> JobRecord:
    """Put one dead letter back in the queue; NotFound or Conflict says why not."""
    row = session.connection().execute(select(JOB).where(JOB.c.id == job_id)).first()
    if row is None:
        raise NotFound(f"job {job_id} does not exist")
    job = JobRecord.from_row(row)
    refusal = _refusal(job, max_replays)
    if refusal:
        raise Conflict(f"job {job_id}: {refusal}")
    _requeue(session, [job], actor=actor, reason=reason, now=now)
    return job


def replay_many(
    session: Session,
    where: ReplayFilter,
    *,
    actor: str,
    reason: str,
    now: datetime,
    max_replays: int,
    limit: int,
) -> ReplayReport:
    """Put back up to `limit` dead letters matching `where`, oldest first."""
    if where.is_empty():
        raise InvalidInput("a bulk replay needs a filter: task, died_after, died_before or error")
    query = select(JOB).where(JOB.c.status == JobStatus.DEAD, *_clauses(where))
    rows = session.connection().execute(query.order_by(JOB.c.id).limit(limit + 1)).all()
    jobs = [JobRecord.from_row(row) for row in rows[:limit]]
    refused = {job.id: why for job in jobs if (why := _refusal(job, max_replays))}
    chosen = [job for job in jobs if job.id not in refused]
    _requeue(session, chosen, actor=actor, reason=reason, now=now)
    return ReplayReport([job.id for job in chosen], refused, truncated=len(rows) > limit)


def _clauses(where: ReplayFilter) -> list[Any]:
    clauses: list[Any] = []
    if where.task:
        clauses.append(JOB.c.task == where.task)
    if where.died_after:
        clauses.append(JOB.c.finished_at >= where.died_after)
    if where.died_before:
        clauses.append(JOB.c.finished_at < where.died_before)
    if where.error_contains:
        clauses.append(JOB.c.last_error.contains(where.error_contains, autoescape=True))
    return clauses


def _refusal(job: JobRecord, max_replays: int) -> str | None:
    if job.status != JobStatus.DEAD:
        return f"is {job.status}, only dead letters are replayed"
    if job.replay_count >= max_replays:
        return f"was replayed {job.replay_count} times already (the cap is {max_replays})"
    return None


def _requeue(
    session: Session, jobs: list[JobRecord], *, actor: str, reason: str, now: datetime
) -> None:
    if not jobs:
        return
    statement = (
        update(JOB)
        .where(JOB.c.id.in_([job.id for job in jobs]), JOB.c.status == JobStatus.DEAD)
        .values(
            status=JobStatus.TODO,
            attempts=0,
            run_at=now,
            finished_at=None,
            lease_expires_at=None,
            replay_count=JOB.c.replay_count + 1,
        )
    )
    session.connection().execute(statement)
    events = [
        (job, JobEventKind.REPLAYED, {"reason": reason, "replay": job.replay_count + 1})
        for job in jobs
    ]
    record_events(session, events, None, now, actor=actor)
