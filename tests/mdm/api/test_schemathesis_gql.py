"""schemathesis in GraphQL mode against `/graphql`, on a real database with a little data, as admin.

Every root query and mutation field gets generated documents (hypothesis-graphql underneath)
sent through the app. schemathesis's own GraphQL verdict counts every resolver error as a
server failure; the hub answers expected ones (a golden id that does not exist) as errors with
a stable `extensions.code`, so the checks here are the hub's contract instead: 200 (it ran) or
400 (the document was refused), never a 5xx, always a JSON object, `data` on a 200, and no error
that is a bug (`internal_error`).
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from schemathesis import Case
from sqlalchemy import Engine

from mdm.api.gql import sdl
from tests.mdm.api.test_feed import customers

CI = os.environ.get("CI", "").lower() == "true"
# `FUZZ_EXAMPLES=500` for a deeper run on demand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (10 if CI else 30))

SCHEMA = schemathesis.graphql.from_file(sdl())


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    """The admin client over a few golden customers (two of them one company)."""
    customers(engine, "Acme GmbH", "Acme Germany GmbH", "Globex Ltd")
    return client


def _send(client: TestClient, case: Case[Any]) -> Any:
    kwargs = case.as_transport_kwargs(base_url=f"{client.base_url}/graphql")
    kwargs.pop("cookies", None)  # none are generated; httpx refuses per-request cookies
    return client.request(**kwargs)


def check_hub_contract(response: Any) -> None:
    """The hub's GraphQL answer: ran (200) or refused (400), and every error one it meant."""
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert isinstance(body, dict), body
    if response.status_code == 200:
        assert "data" in body, body
    else:
        assert {"error", "detail", "correlation_id"} <= body.keys(), body
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code, error
        assert code != "internal_error", error


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=CI,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_graphql_never_fails_on_generated_documents(case: Case[Any], api: TestClient) -> None:
    check_hub_contract(_send(api, case))


def test_the_contract_check_catches_a_bug_answer() -> None:
    class Answer:
        status_code = 200
        text = ""

        @staticmethod
        def json() -> dict[str, Any]:
            return {"data": None, "errors": [{"extensions": {"code": "internal_error"}}]}

    with pytest.raises(AssertionError):
        check_hub_contract(Answer())
