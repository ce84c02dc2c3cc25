"""Reading the queue for operators: depth per status and task, running jobs, one job's history.

Read-only, over the job table's indexes; the CLI, the REST routes and the metrics share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from mdm.clock import aware
from mdm.errors import NotFound
from mdm.jobs.context import JobRecord
from mdm.jobs.models import JobStatus
from mdm.jobs.store import EVENT, JOB

MAX_PAGE = 500
STATUSES = tuple(status.value for status in JobStatus)


@dataclass(frozen=True)
class JobStats:
    """The queue at a glance: how many jobs per status and per task, what is running."""

    by_status: dict[str, int]
    by_task: dict[str, dict[str, int]]
    oldest_due_seconds: float
    running: list[JobRecord]


@dataclass(frozen=True)
class JobFilter:
    """Which jobs to list: by status, task and lock key, after a cursor (a job id)."""

    status: JobStatus | None = None
    task: str | None = None
    lock_key: str | None = None
    after: int = 0
    limit: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}")


@dataclass(frozen=True)
class JobPage:
    """Jobs in id order and the cursor to pass as `after` for the next page."""

    jobs: list[JobRecord]
    next_after: int
    has_more: bool


@dataclass(frozen=True)
class JobEventRecord:
    """One state transition of a job (its attempt history and audit trail)."""

    id: int
    kind: str
    attempt: int
    worker_id: str | None
    actor: str | None
    detail: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class JobDetail:
    """A job and every event it went through, oldest first."""

    job: JobRecord
    events: list[JobEventRecord] = field(default_factory=list)


def status_counts(session: Session) -> dict[str, int]:
    """Jobs per status, every status present (zero when none)."""
    query = select(JOB.c.status, func.count()).group_by(JOB.c.status)
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: int(n) for status, n in session.connection().execute(query)})
    return counts


def oldest_due_seconds(session: Session, now: datetime) -> float:
    """How long the longest-waiting due job has waited past its `run_at` (0 when none)."""
    query = select(func.min(JOB.c.run_at)).where(
        JOB.c.status == JobStatus.TODO, JOB.c.run_at <= now
    )
    oldest = session.connection().execute(query).scalar_one()
    return max((now - aware(oldest)).total_seconds(), 0.0) if oldest is not None else 0.0


def stats(session: Session, now: datetime) -> JobStats:
    """Counts per status and per task, the oldest due job's wait, and the running jobs."""
    query = select(JOB.c.task, JOB.c.status, func.count()).group_by(JOB.c.task, JOB.c.status)
    by_task: dict[str, dict[str, int]] = {}
    for task, status, n in session.connection().execute(query):
        by_task.setdefault(task, dict.fromkeys(STATUSES, 0))[status] = int(n)
    running = select(JOB).where(JOB.c.status == JobStatus.DOING).order_by(JOB.c.id)
    return JobStats(
        by_status=status_counts(session),
        by_task=dict(sorted(by_task.items())),
        oldest_due_seconds=oldest_due_seconds(session, now),
        running=_records(session.connection().execute(running)),
    )


def list_jobs(session: Session, where: JobFilter) -> JobPage:
    """A page of jobs matching `where`, in id order, after the cursor."""
    query = select(JOB).where(JOB.c.id > where.after)
    if where.status is not None:
        query = query.where(JOB.c.status == where.status.value)
    if where.task is not None:
        query = query.where(JOB.c.task == where.task)
    if where.lock_key is not None:
        query = query.where(JOB.c.lock_key == where.lock_key)
    rows = session.connection().execute(query.order_by(JOB.c.id).limit(where.limit + 1))
    jobs = _records(rows)
    page = jobs[: where.limit]
    return JobPage(page, page[-1].id if page else where.after, has_more=len(jobs) > where.limit)


def get_job(session: Session, job_id: int) -> JobDetail:
    """One job with its events, or `NotFound`."""
    connection = session.connection()
    row = connection.execute(select(JOB).where(JOB.c.id == job_id)).first()
    if row is None:
        raise NotFound(f"job {job_id} does not exist")
    events = connection.execute(select(EVENT).where(EVENT.c.job_id == job_id).order_by(EVENT.c.id))
    return JobDetail(JobRecord.from_row(row), [_event(e) for e in events])


def _records(rows: Sequence[Any] | Any) -> list[JobRecord]:
    return [JobRecord.from_row(row) for row in rows]


def _event(row: Any) -> JobEventRecord:
    return JobEventRecord(
        id=row.id,
        kind=row.kind,
        attempt=row.attempt,
        worker_id=row.worker_id,
        actor=row.actor,
        detail=dict(row.detail or {}),
        at=aware(row.at),
    )
