"""Workbench pages for golden records: the record with lineage, graph and history; unmerge,
move a record out, override an attribute."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mdm.api.deps import SessionDep, WriteSessionDep
from mdm.errors import InvalidInput
from mdm.golden.attributes import attribute_names
from mdm.stewardship import actions
from mdm.stewardship.golden_page import SIZE, entity_of, golden_page
from mdm.stewardship.web import PREFIX, FormDep, Poster, Viewer, page_errors, render, see_other

router = APIRouter(prefix=PREFIX, include_in_schema=False)
GoldenId = Annotated[str, Query(max_length=40)]
MAX_VALUE = 500


def _record_id(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 2**62:
        raise InvalidInput(f"record id {text[:20]!r} is not a record id")
    return int(text)


def _when(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"as of {text[:40]!r} is not a date and time (2026-11-26T08:00)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.get("/golden", response_class=HTMLResponse)
def open_golden(current: Viewer, id: GoldenId = "") -> RedirectResponse:
    """The "open a golden id" box of the navigation bar."""
    return see_other(f"{PREFIX}/golden/{id.strip()}" if id.strip() else f"{PREFIX}/queue")


@router.get("/golden/{golden_id}", response_class=HTMLResponse)
def golden(
    request: Request,
    golden_id: str,
    current: Viewer,
    session: SessionDep,
    as_of: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """A golden record: attributes with lineage, ids per system, cluster graph, history."""
    with page_errors():
        shown = golden_page(session, golden_id, current.principal, _when(as_of))
        names = attribute_names(shown.entity)
    return render(
        request, "golden.html", {"g": shown, "size": SIZE, "names": names, "as_of": as_of}
    )


@router.post("/golden/{golden_id}/unmerge")
def unmerge(golden_id: str, current: Poster, session: WriteSessionDep) -> RedirectResponse:
    """Undo the latest merge into this golden record."""
    with page_errors():
        kept, _fresh = actions.unmerge(
            session, golden_id, entity_of(session, golden_id), current.principal.actor
        )
    return see_other(f"{PREFIX}/golden/{kept}")


@router.post("/golden/{golden_id}/move-out")
def move_out(
    golden_id: str,
    current: Poster,
    session: WriteSessionDep,
    form: FormDep,
) -> RedirectResponse:
    """Move one source record out into a golden record of its own."""
    with page_errors():
        record_id = _record_id(form.get("record_id", ""))
        actions.move_out(
            session, golden_id, entity_of(session, golden_id), record_id, current.principal.actor
        )
    return see_other(f"{PREFIX}/golden/{golden_id}")


@router.post("/golden/{golden_id}/override")
def override(
    golden_id: str,
    current: Poster,
    session: WriteSessionDep,
    form: FormDep,
) -> RedirectResponse:
    """Pin an attribute to the steward's value (an empty value removes the pin)."""
    name, value = form.get("name", ""), form.get("value", "")
    with page_errors():
        if len(value) > MAX_VALUE:
            raise InvalidInput(f"a value is at most {MAX_VALUE} characters")
        entity = entity_of(session, golden_id)
        actions.override(session, golden_id, entity, name, value.strip(), current.principal.actor)
    return see_other(f"{PREFIX}/golden/{golden_id}")
