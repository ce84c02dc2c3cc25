"""`create_app(settings)`: the ASGI app; its engine is built in the lifespan, never at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

import mdm
from mdm import migrate
from mdm.api import errors
from mdm.api.gql import router as graphql_router
from mdm.api.metrics import Metrics
from mdm.api.middleware import CorrelationMiddleware
from mdm.api.rest import include_routers
from mdm.auth.authenticator import Authenticator
from mdm.db import create_db_engine
from mdm.errors import DatabaseNotReady
from mdm.jobs.embedded import EmbeddedWorker, start_embedded
from mdm.jobs.metrics import JobMetrics
from mdm.settings import Settings
from mdm.stewardship.site import mount as mount_workbench

log = logging.getLogger("mdm.app")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the hub's app; pass settings in tests, leave None to read the environment."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(settings)
        app.state.engine = engine
        app.state.authenticator = authenticator = Authenticator(settings, engine)
        worker: EmbeddedWorker | None = None
        try:
            await run_in_threadpool(migrate.prepare, engine, embedded=settings.is_sqlite)
        except DatabaseNotReady as exc:
            # Serve anyway: /readyz reports the problem to the orchestrator instead of a crash loop.
            log.error("database not ready: %s", exc.detail)
        else:
            if settings.worker_embedded:
                worker = start_embedded(engine, settings, app.state.job_metrics)
        log.info("hub started", extra={"database": engine.dialect.name})
        try:
            yield
        finally:
            if worker is not None:  # finishes its job in hand, within one lease
                await run_in_threadpool(worker.stop, settings.jobs_lease_seconds)
            # Pending `last_used_at` writes finish on the engine before it goes away.
            authenticator.close()
            engine.dispose()

    app = FastAPI(
        title="MDM hub",
        version=mdm.__version__,
        summary="Golden customers, contracts and projects across CRM, PSA and ERP.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    # The embedded worker counts its jobs into the app's registry, served at /metrics.
    app.state.job_metrics = (
        JobMetrics(app.state.metrics.registry) if settings.worker_embedded else None
    )
    app.add_middleware(CorrelationMiddleware)
    errors.install(app)
    include_routers(app)
    app.include_router(graphql_router)  # authenticates itself: 401/403 before anything runs
    mount_workbench(app)  # /steward: its own login session, CSRF-checked forms
    return app
