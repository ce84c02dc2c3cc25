"""`mdm worker`: run jobs in this process until SIGTERM or Ctrl-C (or, with --burst, until done)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from mdm.cli_support import err, load_settings, open_database
from mdm.jobs.runtime import build_worker


def worker_command(
    queue: Annotated[
        list[str] | None, typer.Option("--queue", "-q", help="Queue to take jobs from (repeat).")
    ] = None,
    burst: Annotated[
        bool, typer.Option(help="Exit once no job of this worker's tasks is left to run.")
    ] = False,
    worker_id: Annotated[str | None, typer.Option(help="Name in leases and logs.")] = None,
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
    try:
        worker = build_worker(
            engine, settings, queues=tuple(queue or ["default"]), worker_id=worker_id
        )
        err.print(f"worker {worker.worker_id} running tasks: {', '.join(worker.registry.names())}")
        worker.run(stop, burst=burst)
    finally:
        engine.dispose()
