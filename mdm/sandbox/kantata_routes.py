"""The REST routes of one Kantata collection: index, show, create (one or a batch), update,
delete. No upsert and no idempotency key, as in Kantata: a POST sent twice stores twice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from mdm.sandbox.core import Sandbox, SandboxDep
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.kantata_envelope import KantataError, envelope, error_item, paging
from mdm.sandbox.kantata_refs import API, attach, check_refs, detach_all, json_body
from mdm.sandbox.kantata_resources import BULK_LIMIT, Resource, clean
from mdm.sandbox.records import StoredRecord


def resource_router(resource: Resource) -> APIRouter:
    """Routes for `resource` under /api/v1/<key>.json and /api/v1/<key>/<id>.json."""
    router = APIRouter()
    many, one = f"{API}/{resource.key}.json", f"{API}/{resource.key}/{{record_id}}.json"

    @router.get(many)
    def index(request: Request, sandbox: SandboxDep) -> dict[str, Any]:
        return _index(sandbox, resource, dict(request.query_params))

    @router.get(one)
    def show(record_id: str, request: Request, sandbox: SandboxDep) -> dict[str, Any]:
        record = _found(sandbox, resource, record_id)
        side = _side(sandbox, resource, [record], request.query_params.get("include"))
        return envelope(resource.key, [record], side=side)

    @router.post(many)
    async def create(request: Request, sandbox: SandboxDep) -> dict[str, Any]:
        body = await json_body(request)
        fault = getattr(request.state, "fault", None)
        partial = fault is not None and fault.kind == FaultKind.PARTIAL_BATCH_FAILURE
        return _create(sandbox, resource, body, partial_failure=partial)

    @router.put(one)
    async def update(record_id: str, request: Request, sandbox: SandboxDep) -> dict[str, Any]:
        body = await json_body(request)
        return _update(sandbox, resource, record_id, body.get(resource.singular))

    @router.delete(one, status_code=204)
    def delete(record_id: str, sandbox: SandboxDep) -> Response:
        with sandbox.store.lock:
            _found(sandbox, resource, record_id)
            sandbox.store.delete(resource.key, record_id)
            detach_all(sandbox, resource.subject_type, record_id)
        sandbox.feed.publish(resource.subject_type, record_id, "deleted", [])
        return Response(status_code=204)

    return router


def _index(sandbox: Sandbox, resource: Resource, params: dict[str, str]) -> dict[str, Any]:
    records = sandbox.store.all(resource.key)
    if "only" in params:
        # By id, and a miss is no error (unlike GET /<key>/<id>.json).
        wanted = {i.strip() for i in params["only"].split(",") if i.strip()}
        records = [r for r in records if r.id in wanted]
    for name in resource.filters:
        if name in params:
            records = [r for r in records if _text(r.fields.get(name)) == params[name]]
    records.sort(key=lambda r: int(r.id))
    offset, page, per_page = paging(params)
    chosen = records[offset : offset + per_page]
    side = _side(sandbox, resource, chosen, params.get("include"))
    return envelope(
        resource.key, chosen, total=len(records), page=page, per_page=per_page, side=side
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _side(
    sandbox: Sandbox, resource: Resource, records: list[StoredRecord], include: str | None
) -> dict[str, list[StoredRecord]]:
    side: dict[str, list[StoredRecord]] = {}
    for name in (include or "").split(","):
        if name not in resource.includes:
            continue
        field, key = resource.includes[name]
        ids: set[str] = set()
        for record in records:
            value = record.fields.get(field)
            ids.update(value if isinstance(value, list) else [value] if value else [])
        found = (sandbox.store.get(key, i) for i in sorted(ids))
        side[key] = [r for r in found if r is not None]
    return side


def _found(sandbox: Sandbox, resource: Resource, record_id: str) -> StoredRecord:
    record = sandbox.store.get(resource.key, record_id)
    if record is None:
        raise KantataError(404, "not_found", f"{resource.singular} {record_id} not found")
    return record


def _create(
    sandbox: Sandbox, resource: Resource, body: dict[str, Any], *, partial_failure: bool
) -> dict[str, Any]:
    if resource.key in body:
        return _create_batch(sandbox, resource, body[resource.key], partial_failure)
    if resource.singular not in body:
        raise KantataError(422, "validation", f"{resource.singular} is required")
    with sandbox.store.lock:
        record = _create_one(sandbox, resource, body[resource.singular])
    _announce(sandbox, resource, record, "created")
    return envelope(resource.key, [record])


def _create_one(sandbox: Sandbox, resource: Resource, item: Any) -> StoredRecord:
    values = clean(resource, item, sandbox.store)
    refs = check_refs(item.get("external_references")) if resource.referable else []
    record = sandbox.store.create(resource.key, values)
    for ref in refs:
        attach(sandbox, resource.subject_type, record, ref)
    return record


def _create_batch(
    sandbox: Sandbox, resource: Resource, items: Any, partial_failure: bool
) -> dict[str, Any]:
    """Up to 100 at once; each item stands alone, and refused ones are listed with their index."""
    if not isinstance(items, list) or not 1 <= len(items) <= BULK_LIMIT:
        raise KantataError(
            422, "validation", f"{resource.key} must list 1 to {BULK_LIMIT} items", resource.key
        )
    created: list[StoredRecord] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if partial_failure and index % 2 == 1:
            # The injected fault: every second item is refused, nothing stored for it.
            errors.append({**error_item("system", "could not be saved, try again"), "index": index})
            continue
        try:
            with sandbox.store.lock:
                created.append(_create_one(sandbox, resource, item))
        except KantataError as exc:
            errors.extend({**e, "index": index} for e in exc.errors)
    for record in created:
        _announce(sandbox, resource, record, "created")
    body = envelope(resource.key, created)
    if errors:
        body["errors"] = errors
    return body


def _update(sandbox: Sandbox, resource: Resource, record_id: str, item: Any) -> dict[str, Any]:
    with sandbox.store.lock:
        _found(sandbox, resource, record_id)
        values = clean(resource, item, sandbox.store, partial=True)
        record = sandbox.store.update(resource.key, record_id, values)
    _announce(sandbox, resource, record, "updated", sorted(values))
    return envelope(resource.key, [record])


def _announce(
    sandbox: Sandbox,
    resource: Resource,
    record: StoredRecord,
    change: str,
    fields: list[str] | None = None,
) -> None:
    changed = fields if fields is not None else sorted(k for k in record.fields if k[0] != "_")
    sandbox.feed.publish(resource.subject_type, record.id, change, changed)
