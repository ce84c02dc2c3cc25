"""`mdm jobs` as an operator runs it: stats, list, show, replay by id or by filter."""

from __future__ import annotations

import getpass
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from mdm.db import session_scope
from mdm.jobs import store
from mdm.settings import Settings
from tests.mdm.jobs.test_rest import MAIL, PUSH, claim, dead_letters, enqueue
from tests.support.server import MDM, mdm_env

LATER = datetime(2100, 1, 1, tzinfo=UTC)


def _mdm(settings: Settings, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MDM, "jobs", *args],
        cwd=cwd,
        env=mdm_env(settings.database_url, MDM_LOG_LEVEL="WARNING", COLUMNS="200", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _show(settings: Settings, cwd: Path, job_id: int) -> dict[str, object]:
    shown = _mdm(settings, cwd, "show", str(job_id))
    assert shown.returncode == 0, shown.stderr
    found: dict[str, object] = json.loads(shown.stdout)
    return found


def test_stats_and_list_print_json_on_stdout_and_tables_on_stderr(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    dead = dead_letters(engine, MAIL, 1, 2)
    enqueue(engine, PUSH, 3)
    stats = _mdm(settings, tmp_path, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["by_status"] == {
        "todo": 1,
        "doing": 0,
        "succeeded": 0,
        "dead": 2,
    }
    listed = _mdm(settings, tmp_path, "list", "--status", "dead", "--task", MAIL.name, "--json")
    assert [job["id"] for job in json.loads(listed.stdout)] == dead
    table = _mdm(settings, tmp_path, "list", "--status", "dead")
    assert table.returncode == 0
    assert table.stdout == ""
    assert "HTTP 503 (1)" in table.stderr
    assert "2 job(s)" in table.stderr


def test_replay_by_id_records_the_os_user_or_the_given_actor(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    first, second = dead_letters(engine, MAIL, 1, 2)
    by_user = _mdm(settings, tmp_path, "replay", str(first), "--reason", "endpoint fixed")
    assert by_user.returncode == 0, by_user.stderr
    assert "replayed 1 job(s): " + str(first) in by_user.stderr
    by_ops = _mdm(settings, tmp_path, "replay", str(second), "--reason", "x", "--actor", "ops")
    assert by_ops.returncode == 0, by_ops.stderr
    shown = _show(settings, tmp_path, first)
    assert (shown["status"], shown["replay_count"]) == ("todo", 1)
    events = shown["events"]
    assert isinstance(events, list)
    assert events[-1]["actor"] == f"cli:{getpass.getuser()}"
    assert events[-1]["detail"]["reason"] == "endpoint fixed"
    assert _show(settings, tmp_path, second)["events"][-1]["actor"] == "ops"  # type: ignore[index]


def test_bulk_replay_reports_refusals_at_the_cap_and_exits_1(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    (once,) = dead_letters(engine, MAIL, 1, error="timeout")
    assert _mdm(settings, tmp_path, "replay", str(once), "--reason", "r").returncode == 0
    # The replayed job runs and dies again: it has used its one replay.
    (job,) = claim(engine, MAIL, now=LATER)
    with session_scope(engine, write=True) as session:
        store.fail(session, job, "w1", LATER, error="timeout again", retry_at=None)
    fresh = dead_letters(engine, MAIL, 2, error="timeout")
    bulk = _mdm(
        settings,
        tmp_path,
        "replay",
        "--error-contains",
        "timeout",
        "--reason",
        "retry all",
        "--json",
        MDM_JOBS_MAX_REPLAYS="1",
    )
    assert bulk.returncode == 1, bulk.stderr
    report = json.loads(bulk.stdout)
    assert report["replayed"] == fresh
    assert [r["id"] for r in report["refused"]] == [once]


def test_replay_refuses_no_filter_both_forms_an_unknown_id_and_a_bad_date(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    (job_id,) = dead_letters(engine, MAIL, 1)
    cases = [
        (["replay", "--reason", "all"], "needs a filter"),
        (["replay", str(job_id), "--task", MAIL.name, "--reason", "r"], "not both"),
        (["replay", "999999", "--reason", "r"], "job 999999 does not exist"),
        (["replay", "--died-after", "yesterday", "--reason", "r"], "not an ISO date"),
    ]
    for args, message in cases:
        result = _mdm(settings, tmp_path, *args)
        assert result.returncode == 2, args
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
    assert _show(settings, tmp_path, job_id)["status"] == "dead"
