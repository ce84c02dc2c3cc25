"""`mdm worker` runs jobs until SIGTERM or Ctrl-C; `mdm jobs` shows the queue and replays.

Machine output (`--json`, `show`) goes to stdout; tables and messages to stderr.
"""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime
from types import FrameType
from typing import Annotated

import typer
from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server
from rich.table import Table
from sqlmodel import Session

from mdm.cli_support import database, err, fail, load_settings, open_database, os_user
from mdm.clock import aware, utcnow
from mdm.db import session_scope
from mdm.jobs import queries
from mdm.jobs.metrics import JobMetrics
from mdm.jobs.models import JobStatus
from mdm.jobs.replay import ReplayFilter, replay_many, replay_one
from mdm.jobs.runtime import build_worker
from mdm.jobs.schemas import JobDetailOut, JobOut, JobStatsOut, ReplayReportOut
from mdm.settings import Settings

jobs_app = typer.Typer(
    help="Queue depth, jobs and their history, replay of dead letters.", no_args_is_help=True
)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout")]


def worker_command(
    queue: Annotated[
        list[str] | None, typer.Option("--queue", "-q", help="Queue to take jobs from (repeat).")
    ] = None,
    burst: Annotated[
        bool, typer.Option(help="Exit once no job of this worker's tasks is left to run.")
    ] = False,
    worker_id: Annotated[str | None, typer.Option(help="Name in leases and logs.")] = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Serve this worker's metrics on 127.0.0.1:PORT."),
    ] = None,
) -> None:
    """Run queued jobs; several workers may run at once on PostgreSQL."""
    settings = load_settings()
    engine = open_database(settings)
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        # Finish the job in hand, hand back any prefetched ones, then exit.
        err.print(f"{signal.Signals(signum).name}: stopping after the current job")
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server = None
    try:
        registry = CollectorRegistry()
        worker = build_worker(
            engine,
            settings,
            queues=tuple(queue or ["default"]),
            worker_id=worker_id,
            observer=JobMetrics(registry),
        )
        if metrics_port is not None:
            ProcessCollector(namespace="mdm", registry=registry)
            server, _thread = start_http_server(metrics_port, addr="127.0.0.1", registry=registry)
            err.print(f"metrics on http://127.0.0.1:{metrics_port}/metrics")
        err.print(f"worker {worker.worker_id} running tasks: {', '.join(worker.registry.names())}")
        worker.run(stop, burst=burst)
    finally:
        if server is not None:
            server.shutdown()
        engine.dispose()


@jobs_app.command("stats")
def stats_command(as_json: JsonFlag = False) -> None:
    """Jobs per status and per task, the longest wait of a due job, the running jobs."""
    with database() as engine, session_scope(engine) as session:
        stats = JobStatsOut.of(queries.stats(session, utcnow()))
    if as_json:
        typer.echo(json.dumps(stats.model_dump(mode="json"), indent=2))
        return
    statuses = list(queries.STATUSES)
    table = Table("task", *statuses)
    for task, counts in stats.by_task.items():
        table.add_row(task, *(str(counts[s]) for s in statuses))
    table.add_row("[b]all[/b]", *(f"[b]{stats.by_status[s]}[/b]" for s in statuses))
    err.print(table)
    err.print(f"oldest due job waiting {stats.oldest_due_seconds:.1f} s", highlight=False)
    for job in stats.running:
        lease = _when(job.lease_expires_at)
        err.print(f"running {job.id} {job.task} on {job.worker_id} (lease to {lease})")


@jobs_app.command("list")
def list_command(
    status: Annotated[JobStatus | None, typer.Option(help="Only this status")] = None,
    task: Annotated[str | None, typer.Option(help="Only this task")] = None,
    lock_key: Annotated[str | None, typer.Option(help="Only this lock key")] = None,
    after: Annotated[int, typer.Option(min=0, help="Only jobs with a larger id")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=queries.MAX_PAGE)] = 100,
    as_json: JsonFlag = False,
) -> None:
    """Jobs in id order (`--status dead`: the dead letters)."""
    where = queries.JobFilter(status, task, lock_key, after, limit)
    with database() as engine, session_scope(engine) as session:
        page = queries.list_jobs(session, where)
    jobs = [JobOut.of(job) for job in page.jobs]
    if as_json:
        typer.echo(json.dumps([job.model_dump(mode="json") for job in jobs], indent=2))
        return
    table = Table("id", "task", "status", "attempts", "replays", "lock key", "run at", "error")
    for job in jobs:
        table.add_row(
            str(job.id),
            job.task,
            job.status,
            f"{job.attempts}/{job.max_attempts}",
            str(job.replay_count),
            job.lock_key or "",
            _when(job.run_at),
            (job.last_error or "")[:80],
        )
    err.print(table)
    more = f"; more after --after {page.next_after}" if page.has_more else ""
    err.print(f"{len(jobs)} job(s){more}", highlight=False)


@jobs_app.command("show")
def show_command(job_id: Annotated[int, typer.Argument(help="Job id")]) -> None:
    """One job and its history as JSON (stdout): attempts, errors, replays."""
    with database() as engine, session_scope(engine) as session:
        detail = JobDetailOut.of_detail(queries.get_job(session, job_id))
    typer.echo(json.dumps(detail.model_dump(mode="json"), indent=2))


@jobs_app.command("replay")
def replay_command(
    reason: Annotated[str, typer.Option(help="Why: kept in each job's audit log")],
    job_id: Annotated[int | None, typer.Argument(help="A dead letter's id")] = None,
    task: Annotated[str | None, typer.Option(help="Dead letters of this task")] = None,
    died_after: Annotated[str | None, typer.Option(help="Dead at or after (ISO, UTC)")] = None,
    died_before: Annotated[str | None, typer.Option(help="Dead before (ISO, UTC)")] = None,
    error_contains: Annotated[str | None, typer.Option(help="Last error contains")] = None,
    actor: Annotated[str | None, typer.Option(help="Who replays (default: cli:<OS user>)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Put dead letters back in the queue under their own keys: one by id, or by filter.

    Audited and capped (MDM_JOBS_MAX_REPLAYS, MDM_JOBS_REPLAY_LIMIT); exits 1 if any is refused.
    """
    if not reason.strip():
        fail("--reason must say why")
    where = ReplayFilter(task, _moment(died_after), _moment(died_before), error_contains)
    if job_id is not None and not where.is_empty():
        fail("give a job id or filters, not both")
    who = actor or f"cli:{os_user()}"
    settings = load_settings()
    with database() as engine, session_scope(engine, write=True) as session:
        report = _replay(session, settings, job_id, where, actor=who, reason=reason)
    _print_report(report, as_json)
    if report.refused:
        raise typer.Exit(code=1)


def _replay(
    session: Session,
    settings: Settings,
    job_id: int | None,
    where: ReplayFilter,
    *,
    actor: str,
    reason: str,
) -> ReplayReportOut:
    now, max_replays = utcnow(), settings.jobs_max_replays
    if job_id is None:
        report = replay_many(
            session,
            where,
            actor=actor,
            reason=reason,
            now=now,
            max_replays=max_replays,
            limit=settings.jobs_replay_limit,
        )
        return ReplayReportOut.of(report)
    replay_one(session, job_id, actor=actor, reason=reason, now=now, max_replays=max_replays)
    return ReplayReportOut(replayed=[job_id], refused=[], truncated=False)


def _print_report(report: ReplayReportOut, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), indent=2))
        return
    ids = ", ".join(str(i) for i in report.replayed) or "none"
    err.print(f"replayed {len(report.replayed)} job(s): {ids}", highlight=False)
    for refusal in report.refused:
        err.print(f"  refused {refusal.id}: {refusal.reason}", highlight=False)
    if report.truncated:
        err.print("more dead letters matched than one replay takes (MDM_JOBS_REPLAY_LIMIT)")


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{text!r} is not an ISO date or time (2026-11-26 or 2026-11-26T08:00:00+00:00)")
    return aware(moment)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""
