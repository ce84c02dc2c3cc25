"""Liveness always answers; readiness demands a reachable database at the migration head."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm import migrate
from mdm.app import create_app
from mdm.settings import Settings


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database_and_its_revision(client: TestClient, backend: str) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": backend,
        "schema_revision": migrate.head_revision(),
    }


def test_readyz_is_503_while_a_server_database_is_unmigrated(
    fresh_url: str, fresh_engine: Engine, backend: str
) -> None:
    settings = Settings(database_url=fresh_url, worker_embedded=False, _env_file=None)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        if backend == "sqlite":
            # The embedded database migrates itself when the app starts.
            assert response.status_code == 200
            return
        assert response.status_code == 503
        body = response.json()
        assert body["error"] == "database_not_ready"
        assert "mdm migrate" in body["detail"]["message"]
        assert client.get("/healthz").status_code == 200
    assert migrate.current_revision(fresh_engine) is None


def test_readyz_is_503_when_the_database_is_behind_head(
    fresh_url: str, fresh_engine: Engine, backend: str
) -> None:
    migrate.upgrade(fresh_engine)
    settings = Settings(database_url=fresh_url, worker_embedded=False, _env_file=None)
    with TestClient(create_app(settings)) as client:
        migrate.downgrade(fresh_engine, "base")
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"]["current"] is None


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: object) -> None:
    settings = Settings(database_url="postgresql://nobody@127.0.0.1:1/none", _env_file=None)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["error"] == "database_not_ready"
        assert client.get("/healthz").status_code == 200
