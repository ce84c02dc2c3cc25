"""Generated GraphQL documents from the schema (hypothesis-graphql): never a 5xx.

Valid queries and mutations, with arbitrary arguments, run as an admin over a small hub: each
gets 200 (field errors inside) or a clear 400; invalid documents always get a 400.
"""

from __future__ import annotations

import os

import hypothesis
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from graphql import StringValueNode
from mdm.api.gql import sdl
from tests.mdm.golden.world import load_world

CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (20 if CI else 50))
SCALARS = {
    "DateTime": st.datetimes().map(lambda d: StringValueNode(value=d.isoformat())),
    "Date": st.dates().map(lambda d: StringValueNode(value=d.isoformat())),
}
FUZZ = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=CI,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def hub(client: TestClient) -> TestClient:
    load_world(client.app.state.engine)  # type: ignore[attr-defined]
    return client


def _check(client: TestClient, document: str, allowed: set[int]) -> None:
    response = client.post("/graphql", json={"query": document})
    assert response.status_code in allowed, (document, response.text)
    body = response.json()
    assert "data" in body
    if response.status_code == 400:
        assert body["errors"]
        assert body["error"]


@FUZZ
@hypothesis.given(document=queries(sdl(), custom_scalars=SCALARS))
def test_generated_queries_never_fail_the_server(hub: TestClient, document: str) -> None:
    _check(hub, document, {200, 400})


@FUZZ
@hypothesis.given(document=mutations(sdl(), custom_scalars=SCALARS))
def test_generated_mutations_never_fail_the_server(hub: TestClient, document: str) -> None:
    _check(hub, document, {200, 400})


@FUZZ
@hypothesis.given(document=queries(sdl(), custom_scalars=SCALARS, mode=Mode.NEGATIVE))
def test_invalid_documents_are_400(hub: TestClient, document: str) -> None:
    _check(hub, document, {400})
