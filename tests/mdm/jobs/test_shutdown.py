"""`mdm worker` stops gracefully: SIGTERM mid-job lets the job finish, then the process exits 0."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from mdm.jobs.models import JobStatus
from mdm.settings import Settings
from tests.mdm.jobs.test_embedded import enqueue, statuses, wait_until
from tests.support import slow_tasks
from tests.support.server import MDM, mdm_env

REPO = Path(__file__).resolve().parents[3]


@contextmanager
def worker_process(
    settings: Settings, tmp_path: Path, *args: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`mdm worker` on the test database, knowing the test tasks; killed if left running."""
    env = mdm_env(
        settings.database_url,
        MDM_JOBS_TASK_MODULES='["tests.support.slow_tasks"]',
        MDM_JOBS_POLL_SECONDS="0.05",
        PYTHONPATH=str(REPO),  # the console script does not put the checkout on sys.path
    )
    with (
        (tmp_path / "worker.log").open("w") as log,
        subprocess.Popen(
            [MDM, "worker", *args], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        ) as process,
    ):
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_sigterm_mid_job_lets_the_job_finish_and_exits_0(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    enqueue(engine, slow_tasks.WAIT_FOR_GO, {"folder": str(tmp_path)})
    with worker_process(settings, tmp_path) as worker:
        wait_until(lambda: any(tmp_path.glob("started-*")), "the job to start")
        worker.send_signal(signal.SIGTERM)
        wait_until(lambda: "stopping after the current job" in _log(tmp_path), "the signal")
        assert worker.poll() is None  # still running its job
        (tmp_path / "go").touch()
        assert worker.wait(timeout=60) == 0, _log(tmp_path)
    assert statuses(engine) == [JobStatus.SUCCEEDED]
    assert any(tmp_path.glob("done-*"))


def test_sigterm_while_idle_exits_0_at_once(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    with worker_process(settings, tmp_path) as worker:
        wait_until(lambda: "running tasks" in _log(tmp_path), "the worker to start")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, _log(tmp_path)
    assert statuses(engine) == []


def _log(tmp_path: Path) -> str:
    return (tmp_path / "worker.log").read_text()
