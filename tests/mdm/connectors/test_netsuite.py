"""The NetSuite adapter against the NetSuite sandbox over real HTTP, under every fault kind."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.connectors.config import SystemConnection
from mdm.connectors.errors import PermanentRemoteError, ThrottledError, TransientRemoteError
from mdm.connectors.netsuite import MAX_PAGE, SUITEQL, NetSuiteErp, build
from mdm.connectors.ports import BillingLine, BillingTransaction, CustomerSpec, ErpPort, ProjectSpec
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import RetryStrategy, TaskRegistry
from mdm.jobs.worker import Worker, WorkerConfig
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.netsuite import TOKEN_PATH, create_app
from tests.support.sandboxes import serving

RECORDS = "/services/rest/record/v1"
AUTH = {"Authorization": "Bearer sandbox-token"}
# Patience for ordinary calls, generous because the test machines are shared and noisy;
# a shorter one for the tests that need a timeout, and a hang well past it.
TIMEOUT = 5.0
SHORT_TIMEOUT = 1.0
HANG = 3.0
GOLDEN = "cus_01HZY3K6W9M2Q4R7T8V5X0N1PB"  # a golden id is a valid NetSuite external id
CUSTOMER = CustomerSpec(GOLDEN, "Senolmont Distribución S.A.", "ES", "EUR", "ES01", "ESA1")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving(create_app(seed=False)) as url:
        yield url


@pytest.fixture
def base(served: str) -> str:
    httpx.post(f"{served}/_sandbox/reset")
    return served


def _adapter(
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


@pytest.fixture
def erp(base: str) -> Iterator[NetSuiteErp]:
    adapter = _adapter(base)
    yield adapter
    adapter.close()


@pytest.fixture
def impatient(base: str) -> Iterator[NetSuiteErp]:
    """An adapter that gives up on a commit_then_timeout answer."""
    adapter = _adapter(base, timeout=SHORT_TIMEOUT)
    yield adapter
    adapter.close()


def _fault(base: str, kind: FaultKind, **extra: Any) -> None:
    body = {"kind": kind, "delay_seconds": HANG, **extra}
    assert httpx.post(f"{base}/_sandbox/faults", json=body).status_code == 204


def _stats(base: str, type_: str) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = httpx.get(f"{base}/_sandbox/stats").json()["types"]
    return types.get(type_, {"records": 0, "duplicates": {}})


def _log(base: str, path_part: str = RECORDS) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{base}/_sandbox/requests").json()
    return [e for e in entries if path_part in e["path"]]


def _hung_logged(base: str, path_part: str) -> list[dict[str, Any]]:
    """The log once the hung request to `path_part` has ended (a request is logged at its end;
    a hang left by an earlier test may land in this test's log too, hence the path)."""
    deadline = time.monotonic() + 10 * HANG
    while time.monotonic() < deadline:
        entries = _log(base, "/services/rest/")
        hung = [e for e in entries if e["fault"] == FaultKind.COMMIT_THEN_TIMEOUT]
        if any(path_part in e["path"] for e in hung):
            return entries
        time.sleep(0.05)
    raise AssertionError("the hung request never finished")


def _billing(erp: NetSuiteErp, external_id: str = "BILL-2025-03-P1") -> BillingTransaction:
    customer = erp.ensure_customer(CUSTOMER, key="k-customer")
    project = ProjectSpec("PRJ-KEY-1", "Treasury System Selection", customer.id, code="PRJ-1")
    job = erp.ensure_project(project, key="k-project")
    lines = (
        BillingLine("March consulting", Decimal("10"), Decimal("150"), Decimal("1500"), "te-1"),
        BillingLine("Travel", Decimal("1"), Decimal("250.50"), Decimal("250.50"), "ex-7"),
    )
    return BillingTransaction(external_id, customer.id, job.id, date(2025, 3, 31), "EUR", lines)


def test_customers_and_projects_are_upserted_by_external_id(erp: NetSuiteErp, base: str) -> None:
    first = erp.ensure_customer(CUSTOMER, key="k1")
    renamed = erp.ensure_customer(CustomerSpec(GOLDEN, "Senolmont S.A."), key="k2")
    assert (first.id, first.external_id) == (renamed.id, GOLDEN)
    project = ProjectSpec("PRJ-KEY-9", "Rollout", first.id, budget=Decimal("33500.00"))
    job = erp.ensure_project(project, key="k3")
    record = httpx.get(f"{base}{RECORDS}/job/{job.id}", headers=AUTH).json()
    assert (record["parent"], record["externalId"]) == ({"id": first.id}, "PRJ-KEY-9")
    assert (_stats(base, "customer")["records"], _stats(base, "job")["records"]) == (1, 1)


def test_commit_then_timeout_on_a_customer_leaves_one_record_after_the_retry(
    impatient: NetSuiteErp, base: str
) -> None:
    _fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method="PUT", path=f"{RECORDS}/customer")
    with pytest.raises(TransientRemoteError) as lost:
        impatient.ensure_customer(CUSTOMER, key="job-1")
    assert lost.value.outcome_unknown
    ref = impatient.ensure_customer(CUSTOMER, key="job-1")
    assert _stats(base, "customer") == {
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
    transaction = _billing(impatient)
    _fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method=method, path=f"{RECORDS}/salesOrder/")
    with pytest.raises(TransientRemoteError):
        impatient.post_billing(transaction, key="bill-job-1")
    invoice = impatient.post_billing(transaction, key="bill-job-1")
    assert (_stats(base, "salesOrder")["records"], _stats(base, "invoice")["records"]) == (1, 1)
    assert invoice.external_id == "BILL-2025-03-P1"
    transforms = [e for e in _hung_logged(base, hung) if "!transform" in e["path"]]
    assert len(transforms) == 1  # the retry found the invoice, or made it for the first time
    assert impatient.post_billing(transaction, key="bill-job-1").id == invoice.id


def test_billing_twice_makes_one_invoice_with_the_lines(erp: NetSuiteErp, base: str) -> None:
    transaction = _billing(erp)
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
    transaction = _billing(erp)
    first = erp.post_billing(transaction, key="b3")
    other = _adapter(base)  # another worker, or this one restarted
    try:
        again = other.post_billing(transaction, key="b3")
    finally:
        other.close()
    assert (again.id, again.created) == (first.id, False)
    assert (_stats(base, "salesOrder")["records"], _stats(base, "invoice")["records"]) == (1, 1)
    repeat = [(e["method"], e["status"]) for e in _log(base, "/salesOrder/")][-2:]
    assert repeat == [("PUT", 204), ("POST", 400)]  # the transform was refused, nothing billed


def test_invoices_and_payments_since_a_moment(erp: NetSuiteErp, base: str) -> None:
    billed = erp.post_billing(_billing(erp), key="b2")
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
    paging = _adapter(base, page_size=2)
    try:
        billed = [paging.post_billing(_billing(paging, f"BILL-{n}"), key=f"k{n}") for n in range(5)]
        before = len(_log(base, "/services/rest/"))
        found = paging.invoices(None)
    finally:
        paging.close()
    reads = _log(base, "/services/rest/")[before:]
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
    earlier = erp.post_billing(_billing(erp, "BILL-OLD"), key="o")
    time.sleep(1.1)  # SuiteQL's bound is whole seconds: leave the first invoice's second
    since = datetime.now(UTC)
    later = erp.post_billing(_billing(erp, "BILL-NEW"), key="n")
    assert [invoice.id for invoice in erp.invoices(since)] == [later.id]
    assert {invoice.id for invoice in erp.invoices(None)} == {earlier.id, later.id}


@pytest.mark.parametrize(
    "kind", [FaultKind.HTTP_5XX, FaultKind.FAIL_BEFORE_COMMIT, FaultKind.THROTTLE]
)
def test_a_fault_on_the_suiteql_call_is_transient_and_the_read_again_succeeds(
    erp: NetSuiteErp, base: str, kind: FaultKind
) -> None:
    billed = erp.post_billing(_billing(erp), key="q1")
    _fault(base, kind, path=SUITEQL)
    with pytest.raises(TransientRemoteError) as failed:
        erp.invoices(None)
    assert not failed.value.outcome_unknown
    assert [invoice.id for invoice in erp.invoices(None)] == [billed.id]


def test_a_hung_suiteql_call_is_transient_with_an_unknown_outcome(
    impatient: NetSuiteErp, base: str
) -> None:
    billed = impatient.post_billing(_billing(impatient), key="q2")
    _fault(base, FaultKind.COMMIT_THEN_TIMEOUT, path=SUITEQL)
    with pytest.raises(TransientRemoteError) as lost:
        impatient.invoices(None)
    assert lost.value.outcome_unknown  # a read: asking again is always safe
    assert [invoice.id for invoice in impatient.invoices(None)] == [billed.id]
    _hung_logged(base, SUITEQL)


@pytest.mark.parametrize("retry_after", [7, None])
def test_a_throttle_becomes_throttled_error_with_the_servers_hint(
    erp: NetSuiteErp, base: str, retry_after: int | None
) -> None:
    kind = FaultKind.THROTTLE if retry_after else FaultKind.THROTTLE_NO_RETRY_AFTER
    _fault(base, kind, retry_after_seconds=retry_after or 1, path=f"{RECORDS}/customer")
    with pytest.raises(ThrottledError) as throttled:
        erp.ensure_customer(CUSTOMER, key="t1")
    assert throttled.value.retry_after == retry_after  # None: the queue's backoff applies
    assert throttled.value.vendor_code == "CONCURRENCY_LIMIT_EXCEEDED"
    erp.ensure_customer(CUSTOMER, key="t1")
    assert _stats(base, "customer")["records"] == 1


@pytest.mark.parametrize("kind", [FaultKind.HTTP_5XX, FaultKind.FAIL_BEFORE_COMMIT])
def test_server_failures_are_transient_and_the_retry_stores_once(
    erp: NetSuiteErp, base: str, kind: FaultKind
) -> None:
    transaction = _billing(erp)
    _fault(base, kind, path=f"{RECORDS}/salesOrder/")
    with pytest.raises(TransientRemoteError) as failed:
        erp.post_billing(transaction, key="f1")
    assert not failed.value.outcome_unknown
    erp.post_billing(transaction, key="f1")
    assert (_stats(base, "salesOrder")["records"], _stats(base, "invoice")["records"]) == (1, 1)


def test_a_rejected_payload_is_permanent_and_sent_once(erp: NetSuiteErp, base: str) -> None:
    project = ProjectSpec("PRJ-ORPHAN", "No customer", "424242")
    with pytest.raises(PermanentRemoteError) as rejected:
        erp.ensure_project(project, key="p1")
    assert (rejected.value.status, rejected.value.vendor_code) == (400, "INVALID_KEY_OR_REF")
    assert [e["method"] for e in _log(base, "/job/")] == ["PUT"]


def test_an_unaddressable_external_id_fails_before_any_call(erp: NetSuiteErp, base: str) -> None:
    with pytest.raises(PermanentRemoteError):
        erp.ensure_customer(CustomerSpec("G|1", "Pipe"), key="x")
    assert _log(base) == []


def test_a_partial_batch_fault_does_not_touch_single_record_writes(
    erp: NetSuiteErp, base: str
) -> None:
    # The REST record API has no batch calls: each write is its own request and result.
    _fault(base, FaultKind.PARTIAL_BATCH_FAILURE, path=f"{RECORDS}/customer")
    erp.ensure_customer(CUSTOMER, key="pb")
    assert _stats(base, "customer")["records"] == 1


def test_a_slow_answer_within_the_timeout_succeeds(erp: NetSuiteErp, base: str) -> None:
    _fault(base, FaultKind.SLOW, delay_seconds=SHORT_TIMEOUT / 2, path=f"{RECORDS}/customer")
    assert erp.ensure_customer(CUSTOMER, key="s1").id
    assert [e["fault"] for e in _log(base)] == ["slow"]


def test_every_call_carries_the_correlation_id_and_the_jobs_key(
    erp: NetSuiteErp, base: str
) -> None:
    transaction = _billing(erp)
    correlation.set_current("corr-netsuite-1")
    try:
        erp.post_billing(transaction, key="job-key-77")
        erp.post_billing(transaction, key="job-key-77")
    finally:
        correlation.set_current(None)
    calls = [e for e in _log(base) if e["headers"].get("x-correlation-id") == "corr-netsuite-1"]
    assert len(calls) == 3  # upsert, transform; then find only
    assert {e["headers"].get("idempotency-key") for e in calls} == {"job-key-77"}


def test_a_revoked_token_is_fetched_again(erp: NetSuiteErp, base: str) -> None:
    erp.ensure_customer(CUSTOMER, key="o1")
    httpx.post(f"{base}/_sandbox/tokens/revoke")
    erp.ensure_customer(CUSTOMER, key="o2")
    statuses = [(e["path"] == TOKEN_PATH, e["status"]) for e in _log(base, "/services/rest/")]
    assert statuses == [(True, 200), (False, 204), (False, 401), (True, 200), (False, 204)]


def test_a_client_within_the_governance_limit_is_never_refused() -> None:
    with serving(create_app(seed=False, concurrency_limit=2)) as url:
        adapter = _adapter(url, max_concurrency=2)
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
        assert _stats(url, "customer")["records"] == 7
        assert [e for e in _log(url) if e["status"] == 429] == []


def test_a_billing_job_under_commit_then_timeout_posts_one_invoice_through_the_queue(
    engine: Engine, impatient: NetSuiteErp, base: str
) -> None:
    transaction = _billing(impatient)
    registry = TaskRegistry()

    @registry.task(name="erp.post_billing", retry=RetryStrategy(max_attempts=3, base_delay_s=0))
    def post_billing(ctx: JobContext, external_id: str) -> None:
        assert external_id == transaction.external_id
        impatient.post_billing(transaction, key=ctx.idempotency_key)

    _fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method="POST", path=f"{RECORDS}/salesOrder/")
    task = registry.get("erp.post_billing")
    assert task is not None
    with session_scope(engine, write=True) as session:
        job = store.new_job(task, {"external_id": transaction.external_id})
        store.enqueue(session, [job], utcnow())
    Worker(engine, registry, WorkerConfig(poll_seconds=0.01)).run(threading.Event(), burst=True)
    with engine.connect() as connection:
        (row,) = connection.execute(select(store.JOB)).all()
    assert (row.status, row.attempts) == (JobStatus.SUCCEEDED, 2)
    assert (_stats(base, "salesOrder")["records"], _stats(base, "invoice")["records"]) == (1, 1)
    assert _stats(base, "invoice")["duplicates"] == {}
