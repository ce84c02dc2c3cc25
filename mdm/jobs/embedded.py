"""The worker thread inside `mdm serve`: started after the schema is ready, stopped gracefully.

On shutdown the thread is asked to stop, finishes the job in hand (its lease kept alive to the
end), hands back prefetched jobs, and is waited for up to one lease. A job still running after
that is left to its lease: it expires and another worker takes the job again.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

from mdm.jobs.runtime import build_worker
from mdm.jobs.worker import Observer, Worker
from mdm.settings import Settings

log = logging.getLogger("mdm.jobs.embedded")


class EmbeddedWorker:
    """One worker loop on a thread, restarted after an unexpected failure until stopped."""

    def __init__(self, worker: Worker, *, restart_seconds: float = 5.0) -> None:
        self.worker = worker
        self.restart_seconds = restart_seconds
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="mdm-worker", daemon=True)

    def start(self) -> None:
        """Start the loop."""
        self.thread.start()

    def stop(self, timeout: float) -> bool:
        """Ask the loop to stop and wait up to `timeout` seconds; True when it has stopped."""
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout)
        if self.thread.is_alive():
            log.warning(
                "embedded worker still running a job after %.0f s; its lease will expire",
                timeout,
                extra={"worker_id": self.worker.worker_id},
            )
            return False
        return True

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.worker.run(self.stop_event)
            except Exception:  # a database outage must not end job processing for good
                log.exception("embedded worker failed; restarting in %.0f s", self.restart_seconds)
                self.stop_event.wait(self.restart_seconds)


def start_embedded(
    engine: Engine, settings: Settings, observer: Observer | None = None
) -> EmbeddedWorker:
    """Build the worker from settings (the same tasks and duties as `mdm worker`) and start it."""
    embedded = EmbeddedWorker(build_worker(engine, settings, observer=observer))
    embedded.start()
    log.info("embedded worker started", extra={"worker_id": embedded.worker.worker_id})
    return embedded
