"""What a running task sees: its job, the hub's engine, and the worker running it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine

from mdm.clock import aware

if TYPE_CHECKING:
    from mdm.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class JobRecord:
    """A job row as a frozen value: workers and tasks read it, only the store changes jobs."""

    id: int
    task: str
    queue: str
    args: dict[str, Any]
    idempotency_key: str
    lock_key: str | None
    status: str
    attempts: int
    max_attempts: int
    replay_count: int
    run_at: datetime
    lease_expires_at: datetime | None
    worker_id: str | None
    last_error: str | None
    correlation_id: str | None
    traceparent: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> JobRecord:
        """Build from a result row with the job table's columns."""
        values = dict(row._mapping)
        for name in ("run_at", "lease_expires_at", "created_at", "started_at", "finished_at"):
            if values[name] is not None:
                values[name] = aware(values[name])
        return cls(**{name: values[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class JobContext:
    """Passed to every task: the job (its args, idempotency key, attempt) and where to work."""

    job: JobRecord
    engine: Engine
    worker_id: str
    # The worker's settings, and objects its tasks share across jobs (HTTP clients, adapters),
    # built on first use and kept for the worker's life.
    settings: Settings | None = None
    resources: dict[str, Any] = field(default_factory=dict)

    def resource(self, name: str, build: Callable[[], T]) -> T:
        """The worker's shared `name`, built by `build` the first time."""
        if name not in self.resources:
            self.resources[name] = build()
        value: T = self.resources[name]
        return value

    @property
    def idempotency_key(self) -> str:
        """The key every remote effect of this job must carry, the same on every attempt."""
        return self.job.idempotency_key

    @property
    def attempt(self) -> int:
        """1 on the first run, counted when the job was claimed."""
        return self.job.attempts
