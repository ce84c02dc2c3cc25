"""Workbench pages for quarantine (fix and resubmit), learning (refit) and the audit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mdm.api.deps import SessionDep, WriteSessionDep
from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.records import quarantine
from mdm.records.models import QuarantineStatus
from mdm.stewardship import actions, audit, learning
from mdm.stewardship.masking import masked_json
from mdm.stewardship.web import PREFIX, FormDep, Poster, Viewer, page_errors, render, see_other

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Query(max_length=128)]
FIELD_PREFIX = "f_"


@router.get("/quarantine", response_class=HTMLResponse)
def quarantine_list(
    request: Request,
    current: Viewer,
    session: SessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Open quarantine items, oldest first."""
    where = quarantine.QuarantineFilter(
        status=QuarantineStatus.OPEN, limit=50, offset=(page - 1) * 50
    )
    items, total = quarantine.list_items(session, where)
    return render(request, "quarantine.html", {"items": items, "total": total, "page": page})


@router.get("/quarantine/{item_id}", response_class=HTMLResponse)
def quarantine_item(
    request: Request, item_id: int, current: Viewer, session: SessionDep
) -> HTMLResponse:
    """One quarantined row with its reasons, as a form to fix it."""
    with page_errors():
        item = quarantine.get_item(session, item_id)
    payload = masked_json(EntityType(item.entity_type), dict(item.payload), current.principal)
    return render(request, "quarantine_item.html", {"item": item, "payload": payload})


@router.post("/quarantine/{item_id}/resubmit")
def resubmit(
    item_id: int, current: Poster, session: WriteSessionDep, form: FormDep
) -> RedirectResponse:
    """Resubmit a quarantined row with the steward's fixes; still invalid changes nothing."""
    fields = {
        key[len(FIELD_PREFIX) :]: value
        for key, value in form.items()
        if key.startswith(FIELD_PREFIX)
    }
    with page_errors():
        actions.resubmit(session, item_id, fields, current.principal.actor)
    return see_other(f"{PREFIX}/quarantine?resubmitted={item_id}")


@router.get("/learning", response_class=HTMLResponse)
def learning_page(
    request: Request, current: Viewer, session: SessionDep, entity: Text = "customer"
) -> HTMLResponse:
    """The refit preview: queue items the new version would decide, precision before/after."""
    with page_errors():
        chosen = EntityType.parse(entity)
    try:
        refit, problem = learning.preview(session, chosen), ""
    except InvalidInput as exc:
        refit, problem = None, exc.detail
    context = {
        "entity": chosen.value,
        "entities": [e.value for e in EntityType],
        "refit": refit,
        "problem": problem,
        "labels": learning.label_count(session, chosen),
    }
    return render(request, "learning.html", context)


@router.post("/learning/{entity}/apply")
def learning_apply(
    entity: str,
    current: Poster,
    session: WriteSessionDep,
    form: FormDep,
) -> RedirectResponse:
    """Store the previewed refit as the new model version."""
    fingerprint = form.get("fingerprint", "")
    with page_errors():
        chosen = EntityType.parse(entity)
        version = learning.apply(session, chosen, fingerprint, current.principal.actor)
    return see_other(f"{PREFIX}/learning?entity={chosen.value}&applied={version}")


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{text[:20]!r} is not a date (2026-11-26)") from exc


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    current: Viewer,
    session: SessionDep,
    actor: Text = "",
    entity: Text = "",
    since: Text = "",
    until: Text = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Every steward action, newest first, filterable by person, entity and date."""
    with page_errors():
        where = audit.AuditFilter(
            actor=actor or None,
            entity=entity or None,
            since=_day(since),
            until=_day(until),
            limit=50,
            offset=(page - 1) * 50,
        )
        rows, total = audit.entries(session, where)
    shown = [
        (
            row,
            masked_json(_entity(row.entity_type), row.before, current.principal),
            masked_json(_entity(row.entity_type), row.after, current.principal),
        )
        for row in rows
    ]
    context = {
        "rows": shown,
        "total": total,
        "page": page,
        "actors": audit.actors(session),
        "f": {"actor": actor, "entity": entity, "since": since, "until": until},
    }
    return render(request, "audit.html", context)


def _entity(value: str | None) -> EntityType | None:
    return EntityType(value) if value else None
