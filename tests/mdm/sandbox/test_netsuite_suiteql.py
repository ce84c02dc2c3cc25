"""The NetSuite sandbox's SuiteQL endpoint against NetSuite's shape, over HTTP: the page, the
rows (lower-case names, string values, nulls left out), paging, the `lastmodifieddate` bound,
and a 400 for anything outside the documented grammar."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from mdm.sandbox.netsuite import create_app
from mdm.sandbox.netsuite_suiteql_routes import SUITEQL_PATH
from tests.support.sandboxes import serving

RECORDS = "/services/rest/record/v1"
AUTH = {"Authorization": "Bearer sandbox-token"}
TRANSIENT = {"Prefer": "transient"}
INVOICES = "FROM transaction WHERE type = 'CustInvc'"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving(create_app(seed=False)) as url:
        yield url


@pytest.fixture
def ns(served: str) -> Iterator[httpx.Client]:
    httpx.post(f"{served}/_sandbox/reset")
    with httpx.Client(base_url=served, headers=AUTH, timeout=10) as client:
        yield client


def _query(ns: httpx.Client, q: str, **params: int) -> httpx.Response:
    return ns.post(SUITEQL_PATH, json={"q": q}, params=params, headers=TRANSIENT)


def _rows(ns: httpx.Client, q: str) -> list[dict[str, Any]]:
    response = _query(ns, q)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"type", "title", "status", "o:errorDetails"}
    assert body["status"] == response.status_code
    (detail,) = body["o:errorDetails"]
    assert detail["detail"]
    code: str = detail["o:errorCode"]
    return code


def _invoice(ns: httpx.Client, n: int) -> str:
    """Bill a new sales order of n hundred EUR, dated 2025-03-01; the invoice's internal id."""
    customer = {"companyName": "Senolmont S.A."}
    assert ns.put(f"{RECORDS}/customer/eid:C-SQL", json=customer).status_code == 204
    line = {"description": "Consulting", "quantity": "1", "rate": str(n * 100)}
    order = {
        "entity": {"externalId": "C-SQL"},
        "currency": {"refName": "EUR"},
        "tranDate": "2025-03-01",
        "item": {"items": [line]},
    }
    placed = ns.put(f"{RECORDS}/salesOrder/eid:SO-{n}", json=order)
    assert placed.status_code == 204
    order_id = placed.headers["location"].rsplit("/", 1)[-1]
    billed = ns.post(
        f"{RECORDS}/salesOrder/{order_id}/!transform/invoice", json={"externalId": f"TX-{n}"}
    )
    assert billed.status_code == 204
    return str(billed.headers["location"]).rsplit("/", 1)[-1]


def _pay(ns: httpx.Client, invoice_id: str, amount: str) -> None:
    payment = {
        "entity": {"externalId": "C-SQL"},
        "payment": amount,
        "apply": {"items": [{"doc": {"id": invoice_id}, "amount": amount, "apply": True}]},
    }
    assert ns.post(f"{RECORDS}/customerPayment", json=payment).status_code == 204


def test_an_invoice_row_has_lower_case_names_and_string_values(ns: httpx.Client) -> None:
    invoice = _invoice(ns, 5)
    customer = ns.get(f"{RECORDS}/customer/eid:C-SQL").json()["id"]
    _pay(ns, invoice, "200")
    q = (
        "select ID, TranId, externalid, entity, currency, BUILTIN.DF(currency) AS currency_name, "
        "BUILTIN.DF(entity) customer_name, trandate, TO_CHAR(trandate, 'YYYY-MM-DD') AS issued, "
        "TO_CHAR(duedate, 'YYYY-MM-DD') AS due, foreigntotal, foreignamountunpaid, "
        "foreignamountpaid, status, BUILTIN.DF(status) AS status_name, type "
        "from TRANSACTION where TYPE = 'CustInvc'"
    )
    response = _query(ns, q)
    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"links", "count", "hasMore", "offset", "totalResults", "items"}
    (row,) = page["items"]
    assert row == {
        "links": [],
        "id": invoice,
        "tranid": f"INV{invoice}",
        "externalid": "TX-5",
        "entity": customer,
        # `currency` is left out: the sandbox holds the currency by name only, so no id.
        "currency_name": "EUR",
        "customer_name": "Senolmont S.A.",
        "trandate": "3/1/2025",  # the account's date format, NetSuite's default
        "issued": "2025-03-01",
        "due": "2025-03-31",
        "foreigntotal": "500",
        "foreignamountunpaid": "300",
        "foreignamountpaid": "200",
        "status": "A",
        "status_name": "Open",
        "type": "CustInvc",
    }
    _pay(ns, invoice, "300")
    (paid,) = _rows(ns, f"SELECT status, foreignamountunpaid {INVOICES}")
    assert (paid["status"], paid["foreignamountunpaid"]) == ("B", "0")


def test_pages_follow_limit_and_offset_with_netsuites_links(ns: httpx.Client) -> None:
    ids = [_invoice(ns, n) for n in (1, 2, 3)]
    first = _query(ns, f"SELECT id {INVOICES} ORDER BY id", limit=2).json()
    assert (first["count"], first["hasMore"], first["offset"], first["totalResults"]) == (
        2,
        True,
        0,
        3,
    )
    assert [row["id"] for row in first["items"]] == ids[:2]
    rels = {link["rel"]: link["href"] for link in first["links"]}
    assert set(rels) == {"first", "next", "last", "self"}
    assert "offset=2" in rels["next"]
    rest = _query(ns, f"SELECT id {INVOICES} ORDER BY id", limit=2, offset=2).json()
    assert (rest["count"], rest["hasMore"], [r["id"] for r in rest["items"]]) == (
        1,
        False,
        ids[2:],
    )
    assert {link["rel"] for link in rest["links"]} == {"first", "prev", "last", "self"}
    default = _query(ns, f"SELECT id {INVOICES}").json()
    assert (default["count"], default["hasMore"]) == (3, False)  # a page is up to 1000 rows


def test_lastmodifieddate_bounds_the_rows_and_orders_them(ns: httpx.Client) -> None:
    early, late = _invoice(ns, 1), _invoice(ns, 2)
    moment = datetime.now(UTC)
    time.sleep(0.01)
    _pay(ns, early, "50")  # a payment changes the invoice
    since = f"{INVOICES} AND lastmodifieddate >= '{moment.isoformat()}'"
    assert [row["id"] for row in _rows(ns, f"SELECT id {since}")] == [early]
    by_change = _rows(ns, f"SELECT id {INVOICES} ORDER BY lastmodifieddate, id")
    assert [row["id"] for row in by_change] == [late, early]
    stamp = "TO_TIMESTAMP('{}', 'YYYY-MM-DD HH24:MI:SS')"
    past = stamp.format("2000-01-01 00:00:00")
    future = stamp.format("2999-01-01 00:00:00")
    assert len(_rows(ns, f"SELECT id {INVOICES} AND lastmodifieddate >= {past}")) == 2
    assert (
        _rows(
            ns,
            f"SELECT id FROM transaction WHERE lastmodifieddate >= {future} AND type = 'CustInvc'",
        )
        == []
    )


@pytest.mark.parametrize(
    "q",
    [
        "SELECT * FROM transaction WHERE type = 'CustInvc'",
        "SELECT id FROM customer WHERE type = 'CustInvc'",
        "SELECT id FROM transaction t WHERE type = 'CustInvc'",
        "SELECT id FROM transaction",
        "SELECT id FROM transaction WHERE type = 'CustPymt'",
        "SELECT id FROM transaction WHERE lastmodifieddate >= '2025-01-01T00:00:00Z'",
        "SELECT id FROM transaction WHERE type = 'CustInvc' OR type = 'CustPymt'",
        "SELECT id FROM transaction WHERE type = 'CustInvc' AND status = 'A'",
        "SELECT id FROM transaction WHERE type = 'CustInvc' AND lastmodifieddate > '2025-01-01'",
        "SELECT id FROM transaction WHERE type = 'CustInvc' AND lastmodifieddate >= 'yesterday'",
        "SELECT id FROM transaction WHERE type = 'CustInvc' AND lastmodifieddate >= "
        "TO_TIMESTAMP('01.01.2025', 'DD.MM.YYYY')",
        "SELECT amountremaining FROM transaction WHERE type = 'CustInvc'",
        "SELECT BUILTIN.DF(status) FROM transaction WHERE type = 'CustInvc'",
        "SELECT BUILTIN.DF(tranid) AS t FROM transaction WHERE type = 'CustInvc'",
        "SELECT TO_CHAR(tranid, 'YYYY-MM-DD') AS t FROM transaction WHERE type = 'CustInvc'",
        "SELECT TO_CHAR(trandate, 'DD/MM/YYYY') AS t FROM transaction WHERE type = 'CustInvc'",
        "SELECT id, tranid AS id FROM transaction WHERE type = 'CustInvc'",
        "SELECT COUNT(*) AS n FROM transaction WHERE type = 'CustInvc'",
        "SELECT id FROM transaction WHERE type = 'CustInvc' ORDER BY tranid",
        "SELECT id FROM transaction WHERE type = 'CustInvc' ORDER BY id DESC",
        "SELECT id FROM transaction WHERE type = 'CustInvc' FETCH FIRST 10 ROWS ONLY",
        "DELETE FROM transaction WHERE type = 'CustInvc'",
    ],
)
def test_a_query_outside_the_grammar_is_refused_not_guessed(ns: httpx.Client, q: str) -> None:
    _invoice(ns, 1)
    response = _query(ns, q)
    assert (response.status_code, _error_code(response)) == (400, "INVALID_PARAMETER")
    assert response.json()["o:errorDetails"][0]["detail"].startswith("Invalid search query.")


def test_a_query_needs_prefer_transient_a_q_and_a_page_within_1000(ns: httpx.Client) -> None:
    q = {"q": f"SELECT id {INVOICES}"}
    bare = ns.post(SUITEQL_PATH, json=q)
    assert (bare.status_code, _error_code(bare)) == (400, "INVALID_REQUEST")
    for body in ({}, {"q": ""}, {"q": 7}, ["SELECT id"]):
        wrong = ns.post(SUITEQL_PATH, json=body, headers=TRANSIENT)
        assert (wrong.status_code, _error_code(wrong)) == (400, "INVALID_CONTENT")
    for params in ({"limit": 1001}, {"limit": 0}, {"offset": -1}):
        paged = ns.post(SUITEQL_PATH, json=q, params=params, headers=TRANSIENT)
        assert (paged.status_code, _error_code(paged)) == (400, "INVALID_CONTENT")


def test_suiteql_goes_through_auth_faults_and_the_request_log(
    served: str, ns: httpx.Client
) -> None:
    q = {"q": f"SELECT id {INVOICES}"}
    anonymous = httpx.post(f"{served}{SUITEQL_PATH}", json=q, headers=TRANSIENT)
    assert (anonymous.status_code, _error_code(anonymous)) == (401, "INVALID_LOGIN")
    ns.post("/_sandbox/faults", json={"kind": "http_5xx", "path": SUITEQL_PATH})
    failed = ns.post(SUITEQL_PATH, json=q, headers=TRANSIENT)
    assert (failed.status_code, _error_code(failed)) == (503, "SERVICE_UNAVAILABLE")
    assert ns.post(SUITEQL_PATH, json=q, headers=TRANSIENT).status_code == 200
    logged = [e for e in ns.get("/_sandbox/requests").json() if e["path"] == SUITEQL_PATH]
    assert [(e["method"], e["fault"], e["status"]) for e in logged] == [
        ("POST", None, 401),
        ("POST", "http_5xx", 503),
        ("POST", None, 200),
    ]
    assert {e["headers"].get("prefer") for e in logged} == {"transient"}
