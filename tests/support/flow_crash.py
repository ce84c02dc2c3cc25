"""Crash tests of the sync flows: real `mdm worker` processes killed at a step boundary while
each holds one job of a chosen flow step.

A flow's jobs chain (each step enqueues the next), so which job a crashing worker holds is
staged, not left to chance: deals are brought to different steps in the test process (a worker
that knows only the earlier steps runs them), then the one pending job of each step is put on
its own queue, `crash-<n>`, and one crashing worker per queue takes it. Clean workers take every
queue. Workers reach the sandboxes served by the test process through `MDM_<ROLE>__BASE_URL`.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, update

from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import TaskRegistry, registry
from mdm.settings import Settings
from tests.support.burst import drain
from tests.support.crash_workers import mdm_command, worker_env
from tests.support.worker_processes import WorkerProcesses

# Per backend: crashing workers at once (a wave; as many waves as staged steps need), and clean
# workers for the drain. PostgreSQL takes four at once; SQLite's writers queue on one lock.
PLAN = {"postgresql": (4, 2), "sqlite": (2, 2)}
CRASH_QUEUES = tuple(f"crash-{n}" for n in range(6))
KANTATA = "/api/v1"
AUTH = {"Authorization": "Bearer sandbox-token"}


def flow_env(database_url: str, urls: dict[str, str], crash_at: str | None) -> dict[str, str]:
    """A worker's environment: the test database, the served sandboxes, a compressed clock."""
    env = worker_env(database_url, crash_at=crash_at)
    del env["MDM_JOBS_TASK_MODULES"]  # the built-in flow tasks only
    for role, url in urls.items():
        prefix = f"MDM_{role.upper()}__"
        env |= {
            f"{prefix}BASE_URL": url,
            f"{prefix}TOKEN": "sandbox-token",
            f"{prefix}TIMEOUT_SECONDS": "5",
            f"{prefix}RATE_PER_SECOND": "1000",
        }
    env |= {
        "MDM_JOBS_BACKOFF_SCALE": "0.001",
        "MDM_SYNC_ENABLED": "false",
        "MDM_SYNC_WRITEBACK_WINDOW_SECONDS": "0",
    }
    return env


class FlowWorkers(WorkerProcesses):
    """`mdm worker --burst` processes this test started, each stopped by its pid on failure."""

    def __init__(self, database_url: str, urls: dict[str, str], workdir: Path) -> None:
        super().__init__(database_url, workdir)
        self.urls = urls

    def start(self, name: str, queues: Sequence[str], crash_at: str | None = None) -> None:
        """Start one burst worker on `queues`; its output goes to `<workdir>/<name>.log`."""
        options = [arg for queue in queues for arg in ("--queue", queue)]
        with (self.workdir / f"{name}.log").open("wb") as log:
            self.running[name] = subprocess.Popen(
                [*mdm_command(), "worker", "--burst", "--worker-id", name, *options],
                env=flow_env(self.database_url, self.urls, crash_at),
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def crash(self, backend: str, hook: str, queues: Sequence[str]) -> None:
        """On each crash queue, a worker takes its one job and dies by SIGKILL at `hook`."""
        per_wave = PLAN[backend][0]
        for start in range(0, len(queues), per_wave):
            for queue in queues[start : start + per_wave]:
                self.start(f"{hook}-{queue}", [queue], crash_at=hook)
            self.wait(-signal.SIGKILL)

    def drain(self, backend: str) -> None:
        """Clean burst workers on every queue, at once, until no job is left."""
        for n in range(PLAN[backend][1]):
            self.start(f"clean-{n}", ["default", *CRASH_QUEUES])
        self.wait(0)


def run_tasks(engine: Engine, settings: Settings, names: Iterable[str]) -> None:
    """Run, in this process, every job of the named tasks (and of no other) until none is left."""
    drain(engine, settings, TaskRegistry({name: registry.tasks[name] for name in names}))


def route(engine: Engine, keys: Sequence[str]) -> list[str]:
    """Put the pending job of each key on its own crash queue; returns the queues, in order."""
    queues = list(CRASH_QUEUES[: len(keys)])
    with session_scope(engine, write=True) as session:
        for key, queue in zip(keys, queues, strict=True):
            moved = session.connection().execute(
                update(store.JOB)
                .where(
                    store.JOB.c.idempotency_key == key,
                    store.JOB.c.status == JobStatus.TODO.value,
                )
                .values(queue=queue)
            )
            assert moved.rowcount == 1, f"no pending job {key}"
    return queues


def _post(psa: str, resource: str, item: dict[str, Any]) -> str:
    answer = httpx.post(f"{psa}{KANTATA}/{resource}.json", json={resource: [item]}, headers=AUTH)
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json()["results"][0]["id"])


def add_time(psa: str, project: str, day: str, minutes: int, rate_cents: int, **extra: Any) -> str:
    """An approved, billable time entry on a PSA project."""
    entry = {
        "workspace_id": project,
        "date_performed": day,
        "time_in_minutes": minutes,
        "rate_in_cents": rate_cents,
        "approved": True,
        **extra,
    }
    return _post(psa, "time_entries", entry)


def add_expense(psa: str, project: str, day: str, cents: int) -> str:
    """An approved, billable expense on a PSA project."""
    expense = {
        "workspace_id": project,
        "date": day,
        "amount_in_cents": cents,
        "approved": True,
        "category": "Travel",
    }
    return _post(psa, "expenses", expense)


def add_milestone(psa: str, project: str, cents: int, completed_on: str | None) -> str:
    """A milestone story on a PSA project, completed on the day given (else not started)."""
    story = {
        "workspace_id": project,
        "story_type": "milestone",
        "title": "Go-live",
        "state": "completed" if completed_on else "started",
        "budget_estimate_in_cents": cents,
    }
    if completed_on:
        story["completed_on"] = completed_on
    return _post(psa, "stories", story)
