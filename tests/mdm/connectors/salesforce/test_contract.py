"""The Salesforce adapter against the Salesforce sandbox over real HTTP, under every fault kind.

Remote state is read from the sandbox (`/_sandbox/stats`, `/_sandbox/requests`), never from
what the adapter believes. A retry is the same call again with the same key, as the job queue
makes it; the last tests run the write as a real job through `mdm.jobs`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from mdm import correlation
from mdm.connectors.errors import (
    AmbiguousExternalId,
    PermanentRemoteError,
    ThrottledError,
    TransientRemoteError,
)
from mdm.connectors.ports import CrmPort, PaymentSummary
from mdm.connectors.salesforce import SalesforceCrm
from mdm.jobs.tasks import PermanentError, RetryableError
from mdm.sandbox.faults import FaultKind
from tests.mdm.connectors.salesforce.world import (
    API,
    AUTH,
    COLLECTIONS,
    HANG,
    INVOICES,
    SHORT_TIMEOUT,
    TOKEN,
    sf_account,
    sf_create,
    sf_fault,
    sf_invoice_status,
    sf_log,
    sf_logged,
    sf_stats,
)

Write = Callable[[SalesforceCrm, str, str], None]


def _summary() -> PaymentSummary:
    return PaymentSummary(
        open_total=Decimal("300"),
        paid_total=Decimal("900.25"),
        overdue_total=Decimal("0"),
        currency="EUR",
        as_of=datetime(2025, 6, 1, 12, tzinfo=UTC),
    )


def _write_status(crm: SalesforceCrm, account: str, key: str) -> None:
    crm.write_invoice_status(account, sf_invoice_status(), key=key)


def _write_summary(crm: SalesforceCrm, account: str, key: str) -> None:
    crm.write_payment_summary(account, _summary(), key=key)


def _write_batch(crm: SalesforceCrm, account: str, key: str) -> None:
    results = crm.write_invoice_statuses([(account, sf_invoice_status())], key=key)
    assert [r.error for r in results] == [None]


# Each write, the path its faults aim at, and the remote type it stores.
WRITES = {
    "invoice_status": (_write_status, INVOICES, "Invoice_Status__c"),
    "invoice_statuses": (_write_batch, COLLECTIONS, "Invoice_Status__c"),
    "payment_summary": (_write_summary, f"{API}/sobjects/Account/", "Account"),
}


def test_the_adapter_is_the_crm_port(crm: SalesforceCrm) -> None:
    port: CrmPort = crm  # checked by mypy: every verb, with the port's signature
    assert port.system == "salesforce"


def test_closed_won_opportunities_follow_every_page_oldest_change_first(
    base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    won = []
    for n in range(5):
        body = {"Name": f"Deal {n}", "AccountId": account, "CloseDate": "2025-01-31"}
        won.append(sf_create(base, "Opportunity", {**body, "StageName": "Closed Won"}))
        sf_create(base, "Opportunity", {**body, "StageName": "Closed Lost"})
    deals = crm.closed_won_opportunities(None)
    assert [d.id for d in deals] == won
    assert (deals[0].account_id, deals[0].stage, deals[0].close_date) == (
        account,
        "Closed Won",
        date(2025, 1, 31),
    )
    assert len(sf_log(base, "GET", f"{API}/query")) == 3  # page size 2: 5 rows in 3 pages
    since = deals[2].modified_at
    later = crm.closed_won_opportunities(since)
    assert [d.id for d in later] == [d.id for d in deals if d.modified_at > since]
    assert not {d.id for d in later} & set(won[:3])


def test_accounts_come_back_in_the_order_asked_and_unknown_ids_are_left_out(
    base: str, crm: SalesforceCrm
) -> None:
    first = sf_account(base, "First", BillingCountry="DE", CurrencyIsoCode="EUR")
    second = sf_account(base, "Second", Hub_Golden_Id__c="cus_01JD3X")
    missing = "001" + "9" * 15
    found = crm.accounts([second, missing, first[:15], "x' OR Name != '"])
    assert [(a.id, a.name) for a in found] == [(second, "Second"), (first, "First")]
    assert (found[1].country, found[1].currency) == ("DE", "EUR")
    assert found[0].fields["Hub_Golden_Id__c"] == "cus_01JD3X"


def test_invoice_status_is_one_remote_record_per_invoice_created_then_updated(
    base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    crm.write_invoice_status(account, sf_invoice_status(status="open"), key="k1")
    crm.write_invoice_status(account, sf_invoice_status(status="paid"), key="k2")
    assert [e["status"] for e in sf_log(base, "PATCH", INVOICES)] == [201, 200]
    assert sf_stats(base, "Invoice_Status__c") | {"external_id_field": None} == {
        "records": 1,
        "duplicates": {},
        "external_id_field": None,
    }
    soql = "SELECT Status__c, Total__c, Account__c FROM Invoice_Status__c"
    rows = httpx.get(f"{base}{API}/query", params={"q": soql}, headers=AUTH).json()["records"]
    assert [(r["Status__c"], r["Total__c"], r["Account__c"]) for r in rows] == [
        ("paid", 1200.5, account)
    ]


@pytest.mark.parametrize("write", WRITES)
def test_a_retry_after_commit_then_timeout_leaves_exactly_one_remote_record(
    base: str, hasty: SalesforceCrm, write: str
) -> None:
    call, path, sobject = WRITES[write]
    account = sf_account(base)
    sf_fault(base, FaultKind.COMMIT_THEN_TIMEOUT, path, method="PATCH", delay_seconds=HANG)
    with pytest.raises(TransientRemoteError) as lost:
        call(hasty, account, "key-1")
    assert lost.value.outcome_unknown
    call(hasty, account, "key-1")  # the queue's retry: same call, same key
    assert sf_stats(base, sobject)["records"] == 1
    assert sf_stats(base, sobject)["duplicates"] == {}
    attempts = sf_logged(base, "PATCH", path, 2)
    assert sorted(str(e["fault"]) for e in attempts) == ["None", "commit_then_timeout"]
    sent = "key-1:0" if write == "invoice_statuses" else "key-1"  # a batch key per chunk
    assert {e["headers"]["idempotency-key"] for e in attempts} == {sent}


@pytest.mark.parametrize(
    ("kind", "retry_after"), [(FaultKind.THROTTLE, 7.0), (FaultKind.THROTTLE_NO_RETRY_AFTER, None)]
)
def test_request_limit_exceeded_is_a_throttle_carrying_the_servers_wait_if_any(
    base: str, crm: SalesforceCrm, kind: FaultKind, retry_after: float | None
) -> None:
    account = sf_account(base)
    sf_fault(base, kind, INVOICES, retry_after_seconds=7)
    with pytest.raises(ThrottledError) as throttled:
        _write_status(crm, account, "key-1")
    error = throttled.value
    assert (error.status, error.vendor_code, error.retry_after) == (
        403,
        "REQUEST_LIMIT_EXCEEDED",
        retry_after,
    )
    assert sf_stats(base, "Invoice_Status__c")["records"] == 0
    _write_status(crm, account, "key-1")
    assert sf_stats(base, "Invoice_Status__c")["records"] == 1


@pytest.mark.parametrize("kind", [FaultKind.HTTP_5XX, FaultKind.FAIL_BEFORE_COMMIT])
@pytest.mark.parametrize("write", WRITES)
def test_server_errors_are_transient_and_the_retry_stores_once(
    base: str, crm: SalesforceCrm, kind: FaultKind, write: str
) -> None:
    call, path, sobject = WRITES[write]
    account = sf_account(base)
    before = sf_stats(base, sobject)["records"]
    sf_fault(base, kind, path)
    with pytest.raises(TransientRemoteError) as failed:
        call(crm, account, "key-1")
    assert not isinstance(failed.value, ThrottledError)
    assert not failed.value.outcome_unknown
    assert failed.value.status in (500, 503)
    assert sf_stats(base, sobject)["records"] == before
    call(crm, account, "key-1")
    assert sf_stats(base, sobject)["records"] == 1
    assert len(sf_log(base, "PATCH", path)) == 2


def test_a_dangling_account_reference_is_permanent_and_sent_once(
    base: str, crm: SalesforceCrm
) -> None:
    with pytest.raises(PermanentRemoteError) as refused:
        crm.write_invoice_status("001" + "9" * 15, sf_invoice_status(), key="key-1")
    assert (refused.value.status, refused.value.vendor_code) == (400, "INVALID_CROSS_REFERENCE_KEY")
    assert not isinstance(refused.value, RetryableError)
    assert len(sf_log(base, "PATCH")) == 1
    assert sf_stats(base, "Invoice_Status__c")["records"] == 0


def test_an_unknown_account_is_a_permanent_404_sent_once(base: str, crm: SalesforceCrm) -> None:
    with pytest.raises(PermanentRemoteError) as refused:
        crm.write_payment_summary("001" + "9" * 15, _summary(), key="key-1")
    assert (refused.value.status, refused.value.vendor_code) == (404, "NOT_FOUND")
    assert len(sf_log(base, "PATCH")) == 1


def test_a_malformed_account_id_is_refused_without_a_call(base: str, crm: SalesforceCrm) -> None:
    with pytest.raises(PermanentRemoteError):
        crm.write_payment_summary("not-an-id/../x", _summary(), key="key-1")
    assert sf_log(base, "PATCH") == []


def test_an_ambiguous_external_id_is_permanent_and_writes_nothing(
    base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    for _ in range(2):
        sf_create(base, "Invoice_Status__c", {"Account__c": account, "Hub_Invoice_Id__c": "INV-1"})
    with pytest.raises(AmbiguousExternalId) as ambiguous:
        _write_status(crm, account, "key-1")
    assert isinstance(ambiguous.value, PermanentError)
    assert ambiguous.value.status == 300
    assert len(sf_log(base, "PATCH")) == 1
    assert sf_stats(base, "Invoice_Status__c") | {"external_id_field": None} == {
        "records": 2,
        "duplicates": {"INV-1": 2},
        "external_id_field": None,
    }


def test_a_slow_answer_within_the_timeout_succeeds(base: str, crm: SalesforceCrm) -> None:
    account = sf_account(base)
    sf_fault(base, FaultKind.SLOW, INVOICES, delay_seconds=SHORT_TIMEOUT + 0.2)
    _write_status(crm, account, "key-1")
    assert [e["fault"] for e in sf_log(base, "PATCH")] == ["slow"]
    assert sf_stats(base, "Invoice_Status__c")["records"] == 1


def test_partial_batch_failure_is_reported_per_item_and_the_failed_items_retry(
    base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    items = [(account, sf_invoice_status(f"INV-{n}")) for n in range(4)]
    sf_fault(base, FaultKind.PARTIAL_BATCH_FAILURE, COLLECTIONS)
    results = crm.write_invoice_statuses(items, key="batch-1")
    assert [(r.external_id, r.created) for r in results if r.error is None] == [
        ("INV-0", True),
        ("INV-2", True),
    ]
    failed = [r for r in results if r.error is not None]
    assert [r.external_id for r in failed] == ["INV-1", "INV-3"]
    assert all(isinstance(r.error, TransientRemoteError) for r in failed)
    assert {r.error.vendor_code for r in failed if r.error} == {"UNABLE_TO_LOCK_ROW"}
    again = crm.write_invoice_statuses(items, key="batch-1")
    assert [r.created for r in again] == [False, True, False, True]
    assert sf_stats(base, "Invoice_Status__c")["records"] == 4
    assert sf_stats(base, "Invoice_Status__c")["duplicates"] == {}


def test_every_call_carries_the_correlation_id_the_client_id_and_write_keys(
    base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    setup = len(sf_log(base))
    correlation.set_current("corr-sf-1")
    try:
        crm.closed_won_opportunities(None)
        crm.accounts([account])
        _write_status(crm, account, "key-status")
        _write_summary(crm, account, "key-summary")
        _write_batch(crm, account, "key-batch")
    finally:
        correlation.set_current(None)
    # The token request is OAuth's own exchange, not an API call: it carries no client id.
    calls = [e for e in sf_log(base)[setup:] if e["path"] != TOKEN]
    assert len(calls) == 5
    assert {e["headers"]["x-correlation-id"] for e in calls} == {"corr-sf-1"}
    assert {e["headers"]["sforce-call-options"] for e in calls} == {"client=mdmhub"}
    keys = [e["headers"].get("idempotency-key") for e in calls if e["method"] == "PATCH"]
    assert keys == ["key-status", "key-summary", "key-batch:0"]


def test_the_token_is_fetched_once_and_again_after_it_is_revoked(
    base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    crm.accounts([account])
    crm.accounts([account])
    assert len(sf_log(base, "POST", TOKEN)) == 1
    assert httpx.post(f"{base}/_sandbox/tokens/revoke").status_code == 204
    assert [a.id for a in crm.accounts([account])] == [account]
    assert len(sf_log(base, "POST", TOKEN)) == 2
    assert [e["status"] for e in sf_log(base, "GET")] == [200, 200, 401, 200]
    assert crm.api_usage is not None
    assert crm.api_usage[1] == 15_000
