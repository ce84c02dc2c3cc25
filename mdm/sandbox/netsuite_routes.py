"""The sandbox's REST record API, shaped like NetSuite's `/services/rest/record/v1`.

Creates answer 204 with a `Location` naming the new internal id; `PUT …/eid:{externalId}`
creates or updates (204 either way, as NetSuite does); reads answer the record or a 404 in
the error envelope. Every read-then-write runs under the store's lock, so two concurrent
upserts of one external id still make one record.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse

from mdm.sandbox import netsuite_query
from mdm.sandbox.core import Sandbox, SandboxDep
from mdm.sandbox.netsuite_http import ASYNC_PATH, AsyncJobs, envelope, from_error, perform
from mdm.sandbox.netsuite_records import (
    NsError,
    apply_payment,
    as_json,
    check_changes,
    check_external_id,
    check_new,
    check_type,
    require,
    transform_to_invoice,
)

RECORD_BASE = "/services/rest/record/v1"
JsonBody = Annotated[Any, Body()]
router = APIRouter()


def _jobs(request: Request) -> AsyncJobs:
    jobs: AsyncJobs = request.app.state.netsuite.jobs
    return jobs


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise NsError(400, "INVALID_CONTENT", "The request body must be a JSON object.")
    return body


def _created(type_: str, record_id: str) -> Response:
    return Response(status_code=204, headers={"Location": f"{RECORD_BASE}/{type_}/{record_id}"})


def create_record(sandbox: Sandbox, type_: str, fields: dict[str, Any]) -> str:
    """Validate and store a new record (a payment is applied to its invoices); its id."""
    with sandbox.store.lock:
        record = sandbox.store.create(type_, check_new(sandbox.store, type_, fields))
        if type_ == "customerPayment":
            apply_payment(sandbox.store, record)
    sandbox.feed.publish(type_, record.id, "create", sorted(fields))
    return record.id


@router.post(RECORD_BASE + "/salesOrder/{ref}/!transform/invoice", status_code=204)
def transform(ref: str, request: Request, sandbox: SandboxDep, body: JsonBody = None) -> Response:
    """Bill a sales order: 204 and the new invoice's `Location`."""

    def run() -> Response:
        overrides = _object(body if body is not None else {})
        with sandbox.store.lock:
            order = require(sandbox.store, "salesOrder", ref)
            invoice = transform_to_invoice(sandbox.store, order, overrides)
        sandbox.feed.publish("invoice", invoice.id, "create", ["createdFrom"])
        return _created("invoice", invoice.id)

    return perform(request, _jobs(request), run)


@router.post(RECORD_BASE + "/{type_}", status_code=204)
def create(type_: str, request: Request, sandbox: SandboxDep, body: JsonBody) -> Response:
    """Create a record: 204 and its `Location`."""

    def run() -> Response:
        check_type(type_)
        return _created(type_, create_record(sandbox, type_, _object(body)))

    return perform(request, _jobs(request), run)


@router.put(RECORD_BASE + "/{type_}/{ref}", status_code=204)
def upsert(type_: str, ref: str, request: Request, sandbox: SandboxDep, body: JsonBody) -> Response:
    """Upsert by external id (`eid:` only): create it, or update the one holding it."""

    def run() -> Response:
        check_type(type_)
        if not ref.startswith("eid:"):
            raise NsError(400, "INVALID_REQUEST", "Upsert takes an external ID (eid:), not an id.")
        external_id = check_external_id(ref[4:])
        fields = {**_object(body), "externalId": external_id}
        store = sandbox.store
        with store.lock:
            existing = store.find(type_, "externalId", external_id)
            if not existing:
                return _created(type_, create_record(sandbox, type_, fields))
            record = store.update(
                type_, existing[0].id, check_changes(store, type_, existing[0].id, fields)
            )
        sandbox.feed.publish(type_, record.id, "update", sorted(fields))
        return _created(type_, record.id)

    return perform(request, _jobs(request), run)


@router.patch(RECORD_BASE + "/{type_}/{ref}", status_code=204)
def update(type_: str, ref: str, request: Request, sandbox: SandboxDep, body: JsonBody) -> Response:
    """Change some fields of an existing record."""

    def run() -> Response:
        check_type(type_)
        fields = _object(body)
        with sandbox.store.lock:
            record = require(sandbox.store, type_, ref)
            sandbox.store.update(
                type_, record.id, check_changes(sandbox.store, type_, record.id, fields)
            )
        sandbox.feed.publish(type_, record.id, "update", sorted(fields))
        return Response(status_code=204)

    return perform(request, _jobs(request), run)


@router.delete(RECORD_BASE + "/{type_}/{ref}", status_code=204)
def delete(type_: str, ref: str, sandbox: SandboxDep) -> Response:
    """Delete a record."""
    try:
        check_type(type_)
        record = require(sandbox.store, type_, ref)
    except NsError as error:
        return from_error(error)
    sandbox.store.delete(type_, record.id)
    sandbox.feed.publish(type_, record.id, "delete", [])
    return Response(status_code=204)


@router.get(RECORD_BASE + "/{type_}/{ref}")
def read(type_: str, ref: str, request: Request, sandbox: SandboxDep) -> Response:
    """One record by internal id or `eid:`."""
    try:
        check_type(type_)
        record = require(sandbox.store, type_, ref)
    except NsError as error:
        return from_error(error)
    return JSONResponse(as_json(record, _base(request)))


@router.get(RECORD_BASE + "/{type_}")
def listing(
    type_: str,
    request: Request,
    sandbox: SandboxDep,
    q: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Ids of the records matching `q`, a page at a time (NetSuite's collection shape)."""
    try:
        check_type(type_)
        wanted = netsuite_query.parse(q)  # once, not once per record
        matches = [r for r in sandbox.store.all(type_) if wanted(r)]
    except NsError as error:
        return from_error(error)
    page = matches[offset : offset + limit]
    base = _base(request)
    items = [
        {"links": [{"rel": "self", "href": f"{base}/{type_}/{r.id}"}], "id": r.id} for r in page
    ]
    return JSONResponse(
        {
            "links": [{"rel": "self", "href": str(request.url)}],
            "count": len(items),
            "hasMore": offset + len(items) < len(matches),
            "items": items,
            "offset": offset,
            "totalResults": len(matches),
        }
    )


@router.get(ASYNC_PATH + "/{job_id}")
def async_job(job_id: str, request: Request) -> Response:
    """An async job's progress."""
    job = _jobs(request).get(job_id)
    if job is None:
        return envelope(404, "NONEXISTENT_ID", f"The async job {job_id} does not exist.")
    return JSONResponse(job.as_json())


@router.get(ASYNC_PATH + "/{job_id}/task/{task_id}/result")
def async_result(job_id: str, task_id: str, request: Request) -> Response:
    """An async job's answer: the `Location` it created, or its error."""
    job = _jobs(request).get(job_id)
    if job is None or job.status is None:
        return envelope(404, "NONEXISTENT_ID", f"No result for async job {job_id}.")
    if job.error is not None:
        return envelope(job.status, job.error["o:errorCode"], job.error["detail"])
    headers = {"Location": job.location} if job.location else None
    return Response(status_code=job.status, headers=headers)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + RECORD_BASE
