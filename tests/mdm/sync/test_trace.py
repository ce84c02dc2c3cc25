"""A deal's trace: the chain in order, found by any of its ids, masked by scope, over GraphQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.errors import NotFound
from mdm.sync.trace import trace
from tests.conftest import KeyFactory
from tests.mdm.api import gql_support
from tests.mdm.sync.trace_world import CORRELATION, billing, build_trace_world, deal


def _as(client: TestClient, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _get(client: TestClient, key: str, path: str) -> Any:
    response = client.get(path, headers=_as(client, key))
    assert response.status_code == 200, response.text
    return response.json()


def test_trace_follows_the_deal_from_opportunity_to_payment_in_order(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    world = build_trace_world(engine)
    body = _get(
        anonymous_client, make_key(Scope.READ, Scope.FINANCE), f"/api/v1/trace/{CORRELATION}"
    )
    assert body["correlation_id"] == CORRELATION
    assert body["opportunity"]["id"] == "006A"
    assert body["opportunity"]["account_id"] == "A1"
    assert body["opportunity"]["amount"] == "12000.00"
    # The deal recorded the id that was merged away since: the trace shows the survivor.
    assert body["customer"] == {
        "golden_id": world.survivor,
        "name": body["customer"]["name"],
        "redirected_from": world.absorbed,
    }
    assert body["customer"]["name"] in {"Acme GmbH", "Acme"}
    assert body["project"]["psa_project_id"] == "1203"
    assert body["project"]["erp_customer_id"] == "4711"
    jan, feb = body["billing_transactions"]
    assert (jan["id"], jan["period"], jan["amount"], jan["currency"], jan["state"]) == (
        "bt_1_tm_2026_01", "2026-01", "1234.56", "EUR", "paid"
    )  # fmt: skip
    assert jan["invoice"] == {"id": "9001", "number": "INV-0042"}
    assert jan["payment"]["paid_amount"] == "1234.56"
    assert (feb["id"], feb["amount"], feb["state"]) == ("bt_1_tm_2026_02", "500.00", "pending")
    assert feb["invoice"] is None
    assert feb["payment"] is None
    assert [j["task"] for j in body["jobs"]] == ["q2p.deal_won", "q2p.psa_project", "p2c.post"]
    assert body["jobs"][1]["attempts"] == 2
    assert body["jobs"][1]["last_error"] == "TransientRemoteError: kantata: HTTP 503"
    assert body["exceptions"] == []
    assert body["masked"] == []


def test_yen_amounts_are_whole_and_a_crm_amount_with_fractions_shows_them(
    client: TestClient, engine: Engine
) -> None:
    with session_scope(engine, write=True) as session:
        japan = deal(session, "006J", currency="JPY", legal_entity="JP01", amount_cents=123_456)
        billing(session, japan, "bt_9_ms_1", kind="milestone", period="1", currency="JPY",
                amount_cents=150_000_000, state="paid", paid_cents=150_000_000)  # fmt: skip
    body = client.get("/api/v1/trace/006J").json()
    # The CRM's amount had fractions of a yen: shown as given, not rounded away.
    assert body["opportunity"]["amount"] == "1234.56"
    (billed,) = body["billing_transactions"]
    assert (billed["amount"], billed["payment"]["paid_amount"]) == ("1500000", "1500000")


@pytest.mark.parametrize("key", ["006A", "bt_1_tm_2026_02", CORRELATION])
def test_an_opportunity_or_transaction_id_leads_to_the_same_trace(engine: Engine, key: str) -> None:
    build_trace_world(engine)
    with session_scope(engine) as session:
        found = trace(session, key)
    assert found.correlation_id == CORRELATION
    assert found.deal is not None
    assert found.deal.opportunity_id == "006A"
    assert [b.id for b in found.billing] == ["bt_1_tm_2026_01", "bt_1_tm_2026_02"]


def test_a_stopped_deal_shows_its_open_exception_and_no_project(
    client: TestClient, engine: Engine
) -> None:
    build_trace_world(engine)
    body = client.get("/api/v1/trace/006B").json()
    assert body["correlation_id"] == "corr-b"
    assert body["opportunity"]["state"] == "exception"
    assert body["project"] is None
    assert body["customer"] is None
    assert [(e["subject"], e["reason"]) for e in body["exceptions"]] == [
        ("006B", "missing_billing_method")
    ]
    assert [j["task"] for j in body["jobs"]] == ["q2p.deal_won"]


def test_an_unknown_id_is_a_404_in_the_error_shape(client: TestClient, engine: Engine) -> None:
    build_trace_world(engine)
    response = client.get("/api/v1/trace/nothing-here")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found"
    assert set(body) == {"error", "detail", "correlation_id"}
    for unusable in ("  ", "a\x00b", "x" * 129):
        with session_scope(engine) as session, pytest.raises(NotFound):
            trace(session, unusable)
    assert client.get("/api/v1/trace/a%00b").status_code == 404


def test_amounts_are_masked_without_the_finance_scope(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    build_trace_world(engine)
    body = _get(anonymous_client, make_key(Scope.READ), f"/api/v1/trace/{CORRELATION}")
    assert body["masked"] == ["amount", "paid_amount"]
    assert body["opportunity"]["amount"] is None
    jan = body["billing_transactions"][0]
    assert jan["amount"] is None
    assert jan["payment"]["paid_amount"] is None
    assert jan["invoice"]["number"] == "INV-0042"  # ids are not financial


def test_a_key_without_read_is_refused(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    build_trace_world(engine)
    response = anonymous_client.get(
        f"/api/v1/trace/{CORRELATION}", headers=_as(anonymous_client, make_key(Scope.INGEST))
    )
    assert response.status_code == 403
    assert anonymous_client.get(f"/api/v1/trace/{CORRELATION}").status_code == 401


TRACE_QUERY = """
query ($id: String!) {
  trace(correlationId: $id) {
    correlationId masked
    opportunity { id amount }
    customer { goldenId redirectedFrom }
    project { psaProjectId }
    billingTransactions { id amount state invoice { number } payment { paidAmount } }
    jobs { task status attempts }
    exceptions { reason }
  }
}
"""


def test_graphql_trace_has_the_rest_shape_and_masking(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    world = build_trace_world(engine)
    finance = _as(anonymous_client, make_key(Scope.READ, Scope.FINANCE))
    found = gql_support.data(anonymous_client, TRACE_QUERY, {"id": "006A"}, finance)["trace"]
    assert found["correlationId"] == CORRELATION
    assert found["customer"] == {"goldenId": world.survivor, "redirectedFrom": world.absorbed}
    assert found["opportunity"] == {"id": "006A", "amount": "12000.00"}
    assert found["project"] == {"psaProjectId": "1203"}
    assert [b["amount"] for b in found["billingTransactions"]] == ["1234.56", "500.00"]
    assert found["billingTransactions"][0]["invoice"] == {"number": "INV-0042"}
    assert [j["task"] for j in found["jobs"]] == ["q2p.deal_won", "q2p.psa_project", "p2c.post"]
    reader = _as(anonymous_client, make_key(Scope.READ))
    masked = gql_support.data(anonymous_client, TRACE_QUERY, {"id": "006A"}, reader)["trace"]
    assert masked["masked"] == ["amount", "paid_amount"]
    assert masked["billingTransactions"][0]["payment"] == {"paidAmount": None}


def test_graphql_trace_of_an_unknown_id_answers_not_found(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    reader = _as(anonymous_client, make_key(Scope.READ))
    response = gql_support.post(anonymous_client, TRACE_QUERY, {"id": "nope"}, reader)
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"trace": None}
    assert body["errors"][0]["extensions"]["code"] == "not_found"
