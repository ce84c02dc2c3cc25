"""API shapes of the job queue (the tables never leak into the contract)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from mdm.api.openapi import UtcDateTime
from mdm.jobs.context import JobRecord
from mdm.jobs.queries import JobDetail, JobEventRecord, JobPage, JobStats
from mdm.jobs.replay import ReplayFilter, ReplayReport

_WHEN = "2026-11-26T08:00:00Z"
_JOB: dict[str, Any] = {
    "id": 42,
    "task": "webhook.deliver",
    "queue": "default",
    "args": {"delivery_id": 7},
    "idempotency_key": "webhook.deliver:9f2c1e",
    "lock_key": "webhook:3",
    "status": "dead",
    "attempts": 5,
    "max_attempts": 5,
    "replay_count": 0,
    "run_at": _WHEN,
    "lease_expires_at": None,
    "worker_id": None,
    "last_error": "RetryableError: HTTP 503 from https://hooks.example.com",
    "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA",
    "traceparent": None,
    "created_at": _WHEN,
    "started_at": _WHEN,
    "finished_at": _WHEN,
}
_EVENT: dict[str, Any] = {
    "id": 311,
    "kind": "dead",
    "attempt": 5,
    "worker_id": "hub-1:4711:a1b2c3",
    "actor": None,
    "detail": {"error": "RetryableError: HTTP 503 from https://hooks.example.com"},
    "at": _WHEN,
}
_COUNTS = {"todo": 12, "doing": 1, "succeeded": 5400, "dead": 3}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class JobOut(BaseModel):
    """A job: its task and args, keys, status, attempts, lease and last error."""

    model_config = _examples(_JOB)

    id: int
    task: str
    queue: str
    args: dict[str, Any]
    idempotency_key: str = Field(description="Kept by replays, so remote effects stay single")
    lock_key: str | None = Field(description="Jobs of one key run one at a time, in order")
    status: str = Field(description="`todo`, `doing`, `succeeded` or `dead`")
    attempts: int
    max_attempts: int
    replay_count: int
    run_at: UtcDateTime
    lease_expires_at: UtcDateTime | None
    worker_id: str | None
    last_error: str | None
    correlation_id: str | None
    traceparent: str | None
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None

    @classmethod
    def of(cls, job: JobRecord) -> JobOut:
        """From the queue's record."""
        return cls.model_validate(job, from_attributes=True)


class JobEventOut(BaseModel):
    """One state transition: which attempt, which worker or actor, the error or reason."""

    id: int
    kind: str = Field(description="claimed, succeeded, retry_scheduled, dead, replayed, ...")
    attempt: int
    worker_id: str | None
    actor: str | None
    detail: dict[str, Any]
    at: UtcDateTime

    @classmethod
    def of(cls, event: JobEventRecord) -> JobEventOut:
        """From the queue's record."""
        return cls.model_validate(event, from_attributes=True)


class JobDetailOut(JobOut):
    """A job and its history, oldest event first."""

    model_config = _examples({**_JOB, "events": [_EVENT]})

    events: list[JobEventOut]

    @classmethod
    def of_detail(cls, detail: JobDetail) -> JobDetailOut:
        """From the job and its events."""
        return cls.model_validate(
            {
                **JobOut.of(detail.job).model_dump(),
                "events": [JobEventOut.of(e) for e in detail.events],
            }
        )


class JobPageOut(BaseModel):
    """Jobs in id order; pass `next_after` as `after` for the next page."""

    model_config = _examples({"jobs": [_JOB], "next_after": 42, "has_more": False})

    jobs: list[JobOut]
    next_after: int
    has_more: bool

    @classmethod
    def of(cls, page: JobPage) -> JobPageOut:
        """From the queue's page."""
        jobs = [JobOut.of(job) for job in page.jobs]
        return cls(jobs=jobs, next_after=page.next_after, has_more=page.has_more)


class RunningJobOut(BaseModel):
    """A job a worker holds right now, and until when its lease runs."""

    id: int
    task: str
    worker_id: str | None
    attempts: int
    started_at: UtcDateTime | None
    lease_expires_at: UtcDateTime | None


class JobStatsOut(BaseModel):
    """Queue depth per status and per task, the longest wait of a due job, the running jobs."""

    model_config = _examples(
        {
            "by_status": _COUNTS,
            "by_task": {"webhook.deliver": _COUNTS},
            "oldest_due_seconds": 1.5,
            "running": [
                {
                    "id": 43,
                    "task": "webhook.deliver",
                    "worker_id": "hub-1:4711:a1b2c3",
                    "attempts": 1,
                    "started_at": _WHEN,
                    "lease_expires_at": "2026-11-26T08:00:30Z",
                }
            ],
        }
    )

    by_status: dict[str, int]
    by_task: dict[str, dict[str, int]]
    oldest_due_seconds: float = Field(description="How long the longest-waiting due job waited")
    running: list[RunningJobOut]

    @classmethod
    def of(cls, stats: JobStats) -> JobStatsOut:
        """From the queue's statistics."""
        running = [RunningJobOut.model_validate(j, from_attributes=True) for j in stats.running]
        return cls(
            by_status=stats.by_status,
            by_task=stats.by_task,
            oldest_due_seconds=stats.oldest_due_seconds,
            running=running,
        )


Reason = Field(min_length=1, max_length=1000, description="Why: kept in the job's audit log")


class ReplayIn(BaseModel):
    """Why this dead letter goes back to the queue."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Reason


def _iso_text(value: object) -> object:
    # A number would pass as seconds since 1970: the documented form is ISO 8601 text only.
    if isinstance(value, int | float):
        raise ValueError("a date-time is ISO 8601 text, e.g. 2026-01-31T12:00:00Z")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


class ReplayManyIn(BaseModel):
    """Which dead letters go back (at least one filter), and why."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"task": "webhook.deliver", "error_contains": "503", "reason": "fixed"}]
        },
    )

    task: str | None = Field(default=None, max_length=128)
    died_after: Moment | None = Field(default=None, description="Dead at or after")
    died_before: Moment | None = Field(default=None, description="Dead before")
    error_contains: str | None = Field(default=None, min_length=1, max_length=1000)
    reason: str = Reason

    def filter(self) -> ReplayFilter:
        """The service's filter."""
        return ReplayFilter(self.task, self.died_after, self.died_before, self.error_contains)


class RefusalOut(BaseModel):
    """A matching dead letter that was not replayed, and why."""

    id: int
    reason: str


class ReplayReportOut(BaseModel):
    """What a bulk replay did: replayed ids, refusals, and whether the cap cut it short."""

    model_config = _examples(
        {
            "replayed": [42, 44],
            "refused": [{"id": 45, "reason": "was replayed 5 times already (the cap is 5)"}],
            "truncated": False,
        }
    )

    replayed: list[int]
    refused: list[RefusalOut]
    truncated: bool = Field(description="More dead letters matched than one replay may take")

    @classmethod
    def of(cls, report: ReplayReport) -> ReplayReportOut:
        """From the service's report."""
        refused = [RefusalOut(id=i, reason=why) for i, why in sorted(report.refused.items())]
        return cls(replayed=report.replayed, refused=refused, truncated=report.truncated)
