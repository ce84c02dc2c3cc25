"""The job table and its append-only event log (one row per state transition)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from mdm.clock import utcnow


class JobStatus(StrEnum):
    """Where a job is; every job is in exactly one of these."""

    TODO = "todo"  # waiting for its run_at, its lock key, or a worker
    DOING = "doing"  # claimed by a worker that holds a lease on it
    SUCCEEDED = "succeeded"
    DEAD = "dead"  # out of attempts or failed for good: a dead letter, replayable


class JobEventKind(StrEnum):
    """What happened to a job (the audit log and its attempt history)."""

    CLAIMED = "claimed"
    SUCCEEDED = "succeeded"
    RETRY_SCHEDULED = "retry_scheduled"
    DEAD = "dead"
    LEASE_EXPIRED = "lease_expired"
    RELEASED = "released"  # handed back unstarted at a graceful shutdown
    REPLAYED = "replayed"


def _when(nullable: bool = False, **kwargs: Any) -> Any:
    default = None if nullable else utcnow
    return Field(
        default_factory=default,
        sa_column=Column(DateTime(timezone=True), nullable=nullable, **kwargs),
    )


_DOING = text("status = 'doing'")
_OPEN = text("status IN ('todo', 'doing')")


class Job(SQLModel, table=True):
    """One unit of work for a task, with its idempotency key, lock key, lease and attempts."""

    __tablename__ = "job"
    __table_args__ = (
        # Claiming walks open jobs in id order; the partial indexes stay small as jobs finish.
        Index(
            "ix_job_todo",
            "queue",
            "id",
            postgresql_where=text("status = 'todo'"),
            sqlite_where=text("status = 'todo'"),
        ),
        Index("ix_job_lock_open", "lock_key", "id", postgresql_where=_OPEN, sqlite_where=_OPEN),
        # The database itself refuses a second running job per lock key, whatever the race.
        Index(
            "uq_job_lock_doing",
            "lock_key",
            unique=True,
            postgresql_where=_DOING,
            sqlite_where=_DOING,
        ),
        Index("ix_job_lease", "lease_expires_at", postgresql_where=_DOING, sqlite_where=_DOING),
        Index("ix_job_status_task", "status", "task"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task: str = Field(sa_column=Column(String(128), nullable=False))
    queue: str = Field(default="default", sa_column=Column(String(64), nullable=False))
    args: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    lock_key: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    status: str = Field(default=JobStatus.TODO, sa_column=Column(String(16), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    max_attempts: int = Field(sa_column=Column(Integer, nullable=False))
    replay_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    run_at: datetime = _when()
    lease_expires_at: datetime | None = _when(nullable=True)
    worker_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Indexed: a trace gathers every job of one correlation id.
    correlation_id: str | None = Field(
        default=None, sa_column=Column(String(128), nullable=True, index=True)
    )
    traceparent: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    created_at: datetime = _when()
    started_at: datetime | None = _when(nullable=True)
    finished_at: datetime | None = _when(nullable=True)


class JobEvent(SQLModel, table=True):
    """A job's state transition: who, when, which attempt, and the error or reason."""

    __tablename__ = "job_event"
    __table_args__ = (Index("ix_job_event_job_id_id", "job_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(sa_column=Column(Integer, ForeignKey("job.id"), nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    attempt: int = Field(sa_column=Column(Integer, nullable=False))
    worker_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    actor: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _when()
