"""schemathesis against the OpenAPI document, on a real database with a little data, as admin.

Every operation gets generated requests, valid and invalid by the schema, sent through the
app (lifespan, middleware, authentication, database). Any 5xx, an undocumented status, or an
answer that breaks its documented schema fails. Bounded for CI: a few dozen examples per
operation (fewer under `CI=true`, more with `FUZZ_EXAMPLES=N`).
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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from mdm.app import create_app
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.records.service import RecordInput, ingest
from mdm.settings import Settings
from tests.mdm.api.test_feed import customers

CI = os.environ.get("CI", "").lower() == "true"
# `FUZZ_EXAMPLES=500` for a deeper run on demand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (15 if CI else 40))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# The document as the app serves it; building it touches no database.
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(database_url="sqlite:///./unused.db", _env_file=None)).openapi()
)


@pytest.fixture
def api(client: TestClient, engine: Engine) -> TestClient:
    """The admin client over a few golden customers, their events and a quarantined row."""
    customers(engine, "Acme GmbH", "Acme Germany GmbH", "Globex Ltd")
    with session_scope(engine, write=True) as session:
        nameless = RecordInput({"source_system": "crm", "source_id": "no-name", "country": "DE"})
        ingest(session, EntityType.CUSTOMER, [nameless], resolve=False)
    return client


def _send(client: TestClient, case: Case[Any]) -> Any:
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    kwargs.pop("cookies", None)  # none are generated; httpx refuses per-request cookies
    if "data" in kwargs:
        data = kwargs.pop("data")
        kwargs["content"] = data.encode() if isinstance(data, str) else data
    return client.request(**kwargs)


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=CI,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_documented_contract(case: Case[Any], api: TestClient) -> None:
    response = _send(api, case)
    case.validate_response(response, checks=CHECKS)


# What the fuzzers found on PostgreSQL, whose text cannot hold NUL: each was a 500.
NUL_REQUESTS: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/xref/cr%00m/customers/x", None),
    ("GET", "/api/v1/customers/records/cr%00m/x", None),
    ("GET", "/api/v1/customers/golden/cus_%00", None),
    ("GET", "/api/v1/quarantine?source_system=a%00b", None),
    ("POST", "/api/v1/customers/records", [{"source_system": "c\x00rm", "source_id": "1"}]),
    (
        "POST",
        "/graphql",
        {"query": '{ lookup(system: "a\\u0000", sourceId: "x", entityType: CUSTOMER) { id } }'},
    ),
]


@pytest.mark.parametrize(("method", "url", "body"), NUL_REQUESTS, ids=lambda v: str(v)[:40])
def test_a_nul_character_is_bad_input_on_every_backend(
    api: TestClient, method: str, url: str, body: Any
) -> None:
    response = api.request(method, url, json=body)
    assert response.status_code < 500, response.text
    assert response.status_code in (200, 400, 404, 422)
