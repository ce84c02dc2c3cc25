"""Send GraphQL over HTTP in tests, as a downstream system would."""

from __future__ import annotations

from typing import Any

import httpx2
from fastapi.testclient import TestClient


def post(
    client: TestClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx2.Response:
    """POST one operation to /graphql."""
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return client.post("/graphql", json=body, headers=headers)


def data(
    client: TestClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The `data` of an operation that must succeed without errors."""
    response = post(client, query, variables, headers)
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]
    return found
