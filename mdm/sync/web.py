"""Workbench pages of the flows: a deal's trace, the reconciliation, and resubmitting a deal
stopped in the exception queue once its source is fixed (audited like every steward action).

Amounts follow the steward's own scopes (masked without `finance`), as in the REST answers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mdm.api.deps import SessionDep, SettingsDep, WriteSessionDep
from mdm.clock import utcnow
from mdm.stewardship import audit
from mdm.stewardship.web import PREFIX, Poster, Viewer, page_errors, render, see_other
from mdm.sync.config import load_sync_config
from mdm.sync.reconcile import open_exception_rows, reconcile
from mdm.sync.reconcile_schemas import ReconciliationOut
from mdm.sync.resubmit import resubmit
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
    resubmitted: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """Business and technical health of the flows, and the open exceptions."""
    now = utcnow()
    with page_errors():
        config = load_sync_config(settings.sync_config_file)
        found = reconcile(session, config, now, now - timedelta(days=days))
        rows = open_exception_rows(session, SHOWN_EXCEPTIONS)
    shown = ReconciliationOut.of(found, current.principal)
    exceptions = [ExceptionOut.of(row) for row in rows]
    context = {"r": shown, "days": days, "exceptions": exceptions, "resubmitted": resubmitted}
    return render(request, "sync_reconcile.html", context)


@router.post("/deals/{opportunity_id}/resubmit")
def resubmit_deal(
    opportunity_id: Annotated[str, Path(max_length=64)],
    current: Poster,
    session: WriteSessionDep,
) -> RedirectResponse:
    """Close the deal's open exceptions and validate it again; audited with the exceptions."""
    actor = current.principal.actor
    with page_errors():
        done = resubmit(session, opportunity_id, actor, utcnow())
    after = {"resolved_exceptions": done.resolved_exceptions, "job_key": done.job_key}
    audit.record(session, actor, "resubmit_deal", opportunity_id, after=after)
    return see_other(f"{PREFIX}/reconciliation?resubmitted={quote(opportunity_id)}")
