"""`mdm`: the embedded database is made on first use, a server one refused until migrated."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
from sqlalchemy import Engine
from typer.testing import CliRunner

from mdm import migrate
from mdm.cli import app
from tests.support.server import MDM, mdm_env, running_hub

runner = CliRunner()


def _mdm(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MDM, *args], cwd=cwd, env=mdm_env(url), capture_output=True, text=True, timeout=120
    )


def test_migrate_brings_an_empty_database_to_head(
    fresh_url: str, fresh_engine: Engine, tmp_path: Path
) -> None:
    result = _mdm(["migrate"], fresh_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()
    assert f"database at revision {migrate.head_revision()}" in result.stderr


def test_migrate_check_reports_and_fails_until_migrated(
    fresh_url: str, fresh_engine: Engine, tmp_path: Path
) -> None:
    before = _mdm(["migrate", "--check"], fresh_url, tmp_path)
    assert before.returncode == 1
    assert before.stdout.strip() == f"current=None head={migrate.head_revision()}"
    migrate.upgrade(fresh_engine)
    after = _mdm(["migrate", "--check"], fresh_url, tmp_path)
    assert after.returncode == 0
    assert (
        after.stdout.strip() == f"current={migrate.head_revision()} head={migrate.head_revision()}"
    )


def test_serve_creates_the_embedded_database_or_refuses_an_unmigrated_server(
    fresh_url: str, fresh_engine: Engine, backend: str, tmp_path: Path
) -> None:
    if backend == "sqlite":
        with running_hub(fresh_url, tmp_path) as base:
            assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
        assert migrate.current_revision(fresh_engine) == migrate.head_revision()
        return
    result = _mdm(["serve", "--port", "1"], fresh_url, tmp_path)
    assert result.returncode == 2
    assert "run `mdm migrate`" in result.stderr
    assert migrate.current_revision(fresh_engine) is None


def test_serve_answers_over_real_http_after_migrate(
    fresh_url: str, fresh_engine: Engine, tmp_path: Path
) -> None:
    migrate.upgrade(fresh_engine)
    with running_hub(fresh_url, tmp_path) as base:
        health = httpx.get(f"{base}/healthz", headers={"X-Correlation-ID": "e2e-1"})
        ready = httpx.get(f"{base}/readyz")
        docs = httpx.get(f"{base}/docs")
    assert health.json() == {"status": "ok"}
    assert health.headers["x-correlation-id"] == "e2e-1"
    assert ready.status_code == 200
    assert docs.status_code == 200


def test_default_database_is_mdm_db_in_the_working_directory(tmp_path: Path) -> None:
    env = mdm_env("")
    env.pop("MDM_DATABASE_URL")
    result = subprocess.run(
        [MDM, "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mdm.db").is_file()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output
    assert "migrate" in result.output
