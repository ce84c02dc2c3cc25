"""The NetSuite adapter against the NetSuite sandbox over real HTTP: upserts by external id,
billing once, and every fault kind sorted into retryable and permanent errors."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import httpx
import pytest

from mdm import correlation
from mdm.connectors.errors import PermanentRemoteError, ThrottledError, TransientRemoteError
from mdm.connectors.netsuite import NetSuiteErp
from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.netsuite import TOKEN_PATH, create_app
from tests.mdm.connectors.netsuite.world import (
    AUTH,
    CUSTOMER,
    GOLDEN,
    RECORDS,
    SHORT_TIMEOUT,
    hung_logged,
    ns_adapter,
    ns_billing,
    ns_fault,
    ns_log,
    ns_stats,
)
from tests.support.sandboxes import serving


def test_customers_and_projects_are_upserted_by_external_id(erp: NetSuiteErp, base: str) -> None:
    first = erp.ensure_customer(CUSTOMER, key="k1")
    renamed = erp.ensure_customer(CustomerSpec(GOLDEN, "Senolmont S.A."), key="k2")
    assert (first.id, first.external_id) == (renamed.id, GOLDEN)
    project = ProjectSpec("PRJ-KEY-9", "Rollout", first.id, budget=Decimal("33500.00"))
    job = erp.ensure_project(project, key="k3")
    record = httpx.get(f"{base}{RECORDS}/job/{job.id}", headers=AUTH).json()
    assert (record["parent"], record["externalId"]) == ({"id": first.id}, "PRJ-KEY-9")
    assert (ns_stats(base, "customer")["records"], ns_stats(base, "job")["records"]) == (1, 1)


def test_commit_then_timeout_on_a_customer_leaves_one_record_after_the_retry(
    impatient: NetSuiteErp, base: str
) -> None:
    ns_fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method="PUT", path=f"{RECORDS}/customer")
    with pytest.raises(TransientRemoteError) as lost:
        impatient.ensure_customer(CUSTOMER, key="job-1")
    assert lost.value.outcome_unknown
    ref = impatient.ensure_customer(CUSTOMER, key="job-1")
    assert ns_stats(base, "customer") == {
        "records": 1,
        "external_id_field": "externalId",
        "duplicates": {},
    }
    assert ref.id == httpx.get(f"{base}{RECORDS}/customer/eid:{GOLDEN}", headers=AUTH).json()["id"]


@pytest.mark.parametrize(
    ("method", "hung"),
    [("PUT", "/salesOrder/eid:"), ("POST", "!transform")],
    ids=["sales_order_upsert", "transform_to_invoice"],
)
def test_commit_then_timeout_in_billing_leaves_one_order_and_one_invoice(
    impatient: NetSuiteErp, base: str, method: str, hung: str
) -> None:
    transaction = ns_billing(impatient)
    ns_fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method=method, path=f"{RECORDS}/salesOrder/")
    with pytest.raises(TransientRemoteError):
        impatient.post_billing(transaction, key="bill-job-1")
    invoice = impatient.post_billing(transaction, key="bill-job-1")
    assert (ns_stats(base, "salesOrder")["records"], ns_stats(base, "invoice")["records"]) == (1, 1)
    assert invoice.external_id == "BILL-2025-03-P1"
    transforms = [e for e in hung_logged(base, hung) if "!transform" in e["path"]]
    assert len(transforms) == 1  # the retry found the invoice, or made it for the first time
    assert impatient.post_billing(transaction, key="bill-job-1").id == invoice.id


def test_billing_twice_makes_one_invoice_with_the_lines(erp: NetSuiteErp, base: str) -> None:
    transaction = ns_billing(erp)
    first = erp.post_billing(transaction, key="b1")
    again = erp.post_billing(transaction, key="b1")
    assert (first.created, again.created, first.id) == (True, False, again.id)
    (invoice,) = erp.invoices(None)
    assert (invoice.id, invoice.total, invoice.remaining) == (
        first.id,
        Decimal("1750.50"),
        Decimal("1750.50"),
    )
    assert (invoice.external_id, invoice.currency, invoice.issued_on) == (
        "BILL-2025-03-P1",
        "EUR",
        date(2025, 3, 31),
    )
    assert invoice.status == "overdue"  # due 30 days after 2025-03-31, still open


def test_a_repeat_the_adapter_does_not_remember_is_refused_by_netsuite_and_reads_the_invoice(
    erp: NetSuiteErp, base: str
) -> None:
    transaction = ns_billing(erp)
    first = erp.post_billing(transaction, key="b3")
    other = ns_adapter(base)  # another worker, or this one restarted
    try:
        again = other.post_billing(transaction, key="b3")
    finally:
        other.close()
    assert (again.id, again.created) == (first.id, False)
    assert (ns_stats(base, "salesOrder")["records"], ns_stats(base, "invoice")["records"]) == (1, 1)
    repeat = [(e["method"], e["status"]) for e in ns_log(base, "/salesOrder/")][-2:]
    assert repeat == [("PUT", 204), ("POST", 400)]  # the transform was refused, nothing billed


@pytest.mark.parametrize("retry_after", [7, None])
def test_a_throttle_becomes_throttled_error_with_the_servers_hint(
    erp: NetSuiteErp, base: str, retry_after: int | None
) -> None:
    kind = FaultKind.THROTTLE if retry_after else FaultKind.THROTTLE_NO_RETRY_AFTER
    ns_fault(base, kind, retry_after_seconds=retry_after or 1, path=f"{RECORDS}/customer")
    with pytest.raises(ThrottledError) as throttled:
        erp.ensure_customer(CUSTOMER, key="t1")
    assert throttled.value.retry_after == retry_after  # None: the queue's backoff applies
    assert throttled.value.vendor_code == "CONCURRENCY_LIMIT_EXCEEDED"
    erp.ensure_customer(CUSTOMER, key="t1")
    assert ns_stats(base, "customer")["records"] == 1


@pytest.mark.parametrize("kind", [FaultKind.HTTP_5XX, FaultKind.FAIL_BEFORE_COMMIT])
def test_server_failures_are_transient_and_the_retry_stores_once(
    erp: NetSuiteErp, base: str, kind: FaultKind
) -> None:
    transaction = ns_billing(erp)
    ns_fault(base, kind, path=f"{RECORDS}/salesOrder/")
    with pytest.raises(TransientRemoteError) as failed:
        erp.post_billing(transaction, key="f1")
    assert not failed.value.outcome_unknown
    erp.post_billing(transaction, key="f1")
    assert (ns_stats(base, "salesOrder")["records"], ns_stats(base, "invoice")["records"]) == (1, 1)


def test_a_rejected_payload_is_permanent_and_sent_once(erp: NetSuiteErp, base: str) -> None:
    project = ProjectSpec("PRJ-ORPHAN", "No customer", "424242")
    with pytest.raises(PermanentRemoteError) as rejected:
        erp.ensure_project(project, key="p1")
    assert (rejected.value.status, rejected.value.vendor_code) == (400, "INVALID_KEY_OR_REF")
    assert [e["method"] for e in ns_log(base, "/job/")] == ["PUT"]


def test_an_unaddressable_external_id_fails_before_any_call(erp: NetSuiteErp, base: str) -> None:
    with pytest.raises(PermanentRemoteError):
        erp.ensure_customer(CustomerSpec("G|1", "Pipe"), key="x")
    assert ns_log(base) == []


def test_a_partial_batch_fault_does_not_touch_single_record_writes(
    erp: NetSuiteErp, base: str
) -> None:
    # The REST record API has no batch calls: each write is its own request and result.
    ns_fault(base, FaultKind.PARTIAL_BATCH_FAILURE, path=f"{RECORDS}/customer")
    erp.ensure_customer(CUSTOMER, key="pb")
    assert ns_stats(base, "customer")["records"] == 1


def test_a_slow_answer_within_the_timeout_succeeds(erp: NetSuiteErp, base: str) -> None:
    ns_fault(base, FaultKind.SLOW, delay_seconds=SHORT_TIMEOUT / 2, path=f"{RECORDS}/customer")
    assert erp.ensure_customer(CUSTOMER, key="s1").id
    assert [e["fault"] for e in ns_log(base)] == ["slow"]


def test_every_call_carries_the_correlation_id_and_the_jobs_key(
    erp: NetSuiteErp, base: str
) -> None:
    transaction = ns_billing(erp)
    correlation.set_current("corr-netsuite-1")
    try:
        erp.post_billing(transaction, key="job-key-77")
        erp.post_billing(transaction, key="job-key-77")
    finally:
        correlation.set_current(None)
    calls = [e for e in ns_log(base) if e["headers"].get("x-correlation-id") == "corr-netsuite-1"]
    assert len(calls) == 3  # upsert, transform; then find only
    assert {e["headers"].get("idempotency-key") for e in calls} == {"job-key-77"}


def test_a_revoked_token_is_fetched_again(erp: NetSuiteErp, base: str) -> None:
    erp.ensure_customer(CUSTOMER, key="o1")
    httpx.post(f"{base}/_sandbox/tokens/revoke")
    erp.ensure_customer(CUSTOMER, key="o2")
    statuses = [(e["path"] == TOKEN_PATH, e["status"]) for e in ns_log(base, "/services/rest/")]
    assert statuses == [(True, 200), (False, 204), (False, 401), (True, 200), (False, 204)]


def test_a_client_within_the_governance_limit_is_never_refused() -> None:
    with serving(create_app(seed=False, concurrency_limit=2)) as url:
        adapter = ns_adapter(url, max_concurrency=2)
        assert adapter.governance_limit() == 2
        adapter.ensure_customer(CUSTOMER, key="warm")  # fetch the token before the rush
        rates = {"rates": {"slow": 1.0}, "delay_seconds": 0.1}
        httpx.put(f"{url}/_sandbox/faults/rates", json=rates)
        threads = [
            threading.Thread(
                target=adapter.ensure_customer,
                args=(CustomerSpec(f"G-{n}", f"C{n}"),),
                kwargs={"key": f"c{n}"},
            )
            for n in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        adapter.close()
        assert ns_stats(url, "customer")["records"] == 7
        assert [e for e in ns_log(url) if e["status"] == 429] == []
