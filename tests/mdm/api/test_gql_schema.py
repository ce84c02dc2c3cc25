"""The GraphQL schema: its SDL file, its contract, and what it refuses (limits, auth, bad HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphql import build_schema, get_introspection_query
from mdm.api.gql import schema, sdl
from mdm.api.gql_limits import MAX_ALIASES, MAX_DEPTH
from mdm.auth.principal import Scope
from tests.conftest import KeyFactory
from tests.mdm.api.gql_support import post

SDL_FILE = Path(__file__).resolve().parents[3] / "graphql" / "schema.graphql"


def test_the_schema_file_is_the_code_s_schema() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == sdl(), (
        "graphql/schema.graphql drifted: run `python -m mdm.api.gql > graphql/schema.graphql`"
    )


def test_the_schema_keeps_the_design_contracts() -> None:
    parsed = build_schema(SDL_FILE.read_text(encoding="utf-8"))
    entity = parsed.get_type("EntityType")
    assert set(entity.values) == {"CUSTOMER", "PROJECT", "CONTRACT"}  # type: ignore[union-attr]
    query = parsed.query_type
    assert query is not None
    assert {"lookup", "goldenRecord", "search", "matchCandidates"} <= set(query.fields)
    lookup = query.fields["lookup"]
    assert {"system", "sourceId", "entityType"} == set(lookup.args)
    mutation = parsed.mutation_type
    assert mutation is not None
    assert {"merge", "unmerge", "split", "moveRecord", "overrideAttribute"} <= set(mutation.fields)
    assert {"acceptCandidate", "rejectCandidate"} <= set(mutation.fields)
    assert str(mutation.fields["merge"].type) == "MergeResult!"


def _nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"... on Customer {{ parent {{ {inner} }} }}"
    return f'{{ goldenRecord(id: "cus_x") {{ {inner} }} }}'


def test_a_deep_query_is_refused_with_a_clear_400(client: TestClient) -> None:
    response = post(client, _nested(MAX_DEPTH + 1))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_query"
    assert "depth" in body["errors"][0]["message"]
    assert post(client, _nested(MAX_DEPTH - 2)).status_code == 200


def test_too_many_aliases_are_refused(client: TestClient) -> None:
    fields = " ".join(f'a{i}: goldenRecord(id: "cus_{i}") {{ id }}' for i in range(MAX_ALIASES + 1))
    response = post(client, f"{{ {fields} }}")
    assert response.status_code == 400
    assert "aliases" in response.json()["errors"][0]["message"]


def test_a_costly_query_is_refused_before_it_runs(client: TestClient) -> None:
    query = """query ($ids: [ID!]!) { goldenRecords(ids: $ids) { ... on Customer {
        projects { sourceRecords { system } history { kind } }
        contracts { projects { sourceRecords { system } } } } } }"""
    response = post(client, query, {"ids": ["cus_x"]})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "query_too_costly"
    assert "cost" in body["detail"]


def test_a_wide_document_is_refused_by_its_token_count(client: TestClient) -> None:
    response = post(client, "{ " + "__typename " * 3000 + "}")
    assert response.status_code == 400
    assert "token" in response.json()["errors"][0]["message"].lower()


def test_introspection_works_for_readers(client: TestClient) -> None:
    response = post(client, get_introspection_query())
    assert response.status_code == 200
    names = {t["name"] for t in response.json()["data"]["__schema"]["types"]}
    assert {"Customer", "Project", "Contract", "GoldenRecord"} <= names


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"{not json", 400, "malformed_request"),
        (b'[{"query": "{ __typename }"}]', 422, "invalid_input"),
        (b'{"variables": {}}', 422, "invalid_input"),
        (b'{"query": "{ __typename }", "variables": [1]}', 422, "invalid_input"),
        (b'{"query": "{ goldenRecord(id: 1 }"}', 400, "invalid_query"),
        (b'{"query": "{ nope }"}', 400, "invalid_query"),
        (b'{"query": "query A { __typename } query B { __typename }"}', 400, "invalid_query"),
    ],
)
def test_bad_requests_are_clear_4xx(
    client: TestClient, content: bytes, status: int, code: str
) -> None:
    response = client.post(
        "/graphql", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert response.json()["error"] == code
    assert response.json()["correlation_id"] == response.headers["X-Correlation-ID"]


def test_queries_work_over_get_but_mutations_do_not(client: TestClient) -> None:
    ok = client.get("/graphql", params={"query": "{ __typename }"})
    assert (ok.status_code, ok.json()) == (200, {"data": {"__typename": "Query"}})
    mutation = 'mutation { unmerge(entityType: CUSTOMER, id: "cus_x") { __typename } }'
    refused = client.get("/graphql", params={"query": mutation})
    assert refused.status_code == 400
    bad = client.get("/graphql", params={"query": "{ __typename }", "variables": "{"})
    assert bad.status_code == 400


def test_credentials_and_scopes_are_checked_before_anything_runs(
    anonymous_client: TestClient, make_key: KeyFactory
) -> None:
    query = "{ __typename }"
    mutation = 'mutation { unmerge(entityType: CUSTOMER, id: "cus_x") { __typename } }'
    anonymous = post(anonymous_client, query)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    loader = {"X-API-Key": make_key(Scope.INGEST)}
    reader = {"X-API-Key": make_key(Scope.READ)}
    steward = {"X-API-Key": make_key(Scope.STEWARD)}
    assert post(anonymous_client, query, headers=loader).status_code == 403
    assert post(anonymous_client, query, headers=reader).status_code == 200
    refused = post(anonymous_client, mutation, headers=reader)
    assert refused.status_code == 403
    assert "steward" in refused.json()["detail"]
    allowed = post(anonymous_client, mutation, headers=steward)
    assert allowed.status_code == 200
    assert allowed.json()["data"]["unmerge"]["__typename"] == "Error"


def test_every_root_field_checks_its_scope_too() -> None:
    query_type = schema.get_type_by_name("Query")
    mutation_type = schema.get_type_by_name("Mutation")
    for root, scope in ((query_type, "CanRead"), (mutation_type, "CanSteward")):
        for field in root.fields:  # type: ignore[union-attr]
            names = {p.__name__ for p in field.permission_classes}
            assert names == {scope}, field.name
