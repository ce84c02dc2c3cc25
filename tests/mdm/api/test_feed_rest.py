"""`GET /api/v1/events`: paging over HTTP, clear 4xx answers, scopes and masked values."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.steward import set_override
from mdm.records.service import RecordInput, ingest
from tests.conftest import KeyFactory
from tests.mdm.api.test_feed import customers


def _as(client: TestClient, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _page(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/events", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_consumer_pages_through_every_event_and_then_polls_in_place(
    client: TestClient, engine: Engine
) -> None:
    golden_ids = customers(engine, "Acme GmbH", "Globex Ltd", "Initech Inc")
    first = _page(client, limit=2)
    assert first["has_more"] is True
    second = _page(client, after=first["next_cursor"], limit=2)
    assert second["has_more"] is False
    events = first["events"] + second["events"]
    assert [e["golden_id"] for e in events] == golden_ids
    assert {e["kind"] for e in events} == {"created"}
    assert events[0]["state"]["attributes"]["name"] == "Acme GmbH"
    assert events[0]["cursor"] != events[1]["cursor"]
    # Resuming from any event's cursor gives exactly what followed it.
    resumed = _page(client, after=events[0]["cursor"])
    assert [e["id"] for e in resumed["events"]] == [e["id"] for e in events[1:]]
    idle = _page(client, after=second["next_cursor"])
    assert idle == {"events": [], "next_cursor": second["next_cursor"], "has_more": False}


def test_filters_narrow_the_feed(client: TestClient, engine: Engine) -> None:
    customers(engine, "Acme GmbH")
    assert _page(client, entity_type="projects")["events"] == []
    assert len(_page(client, entity_type="customers", kind="created")["events"]) == 1
    assert _page(client, kind="merged")["events"] == []


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"after": "garbage"}, 400, "invalid_cursor"),
        ({"after": ""}, 400, "invalid_cursor"),
        ({"limit": 0}, 422, "invalid_input"),
        ({"limit": 1001}, 422, "invalid_input"),
        ({"limit": "many"}, 422, "invalid_input"),
        ({"kind": "exploded"}, 422, "invalid_input"),
        ({"entity_type": "invoices"}, 422, "invalid_input"),
    ],
)
def test_bad_parameters_get_a_clear_4xx_in_the_error_shape(
    client: TestClient, params: dict[str, Any], status: int, code: str
) -> None:
    response = client.get("/api/v1/events", params=params)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == code
    assert body["detail"]
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]


def test_the_feed_needs_read(
    anonymous_client: TestClient, make_key: KeyFactory, engine: Engine
) -> None:
    assert anonymous_client.get("/api/v1/events").status_code == 401
    loader = _as(anonymous_client, make_key(Scope.INGEST))
    refused = anonymous_client.get("/api/v1/events", headers=loader)
    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    reader = _as(anonymous_client, make_key(Scope.READ))
    assert anonymous_client.get("/api/v1/events", headers=reader).status_code == 200


def test_tax_ids_and_overridden_values_are_masked_without_the_scope(
    anonymous_client: TestClient, make_key: KeyFactory, engine: Engine
) -> None:
    row = {"source_system": "crm", "source_id": "1", "name": "Acme", "tax_id": "DE811907980"}
    with session_scope(engine, write=True) as session:
        report = ingest(session, EntityType.CUSTOMER, [RecordInput(row)], resolve=False)
        gid = report.results[0].golden_id or ""
        set_override(session, EntityType.CUSTOMER, gid, "tax_id", "DE811907981", "anna")
    reader = _as(anonymous_client, make_key(Scope.READ))
    steward = _as(anonymous_client, make_key(Scope.STEWARD))
    hidden = anonymous_client.get("/api/v1/events", headers=reader).json()["events"]
    shown = anonymous_client.get("/api/v1/events", headers=steward).json()["events"]
    assert [e["masked"] for e in hidden] == [["tax_id"], ["tax_id"]]
    assert {e["state"]["attributes"]["tax_id"] for e in hidden} == {None}
    assert hidden[1]["detail"] == {"override": "tax_id", "value": None}
    assert hidden[0]["state"]["attributes"]["name"] == "Acme"
    assert [e["masked"] for e in shown] == [[], []]
    assert shown[1]["state"]["attributes"]["tax_id"] == "DE811907981"
    assert shown[1]["detail"] == {"override": "tax_id", "value": "DE811907981"}
