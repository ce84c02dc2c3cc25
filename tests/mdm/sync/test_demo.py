"""`mdm sync demo`: a small run under faults ends without duplicates and with every amount
posted or explained; the fault plan and the simulated delivery behave as documented."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from mdm.sandbox.faults import FaultKind
from mdm.settings import Settings
from mdm.sync.currencies import minor_digits
from mdm.sync.demo_count import money
from mdm.sync.demo_faults import WRITE_ONLY, SpreadFaults
from mdm.sync.demo_work import SeedWork, billing_work, generated_work
from tests.support.server import MDM, mdm_env

DECIMAL = {0: re.compile(r"^-?\d+$"), 2: re.compile(r"^-?\d+\.\d{2}$")}
COUNTS = (
    "opportunities_won",
    "projects_created",
    "duplicate_projects",
    "billing_transactions",
    "erp_postings",
    "duplicate_postings",
    "dead_letters",
)


def _demo(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [MDM, "sync", "demo", "--json", *args]
    return subprocess.run(
        command, cwd=cwd, env=mdm_env(url), capture_output=True, text=True, timeout=150
    )


def test_small_demo_under_faults_posts_everything_once_or_explains_it(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    # Three worker processes: enough for ten deals, and quicker to start than six. Seed 23
    # chooses three JP01 deals (T&M, retainer, fixed fee) among the ten: yen have no decimals.
    run = ("--opportunities", "10", "--fault-rate", "0.3", "--seed", "23", "--workers", "3")
    result = _demo(settings.database_url, tmp_path, *run)

    report = json.loads(result.stdout)  # stdout holds the JSON and nothing else
    assert result.returncode == 0, (report, result.stderr[-3000:])
    assert all(isinstance(report[key], int) for key in COUNTS)
    assert report["opportunities_won"] == 10
    assert report["duplicate_projects"] == report["duplicate_postings"] == 0
    assert report["duplicate_customers"] == 0
    assert report["erp_postings"] > 0
    assert report["projects_created"] + report["exceptions"]["total"] >= 10 - report["dead_letters"]
    amounts = ("amount_expected", "amount_posted", "unreconciled_value")
    # Each currency's amounts have its own decimals (JPY none, EUR two).
    assert "JPY" in report["amount_expected"]
    assert all(
        DECIMAL[minor_digits(currency)].match(value)
        for key in amounts
        for currency, value in report[key].items()
    )
    differs = {
        currency for currency, value in report["unreconciled_value"].items() if Decimal(value)
    }
    assert not differs or report["dead_letters"] or report["exceptions"]["total"]
    assert report["unexplained_differences"] == []
    assert report["ok"] is True


def test_report_amounts_have_each_currency_decimals() -> None:
    hundredths = {"USD": 1_250, "JPY": 12_340_000, "EUR": 0, "KRW": -500, "SEK": 99}
    assert money(hundredths) == {
        "EUR": "0.00",
        "JPY": "123400",
        "KRW": "-5",
        "SEK": "0.99",
        "USD": "12.50",
    }


def test_spread_faults_fail_calls_at_the_rate_and_spare_reads_the_write_only_kinds() -> None:
    plan = SpreadFaults(probability=0.3)
    plan.reseed(11)
    reads = [plan.pick("GET", "/x", None) for _ in range(4000)]
    writes = [plan.pick("POST", "/x", None) for _ in range(4000)]

    for picked in (reads, writes):
        share = sum(fault is not None for fault in picked) / len(picked)
        assert 0.27 < share < 0.33
    read_kinds = Counter(fault.kind for fault in reads if fault)
    write_kinds = Counter(fault.kind for fault in writes if fault)
    assert not set(read_kinds) & set(WRITE_ONLY)
    assert set(write_kinds) == set(FaultKind)


def test_cleared_spread_faults_fail_nothing() -> None:
    plan = SpreadFaults(probability=0.9)
    plan.clear()
    assert all(plan.pick("POST", "/x", None) is None for _ in range(200))


def test_generated_work_is_the_same_for_the_same_seed_and_lies_in_closed_months() -> None:
    today = date(2026, 3, 15)
    first = generated_work(
        "006X", 3, won_on=date(2026, 2, 1), amount_cents=None, currency="EUR", today=today
    )
    again = generated_work(
        "006X", 3, won_on=date(2026, 2, 1), amount_cents=None, currency="EUR", today=today
    )
    other = generated_work(
        "006X", 4, won_on=date(2026, 2, 1), amount_cents=None, currency="EUR", today=today
    )

    assert first == again
    assert first != other
    assert all(item.performed_on < date(2026, 3, 1) for item in first.time)
    assert all(m.completed_on is None or m.completed_on < today for m in first.milestones)


def test_seed_work_bills_only_approved_items_of_the_deal_seed_project() -> None:
    work = SeedWork().for_deal("0065J00005001ouQAA")

    assert work is not None
    assert work.source.startswith("psa:")
    billed = billing_work(work)
    assert len(billed.time) == sum(item.approved for item in work.time)
    assert len(billed.milestones) == sum(m.completed_on is not None for m in work.milestones)
