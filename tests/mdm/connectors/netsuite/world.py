"""The NetSuite contract tests' world: constants, an adapter on a served sandbox, and helpers
that read the sandbox's own storage and request log."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from pydantic import SecretStr

from mdm.connectors.config import SystemConnection
from mdm.connectors.netsuite import MAX_PAGE, NetSuiteErp, build
from mdm.connectors.ports import BillingLine, BillingTransaction, CustomerSpec, ErpPort, ProjectSpec
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.netsuite import TOKEN_PATH

RECORDS = "/services/rest/record/v1"
AUTH = {"Authorization": "Bearer sandbox-token"}
# Patience for ordinary calls, generous because the test machines are shared and noisy;
# a shorter one for the tests that need a timeout, and a hang well past it.
TIMEOUT = 5.0
SHORT_TIMEOUT = 1.0
HANG = 3.0
GOLDEN = "cus_01HZY3K6W9M2Q4R7T8V5X0N1PB"  # a golden id is a valid NetSuite external id
CUSTOMER = CustomerSpec(GOLDEN, "Senolmont Distribución S.A.", "ES", "EUR", "ES01", "ESA1")


def ns_adapter(
    base: str, timeout: float = TIMEOUT, page_size: int = MAX_PAGE, **options: Any
) -> NetSuiteErp:
    """The adapter over OAuth2 client credentials."""
    connection = SystemConnection(
        product="netsuite",
        token_url=f"{base}{TOKEN_PATH}",
        client_id="mdm-hub",
        client_secret=SecretStr("sandbox-secret"),
        timeout_seconds=timeout,
        rate_per_second=1000,
        **options,
    )
    adapter = build(connection, base, page_size=page_size)
    port: ErpPort = adapter  # type-checked: the adapter implements the ERP port
    assert port.system == "netsuite"
    return adapter


def ns_fault(base: str, kind: FaultKind, **extra: Any) -> None:
    body = {"kind": kind, "delay_seconds": HANG, **extra}
    assert httpx.post(f"{base}/_sandbox/faults", json=body).status_code == 204


def ns_stats(base: str, type_: str) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = httpx.get(f"{base}/_sandbox/stats").json()["types"]
    return types.get(type_, {"records": 0, "duplicates": {}})


def ns_log(base: str, path_part: str = RECORDS) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{base}/_sandbox/requests").json()
    return [e for e in entries if path_part in e["path"]]


def hung_logged(base: str, path_part: str) -> list[dict[str, Any]]:
    """The log once the hung request to `path_part` has ended (a request is logged at its end;
    a hang left by an earlier test may land in this test's log too, hence the path)."""
    deadline = time.monotonic() + 10 * HANG
    while time.monotonic() < deadline:
        entries = ns_log(base, "/services/rest/")
        hung = [e for e in entries if e["fault"] == FaultKind.COMMIT_THEN_TIMEOUT]
        if any(path_part in e["path"] for e in hung):
            return entries
        time.sleep(0.05)
    raise AssertionError("the hung request never finished")


def ns_billing(erp: NetSuiteErp, external_id: str = "BILL-2025-03-P1") -> BillingTransaction:
    customer = erp.ensure_customer(CUSTOMER, key="k-customer")
    project = ProjectSpec("PRJ-KEY-1", "Treasury System Selection", customer.id, code="PRJ-1")
    job = erp.ensure_project(project, key="k-project")
    lines = (
        BillingLine("March consulting", Decimal("10"), Decimal("150"), Decimal("1500"), "te-1"),
        BillingLine("Travel", Decimal("1"), Decimal("250.50"), Decimal("250.50"), "ex-7"),
    )
    return BillingTransaction(external_id, customer.id, job.id, date(2025, 3, 31), "EUR", lines)
