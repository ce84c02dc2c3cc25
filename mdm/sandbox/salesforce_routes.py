"""The Salesforce sandbox's write side: the OAuth2 token endpoint, sObject rows, upsert by
external id (201 created, 200 updated, 300 ambiguous) and sObject Collections upsert."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from mdm.sandbox.core import Sandbox, SandboxDep, issue_token
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.records import StoredRecord
from mdm.sandbox.salesforce_records import (
    SfError,
    change_origin,
    record_url,
    render,
    sobject,
    validate,
    write,
)
from mdm.sandbox.salesforce_schema import API, SObject, to18

TOKEN_PATH = "/services/oauth2/token"
COLLECTION_LIMIT = 200
router = APIRouter()


class Ambiguous(Exception):
    """More than one record holds the external id: the upsert writes nothing."""

    def __init__(self, type_: str, ids: list[str]) -> None:
        super().__init__(f"{len(ids)} records match")
        self.urls = [record_url(type_, record_id) for record_id in ids]


async def json_body(request: Request) -> Any:
    """The request's JSON, or JSON_PARSER_ERROR."""
    try:
        return json.loads(await request.body() or b"null")
    except ValueError as exc:
        raise SfError(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}") from exc


@router.post(TOKEN_PATH)
async def token(request: Request, sandbox: SandboxDep) -> JSONResponse:
    """OAuth2 client credentials flow."""
    issued = await issue_token(request, sandbox, refused_status=400)
    if isinstance(issued, JSONResponse):
        return issued
    instance = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "access_token": issued,
            "instance_url": instance,
            "id": f"{instance}/id/00D8Q0000000001EAA/0058Q0000000001AAA",
            "token_type": "Bearer",
            "issued_at": str(int(time.time() * 1000)),
        }
    )


@router.get(API + "/sobjects/{name}/{record_id}")
def get_record(name: str, record_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    """One record by id."""
    return render(_existing(sandbox, sobject(name), record_id))


@router.post(API + "/sobjects/{name}", status_code=201)
async def create_record(name: str, request: Request, sandbox: SandboxDep) -> dict[str, Any]:
    """Insert; no duplicate check, as in Salesforce without a unique external id."""
    obj = sobject(name)
    body = await json_body(request)
    if isinstance(body, dict) and "Id" in body:
        raise SfError(400, "INVALID_FIELD", "Id not specified in an insert call", ("Id",))
    fields = validate(sandbox, obj, body, creating=True)
    record = write(sandbox, obj, fields, change_origin(dict(request.headers)))
    return {"id": record.id, "success": True, "errors": []}


@router.patch(API + "/sobjects/{name}/{record_id}", status_code=204)
async def update_record(name: str, record_id: str, request: Request, sandbox: SandboxDep) -> None:
    """Update the given fields of one record."""
    obj = sobject(name)
    body = await json_body(request)
    with sandbox.store.lock:
        record = _existing(sandbox, obj, record_id)
        fields = validate(sandbox, obj, body, creating=False)
        write(sandbox, obj, fields, change_origin(dict(request.headers)), record.id)


@router.delete(API + "/sobjects/{name}/{record_id}", status_code=204)
def delete_record(name: str, record_id: str, request: Request, sandbox: SandboxDep) -> None:
    """Delete one record (it leaves every read)."""
    obj = sobject(name)
    record = _existing(sandbox, obj, record_id)
    sandbox.store.delete(obj.name, record.id)
    origin = change_origin(dict(request.headers))
    sandbox.feed.publish(obj.name, record.id, "DELETE", [], origin)


@router.patch(API + "/sobjects/{name}/{field}/{value:path}")
async def upsert(name: str, field: str, value: str, request: Request, sandbox: SandboxDep) -> Any:
    """Upsert by external id: 201 created, 200 updated, 300 when several records match."""
    obj = _external(name, field)
    body = await json_body(request)
    if isinstance(body, dict) and ("Id" in body or field in body):
        bad = "Id" if "Id" in body else field
        message = f"{bad} may not be specified in the body of an upsert by {field}"
        raise SfError(400, "INVALID_FIELD", message, (bad,))
    origin = change_origin(dict(request.headers))
    with sandbox.store.lock:
        try:
            target = plan_upsert(sandbox, obj, field, value)
        except Ambiguous as ambiguous:
            return JSONResponse(ambiguous.urls, status_code=300)
        fields = validate(sandbox, obj, body, creating=target is None)
        record = write(sandbox, obj, {**fields, field: value}, origin, target)
    answer = {"id": record.id, "success": True, "errors": [], "created": target is None}
    return JSONResponse(answer, status_code=201 if target is None else 200)


@router.patch(API + "/composite/sobjects/{name}/{field}")
async def upsert_collection(
    name: str, field: str, request: Request, sandbox: SandboxDep
) -> list[dict[str, Any]]:
    """sObject Collections upsert: up to 200 records, one result each, in order."""
    obj = _external(name, field)
    body = await json_body(request)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not records:
        raise SfError(400, "JSON_PARSER_ERROR", "records must be a non-empty array")
    if len(records) > COLLECTION_LIMIT:
        message = f"record limit reached. cannot submit more than {COLLECTION_LIMIT} records"
        raise SfError(400, "EXCEEDED_ID_LIMIT", message)
    fault = getattr(request.state, "fault", None)
    lock_fails = fault is not None and fault.kind == FaultKind.PARTIAL_BATCH_FAILURE
    all_or_none = bool(body.get("allOrNone", False))
    origin = change_origin(dict(request.headers))
    with sandbox.store.lock:
        plans = _plan_collection(sandbox, obj, field, records, lock_fails)
        failed = any(isinstance(plan, SfError) for plan in plans)
        return [_apply(sandbox, obj, plan, origin, all_or_none and failed) for plan in plans]


Plan = tuple[str | None, dict[str, Any]]


def _plan_collection(
    sandbox: Sandbox, obj: SObject, field: str, records: list[Any], lock_fails: bool
) -> list[Plan | SfError]:
    plans: list[Plan | SfError] = []
    seen: set[str] = set()
    for index, item in enumerate(records):
        try:
            if lock_fails and index % 2 == 1:
                # The sandbox's partial failure: a row lock held elsewhere (retryable per item).
                message = "unable to obtain exclusive access to this record"
                raise SfError(400, "UNABLE_TO_LOCK_ROW", message)
            plans.append(_plan_item(sandbox, obj, field, item, seen))
        except SfError as error:
            plans.append(error)
    return plans


def _plan_item(
    sandbox: Sandbox, obj: SObject, field: str, item: Any, seen: set[str]
) -> tuple[str | None, dict[str, Any]]:
    value = item.get(field) if isinstance(item, dict) else None
    if not isinstance(value, str) or not value:
        raise SfError(400, "MISSING_ARGUMENT", f"{field} not specified", (field,))
    if item.get("attributes", {}).get("type", obj.name) != obj.name:
        raise SfError(400, "INVALID_TYPE", "All records must be of the same type", ())
    if value in seen:
        raise SfError(400, "DUPLICATE_EXTERNAL_ID", f"Duplicate external id specified: {value}")
    seen.add(value)
    try:
        target = plan_upsert(sandbox, obj, field, value)
    except Ambiguous as ambiguous:
        message = f"{field}: more than one record found for external id field: {ambiguous.urls}"
        raise SfError(300, "DUPLICATE_EXTERNAL_ID", message, (field,)) from ambiguous
    body = {k: v for k, v in item.items() if k != field}
    return target, validate(sandbox, obj, body, creating=target is None) | {field: value}


def _apply(
    sandbox: Sandbox, obj: SObject, plan: Plan | SfError, origin: str, roll_back: bool
) -> dict[str, Any]:
    if isinstance(plan, SfError):
        error = {"statusCode": plan.code, "message": plan.message, "fields": list(plan.fields)}
        return {"success": False, "errors": [error]}
    if roll_back:
        error = {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": "Record rolled back"}
        return {"success": False, "errors": [{**error, "fields": []}]}
    target, fields = plan
    record = write(sandbox, obj, fields, origin, target)
    return {"id": record.id, "success": True, "errors": [], "created": target is None}


def plan_upsert(sandbox: Sandbox, obj: SObject, field: str, value: str) -> str | None:
    """The id of the one record holding the external id, None if none (raises if several)."""
    matches = sandbox.store.find(obj.name, field, value)
    if len(matches) > 1:
        raise Ambiguous(obj.name, [record.id for record in matches])
    return matches[0].id if matches else None


def _external(name: str, field: str) -> SObject:
    obj = sobject(name)
    if field not in obj.external_ids:
        message = f"Provided external ID field does not exist or is not accessible: {field}"
        raise SfError(404, "NOT_FOUND", message)
    return obj


def _existing(sandbox: Sandbox, obj: SObject, record_id: str) -> StoredRecord:
    record = sandbox.store.get(obj.name, to18(record_id))
    if record is None:
        raise SfError(404, "NOT_FOUND", "The requested resource does not exist")
    return record


def error_response(_request: Request, exc: Exception) -> Response:
    """Any SfError raised by a route becomes the REST error array."""
    assert isinstance(exc, SfError)
    return exc.response()
