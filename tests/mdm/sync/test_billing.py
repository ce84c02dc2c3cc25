"""Billing rules truth tables: what approved work and completed milestones bill, under which id."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdm.connectors.ports import Expense, Milestone, TimeEntry
from mdm.sync.billing import (
    Existing,
    Work,
    expected_cents,
    month_end,
    plan_billing,
    time_line,
    to_cents,
)
from mdm.sync.config import LegalEntity

DE = LegalEntity(currency="EUR", tax_code="DE-UST19", subsidiary="5")
JP = LegalEntity(currency="JPY", tax_code="JP-CT10", subsidiary="12")
US = LegalEntity(currency="USD", tax_code="US-EXEMPT", subsidiary="1")
TODAY = date(2025, 4, 15)
JAN = date(2025, 1, 6)
TM = "time_and_materials"


def _time(
    id_: str, day: date, minutes: int, rate: str | None = "150", *, billable: bool = True
) -> TimeEntry:
    return TimeEntry(
        id_, "W1", day, minutes, "Ada", billable, None if rate is None else Decimal(rate), "EUR"
    )


def _expense(id_: str, day: date, amount: str, *, billable: bool = True) -> Expense:
    return Expense(id_, "W1", day, Decimal(amount), "EUR", billable, "Travel")


def _milestone(id_: str, amount: str | None, day: date | None = date(2025, 2, 10)) -> Milestone:
    return Milestone(id_, "W1", f"M{id_}", None if amount is None else Decimal(amount), "EUR", day)


@pytest.mark.parametrize(
    ("minutes", "rate", "cents"),
    [
        (60, "150", 15000),
        (90, "150", 22500),
        (1, "100", 167),  # 1.6666... rounds up
        (1, "0.30", 1),  # 0.5 cent rounds half-up
        (1, "0.29", 0),  # 0.4833 cent rounds down
        (7, "99.99", 1167),  # 11.6655 -> 11.67
        (0, "150", 0),
    ],
)
def test_a_time_line_is_minutes_over_sixty_times_rate_rounded_half_up(
    minutes: int, rate: str, cents: int
) -> None:
    assert time_line(_time("1", date(2025, 1, 2), minutes, rate), "EUR").amount_cents == cents


@pytest.mark.parametrize(
    ("entity", "method", "work", "cents"),
    [
        # 1 h 7 min at 9999 JPY/h is 11165.55 JPY: billed as whole yen, half-up
        (JP, TM, Work(time=[_time("t", JAN, 67, "9999")]), 1_116_600),
        (US, TM, Work(time=[_time("t", JAN, 67, "9999")]), 1_116_555),  # cents, as before
        (JP, TM, Work(time=[_time("t", JAN, 1, "30")]), 100),  # 0.5 JPY rounds half-up
        # 0.4995 JPY is rounded once, to 0 (to cents first would give 0.50, then 1 yen)
        (JP, TM, Work(time=[_time("t", JAN, 1, "29.97")]), 0),
        (JP, TM, Work(expenses=[_expense("e", JAN, "1234.50")]), 123_500),
        (JP, TM, Work(expenses=[_expense("e", JAN, "1234.49")]), 123_400),
        (US, TM, Work(expenses=[_expense("e", JAN, "1234.495")]), 123_450),
        (JP, "fixed_fee", Work(milestones=[_milestone("1", "1500000.5")]), 150_000_100),
        (JP, "milestone", Work(milestones=[_milestone("1", "1500000")]), 150_000_000),
        (US, "fixed_fee", Work(milestones=[_milestone("1", "12500.505")]), 1_250_051),
    ],
)
def test_each_line_is_rounded_half_up_once_to_its_currency_minor_unit(
    entity: LegalEntity, method: str, work: Work, cents: int
) -> None:
    (tx,) = plan_billing(1, method, entity, work, (), TODAY)
    (line,) = tx.lines
    assert (tx.currency, line.amount_cents, tx.amount_cents) == (entity.currency, cents, cents)


def test_a_jpy_expense_or_milestone_line_bills_whole_yen_at_quantity_one() -> None:
    work = Work(expenses=[_expense("e", JAN, "980.70")], milestones=[_milestone("m", "25000.4")])
    (expenses,) = plan_billing(1, TM, JP, work, (), TODAY)
    (milestone,) = plan_billing(1, "retainer", JP, work, (), TODAY)
    lines = [line.as_json() for line in expenses.lines + milestone.lines]
    assert [(line["quantity"], line["rate"], line["amount_cents"]) for line in lines] == [
        ("1", "981", 98_100),
        ("1", "25000", 2_500_000),
    ]


@given(
    minutes=st.integers(min_value=0, max_value=100_000),
    rate=st.decimals(min_value=0, max_value=1_000_000, places=2),
)
def test_a_jpy_time_line_is_the_nearest_whole_yen(minutes: int, rate: Decimal) -> None:
    exact = Decimal(minutes) * rate / 60
    cents = time_line(_time("t", JAN, minutes, str(rate)), "JPY").amount_cents
    assert cents % 100 == 0
    assert cents == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100


@pytest.mark.parametrize(
    ("amount", "cents"),
    [(Decimal("49.29"), 4929), (Decimal("0.005"), 1), (Decimal("0.004"), 0), (Decimal(-2), -200)],
)
def test_to_cents_rounds_half_up(amount: Decimal, cents: int) -> None:
    assert to_cents(amount) == cents


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2025, 2, 28), date(2025, 2, 28)),
        (date(2025, 12, 31), date(2025, 12, 31)),
    ],
)
def test_month_end(day: date, end: date) -> None:
    assert month_end(day) == end


def test_time_and_expenses_bill_one_transaction_per_closed_month_with_the_entity_terms() -> None:
    work = Work(
        time=[
            _time("t1", date(2025, 1, 5), 90),
            _time("t2", date(2025, 1, 31), 60, "100"),
            _time("t3", date(2025, 2, 3), 30),
            _time("t4", date(2025, 2, 4), 60, billable=False),
            _time("t5", date(2025, 2, 5), 60, rate=None),
            _time("t6", date(2025, 4, 1), 60),  # April is still open on the 15th
        ],
        expenses=[
            _expense("e1", date(2025, 1, 20), "49.29"),
            _expense("e2", date(2025, 2, 20), "10", billable=False),
        ],
    )
    planned = plan_billing(7, "time_and_materials", DE, work, (), TODAY)
    summary = [(tx.id, tx.period, tx.amount_cents, tx.transaction_date) for tx in planned]
    assert summary == [
        ("bt_7_tm_2025_01", "2025-01", 22500 + 10000 + 4929, date(2025, 1, 31)),
        ("bt_7_tm_2025_02", "2025-02", 7500, date(2025, 2, 28)),
    ]
    first = planned[0]
    assert (first.currency, first.tax_code, first.subsidiary, first.kind) == (
        "EUR",
        "DE-UST19",
        "5",
        "time_and_expenses",
    )
    assert [line.source_ref for line in first.lines] == ["expense:e1", "time:t1", "time:t2"]


@pytest.mark.parametrize(
    ("today", "billed_months"),
    [
        (date(2025, 1, 31), []),  # the last day has not passed yet
        (date(2025, 2, 1), ["2025-01"]),
        (date(2025, 3, 1), ["2025-01", "2025-02"]),
    ],
)
def test_a_month_is_billed_once_its_last_day_has_passed(
    today: date, billed_months: list[str]
) -> None:
    work = Work(time=[_time("a", date(2025, 1, 31), 60), _time("b", date(2025, 2, 1), 60)])
    planned = plan_billing(1, "time_and_materials", DE, work, (), today)
    assert [tx.period for tx in planned] == billed_months


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], [("bt_1_tm_2025_01", ["time:a", "time:b"])]),
        (
            [Existing("bt_1_tm_2025_01", "2025-01", frozenset({"time:a"}))],
            [("bt_1_tm_2025_01_2", ["time:b"])],
        ),
        (
            [
                Existing("bt_1_tm_2025_01", "2025-01", frozenset({"time:x"})),
                Existing("bt_1_tm_2025_01_2", "2025-01", frozenset({"time:a"})),
            ],
            [("bt_1_tm_2025_01_3", ["time:b"])],
        ),
        ([Existing("bt_1_tm_2025_01", "2025-01", frozenset({"time:a", "time:b"}))], []),
        # another month's transaction does not move this month's suffix
        (
            [Existing("bt_1_tm_2024_12", "2024-12", frozenset({"time:z"}))],
            [("bt_1_tm_2025_01", ["time:a", "time:b"])],
        ),
    ],
)
def test_work_already_billed_is_never_billed_again_and_late_work_is_supplementary(
    existing: list[Existing], expected: list[tuple[str, list[str]]]
) -> None:
    work = Work(time=[_time("a", date(2025, 1, 3), 60), _time("b", date(2025, 1, 4), 60)])
    planned = plan_billing(1, "time_and_materials", DE, work, existing, TODAY)
    assert [(tx.id, [line.source_ref for line in tx.lines]) for tx in planned] == expected


@pytest.mark.parametrize("method", ["fixed_fee", "milestone", "retainer"])
def test_milestone_methods_bill_completed_milestones_only_never_time(method: str) -> None:
    raw = Work(
        time=[_time("t", date(2025, 1, 3), 600)], expenses=[_expense("e", date(2025, 1, 3), "5")]
    )
    assert plan_billing(3, method, DE, raw, (), TODAY) == []
    done = Work(time=raw.time, expenses=raw.expenses, milestones=[_milestone("81", "12500.50")])
    (tx,) = plan_billing(3, method, DE, done, (), TODAY)
    assert (tx.id, tx.kind, tx.period, tx.amount_cents, tx.transaction_date) == (
        "bt_3_ms_81",
        "milestone",
        "81",
        1250050,
        date(2025, 2, 10),
    )
    assert [line.source_ref for line in tx.lines] == ["milestone:81"]


@pytest.mark.parametrize(
    ("milestones", "existing", "ids"),
    [
        ([_milestone("1", "10"), _milestone("2", "20")], [], ["bt_3_ms_1", "bt_3_ms_2"]),
        (
            [_milestone("1", "10"), _milestone("2", "20")],
            [Existing("bt_3_ms_1", "1", frozenset({"milestone:1"}))],
            ["bt_3_ms_2"],
        ),
        ([_milestone("1", None)], [], []),  # no amount: nothing to bill
        ([_milestone("1", "10", day=None)], [], ["bt_3_ms_1"]),
    ],
)
def test_each_completed_milestone_bills_once(
    milestones: list[Milestone], existing: list[Existing], ids: list[str]
) -> None:
    planned = plan_billing(3, "fixed_fee", DE, Work(milestones=milestones), existing, TODAY)
    assert [tx.id for tx in planned] == ids


@pytest.mark.parametrize("method", [None, "", "barter"])
def test_an_unknown_billing_method_bills_nothing(method: str | None) -> None:
    work = Work(time=[_time("t", date(2025, 1, 3), 60)], milestones=[_milestone("1", "10")])
    assert plan_billing(1, method, DE, work, (), TODAY) == []


def test_expected_cents_sums_everything_billable_by_today() -> None:
    work = Work(
        time=[_time("a", date(2025, 1, 3), 60), _time("b", date(2025, 4, 3), 60)],
        expenses=[_expense("e", date(2025, 3, 3), "1.25")],
    )
    assert expected_cents(1, "time_and_materials", DE, work, TODAY) == 15000 + 125
