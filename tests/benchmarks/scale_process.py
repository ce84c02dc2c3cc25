"""Child processes of the scaling harness, stopped when they outgrow a memory cap.

The machine is shared: an engine whose pair count explodes must not take everyone's memory
(and the kernel's OOM killer might pick another process first), so the parent watches the
child's resident set and stops it past the cap.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Finished:
    """How a child ended: exit status, its output, whether the cap stopped it, its wall time."""

    returncode: int
    stdout: str
    stderr: str
    capped: bool
    seconds: float


def rss_mb(pid: int) -> float:
    """Current resident memory of a process in MB (0 when it is gone or not on Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_capped(command: Sequence[str], cwd: Path, cap_mb: float) -> Finished:
    """Run `command` to the end, or stop it once its resident memory passes `cap_mb`."""
    # files, not pipes: a chatty child can never block on a full pipe while we poll
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True)
        capped = False
        while child.poll() is None:
            if rss_mb(child.pid) > cap_mb:
                child.kill()
                capped = True
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Finished(child.wait(), out.read(), err.read(), capped, seconds)
