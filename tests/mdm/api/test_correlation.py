"""A correlation id on every request: adopted from the caller or minted, echoed, and logged."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mdm import correlation, logs


def test_callers_correlation_id_is_echoed(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Correlation-ID": "crm-sync-42"})
    assert response.headers["X-Correlation-ID"] == "crm-sync-42"


def test_missing_correlation_id_is_minted(client: TestClient) -> None:
    first = client.get("/healthz").headers["X-Correlation-ID"]
    second = client.get("/healthz").headers["X-Correlation-ID"]
    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize("unsafe", ["has space", "x" * 129, "line\tbreak", "ünïcode"])
def test_unsafe_correlation_id_is_replaced(client: TestClient, unsafe: str) -> None:
    response = client.get("/healthz", headers={b"X-Correlation-ID": unsafe.encode()})
    assert response.headers["X-Correlation-ID"] != unsafe
    assert len(response.headers["X-Correlation-ID"]) == 32


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The hub's JSON logging into a buffer; the previous root handlers come back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    logs.configure("INFO", "json", stream=buffer)
    yield buffer
    root.handlers[:], root.level = saved


def test_request_log_line_is_json_with_the_correlation_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    client.get("/healthz", headers={"X-Correlation-ID": "trace-me"})
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    requests = [line for line in lines if line["msg"] == "request"]
    assert len(requests) == 1
    line = requests[0]
    assert line["correlation_id"] == "trace-me"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


def test_service_log_lines_inherit_the_request_correlation_id(json_log: io.StringIO) -> None:
    correlation.set_current("job-7")
    try:
        logging.getLogger("mdm.some_service").info("merged", extra={"golden_id": "cus_1"})
    finally:
        correlation.set_current(None)
    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert line == {
        "ts": line["ts"],
        "level": "INFO",
        "logger": "mdm.some_service",
        "msg": "merged",
        "correlation_id": "job-7",
        "golden_id": "cus_1",
    }
