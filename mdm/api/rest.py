"""Assembles every feature's REST router into the app, closed by default.

Only the routers in `OPEN_ROUTERS` (liveness, readiness, metrics with its own loopback rule)
answer without credentials. Every router in `FEATURE_ROUTERS` is mounted behind
`secure_by_default`: a valid key or JWT always, and the `read` scope unless the route declares
its own with `requires(...)`. A feature adds its router to `FEATURE_ROUTERS`, one line.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI

from mdm.api.metrics import router as metrics_router
from mdm.api.openapi import install as install_openapi
from mdm.api.openapi_docs import OPERATION_DOCS
from mdm.auth.deps import secure_by_default
from mdm.golden.feed_rest import router as feed_router
from mdm.golden.rest import router as golden_router
from mdm.health.rest import router as health_router
from mdm.jobs.rest import router as jobs_router
from mdm.records.rest import router as records_router
from mdm.resolution.rest import router as candidates_router
from mdm.sync.rest import router as sync_router
from mdm.webhooks.rest import router as webhooks_router

OPEN_ROUTERS: list[APIRouter] = [health_router, metrics_router]
# Golden and candidate routes first: `/xref/{system}/...` must win over `/{entity}/records/...`
# for a source system that happens to be named `records`.
FEATURE_ROUTERS: list[APIRouter] = [
    golden_router,
    candidates_router,
    records_router,
    feed_router,
    jobs_router,
    webhooks_router,
    sync_router,
]


def _error_example(code: str, detail: str) -> dict[str, Any]:
    body = {"error": code, "detail": detail, "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA"}
    return {"content": {"application/json": {"example": body}}}


AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {
        "description": "Missing, unknown, revoked or expired credentials",
        **_error_example("unauthorized", "authentication required"),
    },
    403: {
        "description": "Valid credentials without the scope this route needs",
        **_error_example("forbidden", "this needs the read scope; 'etl' lacks it"),
    },
}


def include_routers(app: FastAPI) -> None:
    """Mount the open routers as they are and every feature router behind authentication."""
    for router in OPEN_ROUTERS:
        app.include_router(router)
    for router in FEATURE_ROUTERS:
        app.include_router(
            router, dependencies=[Depends(secure_by_default)], responses=AUTH_RESPONSES
        )
    install_openapi(app, OPERATION_DOCS)
