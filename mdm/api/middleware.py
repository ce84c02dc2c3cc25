"""Correlation id, one log line per request, and the last-resort 500 in the error shape."""

from __future__ import annotations

import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mdm import correlation

log = logging.getLogger("mdm.http")


class CorrelationMiddleware:
    """Adopt or mint `X-Correlation-ID`, echo it, log the request, and never leak a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cid = correlation.accept(headers.get(correlation.HEADER.lower()))
        correlation.set_current(cid)
        started = time.perf_counter()
        state = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["started"] = True
                message.setdefault("headers", [])
                message["headers"] = [
                    *(h for h in message["headers"] if h[0].lower() != b"x-correlation-id"),
                    (b"x-correlation-id", cid.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error", extra={"path": scope.get("path")})
            if not state["started"]:
                await _send_internal_error(send_with_id, cid)
        finally:
            seconds = time.perf_counter() - started
            _observe(scope, int(state["status"]), seconds)
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": state["status"],
                    "duration_ms": round(seconds * 1000, 2),
                },
            )


def _observe(scope: Scope, status: int, seconds: float) -> None:
    # The route template, not the path, so ids in URLs do not explode the label space.
    route = getattr(scope.get("route"), "path", "unmatched")
    registry = getattr(getattr(scope.get("app"), "state", None), "metrics", None)
    if registry is not None:
        registry.observe(str(scope.get("method")), route, status, seconds)


async def _send_internal_error(send: Send, cid: str) -> None:
    body = json.dumps(
        {"error": "internal_error", "detail": "unexpected server error", "correlation_id": cid}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
