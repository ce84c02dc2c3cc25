"""Assembles every feature's REST router into the app."""

from __future__ import annotations

from fastapi import FastAPI

from mdm.api.metrics import router as metrics_router
from mdm.health.rest import router as health_router
from mdm.records.rest import router as records_router


def include_routers(app: FastAPI) -> None:
    """Mount each feature's router; features add themselves here."""
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(records_router)
