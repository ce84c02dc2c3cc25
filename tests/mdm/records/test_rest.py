"""Bulk upsert over REST: per-record results, idempotent retries, bad envelopes write nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mdm.app import create_app
from mdm.auth.principal import Scope
from mdm.records.models import QuarantineItem, SourceRecord
from mdm.settings import Settings
from tests.conftest import KeyFactory

URL = "/api/v1/customers/records"
ROW = {"source_system": "crm", "source_id": "001A", "name": "Acme GmbH", "country": "DE"}


def _records(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(SourceRecord)) or 0)


def test_bulk_upsert_returns_one_result_per_record(client: TestClient) -> None:
    bad = {"source_system": "crm", "source_id": "001B"}
    response = client.post(URL, json={"records": [ROW, bad]})
    assert response.status_code == 200
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created", "quarantined"]
    assert body["results"][1]["reasons"] == ["name: required"]
    assert body["totals"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 1,
        "deleted": 0,
    }


def test_retrying_the_same_request_is_idempotent(client: TestClient, engine: Engine) -> None:
    first = client.post(URL, json=[ROW]).json()["results"][0]
    again = client.post(URL, json=[ROW]).json()["results"][0]
    assert again["result"] == "unchanged"
    assert again["golden_id"] == first["golden_id"]
    assert _records(engine) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"records": [', 400, "malformed_request"),
        (b'[{"source_system": NaN}]', 400, "malformed_request"),
        (b'"just a string"', 422, "invalid_input"),
        (b'{"records": [1, 2]}', 422, "invalid_input"),
        (json.dumps([ROW] * 10_001).encode(), 413, "payload_too_large"),
    ],
)
def test_bad_envelope_is_a_4xx_and_writes_nothing(
    client: TestClient, engine: Engine, body: bytes, status: int, code: str
) -> None:
    response = client.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"] == code
    assert _records(engine) == 0


def test_body_over_the_byte_limit_is_refused(
    settings: Settings, engine: Engine, make_key: KeyFactory
) -> None:
    small = settings.model_copy(update={"max_request_bytes": 2048})
    with TestClient(create_app(small)) as client:
        client.headers["X-API-Key"] = make_key(Scope.INGEST)
        response = client.post(URL, json=[ROW] * 50)
    assert response.status_code == 413
    assert _records(engine) == 0


def test_unknown_entity_type_is_a_clear_error(client: TestClient) -> None:
    response = client.post("/api/v1/invoices/records", json=[ROW])
    assert response.status_code == 422
    assert "customers, projects, contracts" in response.json()["detail"]


def test_record_history_and_soft_delete(client: TestClient) -> None:
    client.post(URL, json=[ROW])
    client.post(URL, json=[{**ROW, "name": "Acme Holding GmbH"}])
    deleted = client.delete(f"{URL}/crm/001A").json()
    assert (deleted["result"], deleted["deleted"], deleted["version"]) == ("updated", True, 3)
    record = client.get(f"{URL}/crm/001A").json()
    assert record["status"] == "deleted"
    assert record["values"]["name"] == "Acme Holding GmbH"
    assert record["values"]["country"] == "DE"
    assert record["values"]["legal_form"] == "gmbh"
    assert [v["version"] for v in record["versions"]] == [1, 2, 3]
    assert [v["deleted"] for v in record["versions"]] == [False, False, True]
    assert client.get(f"{URL}/crm/nope").status_code == 404
    assert client.delete(f"{URL}/crm/nope").status_code == 404


def test_quarantine_routes_list_show_and_resubmit(client: TestClient, engine: Engine) -> None:
    client.post(URL, json=[{"source_system": "crm", "source_id": "001Q", "city": "Bern"}])
    page = client.get("/api/v1/quarantine", params={"entity": "customers"}).json()
    assert page["total"] == 1
    item_id = page["items"][0]["id"]
    assert client.get(f"/api/v1/quarantine/{item_id}").json()["reasons"] == ["name: required"]
    still_bad = client.post(f"/api/v1/quarantine/{item_id}/resubmit", json={"fields": {}})
    assert still_bad.status_code == 422
    assert still_bad.json()["detail"]["reasons"] == ["name: required"]
    fixed = client.post(
        f"/api/v1/quarantine/{item_id}/resubmit", json={"fields": {"name": "Berner AG"}}
    )
    assert fixed.status_code == 200
    assert fixed.json()["result"] == "created"
    assert client.get("/api/v1/quarantine").json()["total"] == 0
    with Session(engine) as session:
        assert session.scalars(select(QuarantineItem)).one().status == "resolved"


def test_correlation_id_is_recorded_on_versions_and_quarantine(
    client: TestClient, engine: Engine
) -> None:
    headers = {"X-Correlation-ID": "bulk-77"}
    client.post(URL, json=[ROW, {"source_system": "crm"}], headers=headers)
    record = client.get(f"{URL}/crm/001A").json()
    assert record["versions"][0]["correlation_id"] == "bulk-77"
    item = client.get("/api/v1/quarantine").json()["items"][0]
    assert item["correlation_id"] == "bulk-77"


@pytest.fixture
def many_rows() -> list[dict[str, Any]]:
    return [{**ROW, "source_id": f"id-{i:05d}"} for i in range(2000)]


def test_large_batch_commits_every_record(
    client: TestClient, engine: Engine, many_rows: list[dict[str, Any]]
) -> None:
    body = client.post(URL, json=many_rows).json()
    assert body["totals"]["created"] == 2000
    assert _records(engine) == 2000


def test_source_ids_with_slashes_are_addressable(client: TestClient) -> None:
    client.post(URL, json=[{**ROW, "source_id": "EU/2024/001"}])
    record = client.get(f"{URL}/crm/EU/2024/001")
    assert record.status_code == 200
    assert record.json()["source_id"] == "EU/2024/001"
