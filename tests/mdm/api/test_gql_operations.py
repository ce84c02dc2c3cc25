"""The operations in graphql/operations/ run against the seeded hub and give the right answers.

They are what a downstream team copies, so each one runs here as it is written in its file,
over HTTP, with a key of the scope it needs; and without one it fails with a clear 401/403.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphql import build_schema, parse, validate
from mdm.api.gql import sdl
from seeds import TRUTH_DIR
from tests.mdm.api.gql_support import data, post
from tests.mdm.api.seeded import SeededHub, seeded_hub

OPERATIONS = Path(__file__).resolve().parents[3] / "graphql" / "operations"


def _operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hub(
    backend: str, backend_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededHub]:
    """The seeded hub, shared by this module (`backend_url` marks these as database tests)."""
    yield from seeded_hub(backend, tmp_path_factory.mktemp("seeded"))


def _xref(hub: SeededHub, system: str, source_id: str) -> dict[str, Any]:
    response = hub.client.get(f"/api/v1/xref/{system}/customers/{source_id}", headers=hub.reader)
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def _crm_customers_also_in_erp_and_psa(hub: SeededHub, limit: int = 10) -> list[dict[str, Any]]:
    with (TRUTH_DIR / "customers.csv").open(encoding="utf-8", newline="") as fh:
        crm = [r["source_id"] for r in csv.DictReader(fh) if r["source_system"] == "crm"]
    found = []
    for source_id in crm:
        xref = _xref(hub, "crm", source_id)
        if {"erp", "psa"} <= set(xref["ids"]):
            found.append(xref)
            if len(found) == limit:
                break
    return found


def test_every_operation_is_valid_against_the_schema() -> None:
    files = sorted(OPERATIONS.glob("*.graphql"))
    assert {f.stem for f in files} >= {"lookup", "translate_ids", "search", "review_queue", "merge"}
    schema = build_schema(sdl())
    for path in files:
        errors = validate(schema, parse(path.read_text(encoding="utf-8")))
        assert errors == [], (path.name, errors)


def test_lookup_answers_the_golden_record_of_any_members_key(hub: SeededHub) -> None:
    tax_ids = []
    for xref in _crm_customers_also_in_erp_and_psa(hub, 5):
        variables = {"system": "erp", "sourceId": xref["ids"]["erp"][0], "entityType": "CUSTOMER"}
        found = data(hub.client, _operation("lookup"), variables, hub.reader)["lookup"]
        assert found["id"] == xref["golden_id"]
        keys = {(r["system"], r["sourceId"]) for r in found["sourceRecords"]}
        assert {(s, i) for s, ids in xref["ids"].items() for i in ids} <= keys
        assert found["name"]["lineage"]["rule"]
        if found["taxId"] is not None:
            tax_ids.append(found["taxId"])
    assert tax_ids
    assert all(t == {"value": None, "masked": True} for t in tax_ids)  # steward scope only


def test_translate_ids_agrees_with_the_xref_route_and_the_truth(hub: SeededHub) -> None:
    samples = _crm_customers_also_in_erp_and_psa(hub)
    assert len(samples) == 10
    for xref in samples:
        variables = {
            "system": "crm",
            "sourceId": xref["source_id"],
            "entityType": "CUSTOMER",
            "target": "erp",
            "other": "psa",
        }
        found = data(hub.client, _operation("translate_ids"), variables, hub.reader)["lookup"]
        assert (found["target"], found["other"]) == (xref["ids"]["erp"], xref["ids"]["psa"])
    # The first seeded company is known to the three systems under these ids.
    variables = {
        "system": "crm",
        "sourceId": "0015J00003000G8QAI",
        "entityType": "CUSTOMER",
        "target": "psa",
        "other": "erp",
    }
    found = data(hub.client, _operation("translate_ids"), variables, hub.reader)["lookup"]
    assert "3104200" in found["target"]


def test_search_finds_a_customer_by_its_name(hub: SeededHub) -> None:
    xref = _crm_customers_also_in_erp_and_psa(hub, 1)[0]
    golden = hub.client.get(f"/api/v1/customers/golden/{xref['golden_id']}", headers=hub.reader)
    name = golden.json()["attributes"]["name"]["value"]
    variables = {"entityType": "CUSTOMER", "text": name, "first": 3}
    hits = data(hub.client, _operation("search"), variables, hub.reader)["search"]
    assert hits[0]["goldenRecord"]["id"] == xref["golden_id"]
    assert hits[0]["score"] == 100.0
    assert len(hits) <= 3


def test_the_review_queue_pages_through_every_open_candidate(hub: SeededHub) -> None:
    query, seen, after = _operation("review_queue"), [], None
    while True:
        variables = {"first": 25, "after": after}
        page = data(hub.client, query, variables, hub.reader)["matchCandidates"]
        nodes = [edge["node"] for edge in page["edges"]]
        seen += nodes
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] > 0
    assert len({n["id"] for n in seen}) == len(seen)
    priorities = [n["priority"] for n in seen]
    assert priorities == sorted(priorities, reverse=True)
    first = seen[0]
    assert first["explanation"]["comparisons"]
    assert first["a"]["values"]
    assert first["b"]["values"]
    rest = hub.client.get("/api/v1/customers/candidates", headers=hub.reader).json()
    customers = [n for n in seen if n["entityType"] == "CUSTOMER"]
    assert rest["total"] == len(customers)


def test_merge_needs_a_steward_and_then_merges(hub: SeededHub) -> None:
    left, right = _crm_customers_also_in_erp_and_psa(hub, 2)
    variables = {"entityType": "CUSTOMER", "a": left["golden_id"], "b": right["golden_id"]}
    refused = post(hub.client, _operation("merge"), variables, hub.reader)
    assert refused.status_code == 403
    assert post(hub.client, _operation("merge"), variables).status_code == 401
    merged = data(hub.client, _operation("merge"), variables, hub.steward)["merge"]
    assert merged["__typename"] == "MergeSuccess"
    survivor = merged["goldenRecord"]["id"]
    assert _xref(hub, "crm", left["source_id"])["golden_id"] == survivor
    assert _xref(hub, "crm", right["source_id"])["golden_id"] == survivor
    # Put the seeded hub back as it was for the other tests.
    undone = hub.client.post(f"/api/v1/customers/golden/{survivor}/unmerge", headers=hub.steward)
    assert undone.status_code == 200
    assert _xref(hub, "crm", left["source_id"])["golden_id"] != survivor or (
        _xref(hub, "crm", right["source_id"])["golden_id"] != survivor
    )


def test_customer_360_shows_relations_with_financial_values_masked(hub: SeededHub) -> None:
    xref = _crm_customers_also_in_erp_and_psa(hub, 1)[0]
    variables = {"id": xref["golden_id"]}
    plain = data(hub.client, _operation("customer_360"), variables, hub.reader)["goldenRecord"]
    assert plain["projects"] or plain["contracts"]
    budgets = [p["budget"] for p in plain["projects"] if p["budget"]]
    assert all(b == {"value": None, "masked": True} for b in budgets)
    shown = data(hub.client, _operation("customer_360"), variables, hub.finance)["goldenRecord"]
    assert [p["id"] for p in shown["projects"]] == [p["id"] for p in plain["projects"]]
    assert all(not p["budget"]["masked"] for p in shown["projects"] if p["budget"])
    assert shown["history"][0]["kind"] == "created"


def test_a_steward_accepts_the_top_candidate(hub: SeededHub) -> None:
    top = hub.client.get("/api/v1/customers/candidates?limit=1", headers=hub.reader).json()
    candidate = top["items"][0]
    variables = {"id": str(candidate["id"])}
    assert (
        post(hub.client, _operation("decide_candidate"), variables, hub.reader).status_code == 403
    )
    decided = data(hub.client, _operation("decide_candidate"), variables, hub.steward)
    answer = decided["acceptCandidate"]
    assert answer["__typename"] == "DecisionSuccess"
    assert answer["candidate"]["status"] == "ACCEPTED"
    assert answer["candidate"]["decidedBy"] == "steward"
    a = _xref(hub, candidate["a"]["source_system"], candidate["a"]["source_id"])
    b = _xref(hub, candidate["b"]["source_system"], candidate["b"]["source_id"])
    assert a["golden_id"] == b["golden_id"] == answer["candidate"]["a"]["goldenRecord"]["id"]
