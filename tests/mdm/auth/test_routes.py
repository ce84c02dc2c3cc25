"""Every route but the open ones needs credentials; each needs its scope; values are masked."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from starlette.routing import Mount

from mdm.auth.keys import revoke_key
from mdm.auth.principal import Scope
from mdm.db import session_scope
from tests.conftest import KeyFactory

OPEN = {"/healthz", "/readyz", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc"}
OPEN |= {"/openapi.json"}
RECORDS = "/api/v1/customers/records"
ROW = {"source_system": "crm", "source_id": "001A", "name": "Acme GmbH", "tax_id": "DE1"}


def _concrete(path: str) -> str:
    # Path parameters become plausible values; the route must refuse before it looks them up.
    return re.sub(r"\{[^}]+\}", "1", path)


def _http_routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if isinstance(context.original_route, Mount):  # a mounted ASGI app: try both verbs
            found += [("GET", f"{context.path}/"), ("POST", f"{context.path}/")]
        elif context.methods and context.path:
            found += [(m, context.path) for m in context.methods - {"HEAD", "OPTIONS"}]
    return found


def test_every_route_but_the_open_ones_refuses_anonymous_callers(
    anonymous_client: TestClient,
) -> None:
    checked = 0
    for method, path in _http_routes(anonymous_client):
        # The workbench signs in with a session cookie (tests/mdm/stewardship checks it).
        if path not in OPEN and not path.startswith("/steward"):
            response = anonymous_client.request(method, _concrete(path))
            assert response.status_code == 401, (method, path)
            assert response.headers["WWW-Authenticate"] == "Bearer"
            assert response.json()["error"] == "unauthorized"
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/docs", "/openapi.json", "/metrics"])
def test_open_routes_answer_without_credentials(anonymous_client: TestClient, path: str) -> None:
    assert anonymous_client.get(path).status_code == 200


def test_openapi_documents_both_credential_forms(anonymous_client: TestClient) -> None:
    schemes = anonymous_client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_a_key_is_accepted_in_either_header(
    anonymous_client: TestClient, make_key: KeyFactory, header: str
) -> None:
    key = make_key(Scope.READ)
    value = f"Bearer {key}" if header == "Authorization" else key
    response = anonymous_client.get("/api/v1/quarantine", headers={header: value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer mdm_not-a-real-key"},
        {"X-API-Key": "mdm_not-a-real-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig"},
    ],
)
def test_bad_credentials_are_a_clear_401(
    anonymous_client: TestClient, headers: dict[str, str]
) -> None:
    response = anonymous_client.get("/api/v1/quarantine", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_revoked_key_is_refused(
    anonymous_client: TestClient, make_key: KeyFactory, engine: Engine
) -> None:
    key = make_key(Scope.ADMIN, name="leaver")
    with session_scope(engine, write=True) as session:
        revoke_key(session, "leaver")
    response = anonymous_client.get("/api/v1/quarantine", headers={"X-API-Key": key})
    assert response.status_code == 401
    assert response.json()["detail"] == "unknown or revoked API key"


@pytest.mark.parametrize(
    ("method", "path", "needed", "enough"),
    [
        ("POST", RECORDS, "ingest", Scope.INGEST),
        ("DELETE", f"{RECORDS}/crm/001A", "ingest", Scope.INGEST),
        ("GET", f"{RECORDS}/crm/001A", "read", Scope.READ),
        ("GET", "/api/v1/quarantine", "read", Scope.STEWARD),
        ("POST", "/api/v1/quarantine/1/resubmit", "steward", Scope.STEWARD),
    ],
)
def test_too_few_scopes_is_a_403_naming_the_missing_one(
    anonymous_client: TestClient,
    make_key: KeyFactory,
    method: str,
    path: str,
    needed: str,
    enough: Scope,
) -> None:
    others = [s for s in (Scope.READ, Scope.INGEST, Scope.FINANCE) if s.value != needed]
    weak = make_key(*others)
    response = anonymous_client.request(method, path, headers={"X-API-Key": weak}, json=[ROW])
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "forbidden"
    assert f"needs the {needed} scope" in body["detail"]
    assert f'scope="{needed}"' in response.headers["WWW-Authenticate"]
    allowed = anonymous_client.request(
        method, path, headers={"X-API-Key": make_key(enough)}, json=[ROW]
    )
    assert allowed.status_code not in (401, 403)


_HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=0, max_size=300
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    scheme=st.sampled_from(["Bearer ", "bearer ", "Basic ", "", "Bearer mdm_", "Bearer eyJ"]),
    value=_HEADER_TEXT,
    header=st.sampled_from(["Authorization", "X-API-Key"]),
)
def test_any_credential_text_is_a_401_never_a_5xx(
    anonymous_client: TestClient, scheme: str, value: str, header: str
) -> None:
    response = anonymous_client.get("/api/v1/quarantine", headers={header: scheme + value})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
