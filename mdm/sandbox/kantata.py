"""A sandbox shaped like Kantata OX (Mavenlink): the PSA the hub creates projects in.

Base `/api/v1/`, OAuth2 client credentials at `POST /oauth/token`, JSON in and out, the
normalised envelope on every read, numeric string ids, `x-request-id` on every answer, and
Kantata's gaps kept on purpose: no upsert, no `Idempotency-Key` (a retried POST stores a
duplicate), and a throttle answer (429) that never says when to come back.
See reference/systems.md §1.4.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi import FastAPI, Request, Response

from mdm.sandbox.core import Sandbox, create_sandbox_app
from mdm.sandbox.faults import FaultSpec
from mdm.sandbox.feed import ChangeFeed
from mdm.sandbox.kantata_envelope import KantataError, error_item, error_response
from mdm.sandbox.kantata_refs import REFS
from mdm.sandbox.kantata_refs import router as refs_router
from mdm.sandbox.kantata_resources import RESOURCES
from mdm.sandbox.kantata_routes import resource_router
from mdm.sandbox.records import RecordStore

NAME = "kantata"
# Where each collection's ids start: above the seed data's, and apart from each other.
ID_BASES = {
    "users": 9_100_000,
    "workspace_groups": 3_200_000,
    "workspaces": 24_200_000,
    "time_entries": 513_200_000,
    "expenses": 61_300_000,
    "stories": 301_700_000,
    REFS: 70_000_000,
}
FEED_RETENTION = timedelta(days=9)


@dataclass
class KantataIds:
    """Numeric string ids, counting up per collection; a seeded record may keep its own id."""

    _next: dict[str, int] = field(default_factory=dict)
    forced: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, type_: str, _count: int) -> str:
        with self._lock:
            following = self._next.get(type_, ID_BASES.get(type_, 1_000_000))
            if self.forced is not None:
                chosen, self.forced = int(self.forced), None
            else:
                chosen = following
            self._next[type_] = max(following, chosen + 1)
            return str(chosen)


def throttle(_spec: FaultSpec) -> Response:
    """Kantata's 429: no Retry-After, for either throttle kind ("retry after a small delay")."""
    message = "Rate limit exceeded; retry your request after a small delay"
    return error_response(429, [error_item("rate_limit", message)])


def error(status: int, message: str) -> Response:
    """Kantata's error envelope."""
    kinds = {401: "authentication", 404: "not_found"}
    return error_response(status, [error_item(kinds.get(status, "system"), message)])


def new_sandbox() -> Sandbox:
    """An empty Kantata-shaped sandbox."""
    ids = KantataIds()
    external_ids = {r.key: "_ref" for r in RESOURCES} | {REFS: "_ref_key"}
    return Sandbox(
        NAME,
        RecordStore(ids, external_ids),
        feed=ChangeFeed(retention=FEED_RETENTION),
        throttle=throttle,
        error=error,
        open_paths=("/oauth/token",),
    )


def create_app(*, seed: bool = True) -> FastAPI:
    """The Kantata sandbox app; with `seed`, loaded with the demo PSA data."""
    sandbox = new_sandbox()
    if seed:
        from mdm.sandbox.kantata_seed import load_seeds

        load_seeds(sandbox)
    routers = [refs_router, *(resource_router(r) for r in RESOURCES)]
    app = create_sandbox_app(sandbox, routers, "Kantata OX sandbox")

    @app.exception_handler(KantataError)
    async def refused(_request: Request, exc: KantataError) -> Response:
        return error_response(exc.status, exc.errors)

    # Registered last, so outermost: fault answers and 401s get a request id too.
    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["x-request-id"] = uuid.uuid4().hex
        return response

    return app
