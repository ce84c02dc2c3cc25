"""`/healthz` (the process is up) and `/readyz` (it can serve: database reachable and migrated)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from mdm.api.deps import EngineDep
from mdm.health.service import check_readiness

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Liveness answer."""

    status: str


class Ready(BaseModel):
    """Readiness answer."""

    status: str
    database: str
    schema_revision: str | None


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is alive; says nothing about its dependencies."""
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses={503: {"description": "not ready"}})
async def readyz(engine: EngineDep) -> Ready:
    """Ready to serve: 503 in the error shape when the database is down or not migrated."""
    readiness = await run_in_threadpool(check_readiness, engine)
    return Ready(
        status="ready", database=readiness.database, schema_revision=readiness.schema_revision
    )
