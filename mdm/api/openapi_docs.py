"""Examples, summaries and error statuses of operations whose routes do not state them.

`mdm.api.openapi.complete` lays these over the generated document; what a route declares
itself wins. Keyed by (method, path) as the document spells them. The OpenAPI test fails on
an operation without a summary, an example or its error answers: add it to the route (better)
or here.
"""

from __future__ import annotations

from typing import Any

from mdm.api.openapi import OperationDocs

GOLDEN_ID = "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA"
_WHEN = "2026-11-26T08:00:00Z"
_CUSTOMER = {
    "source_system": "crm",
    "source_id": "0015g00000AbCdE",
    "name": "Acme GmbH",
    "street": "Hauptstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
    "website": "acme.de",
}
_RESULT = {
    "index": 0,
    "result": "created",
    "source_system": "crm",
    "source_id": "0015g00000AbCdE",
    "golden_id": GOLDEN_ID,
    "version": 1,
    "deleted": False,
    "warnings": [],
    "reasons": [],
    "quarantine_id": None,
}
_QUARANTINED = {
    "id": 12,
    "entity_type": "customer",
    "source_system": "crm",
    "source_id": "0015g00000XyZ",
    "status": "open",
    "reasons": ["name: required"],
    "payload": {"source_system": "crm", "source_id": "0015g00000XyZ", "country": "DE"},
    "native": None,
    "origin": "record 3",
    "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA",
    "created_at": _WHEN,
    "resolved_at": None,
    "masked": [],
}
_RECORD = {
    "entity_type": "customer",
    "source_system": "crm",
    "source_id": "0015g00000AbCdE",
    "golden_id": GOLDEN_ID,
    "status": "active",
    "version": 1,
    "values": {"name": "Acme GmbH", "city": "Berlin", "country": "DE", "tax_id": None},
    "versions": [
        {
            "version": 1,
            "deleted": False,
            "data": {"name": "Acme GmbH", "city": "Berlin", "country": "DE", "tax_id": None},
            "warnings": [],
            "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA",
            "created_at": _WHEN,
        }
    ],
    "masked": ["tax_id"],
}

_OBJECT = {"type": "object"}
_BULK_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        'Up to 10,000 canonical records as a JSON array or `{"records": [...]}`; with '
        "`?system=` a page of that system's native records as its API returns it."
    ),
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]
            },
            "example": [_CUSTOMER],
        }
    },
}

_RECORD_PATH = "/api/v1/{entity}/records/{system}/{source_id}"

OPERATION_DOCS: dict[tuple[str, str], OperationDocs] = {
    ("GET", "/healthz"): OperationDocs("Liveness", {"status": "ok"}),
    ("GET", "/readyz"): OperationDocs(
        "Readiness",
        {"status": "ready", "database": "postgresql", "schema_revision": "0007"},
    ),
    ("POST", "/api/v1/{entity}/records"): OperationDocs(
        "Upsert records in bulk",
        {
            "results": [_RESULT],
            "totals": {"created": 1, "updated": 0, "unchanged": 0, "quarantined": 0},
            "snapshot_deleted": [],
        },
        errors={400: None, 413: None},
        request_body=_BULK_BODY,
    ),
    ("GET", _RECORD_PATH): OperationDocs(
        "Read a source record and its versions",
        _RECORD,
        errors={404: ("not_found", "no customer record crm:0015g00000AbCdE")},
    ),
    ("DELETE", _RECORD_PATH): OperationDocs(
        "Soft-delete a source record",
        {**_RESULT, "result": "updated", "version": 2, "deleted": True},
        errors={404: ("not_found", "no customer record crm:0015g00000AbCdE")},
    ),
    ("GET", "/api/v1/quarantine"): OperationDocs(
        "List quarantined payloads", {"items": [_QUARANTINED], "total": 1}
    ),
    ("GET", "/api/v1/quarantine/{item_id}"): OperationDocs(
        "Show a quarantined payload",
        _QUARANTINED,
        errors={404: ("not_found", "quarantine item 12 does not exist")},
    ),
    ("POST", "/api/v1/quarantine/{item_id}/resubmit"): OperationDocs(
        "Resubmit a fixed quarantined payload",
        {**_RESULT, "quarantine_id": 12},
        errors={
            404: ("not_found", "quarantine item 12 does not exist"),
            409: ("conflict", "quarantine item 12 was already resolved"),
        },
    ),
}
