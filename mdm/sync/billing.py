"""Billing rules: approved PSA work and completed milestones into canonical billing transactions.

Pure: no database, clock or network. The flows, the demo's expected amount and reconciliation
all call `plan_billing`, so they agree on what is owed:

- time_and_materials: approved billable time (minutes / 60 x rate) and approved billable
  expenses, one transaction per calendar month of performance, billed once the month's last
  day has passed. Id `bt_<deal>_tm_<YYYY>_<MM>`; work approved after its month was billed goes
  into `..._2`, `..._3` (a billed transaction never changes).
- fixed_fee, milestone, retainer: one transaction per completed milestone, its amount, never
  anything from time. Id `bt_<deal>_ms_<milestone id>`.
Currency, tax code and ERP subsidiary come from the deal's legal entity (configuration).
Every line's amount is rounded half-up, once, to the currency's minor unit (ISO 4217, see
`mdm.sync.currencies`): cents for EUR or USD, whole yen for JPY. Amounts are stored as integer
hundredths in every currency, so a JPY line is a multiple of 100.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mdm.connectors.ports import Expense, Milestone, TimeEntry
from mdm.sync.config import LegalEntity
from mdm.sync.currencies import round_to_minor_unit, to_hundredths

TIME_AND_MATERIALS = "time_and_materials"
MILESTONE_METHODS = frozenset({"fixed_fee", "milestone", "retainer"})
KIND_TIME = "time_and_expenses"
KIND_MILESTONE = "milestone"


@dataclass(frozen=True)
class Line:
    """One billed PSA item: `source_ref` names it (`time:<id>`, `expense:<id>`, ...)."""

    source_ref: str
    description: str
    quantity: Decimal
    rate: Decimal
    amount_cents: int

    def as_json(self) -> dict[str, Any]:
        """The line as stored in the transaction's JSON column."""
        return {
            "source_ref": self.source_ref,
            "description": self.description,
            "quantity": str(self.quantity),
            "rate": str(self.rate),
            "amount_cents": self.amount_cents,
        }


@dataclass(frozen=True)
class PlannedTransaction:
    """A billing transaction to create (state pending)."""

    id: str
    kind: str
    period: str
    transaction_date: date
    currency: str
    tax_code: str
    subsidiary: str
    lines: tuple[Line, ...]

    @property
    def amount_cents(self) -> int:
        """The total of its lines."""
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True)
class Existing:
    """A transaction the deal already has: its id, period and the items it bills."""

    id: str
    period: str
    source_refs: frozenset[str]


@dataclass(frozen=True)
class Work:
    """What the PSA says is approved or completed on the deal's project."""

    time: Sequence[TimeEntry] = ()
    expenses: Sequence[Expense] = ()
    milestones: Sequence[Milestone] = ()


def to_cents(amount: Decimal) -> int:
    """An amount in hundredths, rounded half-up (an amount the ERP holds, already in its
    currency's minor unit)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def time_line(entry: TimeEntry, currency: str) -> Line:
    """Minutes / 60 x rate, rounded half-up to the currency's minor unit."""
    rate = entry.rate or Decimal(0)
    hours = (Decimal(entry.minutes) / 60).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    cents = to_hundredths(Decimal(entry.minutes) * rate / 60, currency)
    who = f" ({entry.person})" if entry.person else ""
    description = f"Time {entry.performed_on.isoformat()}{who}"
    return Line(f"time:{entry.id}", description, hours, rate, cents)


def expense_line(expense: Expense, currency: str) -> Line:
    """An expense at its amount, rounded half-up to the currency's minor unit."""
    # The rate is the rounded amount too, so quantity x rate is what the line bills.
    amount = round_to_minor_unit(expense.amount, currency)
    description = f"Expense {expense.incurred_on.isoformat()} {expense.category or ''}".strip()
    return Line(
        f"expense:{expense.id}", description, Decimal(1), amount, to_hundredths(amount, currency)
    )


def milestone_line(milestone: Milestone, currency: str) -> Line:
    """A completed milestone at its amount, rounded half-up to the currency's minor unit."""
    amount = round_to_minor_unit(milestone.amount or Decimal(0), currency)
    return Line(
        f"milestone:{milestone.id}",
        f"Milestone {milestone.name}",
        Decimal(1),
        amount,
        to_hundredths(amount, currency),
    )


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def plan_billing(
    deal_id: int,
    billing_method: str | None,
    entity: LegalEntity,
    work: Work,
    existing: Iterable[Existing],
    today: date,
) -> list[PlannedTransaction]:
    """The new transactions the deal's work calls for, given what is already billed."""
    known = list(existing)
    billed = frozenset().union(*(tx.source_refs for tx in known))
    if billing_method == TIME_AND_MATERIALS:
        return _time_and_materials(deal_id, entity, work, known, billed, today)
    if billing_method in MILESTONE_METHODS:
        return _milestones(deal_id, entity, work.milestones, billed, today)
    return []  # an unknown method bills nothing (quote-to-project refused it already)


def _time_and_materials(
    deal_id: int,
    entity: LegalEntity,
    work: Work,
    known: list[Existing],
    billed: frozenset[str],
    today: date,
) -> list[PlannedTransaction]:
    months: dict[date, list[Line]] = defaultdict(list)
    for entry in work.time:
        if entry.billable and entry.rate is not None:
            months[month_end(entry.performed_on)].append(time_line(entry, entity.currency))
    for expense in work.expenses:
        if expense.billable:
            months[month_end(expense.incurred_on)].append(expense_line(expense, entity.currency))
    planned = []
    for end in sorted(months):
        fresh = [line for line in months[end] if line.source_ref not in billed]
        if end >= today or not fresh:
            continue  # the month is still open, or everything in it is billed
        period = f"{end.year:04d}-{end.month:02d}"
        taken = sum(1 for tx in known if tx.period == period)
        base = f"bt_{deal_id}_tm_{end.year:04d}_{end.month:02d}"
        tx_id = base if taken == 0 else f"{base}_{taken + 1}"
        lines = tuple(sorted(fresh, key=lambda line: line.source_ref))
        planned.append(_transaction(tx_id, KIND_TIME, period, end, entity, lines))
    return planned


def _milestones(
    deal_id: int,
    entity: LegalEntity,
    milestones: Sequence[Milestone],
    billed: frozenset[str],
    today: date,
) -> list[PlannedTransaction]:
    planned = []
    for milestone in sorted(milestones, key=lambda m: m.id):
        line = milestone_line(milestone, entity.currency)
        if milestone.amount is None or line.source_ref in billed:
            continue
        tx_id = f"bt_{deal_id}_ms_{milestone.id}"
        day = milestone.completed_on or today
        planned.append(_transaction(tx_id, KIND_MILESTONE, milestone.id, day, entity, (line,)))
    return planned


def _transaction(
    tx_id: str, kind: str, period: str, day: date, entity: LegalEntity, lines: tuple[Line, ...]
) -> PlannedTransaction:
    return PlannedTransaction(
        id=tx_id,
        kind=kind,
        period=period,
        transaction_date=day,
        currency=entity.currency,
        tax_code=entity.tax_code,
        subsidiary=entity.subsidiary,
        lines=lines,
    )


def expected_cents(
    deal_id: int, billing_method: str | None, entity: LegalEntity, work: Work, today: date
) -> int:
    """Everything the deal's work should bill by `today` (the demo's and reconciliation's sum)."""
    return sum(
        tx.amount_cents for tx in plan_billing(deal_id, billing_method, entity, work, (), today)
    )
