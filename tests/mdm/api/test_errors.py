"""Every failure has one shape, `{error, detail, correlation_id}`, and never leaks a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from mdm.app import create_app
from mdm.errors import Conflict, NotFound, PayloadTooLarge
from mdm.settings import Settings


class Probe(BaseModel):
    """A body the probe route validates."""

    name: str
    count: int


def _probe_routes(app: FastAPI) -> None:
    """Routes that fail in each way the hub's own routes can, to test the rendering."""

    @app.get("/probe/not-found")
    def not_found() -> None:
        raise NotFound("customer cus_X does not exist")

    @app.get("/probe/conflict")
    def conflict() -> None:
        raise Conflict("stale version", extra={"expected": 2, "actual": 3})

    @app.get("/probe/too-large")
    def too_large() -> None:
        raise PayloadTooLarge("over 10000 records")

    @app.post("/probe/validate")
    def validate(body: Probe) -> Probe:
        return body

    @app.get("/probe/crash")
    def crash() -> None:
        raise RuntimeError("secret internals")


@pytest.fixture
def probe_client(settings: Settings, engine: object) -> Iterator[TestClient]:
    app = create_app(settings)
    _probe_routes(app)
    with TestClient(app) as client:
        yield client


def _assert_shape(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error", "detail", "correlation_id"}
    assert body["error"] == code
    assert isinstance(body["correlation_id"], str)
    assert body["correlation_id"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/probe/not-found", 404, "not_found"),
        ("/probe/conflict", 409, "conflict"),
        ("/probe/too-large", 413, "payload_too_large"),
        ("/no/such/route", 404, "not_found"),
    ],
)
def test_errors_render_in_the_one_shape(
    probe_client: TestClient, path: str, status: int, code: str
) -> None:
    response = probe_client.get(path)
    assert response.status_code == status
    _assert_shape(response.json(), code)
    assert response.headers["X-Correlation-ID"] == response.json()["correlation_id"]


def test_error_extra_context_is_kept_in_detail(probe_client: TestClient) -> None:
    detail = probe_client.get("/probe/conflict").json()["detail"]
    assert detail == {"message": "stale version", "expected": 2, "actual": 3}


def test_wrong_method_is_405_in_the_shape(probe_client: TestClient) -> None:
    response = probe_client.delete("/healthz")
    assert response.status_code == 405
    _assert_shape(response.json(), "method_not_allowed")


def test_invalid_body_lists_every_problem(probe_client: TestClient) -> None:
    response = probe_client.post("/probe/validate", json={"count": "many"})
    assert response.status_code == 422
    body = response.json()
    _assert_shape(body, "invalid_input")
    locations = sorted(tuple(p["loc"]) for p in body["detail"])
    assert locations == [("body", "count"), ("body", "name")]


def test_malformed_json_is_a_4xx_not_a_500(probe_client: TestClient) -> None:
    response = probe_client.post(
        "/probe/validate", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    _assert_shape(response.json(), "invalid_input")


def test_unexpected_exception_is_a_500_without_internals(
    probe_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="mdm.http"):
        response = probe_client.get("/probe/crash", headers={"X-Correlation-ID": "req-crash-1"})
    assert response.status_code == 500
    body = response.json()
    _assert_shape(body, "internal_error")
    assert "secret internals" not in response.text
    assert body["correlation_id"] == "req-crash-1"
    assert response.headers["X-Correlation-ID"] == "req-crash-1"
    crash_logs = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert crash_logs
    assert crash_logs[0].exc_info is not None
