"""Serving the sandbox systems: each on its role's port, all in one process.

`mdm sandbox serve` runs them in the foreground; `mdm serve --with-sandboxes` runs them on a
background thread beside the hub, for the roles that have no real system configured.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from mdm.connectors import registry
from mdm.connectors.config import Role, sandbox_port
from mdm.settings import Settings


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to `serve_all`: uvicorn's own handling re-raises
    SIGTERM after shutting down, so a clean stop would look like a kill."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def sandbox_servers(
    settings: Settings, roles: Sequence[Role], *, seed: bool = True
) -> list[tuple[Role, uvicorn.Server]]:
    """One uvicorn server per role, not started yet."""
    servers: list[tuple[Role, uvicorn.Server]] = []
    for role in roles:
        app = registry.sandbox_app(settings, role, seed=seed)
        config = uvicorn.Config(
            app,
            host=settings.sandbox_host,
            port=sandbox_port(role, settings.sandbox_base_port),
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        servers.append((role, _Server(config)))
    return servers


async def serve_all(servers: Sequence[tuple[Role, uvicorn.Server]]) -> None:
    """Serve until every server has been told to exit (or, on the main thread, SIGTERM/SIGINT)."""
    if threading.current_thread() is threading.main_thread():
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, _stop_all, servers)
    await asyncio.gather(*(server.serve() for _role, server in servers))


def _stop_all(servers: Sequence[tuple[Role, uvicorn.Server]]) -> None:
    for _role, server in servers:
        server.should_exit = True


@dataclass
class BackgroundSandboxes:
    """Sandboxes on a daemon thread; `stop()` ends them."""

    servers: list[tuple[Role, uvicorn.Server]]
    thread: threading.Thread

    def wait_started(self, timeout_s: float = 20) -> None:
        """Block until every server listens (or raise)."""
        deadline = threading.Event()
        for _ in range(int(timeout_s * 20)):
            if all(server.started for _role, server in self.servers):
                return
            if not self.thread.is_alive():
                break
            deadline.wait(0.05)
        raise RuntimeError("the sandbox systems did not start (is a port in use?)")

    def stop(self) -> None:
        """Ask every server to exit and wait for the thread."""
        for _role, server in self.servers:
            server.should_exit = True
        self.thread.join(timeout=10)


def start_in_background(settings: Settings, roles: Sequence[Role]) -> BackgroundSandboxes:
    """Start the sandboxes for `roles` on a daemon thread and wait until they listen."""
    servers = sandbox_servers(settings, roles)
    thread = threading.Thread(
        target=lambda: asyncio.run(serve_all(servers)), name="sandboxes", daemon=True
    )
    thread.start()
    running = BackgroundSandboxes(servers, thread)
    running.wait_started()
    return running
