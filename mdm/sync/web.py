"""Workbench pages of the flows: a deal's trace, and the reconciliation (read-only).

Amounts follow the steward's own scopes (masked without `finance`), as in the REST answers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from mdm.api.deps import SessionDep, SettingsDep
from mdm.clock import utcnow
from mdm.stewardship.web import PREFIX, Viewer, page_errors, render
from mdm.sync.config import load_sync_config
from mdm.sync.reconcile import open_exception_rows, reconcile
from mdm.sync.reconcile_schemas import ReconciliationOut
from mdm.sync.schemas import ExceptionOut, TraceOut
from mdm.sync.trace import MAX_KEY, trace

router = APIRouter(prefix=PREFIX, include_in_schema=False)
WINDOW_DAYS = 30
SHOWN_EXCEPTIONS = 200


@router.get("/trace", response_class=HTMLResponse)
def trace_page(
    request: Request,
    current: Viewer,
    session: SessionDep,
    id: Annotated[str, Query(max_length=MAX_KEY)] = "",
) -> HTMLResponse:
    """Find a deal by correlation, opportunity or transaction id and show its chain."""
    shown: TraceOut | None = None
    if id.strip():
        with page_errors():
            shown = TraceOut.of(trace(session, id), current.principal)
    return render(request, "sync_trace.html", {"t": shown, "key": id.strip()})


@router.get("/reconciliation", response_class=HTMLResponse)
def reconciliation_page(
    request: Request,
    current: Viewer,
    session: SessionDep,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=3650)] = WINDOW_DAYS,
) -> HTMLResponse:
    """Business and technical health of the flows, and the open exceptions."""
    now = utcnow()
    with page_errors():
        config = load_sync_config(settings.sync_config_file)
        found = reconcile(session, config, now, now - timedelta(days=days))
        rows = open_exception_rows(session, SHOWN_EXCEPTIONS)
    shown = ReconciliationOut.of(found, current.principal)
    exceptions = [ExceptionOut.of(row) for row in rows]
    context = {"r": shown, "days": days, "exceptions": exceptions}
    return render(request, "sync_reconcile.html", context)
