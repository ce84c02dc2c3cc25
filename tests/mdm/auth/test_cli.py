"""`mdm keys` as an operator runs it, and the development key `mdm serve` prints."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mdm import migrate
from mdm.auth.keys import list_keys
from mdm.auth.models import ApiKey
from mdm.settings import Settings
from tests.support.server import MDM, mdm_env, running_hub

DEV_KEY = re.compile(r"^\s+(mdm_\S+)$", re.MULTILINE)


def _mdm(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MDM, *args],
        cwd=cwd,
        env=mdm_env(url, MDM_LOG_LEVEL="WARNING"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _keys(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ApiKey)) or 0)


def test_create_prints_the_key_once_and_it_opens_the_api(
    settings: Settings, anonymous_client: TestClient, tmp_path: Path
) -> None:
    created = _mdm(
        settings.database_url,
        tmp_path,
        "keys",
        "create",
        "--name",
        "etl",
        "--scopes",
        "read,steward",
    )
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("mdm_")
    assert "cannot be shown again" in created.stderr
    response = anonymous_client.get("/api/v1/quarantine", headers={"X-API-Key": secret})
    assert response.status_code == 200
    listed = _mdm(settings.database_url, tmp_path, "keys", "list", "--json")
    assert secret not in listed.stdout
    (row,) = json.loads(listed.stdout)
    assert row["name"] == "etl"
    assert row["scopes"] == ["read", "steward"]
    assert secret.startswith(row["prefix"])
    assert row["created_by"].startswith("cli:")
    assert row["revoked_at"] is None


def test_create_json_and_revoke_by_name(
    settings: Settings, anonymous_client: TestClient, tmp_path: Path
) -> None:
    created = _mdm(
        settings.database_url,
        tmp_path,
        "keys",
        "create",
        "--name",
        "crm-sync",
        "--scopes",
        "ingest",
        "--json",
    )
    body = json.loads(created.stdout)
    assert body["scopes"] == ["ingest"]
    revoked = _mdm(settings.database_url, tmp_path, "keys", "revoke", "crm-sync")
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in revoked.stderr
    response = anonymous_client.post(
        "/api/v1/customers/records", headers={"X-API-Key": body["key"]}, json=[]
    )
    assert response.status_code == 401
    listed = json.loads(_mdm(settings.database_url, tmp_path, "keys", "list", "--json").stdout)
    assert listed[0]["revoked_at"] is not None


def test_unknown_scope_is_a_clear_error_and_writes_nothing(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    result = _mdm(
        settings.database_url, tmp_path, "keys", "create", "--name", "x", "--scopes", "read,root"
    )
    assert result.returncode == 2
    assert "unknown scope(s) root" in result.stderr
    assert result.stdout == ""
    assert _keys(engine) == 0


def test_duplicate_name_and_unknown_revoke_are_clear_errors(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    url = settings.database_url
    assert _mdm(url, tmp_path, "keys", "create", "--name", "bi", "--scopes", "read").returncode == 0
    again = _mdm(url, tmp_path, "keys", "create", "--name", "bi", "--scopes", "read")
    assert again.returncode == 2
    assert "an active key named 'bi' exists" in again.stderr
    missing = _mdm(url, tmp_path, "keys", "revoke", "nobody")
    assert missing.returncode == 2
    assert "no active key 'nobody'" in missing.stderr
    assert _keys(engine) == 1


def _served_key(fresh_url: str, cwd: Path) -> tuple[str | None, int]:
    with running_hub(fresh_url, cwd) as base:
        log = max(cwd.glob("mdm-serve-*.log"), key=lambda p: p.stat().st_mtime).read_text()
        found = DEV_KEY.search(log)
        secret = found.group(1) if found else None
        status = httpx.get(f"{base}/api/v1/quarantine", headers={"X-API-Key": secret or ""})
    return secret, status.status_code


def test_serve_prints_a_fresh_dev_admin_key_on_the_embedded_database_only(
    fresh_url: str, fresh_engine: Engine, backend: str, tmp_path: Path
) -> None:
    migrate.upgrade(fresh_engine)
    first, status = _served_key(fresh_url, tmp_path)
    if backend != "sqlite":
        assert first is None
        assert status == 401
        assert _keys(fresh_engine) == 0
        return
    assert first is not None
    assert status == 200
    second, _ = _served_key(fresh_url, tmp_path)
    assert second not in (None, first)
    with Session(fresh_engine) as session:
        rows = list_keys(session)
    assert [(k.name, k.revoked_at is not None) for k in rows] == [
        ("dev-admin", True),
        ("dev-admin", False),
    ]
