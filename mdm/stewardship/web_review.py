"""Workbench pages for review: the queue, the side-by-side comparison, decisions, bulk accept."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mdm.api.deps import SessionDep, WriteSessionDep
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.stewardship import actions, bulk
from mdm.stewardship.compare import comparison
from mdm.stewardship.queue import AGES, BANDS, QueueFilter, next_after, queue_page, systems
from mdm.stewardship.web import (
    PREFIX,
    FormDep,
    Poster,
    Viewer,
    Writer,
    page_errors,
    render,
    see_other,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Query(max_length=64)]


def _filter(entity: Text = "", system: Text = "", band: Text = "", age: Text = "") -> QueueFilter:
    """The queue filter from its query parameters (or a saved query string's)."""
    with page_errors():
        return QueueFilter(
            entity=EntityType.parse(entity) if entity else None,
            system=system.strip().lower() or None,
            band=band or None,
            age=age or None,
        )


Filters = Annotated[QueueFilter, Depends(_filter)]


def _query_string(where: QueueFilter) -> str:
    pairs = {
        "entity": where.entity.value if where.entity else "",
        "system": where.system or "",
        "band": where.band or "",
        "age": where.age or "",
    }
    return urlencode({k: v for k, v in pairs.items() if v})


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    current: Viewer,
    session: SessionDep,
    where: Filters,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The review queue, highest priority first, filtered."""
    with page_errors():
        found = queue_page(session, where, page)
    context = {
        "page": found,
        "where": where,
        "qs": _query_string(where),
        "systems": systems(session),
        "bands": list(BANDS),
        "ages": list(AGES),
        "entities": [e.value for e in EntityType],
    }
    return render(request, "queue.html", context)


@router.get("/candidates/{candidate_id}", response_class=HTMLResponse)
def compare_page(
    request: Request,
    candidate_id: int,
    current: Viewer,
    session: SessionDep,
    where: Filters,
) -> HTMLResponse:
    """Both records side by side with the engine's weights and their relatives."""
    with page_errors():
        shown = comparison(session, candidate_id, current.principal)
    return render(request, "compare.html", {"c": shown, "qs": _query_string(where)})


@router.get("/candidates/{candidate_id}/skip")
def skip(
    candidate_id: int,
    current: Viewer,
    session: SessionDep,
    where: Filters,
) -> RedirectResponse:
    """Leave a candidate for later: on to the next one in the queue."""
    return _next(session, where, candidate_id)


def _next(session: SessionDep, where: QueueFilter, candidate_id: int) -> RedirectResponse:
    qs = _query_string(where)
    following = next_after(session, where, candidate_id)
    if following is None or following == candidate_id:
        return see_other(f"{PREFIX}/queue{_suffix(qs)}")
    return see_other(f"{PREFIX}/candidates/{following}{_suffix(qs)}")


def _suffix(qs: str) -> str:
    return f"?{qs}" if qs else ""


@router.post("/candidates/{candidate_id}/decide")
def decide(
    candidate_id: int,
    current: Poster,
    session: WriteSessionDep,
    form: FormDep,
) -> RedirectResponse:
    """Accept or reject a candidate, then show the next one (or the queue)."""
    decision, filters = form.get("decision", ""), form.get("filters", "")[:300]
    back = form.get("back", "")
    with page_errors():
        if decision not in ("accept", "reject"):
            raise InvalidInput("decision must be accept or reject")
        actions.decide(session, candidate_id, decision == "accept", current.principal.actor)
    where = _filter_from_qs(filters)
    if back == "queue":
        return see_other(f"{PREFIX}/queue{_suffix(_query_string(where))}")
    return _next(session, where, candidate_id)


def _filter_from_qs(text: str) -> QueueFilter:
    got = {k: v[0] for k, v in parse_qs(text).items() if v}
    return _filter(
        got.get("entity", ""), got.get("system", ""), got.get("band", ""), got.get("age", "")
    )


@router.get("/bulk", response_class=HTMLResponse)
def bulk_sample(
    request: Request, current: Writer, session: WriteSessionDep, entity: Text = "", band: Text = ""
) -> HTMLResponse:
    """Show a sample of a score band; only then does bulk accept of that band open."""
    with page_errors():
        if not entity or not band:
            raise InvalidInput("choose an entity type and a score band to sample")
        shown = bulk.show_sample(session, current.id, EntityType.parse(entity), band)
    return render(request, "bulk.html", {"preview": shown})


@router.post("/bulk/{preview_id}/accept", response_class=HTMLResponse)
def bulk_accept(
    request: Request, preview_id: int, current: Poster, session: WriteSessionDep
) -> HTMLResponse:
    """Accept every candidate of a band whose sample this session was shown."""
    with page_errors():
        done = bulk.bulk_accept(session, current.id, preview_id, current.principal.actor)
    return render(request, "bulk_done.html", {"done": done})
