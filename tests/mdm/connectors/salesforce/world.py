"""Helpers for the Salesforce contract tests: requests to the sandbox and its admin routes."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from mdm.connectors.config import SystemConnection
from mdm.connectors.ports import InvoiceStatus
from mdm.connectors.salesforce import SalesforceCrm, build
from mdm.sandbox.faults import FaultKind

API = "/services/data/v61.0"
AUTH = {"Authorization": "Bearer sandbox-token"}
TOKEN = "/services/oauth2/token"
TIMEOUT = 5.0
SHORT_TIMEOUT = 1.0  # for commit_then_timeout, whose answer hangs HANG seconds
HANG = 3.0
INVOICES = f"{API}/sobjects/Invoice_Status__c"
COLLECTIONS = f"{API}/composite/sobjects/Invoice_Status__c"


def sf_adapter(base: str, timeout: float = TIMEOUT) -> SalesforceCrm:
    connection = SystemConnection(
        token_url=f"{base}{TOKEN}",
        client_id="mdm-hub",
        client_secret="sandbox-secret",
        timeout_seconds=timeout,
        rate_per_second=1000,
    )
    return build(connection, base)


def sf_create(base: str, sobject: str, body: dict[str, Any]) -> str:
    response = httpx.post(f"{base}{API}/sobjects/{sobject}", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    record_id: str = response.json()["id"]
    return record_id


def sf_account(base: str, name: str = "Acme", **fields: Any) -> str:
    return sf_create(base, "Account", {"Name": name, **fields})


def sf_fault(base: str, kind: FaultKind, path: str, **extra: Any) -> None:
    body = {"kind": kind, "path": path, **extra}
    assert httpx.post(f"{base}/_sandbox/faults", json=body).status_code == 204


def sf_stats(base: str, sobject: str) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = httpx.get(f"{base}/_sandbox/stats").json()["types"]
    return types.get(sobject, {"records": 0, "duplicates": {}})


def sf_log(base: str, method: str | None = None, path: str = "") -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{base}/_sandbox/requests").json()
    return [
        e
        for e in entries
        if (method is None or e["method"] == method) and e["path"].startswith(path)
    ]


def sf_logged(base: str, method: str, path: str, count: int) -> list[dict[str, Any]]:
    """The log once `count` requests are in: a hung answer is logged when it is finally sent."""
    deadline = time.monotonic() + 15
    while len(entries := sf_log(base, method, path)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return entries


def sf_invoice_status(invoice_id: str = "INV-1", status: str = "open") -> InvoiceStatus:
    return InvoiceStatus(
        invoice_id=invoice_id,
        number=f"No. {invoice_id}",
        status=status,
        total=Decimal("1200.50"),
        remaining=Decimal("200.50"),
        currency="EUR",
        due_date=date(2025, 6, 30),
    )
