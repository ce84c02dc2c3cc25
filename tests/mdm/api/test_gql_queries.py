"""GraphQL queries: lookup, golden records with typed attributes, relations, history, search."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from mdm.auth.principal import Scope
from tests.conftest import KeyFactory
from tests.mdm.api.gql_support import data, post
from tests.mdm.golden.world import World, load_world


@pytest.fixture
def world(client: TestClient) -> World:
    return load_world(client.app.state.engine)  # type: ignore[attr-defined]


LOOKUP = """query ($system: String!, $id: String!, $type: EntityType!) {
  lookup(system: $system, sourceId: $id, entityType: $type) {
    id entityType status redirectedFrom
    sourceRecords { system sourceId status }
    crm: externalIds(system: "crm")
    erp: externalIds(system: "erp")
  } }"""


def test_lookup_of_any_member_finds_the_golden_record(client: TestClient, world: World) -> None:
    found = data(client, LOOKUP, {"system": "psa", "id": "1", "type": "CUSTOMER"})["lookup"]
    assert found["id"] == world.nordwind
    assert (found["entityType"], found["status"], found["redirectedFrom"]) == (
        "CUSTOMER",
        "active",
        None,
    )
    assert found["crm"] == ["1"]
    assert found["erp"] == ["1"]
    assert {(r["system"], r["status"]) for r in found["sourceRecords"]} == {
        ("crm", "LINKED"),
        ("erp", "LINKED"),
        ("psa", "LINKED"),
    }
    missing = data(client, LOOKUP, {"system": "crm", "id": "1", "type": "PROJECT"})
    assert missing == {"lookup": None}


def test_a_merged_away_id_leads_to_its_survivor(client: TestClient, world: World) -> None:
    query = "query ($id: ID!) { goldenRecord(id: $id) { id redirectedFrom } }"
    found = data(client, query, {"id": world.merged_away})["goldenRecord"]
    assert found == {"id": world.bergmann, "redirectedFrom": world.merged_away}
    assert data(client, query, {"id": "cus_nothing"}) == {"goldenRecord": None}


CONTRACT = """query ($id: ID!) { goldenRecord(id: $id) { ... on Contract {
  number { value lineage { rule sourceRecord { system sourceId } } }
  startDate { value } value { value masked }
  customer { id } parent { id } children { id } projects { id } } } }"""


def test_typed_attributes_with_lineage_and_relations_both_ways(
    client: TestClient, world: World
) -> None:
    sow = data(client, CONTRACT, {"id": world.sow})["goldenRecord"]
    assert sow["number"]["value"] == "SOW-2024-007"
    assert sow["number"]["lineage"]["sourceRecord"] == {"system": "crm", "sourceId": "C2"}
    assert sow["startDate"] == {"value": "2024-01-15"}
    assert sow["value"] == {"value": "250000.00", "masked": False}
    assert sow["customer"] == {"id": world.nordwind}
    assert sow["parent"] == {"id": world.msa}
    assert sow["projects"] == [{"id": world.project}]
    msa = data(client, CONTRACT, {"id": world.msa})["goldenRecord"]
    assert (msa["parent"], msa["children"]) == (None, [{"id": world.sow}])
    customer = """query ($id: ID!) { goldenRecord(id: $id) { ... on Customer {
      children { id parent { id } } contracts { id } projects { id ... on Project {
      contract { id } customer { id } } } } } }"""
    nordwind = data(client, customer, {"id": world.nordwind})["goldenRecord"]
    assert nordwind["children"] == [{"id": world.subsidiary, "parent": {"id": world.nordwind}}]
    assert sorted(c["id"] for c in nordwind["contracts"]) == sorted([world.msa, world.sow])
    projects = {p["id"]: p for p in nordwind["projects"]}
    assert projects[world.project]["contract"] == {"id": world.sow}
    assert projects[world.erp_project]["contract"] is None
    assert all(p["customer"] == {"id": world.nordwind} for p in projects.values())


def test_values_are_masked_by_scope_everywhere(
    anonymous_client: TestClient, make_key: KeyFactory, world: World
) -> None:
    reader = {"X-API-Key": make_key(Scope.READ)}
    query = """query ($c: ID!, $k: ID!) {
      c: goldenRecord(id: $c) { ... on Customer { taxId { value masked } }
        history { state { attributes { name value masked } } }
        asOf(time: "2100-01-01T00:00:00Z") { attributes { name value masked } } }
      k: goldenRecord(id: $k) { ... on Contract { value { value masked } } } }"""
    found = data(anonymous_client, query, {"c": world.nordwind, "k": world.msa}, reader)
    assert found["c"]["taxId"] == {"value": None, "masked": True}
    assert found["k"]["value"] == {"value": None, "masked": True}
    states = [e["state"] for e in found["c"]["history"]] + [found["c"]["asOf"]]
    taxes = [a for s in states for a in s["attributes"] if a["name"] == "tax_id"]
    assert taxes
    assert all(a == {"name": "tax_id", "value": None, "masked": True} for a in taxes)


def test_history_and_as_of(client: TestClient, world: World) -> None:
    query = """query ($id: ID!, $t: DateTime!) { goldenRecord(id: $id) {
      history { kind at actor detail state { members } }
      before: asOf(time: "2000-01-01T00:00:00Z") { status }
      then: asOf(time: $t) { status members } } }"""
    first = data(client, query, {"id": world.nordwind, "t": "2000-01-01T00:00:00Z"})
    events = first["goldenRecord"]["history"]
    assert events[0]["kind"] == "created"
    assert events[-1]["state"]["members"] == ["crm:1", "erp:1", "psa:1"]
    assert any(e["actor"] == "steward:ann" for e in events)
    assert first["goldenRecord"]["before"] is None
    at_start = data(client, query, {"id": world.nordwind, "t": events[0]["at"]})
    assert at_start["goldenRecord"]["then"]["members"] == ["crm:1"]


def test_search_finds_names_as_the_matcher_reads_them(client: TestClient, world: World) -> None:
    query = """query ($text: String!, $type: EntityType!) {
      search(entityType: $type, text: $text, first: 2) { score label goldenRecord { id } } }"""
    for text in ("Nordwind Logistik", "nordwind logistik gmbh", "Nordwnd Logistik"):
        hits = data(client, query, {"text": text, "type": "CUSTOMER"})["search"]
        assert hits[0]["goldenRecord"]["id"] == world.nordwind, text
        assert len(hits) <= 2
    by_number = data(client, query, {"text": "MSA-2024-001", "type": "CONTRACT"})["search"]
    assert by_number[0]["goldenRecord"]["id"] == world.msa
    assert by_number[0]["score"] == 100.0
    refused = post(
        client, query.replace("first: 2", "first: 1000"), {"text": "x", "type": "CUSTOMER"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "invalid_input"


def test_search_sees_changes_made_after_its_first_use(client: TestClient, world: World) -> None:
    query = '{ search(entityType: CUSTOMER, text: "Nordwind", first: 5) { goldenRecord { id } } }'
    before = {h["goldenRecord"]["id"] for h in data(client, query)["search"]}
    assert before == {world.nordwind, world.subsidiary}
    merge = """mutation ($a: ID!, $b: ID!) { merge(entityType: CUSTOMER, a: $a, b: $b) {
      ... on MergeSuccess { absorbedId } } }"""
    absorbed = data(client, merge, {"a": world.nordwind, "b": world.subsidiary})
    after = {h["goldenRecord"]["id"] for h in data(client, query)["search"]}
    assert after == {world.nordwind}
    assert absorbed["merge"]["absorbedId"] == world.subsidiary


def test_golden_records_by_ids_keeps_order_and_bounds_the_list(
    client: TestClient, world: World
) -> None:
    query = "query ($ids: [ID!]!) { goldenRecords(ids: $ids) { id } }"
    ids = [world.msa, "cus_nothing", world.merged_away]
    found = data(client, query, {"ids": ids})["goldenRecords"]
    assert found == [{"id": world.msa}, None, {"id": world.bergmann}]
    too_many = post(client, query, {"ids": ["cus_x"] * 101})
    assert too_many.status_code == 400
