"""REST for operators of the job queue: depth, jobs and their history, audited replay.

Admin only, all of it: a job's args can carry payloads meant for other systems.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from mdm.api.deps import SessionDep, SettingsDep, WriteSessionDep
from mdm.api.openapi import error_response, error_responses
from mdm.auth.deps import ActorDep, requires
from mdm.auth.principal import Scope
from mdm.clock import utcnow
from mdm.jobs import queries
from mdm.jobs.models import JobStatus
from mdm.jobs.replay import replay_many, replay_one
from mdm.jobs.schemas import (
    JobDetailOut,
    JobPageOut,
    JobStatsOut,
    ReplayIn,
    ReplayManyIn,
    ReplayReportOut,
)

router = APIRouter(
    prefix="/api/v1/jobs", tags=["jobs"], dependencies=[Depends(requires(Scope.ADMIN))]
)
# The id column is a 32-bit integer: a larger number is a 422, not a database overflow.
JobId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Job id")]

_UNKNOWN = error_response(404, "No job has this id", detail="job 42 does not exist")
_NOT_REPLAYABLE = error_response(
    409,
    "The job is not a dead letter, or has been replayed as often as allowed",
    detail="job 42: is succeeded, only dead letters are replayed",
)
_NO_FILTER = error_response(
    422,
    "No filter, or a field has the wrong type or value; nothing was replayed",
    detail="a bulk replay needs a filter: task, died_after, died_before or error",
)


@router.get("/stats", response_model=JobStatsOut, summary="Queue depth and running jobs")
def job_stats(session: SessionDep) -> JobStatsOut:
    """Jobs per status and per task, the longest wait of a due job, and every running job."""
    return JobStatsOut.of(queries.stats(session, utcnow()))


@router.get("", response_model=JobPageOut, summary="List jobs", responses=error_responses(422))
def list_jobs(
    session: SessionDep,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this status")] = None,
    task: Annotated[str | None, Query(max_length=128, description="Only this task")] = None,
    lock_key: Annotated[str | None, Query(max_length=255, description="Only this key")] = None,
    after: Annotated[
        int, Query(ge=0, le=2**31 - 1, description="`next_after` of the previous page")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE, description="Jobs per page")] = 100,
) -> JobPageOut:
    """Jobs in id order, filtered by status, task and lock key (`?status=dead`: dead letters)."""
    where = queries.JobFilter(status, task, lock_key, after, limit)
    return JobPageOut.of(queries.list_jobs(session, where))


@router.post(
    "/replay",
    response_model=ReplayReportOut,
    summary="Replay dead letters in bulk",
    responses={422: _NO_FILTER},
)
def replay_dead_letters(
    body: ReplayManyIn, session: WriteSessionDep, settings: SettingsDep, actor: ActorDep
) -> ReplayReportOut:
    """Put back the oldest dead letters matching the filter, at most `MDM_JOBS_REPLAY_LIMIT`.

    Each keeps its idempotency key; each replay is an audit event naming the caller and reason.
    """
    report = replay_many(
        session,
        body.filter(),
        actor=actor,
        reason=body.reason,
        now=utcnow(),
        max_replays=settings.jobs_max_replays,
        limit=settings.jobs_replay_limit,
    )
    return ReplayReportOut.of(report)


@router.get(
    "/{job_id}",
    response_model=JobDetailOut,
    summary="Show a job and its history",
    responses={404: _UNKNOWN, **error_responses(422)},
)
def show_job(job_id: JobId, session: SessionDep) -> JobDetailOut:
    """One job with every state transition: claims, retries and their errors, replays."""
    return JobDetailOut.of_detail(queries.get_job(session, job_id))


@router.post(
    "/{job_id}/replay",
    response_model=JobDetailOut,
    summary="Replay a dead letter",
    responses={404: _UNKNOWN, 409: _NOT_REPLAYABLE, **error_responses(422)},
)
def replay_job(
    job_id: JobId, body: ReplayIn, session: WriteSessionDep, settings: SettingsDep, actor: ActorDep
) -> JobDetailOut:
    """Put one dead letter back in the queue under its own idempotency key (audited, capped)."""
    replay_one(
        session,
        job_id,
        actor=actor,
        reason=body.reason,
        now=utcnow(),
        max_replays=settings.jobs_max_replays,
    )
    return JobDetailOut.of_detail(queries.get_job(session, job_id))
