"""`mdm worker` processes a test started: wait for their exit codes, kill leftovers on failure."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.crash_workers import worker_log

# A worker waits for stranded leases at most a few times; this is only a hang guard.
WAIT_SECONDS = 90


class WorkerProcesses:
    """The running workers by name; subclasses decide how to start them."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def wait(self, expected: int) -> None:
        """Wait for every running worker to exit with `expected` (-9: killed by SIGKILL)."""
        for name, process in list(self.running.items()):
            try:
                code = process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(f"worker {name} still running:\n{worker_log(self.workdir, name)}")
            del self.running[name]
            assert code == expected, f"{name} exited {code}:\n{worker_log(self.workdir, name)}"

    def stop_all(self) -> None:
        """Kill whatever is still running (only after a failed test)."""
        for process in self.running.values():
            process.kill()
            process.wait()
