"""What every sandbox app shares: its state, the fault and log middleware, `/_sandbox` routes.

A product module builds a `Sandbox` (with its id format, its throttle answer and its error
envelope) and its own routers, then calls `create_sandbox_app`. Tests and demos steer a
sandbox through `/_sandbox/*`: schedule faults, set fault rates, read the request log and the
stored-record counts, reset.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mdm.sandbox.faults import FaultKind, FaultPlan, FaultRates, FaultSpec
from mdm.sandbox.feed import ChangeFeed, FeedFaults
from mdm.sandbox.records import RecordStore
from mdm.sandbox.requestlog import RequestLog

FAULT_HEADER = "x-sandbox-fault"
ADMIN_PREFIX = "/_sandbox"
# Answers a product gives for a throttled request, or for an error of its own kind.
ThrottleAnswer = Callable[[FaultSpec], Response]
ErrorAnswer = Callable[[int, str], Response]


def _plain_error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _plain_throttle(spec: FaultSpec) -> Response:
    headers = {"Retry-After": str(spec.retry_after_seconds)}
    if spec.kind == FaultKind.THROTTLE_NO_RETRY_AFTER:
        headers = {}
    return JSONResponse({"error": "rate limited"}, status_code=429, headers=headers)


@dataclass
class Credentials:
    """OAuth2 client credentials the sandbox accepts, and the bearer tokens it has issued."""

    client_id: str = "mdm-hub"
    client_secret: str = "sandbox-secret"
    # A fixed token also works, for curl and for adapters configured with a token.
    static_token: str = "sandbox-token"
    _issued: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, client_id: str, client_secret: str) -> str | None:
        """A new access token for valid client credentials, else None."""
        valid = secrets.compare_digest(client_id, self.client_id) and secrets.compare_digest(
            client_secret, self.client_secret
        )
        if not valid:
            return None
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._issued.add(token)
        return token

    def accepts(self, authorization: str | None) -> bool:
        """Whether an `Authorization` header carries a token this sandbox knows."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self._lock:
            return token == self.static_token or token in self._issued

    def revoke_all(self) -> None:
        """Expire every issued token (the adapter must fetch a new one)."""
        with self._lock:
            self._issued.clear()


async def issue_token(
    request: Request, sandbox: Sandbox, *, refused_status: int = 401
) -> str | JSONResponse:
    """OAuth2 client credentials from a form-encoded body: a new token, or the refusal to send
    (400 for another grant type; `refused_status` for unknown credentials)."""
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
    if form.get("grant_type") != "client_credentials":
        body = {"error": "unsupported_grant_type", "error_description": "grant type not supported"}
        return JSONResponse(body, status_code=400)
    issued = sandbox.credentials.issue(form.get("client_id", ""), form.get("client_secret", ""))
    if issued is None:
        body = {"error": "invalid_client", "error_description": "invalid client credentials"}
        return JSONResponse(body, status_code=refused_status)
    return issued


@dataclass
class Sandbox:
    """One imitated system's state."""

    name: str
    store: RecordStore
    feed: ChangeFeed = field(default_factory=ChangeFeed)
    faults: FaultPlan = field(default_factory=FaultPlan)
    log: RequestLog = field(default_factory=RequestLog)
    credentials: Credentials = field(default_factory=Credentials)
    throttle: ThrottleAnswer = _plain_throttle
    error: ErrorAnswer = _plain_error
    # Paths that answer without a token (the token endpoint itself).
    open_paths: tuple[str, ...] = ()


def current_sandbox(request: Request) -> Sandbox:
    """The sandbox serving this request."""
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(current_sandbox)]


def create_sandbox_app(sandbox: Sandbox, routers: list[APIRouter], title: str) -> FastAPI:
    """The product's app with fault injection, the request log, auth and the admin routes."""
    app = FastAPI(title=title, docs_url=f"{ADMIN_PREFIX}/docs", openapi_url=None)
    app.state.sandbox = sandbox
    app.include_router(admin_router)
    for router in routers:
        app.include_router(router)
    app.add_middleware(FaultsAndLog, sandbox=sandbox)
    return app


def header_map(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name (the last of a repeated one wins)."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


class FaultsAndLog:
    """Faults, auth and the request log around every product request.

    Plain ASGI rather than `@app.middleware("http")`: that wrapper runs the app in a task and
    streams the answer through memory channels, which cost milliseconds per request and capped
    what a sandbox could serve.
    """

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        sandbox, method, headers = self.sandbox, scope["method"], header_map(scope)
        fault = _pick(sandbox, method, path, headers.get(FAULT_HEADER))
        if isinstance(fault, Response):
            sandbox.log.add(method, path, headers, None, fault.status_code)
            await fault(scope, receive, send)
            return
        status = _StatusOf(send)
        if not path.startswith(sandbox.open_paths or ("\x00",)) and not sandbox.credentials.accepts(
            headers.get("authorization")
        ):
            await sandbox.error(401, "Session expired or invalid")(scope, receive, status.send)
        else:
            scope.setdefault("state", {})["fault"] = fault  # batch handlers read it
            await _apply(sandbox, fault, self.app, scope, receive, status.send)
        sandbox.log.add(method, path, headers, fault.kind if fault else None, status.code)


class _StatusOf:
    """Passes an answer on and remembers its status, for the log."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.code = 500

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.code = int(message["status"])
        await self._send(message)


def _pick(
    sandbox: Sandbox, method: str, path: str, header: str | None
) -> FaultSpec | Response | None:
    try:
        return sandbox.faults.pick(method, path, header)
    except ValueError:
        return JSONResponse({"error": f"unknown fault {header!r}"}, status_code=400)


async def _apply(
    sandbox: Sandbox,
    fault: FaultSpec | None,
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    if fault is None or fault.kind == FaultKind.PARTIAL_BATCH_FAILURE:
        await app(scope, receive, send)
    elif fault.kind in (FaultKind.THROTTLE, FaultKind.THROTTLE_NO_RETRY_AFTER):
        await sandbox.throttle(fault)(scope, receive, send)
    elif fault.kind == FaultKind.HTTP_5XX:
        await sandbox.error(503, "Service unavailable, try again later")(scope, receive, send)
    elif fault.kind == FaultKind.FAIL_BEFORE_COMMIT:
        await sandbox.error(500, "Internal error; nothing was saved")(scope, receive, send)
    elif fault.kind == FaultKind.SLOW:
        await asyncio.sleep(fault.delay_seconds)
        await app(scope, receive, send)
    else:
        # commit_then_timeout: the change is stored, then the answer hangs past the client's
        # patience (held back whole, so not a byte of it arrives in time).
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await app(scope, receive, hold)
        await asyncio.sleep(fault.delay_seconds)
        for message in held:
            await send(message)


admin_router = APIRouter(prefix=ADMIN_PREFIX, tags=["sandbox"])


@admin_router.post("/faults", status_code=204)
def schedule_fault(spec: FaultSpec, sandbox: SandboxDep) -> None:
    """Fail the next matching request(s) the given way."""
    sandbox.faults.schedule(spec)


@admin_router.put("/faults/rates", status_code=204)
def set_fault_rates(rates: FaultRates, sandbox: SandboxDep) -> None:
    """Fail requests at random with these rates (seeded)."""
    sandbox.faults.set_rates(rates)


@admin_router.delete("/faults", status_code=204)
def clear_faults(sandbox: SandboxDep) -> None:
    """No more faults."""
    sandbox.faults.clear()


@admin_router.put("/feed/faults", status_code=204)
def set_feed_faults(faults: FeedFaults, sandbox: SandboxDep) -> None:
    """Make the change feed duplicate, reorder or delay events."""
    sandbox.feed.configure(faults)


@admin_router.get("/requests")
def requests_seen(sandbox: SandboxDep) -> list[dict[str, Any]]:
    """Every request seen, with its correlation headers, fault and status."""
    return sandbox.log.entries()


@admin_router.get("/stats")
def stored_counts(sandbox: SandboxDep) -> dict[str, Any]:
    """What is really stored: records per type and duplicated external ids."""
    return {"system": sandbox.name, "types": sandbox.store.stats()}


@admin_router.post("/tokens/revoke", status_code=204)
def revoke_tokens(sandbox: SandboxDep) -> None:
    """Expire every issued access token."""
    sandbox.credentials.revoke_all()


@admin_router.post("/reset", status_code=204)
def reset(sandbox: SandboxDep) -> None:
    """Empty storage, feed, log and faults."""
    sandbox.store.reset()
    sandbox.feed.reset()
    sandbox.log.clear()
    sandbox.faults.clear()
