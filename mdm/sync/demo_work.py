"""The delivery the demo simulates on each won deal's new project: approved time, expenses and
completed milestones, taken from the PSA seed project of the same opportunity, or made up
deterministically from the run's seed when the seeds have none; and what it should bill."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from mdm.connectors.ports import Expense, Milestone, TimeEntry
from mdm.sync import billing
from mdm.sync.demo_setup import SEEDS

PSA_SEEDS = SEEDS / "psa"
APPROVED_EXPENSES = ("Approved", "Paid")
PEOPLE = ("Ana Ruiz", "Ben Okafor", "Chen Wei", "Dana Levi", "Erik Holm", "Farah Khan")
RATES_CENTS = (12_000, 15_000, 16_560, 18_000, 22_000, 27_500)
_T = TypeVar("_T")
CATEGORIES = ("Travel", "Hotel", "Meals", "Software Licence")


@dataclass(frozen=True)
class TimeItem:
    """One time entry as the PSA will hold it."""

    performed_on: date
    minutes: int
    rate_cents: int
    billable: bool
    approved: bool
    person: str
    currency: str | None


@dataclass(frozen=True)
class ExpenseItem:
    """One expense as the PSA will hold it."""

    incurred_on: date
    amount_cents: int
    billable: bool
    approved: bool
    person: str
    category: str | None
    currency: str | None


@dataclass(frozen=True)
class MilestoneItem:
    """One milestone; `completed_on` is None unless it is done."""

    name: str
    amount_cents: int | None
    due_on: date | None
    completed_on: date | None
    currency: str | None


@dataclass(frozen=True)
class Work:
    """Everything delivered on one project, and where it came from."""

    source: str  # "psa:<seed project id>" or "generated"
    time: tuple[TimeItem, ...] = ()
    expenses: tuple[ExpenseItem, ...] = ()
    milestones: tuple[MilestoneItem, ...] = ()


def billing_work(work: Work) -> billing.Work:
    """The work as the PSA port reports it (approved time and expenses, completed
    milestones), so the agreed billing rules price it exactly as the flow does."""
    time = [
        TimeEntry(
            f"t{n}",
            "",
            t.performed_on,
            t.minutes,
            t.person,
            t.billable,
            _money(t.rate_cents),
            t.currency,
        )
        for n, t in enumerate(work.time)
        if t.approved
    ]
    expenses = [
        Expense(
            f"e{n}", "", e.incurred_on, _money(e.amount_cents), e.currency, e.billable, e.category
        )
        for n, e in enumerate(work.expenses)
        if e.approved
    ]
    milestones = [
        Milestone(
            f"m{n}",
            "",
            m.name,
            _money(m.amount_cents) if m.amount_cents is not None else None,
            m.currency,
            m.completed_on,
        )
        for n, m in enumerate(work.milestones)
        if m.completed_on is not None
    ]
    return billing.Work(time, expenses, milestones)


def _money(cents: int) -> Decimal:
    return Decimal(cents) / 100


class SeedWork:
    """The PSA seed export, by opportunity: each deal's delivery as the demo data has it."""

    def __init__(self, directory: Path = PSA_SEEDS) -> None:
        self._projects: dict[str, list[str]] = defaultdict(list)
        for row in _rows(directory / "projects.csv"):
            if row.get("opportunity_ref"):
                self._projects[row["opportunity_ref"]].append(row["source_id"])
        self._time = _by_project(directory / "time_entries.csv", _time_item)
        self._expenses = _by_project(directory / "expenses.csv", _expense_item)
        self._milestones = _by_project(directory / "milestones.csv", _milestone_item)

    def for_deal(self, opportunity_id: str) -> Work | None:
        """The seed project of the deal with the most delivery (None when there is none)."""
        candidates = sorted(self._projects.get(opportunity_id, []))
        if not candidates:
            return None
        best = max(candidates, key=lambda p: (self._size(p), -candidates.index(p)))
        return Work(
            f"psa:{best}",
            tuple(self._time.get(best, ())),
            tuple(self._expenses.get(best, ())),
            tuple(self._milestones.get(best, ())),
        )

    def _size(self, project: str) -> int:
        parts = (self._time, self._expenses, self._milestones)
        return sum(len(part.get(project, ())) for part in parts)


def generated_work(
    opportunity_id: str,
    seed: int,
    *,
    won_on: date | None,
    amount_cents: int | None,
    currency: str | None,
    today: date,
) -> Work:
    """A few months of delivery made up from the run's seed and the deal (same run, same work)."""
    rng = random.Random(f"{seed}:{opportunity_id}")
    months = _months(rng, won_on, today)
    time: list[TimeItem] = []
    expenses: list[ExpenseItem] = []
    for first in months:
        for _ in range(rng.randint(2, 6)):
            day = first + timedelta(days=rng.randint(0, 27))
            minutes = rng.randrange(30, 481, 15)
            billable, approved = rng.random() > 0.2, rng.random() > 0.1
            rate = rng.choice(RATES_CENTS)
            time.append(
                TimeItem(day, minutes, rate, billable, approved, rng.choice(PEOPLE), currency)
            )
        for _ in range(rng.randint(0, 2)):
            day = first + timedelta(days=rng.randint(0, 27))
            cents = rng.randint(1_000, 50_000)
            billable, approved = rng.random() > 0.2, rng.random() > 0.15
            person, category = rng.choice(PEOPLE), rng.choice(CATEGORIES)
            expenses.append(ExpenseItem(day, cents, billable, approved, person, category, currency))
    milestones = _milestones(rng, months, amount_cents, currency)
    return Work("generated", tuple(time), tuple(expenses), milestones)


def _months(rng: random.Random, won_on: date | None, today: date) -> list[date]:
    """One to three whole months after the deal was won, all of them over by `today`."""
    count = rng.randint(1, 3)
    last_closed = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    start = _next_month(won_on) if won_on else last_closed
    months = [start]
    while len(months) < count:
        months.append(_next_month(months[-1]))
    shift = 0
    while months[-1] > last_closed and shift < 48:
        months = [_previous_month(m) for m in months]
        shift += 1
    return months


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _milestones(
    rng: random.Random, months: list[date], amount_cents: int | None, currency: str | None
) -> tuple[MilestoneItem, ...]:
    count = rng.randint(2, 4)
    total = amount_cents or rng.randint(2_000_000, 20_000_000)
    share = total // count
    done = rng.randint(1, count)
    items = []
    for number in range(count):
        due = months[min(number, len(months) - 1)] + timedelta(days=20)
        completed = due + timedelta(days=rng.randint(0, 5)) if number < done else None
        items.append(MilestoneItem(f"M{number + 1}", share, due, completed, currency))
    return tuple(items)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _by_project(path: Path, parse: Callable[[dict[str, str]], _T | None]) -> dict[str, list[_T]]:
    found: dict[str, list[_T]] = defaultdict(list)
    for row in _rows(path):
        item = parse(row)
        if item is not None:
            found[row["project_source_id"]].append(item)
    return found


def _time_item(row: dict[str, str]) -> TimeItem | None:
    day = _date(row["date_performed"])
    if day is None:
        return None
    return TimeItem(
        performed_on=day,
        minutes=int(row["time_in_minutes"] or 0),
        rate_cents=_cents(row["rate"]) or 0,
        billable=row["billable"] == "true",
        approved=row["approved"] == "true",
        person=row["user_name"],
        currency=row["currency"] or None,
    )


def _expense_item(row: dict[str, str]) -> ExpenseItem | None:
    day = _date(row["expense_date"])
    if day is None:
        return None
    return ExpenseItem(
        incurred_on=day,
        amount_cents=_cents(row["amount"]) or 0,
        billable=row["billable"] == "true",
        approved=row["status"] in APPROVED_EXPENSES,
        person=row["user_name"],
        category=row["category"] or None,
        currency=row["currency"] or None,
    )


def _milestone_item(row: dict[str, str]) -> MilestoneItem:
    completed = row["status"] == "Approved"
    return MilestoneItem(
        name=row["name"],
        amount_cents=_cents(row["amount"]),
        due_on=_date(row["target_date"]),
        completed_on=_date(row["actual_date"]) if completed else None,
        currency=row["currency"] or None,
    )


def _cents(text: str) -> int | None:
    try:
        return int((Decimal(text) * 100).to_integral_value()) if text else None
    except InvalidOperation:
        return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
