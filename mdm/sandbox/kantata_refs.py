"""Kantata's external references, its Subscribed Events feed and its OAuth2 token endpoint.

An external reference ties a Kantata object (`subject_type`, `subject_id`) to a record in
another system (`service_name`, `service_model`, `service_model_ref`). Kantata has no upsert
and no idempotency key, so an integration finds its records with
`GET /external_references.json?subject_type=…&service_name=…&service_model_ref=…` before it
creates anything. Kantata sets references with `POST /external_references/create_or_update`;
the sandbox also takes them nested in a create body (`"external_references": [{…}]`), stored in
the same step as the record, so a create and its reference are never half done [K].
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mdm.sandbox.core import Sandbox, SandboxDep, issue_token
from mdm.sandbox.kantata_envelope import KantataError, envelope, paging
from mdm.sandbox.kantata_resources import BY_SUBJECT
from mdm.sandbox.records import StoredRecord

REFS = "external_references"
REF_FIELDS = ("service_name", "service_model", "service_model_ref")
REF_FILTERS = ("subject_id", *REF_FIELDS, "status", "external_status")
REF_STATUSES = ("pending", "successful", "failed")
EVENTS = "subscribed_events"
# The service name the hub files its references under; /_sandbox/stats counts records per
# external id among those.
HUB_SERVICE = "mdm"
API = "/api/v1"

router = APIRouter()


def check_refs(raw: Any) -> list[dict[str, Any]]:
    """The references of a create body, checked; KantataError if malformed."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise KantataError(422, "validation", "external_references must be a list", REFS)
    return [_check_ref(item) for item in raw]


def _check_ref(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise KantataError(422, "validation", "an external reference must be an object", REFS)
    for name in REF_FIELDS:
        if not isinstance(item.get(name), str) or not item[name]:
            raise KantataError(422, "validation", f"{name} can't be blank", name)
    status = item.get("status", "successful")
    if status not in REF_STATUSES:
        raise KantataError(422, "validation", "status is not included in the list", "status")
    return {**{n: item[n] for n in REF_FIELDS}, "status": status, "locked": False}


def attach(sandbox: Sandbox, subject_type: str, subject: StoredRecord, ref: dict[str, Any]) -> None:
    """Store one reference on `subject` (caller holds the store lock)."""
    key = ":".join((subject_type, ref["service_name"], ref["service_model"]))
    existing = [
        r
        for r in sandbox.store.find(REFS, "subject_id", subject.id)
        if r.fields["_ref_key"].startswith(f"{key}:")
    ]
    fields = {**ref, "_ref_key": f"{key}:{ref['service_model_ref']}"}
    if existing:
        sandbox.store.update(REFS, existing[0].id, fields)
    else:
        sandbox.store.create(
            REFS, {"subject_type": subject_type, "subject_id": subject.id, **fields}
        )
    if ref["service_name"] == HUB_SERVICE:
        # The subject's copy of the hub's reference feeds the duplicate counts of /_sandbox/stats.
        subject.fields["_ref"] = ref["service_model_ref"]


def detach_all(sandbox: Sandbox, subject_type: str, subject_id: str) -> None:
    """Delete a deleted subject's references (Kantata deletes are hard)."""
    for ref in sandbox.store.find(REFS, "subject_id", subject_id):
        if ref.fields["subject_type"] == subject_type:
            sandbox.store.delete(REFS, ref.id)


@router.get(f"{API}/{REFS}.json")
def list_refs(request: Request, sandbox: SandboxDep) -> dict[str, Any]:
    """External references of one subject type, filtered; `include=subject` side-loads."""
    params = dict(request.query_params)
    subject_type = params.get("subject_type")
    resource = BY_SUBJECT.get(subject_type or "")
    if resource is None:
        raise KantataError(400, "system", "subject_type is missing or unknown", "subject_type")
    offset, page, per_page = paging(params)
    matches = [
        r
        for r in sandbox.store.all(REFS)
        if r.fields["subject_type"] == subject_type
        and all(str(r.fields.get(f)) == params[f] for f in REF_FILTERS if f in params)
    ]
    chosen = matches[offset : offset + per_page]
    side: dict[str, list[StoredRecord]] = {}
    if "subject" in params.get("include", "").split(","):
        subjects = (sandbox.store.get(resource.key, r.fields["subject_id"]) for r in chosen)
        side[resource.key] = [s for s in subjects if s is not None]
    return envelope(REFS, chosen, total=len(matches), page=page, per_page=per_page, side=side)


@router.post(f"{API}/{REFS}/create_or_update.json")
async def create_or_update_ref(request: Request, sandbox: SandboxDep) -> dict[str, Any]:
    """Set a subject's reference for one service and model (Kantata's one upsert)."""
    body = await json_body(request)
    raw = body.get("external_reference")
    ref = _check_ref(raw)
    assert isinstance(raw, dict)
    resource = BY_SUBJECT.get(str(raw.get("subject_type")))
    if resource is None:
        raise KantataError(422, "validation", "subject_type is not valid", "subject_type")
    with sandbox.store.lock:
        subject = sandbox.store.get(resource.key, str(raw.get("subject_id")))
        if subject is None:
            raise KantataError(422, "validation", "subject does not exist", "subject_id")
        attach(sandbox, resource.subject_type, subject, ref)
        stored = sandbox.store.find(REFS, "subject_id", subject.id)
    chosen = [r for r in stored if r.fields["service_model_ref"] == ref["service_model_ref"]]
    return envelope(REFS, chosen[:1])


@router.get(f"{API}/{EVENTS}.json")
def subscribed_events(request: Request, sandbox: SandboxDep) -> dict[str, Any]:
    """Changes after `since_id`, oldest first, kept 9 days; may repeat or come out of order."""
    params = dict(request.query_params)
    try:
        since = int(params.get("since_id", "0"))
    except ValueError:
        raise KantataError(400, "system", "since_id must be an integer", "since_id") from None
    _, page, per_page = paging(params)
    events = sandbox.feed.read(since, per_page)
    items = {str(e.sequence): _event(e.as_dict()) for e in events}
    return {
        "count": len(items),
        "results": [{"key": EVENTS, "id": i} for i in items],
        EVENTS: items,
        "meta": {"count": len(items), "page_count": 1, "page_number": page, "page_size": per_page},
    }


def _event(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(event["sequence"]),
        # Kept across duplicate deliveries: what a consumer dedupes on.
        "event_id": event["event_id"],
        "event_type": f"{_singular(event['entity'])}:{event['change_type']}",
        "subject_type": event["entity"],
        "subject_id": event["record_id"],
        "changed_fields": event["changed_fields"],
        "created_at": event["at"],
    }


@router.post("/oauth/token")
async def token(request: Request, sandbox: SandboxDep) -> JSONResponse:
    """OAuth2 client credentials: form-encoded id and secret give a bearer token."""
    issued = await issue_token(request, sandbox)
    if isinstance(issued, JSONResponse):
        return issued
    return JSONResponse({"access_token": issued, "token_type": "bearer", "expires_in": 7200})


def _singular(subject_type: str) -> str:
    resource = BY_SUBJECT.get(subject_type)
    return resource.singular if resource else subject_type.lower()


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; a 400 in Kantata's shape if it is not one."""
    try:
        body = await request.json()
    except ValueError:
        raise KantataError(400, "system", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise KantataError(400, "system", "the request body must be a JSON object")
    return body
