"""REST answers hide financial values without `finance` and tax ids without `steward`."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mdm.auth.principal import Scope
from tests.conftest import KeyFactory

CUSTOMER = {"source_system": "crm", "source_id": "C1", "name": "Acme GmbH", "tax_id": "DE1"}
CONTRACT = {
    "source_system": "erp",
    "source_id": "K1",
    "number": "K-1",
    "value": "120000.00",
    "rate_card": "EU 2026",
    "currency": "EUR",
}
BAD_PROJECT = {"source_system": "psa", "source_id": "P1", "budget": "5000", "code": "X"}


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    for entity, row in [("customers", CUSTOMER), ("contracts", CONTRACT)]:
        assert client.post(f"/api/v1/{entity}/records", json=[row]).status_code == 200
    report = client.post("/api/v1/projects/records", json=[BAD_PROJECT]).json()
    assert report["results"][0]["result"] == "quarantined"
    native = {"records": [{"Id": "001X", "VAT_Number__c": "DE9", "Phone": "1"}]}
    report = client.post("/api/v1/customers/records?system=salesforce", json=native).json()
    assert report["results"][0]["result"] == "quarantined"  # no Name
    return client


def _get(client: TestClient, key: str, path: str) -> dict[str, Any]:
    response = client.get(path, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_reader_sees_no_contract_money_in_values_or_versions(
    loaded: TestClient, make_key: KeyFactory
) -> None:
    body = _get(loaded, make_key(Scope.READ), "/api/v1/contracts/records/erp/K1")
    assert body["values"]["value"] is None
    assert body["values"]["rate_card"] is None
    assert body["values"]["number"] == "K-1"
    assert body["versions"][0]["data"]["value"] is None
    assert body["versions"][0]["data"]["currency"] == "EUR"
    assert body["masked"] == ["rate_card", "value"]


def test_finance_sees_contract_money(loaded: TestClient, make_key: KeyFactory) -> None:
    body = _get(loaded, make_key(Scope.READ, Scope.FINANCE), "/api/v1/contracts/records/erp/K1")
    assert body["values"]["value"] == "120000.00"
    assert body["versions"][0]["data"]["rate_card"] == "EU 2026"
    assert body["masked"] == []


@pytest.mark.parametrize(("scope", "seen"), [(Scope.READ, None), (Scope.STEWARD, "DE1")])
def test_tax_id_is_for_stewards(
    loaded: TestClient, make_key: KeyFactory, scope: Scope, seen: str | None
) -> None:
    body = _get(loaded, make_key(scope), "/api/v1/customers/records/crm/C1")
    assert body["values"]["tax_id"] == seen
    assert body["versions"][0]["data"]["tax_id"] == seen
    assert ("tax_id" in body["masked"]) is (seen is None)


def test_quarantine_payloads_are_masked_and_native_ones_withheld(
    loaded: TestClient, make_key: KeyFactory
) -> None:
    items = _get(loaded, make_key(Scope.STEWARD), "/api/v1/quarantine")["items"]
    by_system = {i["source_system"]: i for i in items}
    project = by_system["psa"]
    assert project["payload"]["budget"] is None
    assert project["masked"] == ["budget"]
    native = by_system["salesforce"]
    assert native["native"] is None
    assert "native" in native["masked"]
    shown = _get(loaded, make_key(Scope.ADMIN), f"/api/v1/quarantine/{native['id']}")
    assert shown["native"]["VAT_Number__c"] == "DE9"
    assert shown["masked"] == []
