"""The worker thread inside the app: runs the app database's jobs, stops with the app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from mdm.app import create_app
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.embedded import EmbeddedWorker
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import registry
from mdm.settings import Settings
from tests.support import slow_tasks


def embedded_settings(settings: Settings) -> Settings:
    """The suite's settings with the embedded worker on, polling often, knowing the test tasks."""
    return settings.model_copy(
        update={
            "worker_embedded": True,
            "jobs_poll_seconds": 0.02,
            "jobs_task_modules": ["tests.support.slow_tasks"],
        }
    )


def enqueue(engine: Engine, task_name: str, args: dict[str, object]) -> None:
    """One job of a registered task."""
    task = registry.get(task_name)
    assert task is not None
    with session_scope(engine, write=True) as session:
        store.enqueue(session, [store.new_job(task, args)], utcnow())


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    """Poll until `condition` holds; fail naming `what` after `timeout_s` (a hang, not speed)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def statuses(engine: Engine) -> list[str]:
    """Every job's status, in id order."""
    with engine.connect() as connection:
        query = select(store.JOB.c.status).order_by(store.JOB.c.id)
        return [str(status) for status in connection.execute(query).scalars()]


def _worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "mdm-worker" and t.is_alive()]


def test_a_job_enqueued_in_the_apps_database_runs_in_the_app(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    touched = tmp_path / "touched"
    with TestClient(create_app(embedded_settings(settings))):
        assert len(_worker_threads()) == 1
        enqueue(engine, slow_tasks.TOUCH, {"path": str(touched)})
        wait_until(lambda: statuses(engine) == [JobStatus.SUCCEEDED], "the job to succeed")
    assert touched.exists()
    assert _worker_threads() == []


def test_shutdown_lets_the_job_in_hand_finish(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    enqueue(engine, slow_tasks.WAIT_FOR_GO, {"folder": str(tmp_path)})
    client = TestClient(create_app(embedded_settings(settings)))
    client.__enter__()
    wait_until(lambda: any(tmp_path.glob("started-*")), "the job to start")
    shutdown = threading.Thread(target=client.__exit__, args=(None, None, None))
    shutdown.start()
    # The app is shutting down while the job runs; now the job may end.
    (tmp_path / "go").touch()
    shutdown.join(timeout=60)
    assert not shutdown.is_alive()
    assert statuses(engine) == [JobStatus.SUCCEEDED]
    assert any(tmp_path.glob("done-*"))
    assert _worker_threads() == []


def test_the_suites_apps_run_no_worker(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert _worker_threads() == []


class _FailsOnce:
    """A worker whose loop breaks once (a database outage), then runs until stopped."""

    worker_id = "flaky"

    def __init__(self) -> None:
        self.runs = 0
        self.running = threading.Event()

    def run(self, stop: threading.Event) -> None:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("database went away")
        self.running.set()
        stop.wait()


def test_a_failed_loop_is_restarted_until_stopped() -> None:
    flaky = _FailsOnce()
    embedded = EmbeddedWorker(flaky, restart_seconds=0)  # type: ignore[arg-type]
    embedded.start()
    assert flaky.running.wait(timeout=30)
    assert embedded.stop(timeout=30)
    assert flaky.runs == 2
