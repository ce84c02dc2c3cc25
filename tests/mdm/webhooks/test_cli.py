"""`mdm webhooks` as an operator runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from sqlalchemy import Engine

from mdm.db import session_scope
from mdm.settings import Settings
from mdm.webhooks.service import list_subscriptions
from tests.support.server import MDM, mdm_env


def _mdm(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MDM, "webhooks", *args],
        cwd=cwd,
        env=mdm_env(url, MDM_LOG_LEVEL="WARNING"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_add_list_and_remove_a_subscription(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    url = settings.database_url
    added = _mdm(
        url,
        tmp_path,
        "add",
        "https://erp.example.com/in",
        "--events",
        "golden.merged",
        "--entity",
        "projects",
        "--scopes",
        "read,finance",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    created = json.loads(added.stdout)
    assert created["secret"].startswith("whsec_")
    assert (created["events"], created["entity_type"]) == (["golden.merged"], "projects")
    assert created["scopes"] == ["finance", "read"]
    listed = _mdm(url, tmp_path, "list", "--json")
    assert [s["id"] for s in json.loads(listed.stdout)] == [created["id"]]
    assert created["secret"] not in listed.stdout
    removed = _mdm(url, tmp_path, "remove", str(created["id"]))
    assert removed.returncode == 0, removed.stderr
    with session_scope(engine) as session:
        assert list_subscriptions(session) == []


def test_a_bad_subscription_exits_2_with_the_reason(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    refused = _mdm(
        settings.database_url, tmp_path, "add", "https://x.example", "--events", "golden.gone"
    )
    assert refused.returncode == 2
    assert "unknown event type(s) golden.gone" in refused.stderr
