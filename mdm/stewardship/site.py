"""Mounts the workbench on the hub's app at /steward: pages, static files, error pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mdm.stewardship import web, web_admin, web_golden, web_review
from mdm.sync import web as sync_web


def mount(app: FastAPI) -> None:
    """Serve the workbench (its pages authenticate with their own session, not API keys)."""
    for router in (
        web.router,
        web_review.router,
        web_golden.router,
        web_admin.router,
        sync_web.router,
    ):
        app.include_router(router)
    static = StaticFiles(directory=str(web.HERE / "static"))
    app.mount(f"{web.PREFIX}/static", static, name="steward-static")
    app.add_exception_handler(web.LoginRequired, web.login_required)
    app.add_exception_handler(web.PageError, web.page_error)
