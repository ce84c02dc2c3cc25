"""The OpenAPI document is complete: summaries, response models, error answers and examples.

Walks every operation of `/openapi.json` (as the app builds it); a route added without them
fails here with the operation's name.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema_rs import Draft202012Validator

from mdm.app import create_app
from mdm.settings import Settings

Operation = tuple[str, str]  # (method, path) as the document spells them
NOT_A_LOOKUP = {"entity"}  # path parameters naming a collection, not a thing that may be missing


@cache
def _app() -> FastAPI:
    # Building the document needs no database: the lifespan never runs here.
    return create_app(Settings(database_url="sqlite:///./unused.db", _env_file=None))


@cache
def _doc() -> dict[str, Any]:
    return _app().openapi()


def _operations() -> list[Operation]:
    paths: dict[str, dict[str, Any]] = _doc()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def _operation(op: Operation) -> dict[str, Any]:
    method, path = op
    found: dict[str, Any] = _doc()["paths"][path][method.lower()]
    return found


def _generated_summary(op: Operation) -> str:
    """What FastAPI writes when a route gives none: its function's name in title case."""
    method, path = op
    # FastAPI's operation ids are `<function name><path, non-word characters as _>_<method>`.
    suffix = re.sub(r"\W", "_", path) + "_" + method.lower()
    operation_id: str = _operation(op)["operationId"]
    assert operation_id.endswith(suffix), operation_id
    return operation_id.removesuffix(suffix).replace("_", " ").title()


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    # The document's components as the root, so `#/components/schemas/...` resolves.
    return Draft202012Validator({**schema, "components": _doc()["components"]})


def _has_example(media: dict[str, Any]) -> bool:
    if "example" in media or "examples" in media:
        return True
    ref = media.get("schema", {}).get("$ref", "")
    component = _doc()["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return bool(component.get("examples"))


def _examples(media: dict[str, Any]) -> list[Any]:
    if "example" in media:
        return [media["example"]]
    return [e["value"] for e in media.get("examples", {}).values()]


OPERATIONS = _operations()


def test_the_document_lists_the_routes_and_only_the_hubs_error_shape() -> None:
    assert ("GET", "/api/v1/events") in OPERATIONS
    assert ("POST", "/api/v1/{entity}/records") in OPERATIONS
    schemas = _doc()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # FastAPI's 422 shape, which the hub never sends
    assert set(schemas["ErrorOut"]["required"]) == {"error", "detail", "correlation_id"}


@pytest.mark.parametrize("op", OPERATIONS, ids=" ".join)
def test_every_operation_has_a_written_summary_and_description(op: Operation) -> None:
    operation, generated = _operation(op), _generated_summary(op)
    assert operation.get("summary"), f"{op}: no summary"
    assert operation["summary"] != generated, f"{op}: summary is the function's name"
    assert operation.get("description"), f"{op}: no description (the route's docstring)"


@pytest.mark.parametrize("op", OPERATIONS, ids=" ".join)
def test_every_operation_documents_its_answer_with_an_example(op: Operation) -> None:
    responses = _operation(op)["responses"]
    success = [r for status, r in responses.items() if status.startswith("2")]
    assert len(success) == 1, f"{op}: expected one success answer, got {sorted(responses)}"
    content = success[0].get("content", {})
    assert content, f"{op}: the success answer has no response model"
    for media_type, media in content.items():
        assert media.get("schema"), f"{op}: {media_type} has no schema"
        assert _has_example(media), f"{op}: {media_type} has no example"
        for example in _examples(media):
            if media_type == "application/json":
                _validator(media["schema"]).validate(example)


@pytest.mark.parametrize("op", OPERATIONS, ids=" ".join)
def test_every_operation_documents_its_errors_in_the_error_shape(op: Operation) -> None:
    operation = _operation(op)
    responses = operation["responses"]
    expected = set()
    if operation.get("security"):
        expected |= {"401", "403"}
    params = operation.get("parameters", [])
    if params or "requestBody" in operation:
        expected.add("422")
    if any(p["in"] == "path" and p["name"] not in NOT_A_LOOKUP for p in params):
        expected.add("404")
    assert expected <= set(responses), f"{op}: undocumented {sorted(expected - set(responses))}"
    errors = {s: r for s, r in responses.items() if s[0] in "45"}
    for status, response in errors.items():
        media = response.get("content", {}).get("application/json", {})
        assert media.get("schema") == {"$ref": "#/components/schemas/ErrorOut"}, (op, status)
        assert _examples(media), f"{op}: {status} has no example"
        for example in _examples(media):
            _validator(media["schema"]).validate(example)


def test_an_actual_validation_error_matches_the_documented_shape(
    client: TestClient,
) -> None:
    response = client.get("/api/v1/events", params={"limit": "lots"})
    assert response.status_code == 422
    _validator({"$ref": "#/components/schemas/ErrorOut"}).validate(response.json())


def test_the_served_document_is_the_completed_one(client: TestClient) -> None:
    served = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in served["components"]["schemas"]
    assert served["paths"].keys() == _doc()["paths"].keys()
