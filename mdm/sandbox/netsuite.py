"""A NetSuite-shaped ERP sandbox: REST record API, OAuth2, async jobs, concurrency governance.

Serves `/services/rest/record/v1/{customer,job,salesOrder,invoice,customerPayment}` (see
`netsuite_routes`), SuiteQL over invoices at `/services/rest/query/v1/suiteql` (see
`netsuite_suiteql_routes`), the OAuth2 token endpoint,
`/services/rest/system/v1/governanceLimits` and the async job API. NetSuite limits requests in
flight per account, not per second: past `concurrency_limit` concurrent requests the sandbox
answers REST's 429, so a client must hold a semaphore rather than only back off
(systems.md §1.5).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mdm.sandbox.core import (
    ADMIN_PREFIX,
    Sandbox,
    SandboxDep,
    create_sandbox_app,
    header_map,
    issue_token,
)
from mdm.sandbox.netsuite_http import AsyncJobs, envelope, error_answer, throttle_answer
from mdm.sandbox.netsuite_records import new_store
from mdm.sandbox.netsuite_routes import router as record_router
from mdm.sandbox.netsuite_seed import seed_from_csv
from mdm.sandbox.netsuite_suiteql_routes import router as suiteql_router

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
GOVERNANCE_PATH = "/services/rest/system/v1/governanceLimits"
TOKEN_SECONDS = 3600


@dataclass
class NetSuiteState:
    """What the sandbox adds to the core: async jobs and the requests in flight."""

    concurrency_limit: int
    jobs: AsyncJobs = field(default_factory=AsyncJobs)
    in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self) -> bool:
        """Take a concurrency slot; False when the account is at its limit."""
        with self._lock:
            if self.in_flight >= self.concurrency_limit:
                return False
            self.in_flight += 1
            return True

    def leave(self) -> None:
        """Give the slot back."""
        with self._lock:
            self.in_flight -= 1


system_router = APIRouter()


@system_router.post(TOKEN_PATH)
async def token(request: Request, sandbox: SandboxDep) -> Response:
    """OAuth2 client credentials: a bearer token for a known client."""
    issued = await issue_token(request, sandbox)
    if isinstance(issued, JSONResponse):
        return issued
    return JSONResponse(
        {"access_token": issued, "token_type": "Bearer", "expires_in": TOKEN_SECONDS}
    )


@system_router.get(GOVERNANCE_PATH)
def governance_limits(request: Request) -> dict[str, int]:
    """The account's concurrency limit (the integration's is the same here)."""
    state: NetSuiteState = request.app.state.netsuite
    limit = state.concurrency_limit
    return {"accountConcurrencyLimit": limit, "integrationConcurrencyLimit": limit}


def create_app(*, seed: bool = True, concurrency_limit: int = 5) -> FastAPI:
    """The NetSuite sandbox app; with `seed`, the demo ERP data is loaded."""
    sandbox = Sandbox(
        "netsuite",
        new_store(),
        throttle=throttle_answer,
        error=error_answer,
        open_paths=(TOKEN_PATH,),
    )
    if seed:
        seed_from_csv(sandbox.store)
    state = NetSuiteState(concurrency_limit)
    routers = [system_router, record_router, suiteql_router]
    app = create_sandbox_app(sandbox, routers, "NetSuite sandbox")
    app.state.netsuite = state

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        return envelope(400, "INVALID_CONTENT", f"Invalid request: {exc.errors()[:3]}")

    # Added after the core's middleware, so it runs outside it: a request delayed by a slow
    # or hanging fault holds its slot, as it would on the real account.
    app.add_middleware(Governance, sandbox=sandbox, state=state)
    return app


class Governance:
    """The account's concurrency limit: 429 past `concurrency_limit` requests in flight."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox, state: NetSuiteState) -> None:
        self.app = app
        self.sandbox = sandbox
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX) or path == TOKEN_PATH:
            await self.app(scope, receive, send)
            return
        if not self.state.enter():
            detail = "Concurrent request limit exceeded. Request blocked."
            answer = envelope(429, "CONCURRENCY_LIMIT_EXCEEDED", detail)
            method, headers = scope["method"], header_map(scope)
            self.sandbox.log.add(method, path, headers, "concurrency_limit", answer.status_code)
            await answer(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.leave()
