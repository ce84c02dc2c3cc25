"""`mdm ingest`, `mdm quarantine`, `mdm export` and `mdm seed` as a person runs them."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mdm.golden.ids import is_golden_id
from mdm.records.models import SourceRecord, SourceRecordVersion
from mdm.settings import Settings
from tests.support.csvfiles import CUSTOMER_HEADER, customer, write_csv
from tests.support.server import MDM, mdm_env


def _mdm(settings: Settings, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MDM, *args],
        cwd=cwd,
        env=mdm_env(settings.database_url, MDM_LOG_LEVEL="WARNING"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _customers(tmp_path: Path, *rows: list[str], name: str = "customers.csv") -> Path:
    return write_csv(tmp_path / name, CUSTOMER_HEADER, list(rows))


def test_loading_the_same_file_twice_changes_nothing(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = _customers(tmp_path, customer("1", "Acme GmbH"), customer("2", "Beta AG"))
    first = _mdm(settings, tmp_path, "ingest", "customers", str(path))
    assert first.returncode == 0, first.stderr
    assert "2 created" in first.stderr
    second = _mdm(settings, tmp_path, "ingest", "customers", str(path), "--json")
    assert second.returncode == 0
    assert json.loads(second.stdout)["totals"]["unchanged"] == 2
    assert _count(engine, SourceRecordVersion) == 2


def test_changed_row_adds_a_version(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    _mdm(
        settings, tmp_path, "ingest", "customers", str(_customers(tmp_path, customer("1", "Acme")))
    )
    changed = _customers(tmp_path, customer("1", "Acme GmbH"), name="changed.csv")
    result = _mdm(settings, tmp_path, "ingest", "customers", str(changed))
    assert "1 updated" in result.stderr
    assert _count(engine, SourceRecordVersion) == 2


def test_bad_rows_are_quarantined_good_rows_commit_and_exit_is_nonzero(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = _customers(tmp_path, customer("1", "Acme"), customer("", "No Id Ltd"), customer("3", ""))
    result = _mdm(settings, tmp_path, "ingest", "customers", str(path))
    assert result.returncode == 1
    assert "1 created" in result.stderr
    assert "2 quarantined" in result.stderr
    assert "source_id: required" in result.stderr
    assert _count(engine, SourceRecord) == 1
    listed = _mdm(settings, tmp_path, "quarantine", "list", "--json")
    items = json.loads(listed.stdout)
    assert [i["origin"] for i in items] == ["customers.csv:3", "customers.csv:4"]
    fixed = _mdm(
        settings,
        tmp_path,
        "quarantine",
        "resubmit",
        str(items[1]["id"]),
        "--set",
        "name=Gamma Pty Ltd",
    )
    assert fixed.returncode == 0, fixed.stderr
    assert "accepted: crm:3" in fixed.stderr
    still_bad = _mdm(settings, tmp_path, "quarantine", "resubmit", str(items[0]["id"]))
    assert still_bad.returncode == 1
    assert "source_id: required" in still_bad.stderr
    shown = json.loads(_mdm(settings, tmp_path, "quarantine", "show", str(items[0]["id"])).stdout)
    assert shown["status"] == "open"


def test_dry_run_reports_but_writes_nothing(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = _customers(tmp_path, customer("1", "Acme"))
    result = _mdm(settings, tmp_path, "ingest", "customers", str(path), "--dry-run")
    assert result.returncode == 0
    assert "dry run, nothing written" in result.stderr
    assert "1 created" in result.stderr
    assert _count(engine, SourceRecord) == 0


def test_unknown_column_rejects_the_file_and_writes_nothing(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("source_system,source_id,name,colour\ncrm,1,Acme,blue\n")
    result = _mdm(settings, tmp_path, "ingest", "customers", str(path))
    assert result.returncode == 2
    assert "unknown column(s) colour" in result.stderr
    assert _count(engine, SourceRecord) == 0


def test_snapshot_soft_deletes_missing_records(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    full = _customers(tmp_path, customer("1", "Acme"), customer("2", "Beta"))
    _mdm(settings, tmp_path, "ingest", "customers", str(full))
    partial = _customers(tmp_path, customer("1", "Acme"), name="partial.csv")
    result = _mdm(settings, tmp_path, "ingest", "customers", str(partial), "--snapshot")
    assert "1 deleted" in result.stderr
    out = tmp_path / "xref.csv"
    _mdm(settings, tmp_path, "export", "xref", "--entity", "customers", "--out", str(out))
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [(r["source_id"], r["status"]) for r in rows] == [("1", "linked"), ("2", "deleted")]


def test_exports_follow_the_contract(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    path = _customers(tmp_path, customer("1", "Acme GmbH"), customer("2", ""))
    _mdm(settings, tmp_path, "ingest", "customers", str(path))
    xref = _mdm(settings, tmp_path, "export", "xref", "--out", "-")
    rows = list(csv.DictReader(xref.stdout.splitlines()))
    assert list(rows[0]) == ["entity_type", "source_system", "source_id", "golden_id", "status"]
    assert [(r["entity_type"], r["source_id"], r["status"]) for r in rows] == [
        ("customer", "1", "linked"),
        ("customer", "2", "quarantined"),
    ]
    assert is_golden_id(rows[0]["golden_id"])
    assert rows[1]["golden_id"] == ""
    golden_out = tmp_path / "golden.csv"
    result = _mdm(
        settings, tmp_path, "export", "golden", "--entity", "customers", "--out", str(golden_out)
    )
    assert result.returncode == 0, result.stderr
    (golden,) = list(csv.DictReader(golden_out.read_text().splitlines()))
    assert golden["golden_id"] == rows[0]["golden_id"]
    assert (golden["name"], golden["country"], golden["source_systems"]) == (
        "Acme GmbH",
        "DE",
        "crm",
    )


def test_seed_loads_once_into_an_empty_hub(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "data" / "crm").mkdir(parents=True)
    _customers(tmp_path / "data" / "crm", customer("1", "Acme"))
    (tmp_path / "data" / "crm" / "projects.csv").write_text(
        "source_system,source_id,name,customer_source_id\ncrm,P1,Rollout,1\n"
    )
    first = _mdm(settings, tmp_path, "seed", "--dir", "data", "--if-empty")
    assert first.returncode == 0, first.stderr
    assert _count(engine, SourceRecord) == 2
    second = _mdm(settings, tmp_path, "seed", "--dir", "data", "--if-empty")
    assert "already holds records" in second.stderr
    assert _count(engine, SourceRecordVersion) == 2
