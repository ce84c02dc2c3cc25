"""The NetSuite sandbox against NetSuite's documented behaviour (systems.md §1.5), over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from mdm.sandbox.netsuite import GOVERNANCE_PATH, TOKEN_PATH, create_app
from tests.support.sandboxes import serving

RECORDS = "/services/rest/record/v1"
AUTH = {"Authorization": "Bearer sandbox-token"}


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving(create_app(seed=False, concurrency_limit=2)) as url:
        yield url


@pytest.fixture
def ns(served: str) -> Iterator[httpx.Client]:
    httpx.post(f"{served}/_sandbox/reset")
    with httpx.Client(base_url=served, headers=AUTH, timeout=10) as client:
        yield client


def _records(ns: httpx.Client, type_: str) -> dict[str, Any]:
    stats: dict[str, Any] = ns.get("/_sandbox/stats").json()["types"].get(type_, {})
    return stats


def _error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"type", "title", "status", "o:errorDetails"}
    assert body["status"] == response.status_code
    (detail,) = body["o:errorDetails"]
    assert detail["detail"]
    code: str = detail["o:errorCode"]
    return code


def _customer(ns: httpx.Client, external_id: str, name: str = "Acme") -> str:
    response = ns.put(f"{RECORDS}/customer/eid:{external_id}", json={"companyName": name})
    assert response.status_code == 204
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def test_put_by_external_id_creates_then_updates_the_same_record(ns: httpx.Client) -> None:
    first = _customer(ns, "G-100_a", "Acme")
    second = _customer(ns, "G-100_a", "Acme Ltd")
    assert first == second
    assert first.isdigit()
    record = ns.get(f"{RECORDS}/customer/eid:G-100_a").json()
    assert (record["id"], record["companyName"], record["externalId"]) == (
        first,
        "Acme Ltd",
        "G-100_a",
    )
    assert _records(ns, "customer") == {
        "records": 1,
        "external_id_field": "externalId",
        "duplicates": {},
    }


def test_post_answers_204_with_the_new_internal_id_in_location(ns: httpx.Client) -> None:
    response = ns.post(f"{RECORDS}/customer", json={"companyName": "Beta", "externalId": "B1"})
    assert (response.status_code, response.content) == (204, b"")
    location = str(response.headers["location"])
    assert location.startswith(f"{RECORDS}/customer/")
    by_id = ns.get(location).json()
    assert by_id == ns.get(f"{RECORDS}/customer/eid:B1").json()


def test_an_external_id_is_unique_per_record_type(ns: httpx.Client) -> None:
    _customer(ns, "DUP-1")
    again = ns.post(f"{RECORDS}/customer", json={"companyName": "Twin", "externalId": "DUP-1"})
    assert (again.status_code, _error_code(again)) == (400, "DUP_RCRD")
    assert _records(ns, "customer")["records"] == 1


@pytest.mark.parametrize("ref", ["eid:bad|id", "eid:has space", "eid:"])
def test_external_ids_outside_letters_digits_underscore_hyphen_are_refused(
    ns: httpx.Client, ref: str
) -> None:
    response = ns.put(f"{RECORDS}/customer/{ref}", json={"companyName": "X"})
    assert (response.status_code, _error_code(response)) == (400, "INVALID_PARAMETER")
    assert _records(ns, "customer") == {}


def test_upsert_takes_an_external_id_not_an_internal_id(ns: httpx.Client) -> None:
    internal = _customer(ns, "C-1")
    response = ns.put(f"{RECORDS}/customer/{internal}", json={"companyName": "X"})
    assert response.status_code == 400
    assert ns.get(f"{RECORDS}/customer/{internal}").json()["companyName"] == "Acme"


def test_a_missing_record_is_a_404_in_the_error_envelope(ns: httpx.Client) -> None:
    for ref in ("424242", "eid:nobody"):
        response = ns.get(f"{RECORDS}/customer/{ref}")
        assert (response.status_code, _error_code(response)) == (404, "NONEXISTENT_ID")


def test_a_job_links_to_its_customer_through_parent(ns: httpx.Client) -> None:
    customer = _customer(ns, "C-2")
    body = {"companyName": "Rollout", "parent": {"externalId": "C-2"}}
    assert ns.put(f"{RECORDS}/job/eid:P-1", json=body).status_code == 204
    assert ns.get(f"{RECORDS}/job/eid:P-1").json()["parent"] == {"id": customer}
    orphan = ns.put(f"{RECORDS}/job/eid:P-2", json={"companyName": "X", "parent": {"id": "999"}})
    assert (orphan.status_code, _error_code(orphan)) == (400, "INVALID_KEY_OR_REF")
    assert _records(ns, "job")["records"] == 1


def _sales_order(ns: httpx.Client, external_id: str) -> str:
    customer = _customer(ns, "C-SO")
    line = {"description": "Consulting", "quantity": "10", "rate": "150", "amount": "1500"}
    body = {"entity": {"id": customer}, "item": {"items": [line]}, "tranDate": "2025-03-01"}
    response = ns.put(f"{RECORDS}/salesOrder/eid:{external_id}", json=body)
    assert response.status_code == 204
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def test_transform_bills_a_sales_order_into_one_invoice(ns: httpx.Client) -> None:
    order = _sales_order(ns, "SO-1")
    path = f"{RECORDS}/salesOrder/{order}/!transform/invoice"
    response = ns.post(path, json={"externalId": "SO-1"})
    assert response.status_code == 204
    invoice = ns.get(response.headers["location"]).json()
    assert (invoice["total"], invoice["amountRemaining"], invoice["status"]) == (
        "1500",
        "1500",
        "Open",
    )
    assert (invoice["createdFrom"], invoice["dueDate"]) == ({"id": order}, "2025-03-31")
    again = ns.post(path, json={})
    assert (again.status_code, _error_code(again)) == (400, "INVALID_INITIALIZE_REF")
    assert _records(ns, "invoice")["records"] == 1


def test_respond_async_answers_202_with_a_job_to_poll(ns: httpx.Client) -> None:
    headers = {"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": "7f1c9a30-0000-4000-8000-1"}
    response = ns.put(f"{RECORDS}/customer/eid:A-1", json={"companyName": "A"}, headers=headers)
    assert response.status_code == 202
    job_path = str(response.headers["location"])
    assert job_path.startswith("/services/rest/async/v1/job/")
    job = ns.get(job_path).json()
    assert (job["completed"], job["progress"]) == (True, "succeeded")
    result = ns.get(f"{job_path}/task/{job['id']}/result")
    assert result.headers["location"].startswith(f"{RECORDS}/customer/")


def test_a_repeated_idempotency_key_is_refused_and_points_at_the_first_job(
    ns: httpx.Client,
) -> None:
    headers = {"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": "key-twice"}
    first = ns.post(f"{RECORDS}/customer", json={"companyName": "Once"}, headers=headers)
    second = ns.post(f"{RECORDS}/customer", json={"companyName": "Once"}, headers=headers)
    assert (second.status_code, _error_code(second)) == (400, "IDEMPOTENCY_ERROR")
    assert second.json()["title"] == "Conflict"
    assert second.headers["location"] == first.headers["location"]
    assert _records(ns, "customer")["records"] == 1


def test_listing_pages_ids_and_filters_on_last_modified(ns: httpx.Client) -> None:
    for n in range(3):
        _customer(ns, f"L-{n}")
    page = ns.get(f"{RECORDS}/customer", params={"limit": 2, "offset": 0}).json()
    assert (page["count"], page["hasMore"], page["totalResults"]) == (2, True, 3)
    assert set(page["items"][0]) == {"links", "id"}
    rest = ns.get(f"{RECORDS}/customer", params={"limit": 2, "offset": 2}).json()
    assert (rest["count"], rest["hasMore"]) == (1, False)
    future = 'lastModifiedDate ON_OR_AFTER "2999-01-01T00:00:00Z"'
    assert ns.get(f"{RECORDS}/customer", params={"q": future}).json()["totalResults"] == 0
    bad = ns.get(f"{RECORDS}/customer", params={"q": "companyName LIKE x"})
    assert (bad.status_code, _error_code(bad)) == (400, "INVALID_PARAMETER")


def test_requests_over_the_concurrency_limit_get_429(ns: httpx.Client, served: str) -> None:
    assert ns.get(GOVERNANCE_PATH).json()["accountConcurrencyLimit"] == 2
    slow = {"kind": "slow", "delay_seconds": 1.0, "times": 4, "path": f"{RECORDS}/customer"}
    ns.post("/_sandbox/faults", json=slow)
    barrier, statuses = threading.Barrier(4), []

    def call() -> None:
        barrier.wait()
        statuses.append(httpx.get(f"{served}{RECORDS}/customer", headers=AUTH).status_code)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 429, 429]
    refused = [e for e in ns.get("/_sandbox/requests").json() if e["status"] == 429]
    assert [e["fault"] for e in refused] == ["concurrency_limit", "concurrency_limit"]


@pytest.mark.parametrize(
    ("kind", "retry_after"), [("throttle", "3"), ("throttle_no_retry_after", None)]
)
def test_throttle_faults_answer_429_in_the_envelope(
    ns: httpx.Client, kind: str, retry_after: str | None
) -> None:
    ns.post("/_sandbox/faults", json={"kind": kind, "retry_after_seconds": 3})
    response = ns.get(f"{RECORDS}/customer")
    assert (response.status_code, response.headers.get("retry-after")) == (429, retry_after)
    assert _error_code(response) == "CONCURRENCY_LIMIT_EXCEEDED"


def test_client_credentials_issue_a_token_and_nothing_else_gets_in(served: str) -> None:
    form = {"grant_type": "client_credentials", "client_id": "mdm-hub"}
    refused = httpx.post(f"{served}{TOKEN_PATH}", data={**form, "client_secret": "wrong"})
    assert refused.status_code == 401
    issued = httpx.post(f"{served}{TOKEN_PATH}", data={**form, "client_secret": "sandbox-secret"})
    body = issued.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert httpx.get(f"{served}{RECORDS}/customer", headers=bearer).status_code == 200
    anonymous = httpx.get(f"{served}{RECORDS}/customer")
    assert (anonymous.status_code, _error_code(anonymous)) == (401, "INVALID_LOGIN")


def test_the_seeded_sandbox_holds_the_erp_demo_data() -> None:
    client = TestClient(create_app(seed=True), headers=AUTH)
    customer = client.get(f"{RECORDS}/customer/1180").json()
    assert customer["companyName"] == "Senolmont Distribución S.A."
    assert client.get(f"{RECORDS}/job/2681").json()["parent"] == {"id": "1180"}
    assert client.get(f"{RECORDS}/salesOrder/40226").json()["tranId"] == "SOW-1"
    assert client.get(f"{RECORDS}/invoice").json()["totalResults"] > 0
    assert client.get(f"{RECORDS}/customerPayment").json()["totalResults"] > 0
    lineless = client.put(f"{RECORDS}/salesOrder/eid:NEW-1", json={"entity": {"id": "1180"}})
    assert lineless.status_code == 400  # a sales order needs a line
    line = {"description": "Support", "amount": "10"}
    body = {"entity": {"id": "1180"}, "item": {"items": [line]}}
    created = client.put(f"{RECORDS}/salesOrder/eid:NEW-1", json=body)
    # New records are numbered above the seeded ones.
    assert int(created.headers["location"].rsplit("/", 1)[-1]) > 66152
