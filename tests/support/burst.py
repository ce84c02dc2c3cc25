"""Running queued jobs in the test's own process, the way a burst worker does."""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from mdm.jobs.runtime import build_worker, worker_config
from mdm.jobs.tasks import TaskRegistry
from mdm.jobs.worker import Worker
from mdm.settings import Settings


def drain(engine: Engine, settings: Settings, registry: TaskRegistry | None = None) -> None:
    """Run jobs until none it can take is left (all tasks, or `registry`'s), then close the
    connectors' pools the worker opened."""
    worker = (
        build_worker(engine, settings)
        if registry is None
        else Worker(engine, registry, worker_config(settings), settings=settings)
    )
    try:
        worker.run(threading.Event(), burst=True)
    finally:
        for resource in worker.resources.values():
            if hasattr(resource, "close"):
                resource.close()
