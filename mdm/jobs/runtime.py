"""Assembles a worker from settings: its tasks, its housekeeping duties, its crash points.

Both the thread in `mdm serve` and `mdm worker` processes are built here, so they run the
same tasks and duties. A feature with periodic work adds its `Duty` to `duties()`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from mdm.jobs.hooks import CrashPoints
from mdm.jobs.relay import relay_duty
from mdm.jobs.tasks import load_task_modules
from mdm.jobs.worker import Duty, Observer, Worker, WorkerConfig, default_worker_id
from mdm.settings import Settings


def worker_config(settings: Settings, queues: tuple[str, ...] = ("default",)) -> WorkerConfig:
    """The worker's claiming behaviour from settings."""
    return WorkerConfig(
        queues=queues,
        lease_seconds=settings.jobs_lease_seconds,
        poll_seconds=settings.jobs_poll_seconds,
        prefetch=settings.jobs_prefetch,
        reap_every_seconds=min(5.0, settings.jobs_lease_seconds / 3),
        backoff_scale=settings.jobs_backoff_scale,
    )


def duties(settings: Settings) -> list[Duty]:
    """Periodic work every worker shares (the outbox relay, ...)."""
    found = [relay_duty(settings)]
    if settings.sync_enabled:
        from mdm.sync.q2p_poll import poll_duty

        found.append(poll_duty(settings))
        from mdm.sync.p2c_poll import p2c_duty  # the flows load only where they run

        found.append(p2c_duty(settings))
    return found


def build_worker(
    engine: Engine,
    settings: Settings,
    *,
    queues: tuple[str, ...] = ("default",),
    worker_id: str | None = None,
    observer: Observer | None = None,
) -> Worker:
    """A worker over `engine` with every built-in task and the configured extra task modules."""
    registry = load_task_modules(settings.jobs_task_modules)
    worker = Worker(
        engine,
        registry,
        worker_config(settings, queues),
        worker_id=worker_id or default_worker_id(),
        crash=CrashPoints.parse(settings.jobs_crash_at),
        duties=duties(settings),
        settings=settings,
    )
    if observer is not None:
        worker.observer = observer
    return worker
