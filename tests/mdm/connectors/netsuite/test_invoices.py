"""Reading invoices and payments from the NetSuite sandbox: SuiteQL pages, since a moment,
and faults on the read."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from mdm.connectors.errors import TransientRemoteError
from mdm.connectors.netsuite import SUITEQL, NetSuiteErp
from mdm.sandbox.faults import FaultKind
from tests.mdm.connectors.netsuite.world import (
    AUTH,
    GOLDEN,
    RECORDS,
    hung_logged,
    ns_adapter,
    ns_billing,
    ns_fault,
    ns_log,
)


def test_invoices_and_payments_since_a_moment(erp: NetSuiteErp, base: str) -> None:
    billed = erp.post_billing(ns_billing(erp), key="b2")
    payment = {
        "entity": {"externalId": GOLDEN},
        "payment": "1000",
        "tranDate": "2025-04-20",
        "currency": {"refName": "EUR"},
        "apply": {"items": [{"doc": {"id": billed.id}, "amount": "1000", "apply": True}]},
    }
    created = httpx.post(f"{base}{RECORDS}/customerPayment", json=payment, headers=AUTH)
    assert created.status_code == 204
    (paid,) = erp.payments(datetime.now(UTC) - timedelta(minutes=5))
    assert (paid.invoice_id, paid.amount, paid.received_on) == (
        billed.id,
        Decimal("1000"),
        date(2025, 4, 20),
    )
    (invoice,) = erp.invoices(None)
    assert invoice.remaining == Decimal("750.50")
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert (erp.invoices(later), erp.payments(later)) == ([], [])


def test_invoices_are_read_by_suiteql_pages_not_one_call_per_invoice(base: str) -> None:
    paging = ns_adapter(base, page_size=2)
    try:
        billed = [
            paging.post_billing(ns_billing(paging, f"BILL-{n}"), key=f"k{n}") for n in range(5)
        ]
        before = len(ns_log(base, "/services/rest/"))
        found = paging.invoices(None)
    finally:
        paging.close()
    reads = ns_log(base, "/services/rest/")[before:]
    assert [(e["method"], e["path"], e["headers"].get("prefer")) for e in reads] == [
        ("POST", SUITEQL, "transient")
    ] * 3  # five rows, two to a page
    assert [invoice.id for invoice in found] == [ref.id for ref in billed]
    assert [invoice.external_id for invoice in found] == [f"BILL-{n}" for n in range(5)]
    first = found[0]
    assert (first.number, first.total, first.remaining, first.currency) == (
        f"INV{first.id}",
        Decimal("1750.50"),
        Decimal("1750.50"),
        "EUR",
    )
    customer = httpx.get(f"{base}{RECORDS}/customer/eid:{GOLDEN}", headers=AUTH).json()["id"]
    assert (first.issued_on, first.due_on, first.customer_id, first.status) == (
        date(2025, 3, 31),
        date(2025, 4, 30),
        customer,
        "overdue",  # open, and due long ago
    )


def test_invoices_since_a_moment_are_those_changed_since(erp: NetSuiteErp, base: str) -> None:
    earlier = erp.post_billing(ns_billing(erp, "BILL-OLD"), key="o")
    time.sleep(1.1)  # SuiteQL's bound is whole seconds: leave the first invoice's second
    since = datetime.now(UTC)
    later = erp.post_billing(ns_billing(erp, "BILL-NEW"), key="n")
    assert [invoice.id for invoice in erp.invoices(since)] == [later.id]
    assert {invoice.id for invoice in erp.invoices(None)} == {earlier.id, later.id}


@pytest.mark.parametrize(
    "kind", [FaultKind.HTTP_5XX, FaultKind.FAIL_BEFORE_COMMIT, FaultKind.THROTTLE]
)
def test_a_fault_on_the_suiteql_call_is_transient_and_the_read_again_succeeds(
    erp: NetSuiteErp, base: str, kind: FaultKind
) -> None:
    billed = erp.post_billing(ns_billing(erp), key="q1")
    ns_fault(base, kind, path=SUITEQL)
    with pytest.raises(TransientRemoteError) as failed:
        erp.invoices(None)
    assert not failed.value.outcome_unknown
    assert [invoice.id for invoice in erp.invoices(None)] == [billed.id]


def test_a_hung_suiteql_call_is_transient_with_an_unknown_outcome(
    impatient: NetSuiteErp, base: str
) -> None:
    billed = impatient.post_billing(ns_billing(impatient), key="q2")
    ns_fault(base, FaultKind.COMMIT_THEN_TIMEOUT, path=SUITEQL)
    with pytest.raises(TransientRemoteError) as lost:
        impatient.invoices(None)
    assert lost.value.outcome_unknown  # a read: asking again is always safe
    assert [invoice.id for invoice in impatient.invoices(None)] == [billed.id]
    hung_logged(base, SUITEQL)
