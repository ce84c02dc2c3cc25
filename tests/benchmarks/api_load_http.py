"""The HTTP half of the API harness: `mdm serve` in its own process, and the load on it.

The load runs in the calling process (a second process to the server): keep-alive clients on a
few threads, each sending its share of the calls round-robin until the time is up. The server's
CPU time is read from `/proc`, so its cost per request is known whatever else the machine runs.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

Call = tuple[str, str, dict[str, Any] | None]  # method, path, JSON body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """The hub under load: where it answers and its process id."""

    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, Linux `/proc`)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(db: Path, log: Path) -> Iterator[Server]:
    """`mdm serve` on the copy, in its own process; yields it once it is ready."""
    port = _free_port()
    env = {
        **os.environ,
        "MDM_DATABASE_URL": f"sqlite:///{db}",
        "MDM_PORT": str(port),
        "MDM_DEV_KEY": "false",
    }
    mdm = Path(sys.executable).with_name("mdm")
    with log.open("wb") as sink:
        process = subprocess.Popen([str(mdm), "serve"], env=env, stdout=sink, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready in 60 s")


@dataclass
class Load:
    """What the load threads saw."""

    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    latencies: list[float] | None = None


Sender = Callable[[str, str, dict[str, Any] | None], int]  # method, path, body -> status


@contextmanager
def httpx_sender(base: str, key: str) -> Iterator[Sender]:
    """httpx with keep-alive: what a Python integration would use."""
    with httpx.Client(base_url=base, headers=_auth(key), timeout=10) as client:
        yield lambda method, path, body: client.request(method, path, json=body).status_code


@contextmanager
def stdlib_sender(base: str, key: str) -> Iterator[Sender]:
    """`http.client` with keep-alive: a third of httpx's CPU, leaving the server more of it."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {**_auth(key), "Content-Type": "application/json"}

    def send(method: str, path: str, body: dict[str, Any] | None) -> int:
        payload = None if body is None else json.dumps(body)
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    try:
        yield send
    finally:
        connection.close()


SENDERS = {"httpx": httpx_sender, "stdlib": stdlib_sender}


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def hammer(
    hub: Server, key: str, calls: Sequence[Call], seconds: float, client: str, threads: int
) -> Load:
    """Send `calls` round-robin from `threads` keep-alive `client`s for `seconds`."""
    lock, load = threading.Lock(), Load(latencies=[])
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        seen: list[float] = []
        failed = 0
        with SENDERS[client](hub.base, key) as send:
            i = offset
            while time.perf_counter() < deadline:
                method, path, body = calls[i % len(calls)]
                started = time.perf_counter()
                status = send(method, path, body)
                seen.append(time.perf_counter() - started)
                failed += status != 200
                i += threads
        with lock:
            load.done += len(seen)
            load.failed += failed
            assert load.latencies is not None
            load.latencies.extend(seen)

    started, cpu, own = time.perf_counter(), hub.cpu_seconds(), time.process_time()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    load.seconds = time.perf_counter() - started
    load.server_cpu = hub.cpu_seconds() - cpu
    load.client_cpu = time.process_time() - own
    return load


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]
