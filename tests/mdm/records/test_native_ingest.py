"""Every shipped mapping's native fixture goes end to end through the bulk REST endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mdm.records.mapping import load_mapping

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted((p.parent.name, p.stem) for p in FIXTURES.glob("*/*.json"))


def test_every_shipped_mapping_has_a_fixture() -> None:
    from mdm.records.mapping import available_systems

    assert {system for system, _ in CASES} == set(available_systems())


@pytest.mark.parametrize(("system", "entity"), CASES)
def test_native_page_is_ingested_once_and_kept_with_its_payload(
    client: TestClient, system: str, entity: str
) -> None:
    page = json.loads((FIXTURES / system / f"{entity}.json").read_text())
    natives = load_mapping(system).records(entity, page)
    url = f"/api/v1/{entity}/records?system={system}"
    first = client.post(url, json=page)
    assert first.status_code == 200, first.text
    results = first.json()["results"]
    assert len(results) == len(natives)
    assert not [r for r in results if r["result"] == "quarantined"], results
    again = client.post(url, json=page).json()["results"]
    assert {r["result"] for r in again} == {"unchanged"}
    record = client.get(f"/api/v1/{entity}/records/{system}/{results[0]['source_id']}").json()
    assert record["versions"][0]["data"]["source_system"] == system


def test_native_record_without_its_id_is_quarantined_with_the_payload(client: TestClient) -> None:
    page = json.loads((FIXTURES / "salesforce" / "customers.json").read_text())
    broken = dict(load_mapping("salesforce").records("customers", page)[0])
    broken.pop("Id")
    response = client.post("/api/v1/customers/records?system=salesforce", json=[broken])
    (result,) = response.json()["results"]
    assert result["result"] == "quarantined"
    assert "source_id" in result["reasons"][0]
    item = client.get(f"/api/v1/quarantine/{result['quarantine_id']}").json()
    assert item["native"] == broken


def test_unknown_system_is_a_clear_4xx(client: TestClient) -> None:
    response = client.post("/api/v1/customers/records?system=sap_r3", json=[])
    assert response.status_code == 422
    assert "sap_r3" in response.json()["detail"]
