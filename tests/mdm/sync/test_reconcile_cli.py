"""`mdm sync trace | reconcile | exceptions` as an operator runs them: JSON on stdout only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from mdm.settings import Settings
from tests.mdm.sync.trace_world import CORRELATION, build_health_world, build_trace_world
from tests.support.server import MDM, mdm_env


def _mdm(settings: Settings, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MDM, "sync", *args],
        cwd=cwd,
        env=mdm_env(settings.database_url, MDM_LOG_LEVEL="WARNING", COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _json(settings: Settings, cwd: Path, *args: str) -> Any:
    done = _mdm(settings, cwd, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_trace_prints_the_whole_chain_unmasked_and_an_unknown_id_fails(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    build_trace_world(engine)
    found = _json(settings, tmp_path, "trace", "bt_1_tm_2026_01")
    assert found["correlation_id"] == CORRELATION
    assert [b["amount"] for b in found["billing_transactions"]] == ["1234.56", "500.00"]
    assert found["masked"] == []
    table = _mdm(settings, tmp_path, "trace", CORRELATION)
    assert table.returncode == 0, table.stderr
    assert table.stdout == ""
    assert "INV-0042" in table.stderr
    missing = _mdm(settings, tmp_path, "trace", "nothing-here", "--json")
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert "nothing carries the id" in missing.stderr


def test_reconcile_and_exceptions_print_json_on_stdout(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    build_health_world(engine)
    # The world's months lie in 2026: a window from its start covers them whatever today is.
    shown = _json(settings, tmp_path, "reconcile", "--since", "2026-01-01T00:00:00")
    assert shown["since"].startswith("2026-01-01T00:00:00")
    assert shown["business"]["unreconciled"]["EUR"]["unpaid"] == "6500.00"
    assert shown["business"]["posting"]["counted"] >= 3
    assert shown["technical"]["dead_letters"] == {"q2p.psa_project": 1}
    assert shown["masked"] == []
    exceptions = _json(settings, tmp_path, "exceptions")
    assert [(e["subject"], e["reason"]) for e in exceptions] == [
        ("D6", "missing_billing_method"),
        ("D8", "unresolved_account"),
    ]
