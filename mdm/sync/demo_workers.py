"""The demo's workers: threads of this process, or `mdm worker` processes, with the run's
settings; only the first runs the flows' pollers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from mdm.jobs.runtime import build_worker
from mdm.jobs.worker import default_worker_id
from mdm.settings import Settings


@dataclass
class Workers:
    """Worker threads in this process, or `mdm worker` processes, stopped together."""

    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        """Ask every worker to finish its job in hand, and wait for them."""
        self.stop_event.set()
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for thread in self.threads:
            thread.join(timeout=30)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def start_workers(engine: Engine, settings: Settings, count: int) -> Workers:
    """`count` worker threads with the flows' tasks; the first also runs the pollers (one
    poller each would start a collection round per worker per period)."""
    workers = Workers()
    for number in range(count):
        own = settings if number == 0 else settings.model_copy(update={"sync_enabled": False})
        worker = build_worker(engine, own, worker_id=f"demo-{number}:{default_worker_id()}")
        thread = threading.Thread(
            target=worker.run, args=(workers.stop_event,), name=f"demo-worker-{number}", daemon=True
        )
        thread.start()
        workers.threads.append(thread)
    return workers


def start_worker_processes(settings: Settings, count: int, log_dir: Path) -> Workers:
    """`count` `mdm worker` processes with the run's settings (each has its own interpreter, so
    the workers and the sandboxes of this process do not share one lock); the first polls."""
    workers = Workers()
    env = {**os.environ, **worker_environment(settings)}
    command = [str(Path(sys.executable).with_name("mdm")), "worker"]
    for number in range(count):
        polls = "true" if number == 0 else "false"
        with (log_dir / f"worker-{number}.log").open("wb") as log:
            process = subprocess.Popen(
                [*command, "--worker-id", f"demo-{number}:{default_worker_id()}"],
                env={**env, "MDM_SYNC_ENABLED": polls},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        workers.processes.append(process)
    return workers


def worker_environment(settings: Settings) -> dict[str, str]:
    """The run's settings as the `MDM_*` variables a worker process reads."""
    values = {
        "MDM_DATABASE_URL": settings.database_url,
        "MDM_SANDBOX_HOST": settings.sandbox_host,
        "MDM_SANDBOX_BASE_PORT": str(settings.sandbox_base_port),
        "MDM_SYNC_POLL_SECONDS": str(settings.sync_poll_seconds),
        "MDM_SYNC_WRITEBACK_WINDOW_SECONDS": str(settings.sync_writeback_window_seconds),
        "MDM_JOBS_BACKOFF_SCALE": str(settings.jobs_backoff_scale),
        "MDM_JOBS_LEASE_SECONDS": str(settings.jobs_lease_seconds),
        "MDM_JOBS_POLL_SECONDS": str(settings.jobs_poll_seconds),
        "MDM_LOG_FORMAT": "text",
        # Failed attempts and dead letters, not a line per remote call.
        "MDM_LOG_LEVEL": "WARNING",
    }
    for role in ("crm", "psa", "erp"):
        connection = getattr(settings, role)
        prefix = f"MDM_{role.upper()}__"
        values[f"{prefix}TIMEOUT_SECONDS"] = str(connection.timeout_seconds)
        values[f"{prefix}RATE_PER_SECOND"] = str(connection.rate_per_second)
    return values
