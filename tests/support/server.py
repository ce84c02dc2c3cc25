"""Run the real `mdm serve` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

MDM = str(Path(sys.executable).with_name("mdm"))


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def mdm_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment for an `mdm` subprocess on the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDM_")}
    env.update({"MDM_DATABASE_URL": database_url, "MDM_LOG_FORMAT": "json", **extra})
    return env


@contextmanager
def running_hub(database_url: str, cwd: Path, timeout_s: float = 60) -> Iterator[str]:
    """Start `mdm serve`, wait until it answers `/healthz`, yield its base URL, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A file, not a pipe: a chatty server must never block on a full pipe buffer.
    log_path = cwd / f"mdm-serve-{port}.log"
    with (
        log_path.open("w") as log_file,
        subprocess.Popen(
            [MDM, "serve", "--port", str(port)],
            cwd=cwd,
            env=mdm_env(database_url),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process,
    ):
        try:
            _wait_for(base, process, log_path, timeout_s)
            yield base
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for(base: str, process: subprocess.Popen[str], log_path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text()
            raise RuntimeError(f"mdm serve exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"mdm serve did not answer within {timeout_s}s")
