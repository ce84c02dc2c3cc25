"""A feature router is closed by default: a route without `requires` still needs `read`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.api import rest
from mdm.app import create_app
from mdm.auth.deps import ActorDep, requires
from mdm.auth.principal import Principal, Scope
from mdm.settings import Settings
from tests.conftest import KeyFactory

probe = APIRouter(prefix="/probe")


@probe.get("/forgotten")
def forgotten() -> dict[str, str]:
    return {"ok": "yes"}


@probe.post("/load", dependencies=[Depends(requires(Scope.INGEST))])
def load(actor: ActorDep) -> dict[str, str]:
    return {"actor": actor}


@probe.get("/money")
def money(
    principal: Annotated[Principal, Depends(requires(Scope.READ, Scope.FINANCE))],
) -> dict[str, str]:
    return {"actor": principal.actor}


@pytest.fixture
def probe_client(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    monkeypatch.setattr(rest, "FEATURE_ROUTERS", [*rest.FEATURE_ROUTERS, probe])
    with TestClient(create_app(settings)) as client:
        yield client


def _status(client: TestClient, method: str, path: str, key: str | None) -> int:
    headers = {"X-API-Key": key} if key else {}
    return client.request(method, path, headers=headers).status_code


@pytest.mark.parametrize(
    ("method", "path", "scopes", "status"),
    [
        ("GET", "/probe/forgotten", None, 401),
        ("GET", "/probe/forgotten", (Scope.INGEST,), 403),
        ("GET", "/probe/forgotten", (Scope.READ,), 200),
        ("POST", "/probe/load", (Scope.INGEST,), 200),  # its own scope replaces the default
        ("POST", "/probe/load", (Scope.READ,), 403),
        ("GET", "/probe/money", (Scope.READ,), 403),
        ("GET", "/probe/money", (Scope.FINANCE,), 403),
        ("GET", "/probe/money", (Scope.STEWARD, Scope.FINANCE), 200),
    ],
)
def test_routes_need_their_scopes_or_read_by_default(
    probe_client: TestClient,
    make_key: KeyFactory,
    method: str,
    path: str,
    scopes: tuple[Scope, ...] | None,
    status: int,
) -> None:
    key = make_key(*scopes) if scopes else None
    assert _status(probe_client, method, path, key) == status


def test_the_actor_is_the_keys_name(probe_client: TestClient, make_key: KeyFactory) -> None:
    key = make_key(Scope.INGEST, name="crm-sync")
    response = probe_client.post("/probe/load", headers={"Authorization": f"Bearer {key}"})
    assert response.json() == {"actor": "crm-sync"}
