"""Flow-through records for the sync demos: opportunities, time entries, expenses, milestones."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from seeds.generator.customers import CustomerSet
from seeds.generator.drift import AS_OF, FX_PER_USD, iso, money
from seeds.generator.engagements import BILLING_METHODS, TITLES, Engagements, TrueProject
from seeds.generator.ids import SystemIds
from seeds.generator.noise import chance
from seeds.generator.people import ROLES, STAFF
from seeds.generator.world import TrueCustomer

# Salesforce's default opportunity stages with their default probabilities.
OPEN_STAGES: Final = (
    ("Prospecting", 10),
    ("Qualification", 10),
    ("Needs Analysis", 20),
    ("Value Proposition", 50),
    ("Id. Decision Makers", 60),
    ("Perception Analysis", 70),
    ("Proposal/Price Quote", 75),
    ("Negotiation/Review", 90),
)
RATE_USD: Final = dict(zip(ROLES, (450, 320, 240, 180, 120, 280, 220), strict=True))
NOTES: Final = (
    "Workshop preparation", "Stakeholder interviews", "Requirements workshop", "Status meeting",
    "Solution design", "Data mapping", "Testing support", "Steering committee", "Documentation",
    "Build sprint", "Travel", "Cutover planning", "Training delivery", "",
)  # fmt: skip
EXPENSES: Final = (
    ("Airfare", 600.0), ("Lodging", 220.0), ("Meals", 45.0), ("Ground Transportation", 60.0),
    ("Mileage", 80.0), ("Software Licence", 150.0),
)  # fmt: skip
MILESTONE_NAMES: Final = (
    "Discovery report", "Design sign-off", "Build complete", "UAT sign-off", "Go-live",
    "Hypercare exit",
)  # fmt: skip
EXPENSE_STATUS: Final = ("Approved", "Submitted", "Draft", "Rejected", "Paid")
EXPENSE_STATUS_WEIGHTS: Final = (0.55, 0.15, 0.05, 0.05, 0.2)
_BILLABLE: Final = {"time_and_materials": 0.92, "retainer": 0.9, "fixed_fee": 0.1, "milestone": 0.1}


def _local(customer: TrueCustomer, usd: float) -> float:
    return round(usd * FX_PER_USD[customer.currency], 0 if customer.currency == "JPY" else 2)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _day_between(rng: random.Random, start: date, end: date) -> date:
    end = min(end, AS_OF)
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def opportunities(
    rng: random.Random, ids: SystemIds, customers: CustomerSet, work: Engagements
) -> list[dict[str, str]]:
    """Won opportunities behind contracts, then open and lost pipeline per CRM account."""
    rows = []
    for c in work.contracts:
        if c.opportunity:
            close = c.start - timedelta(days=rng.randint(5, 45))
            amount = (c.value or 0) * (rng.choice((1.0, 1.0, 1.05, 0.95)))
            kind = "Change Order" if c.kind == "change_order" else "New Business"
            row = _opportunity(rng, customers, c.customer, c.opportunity, c.title, amount, close)
            row.update(stage="Closed Won", is_closed="true", is_won="true", probability="100")
            row.update(type=kind, billing_method=c.billing_method)
            rows.append(row)
    for customer in customers.by_entity.values():
        if "crm" not in customer.systems:
            continue
        for _ in range(rng.randint(1, 3) if not customer.client else rng.randint(0, 2)):
            close = AS_OF + timedelta(days=rng.randint(-400, 200))
            amount = rng.lognormvariate(11.5, 0.8) * FX_PER_USD[customer.currency]
            row = _opportunity(
                rng, customers, customer, ids.crm_opportunity(), rng.choice(TITLES), amount, close
            )
            if close < AS_OF and chance(rng, 0.7):
                row.update(stage="Closed Lost", is_closed="true", is_won="false", probability="0")
            else:
                stage, probability = rng.choice(OPEN_STAGES)
                row.update(stage=stage, is_closed="false", is_won="false")
                row["probability"] = str(probability)
            row["billing_method"] = rng.choice(BILLING_METHODS)
            row["type"] = "Existing Business" if customer.client else "New Business"
            rows.append(row)
    return rows


def _opportunity(
    rng: random.Random,
    customers: CustomerSet,
    customer: TrueCustomer,
    opp_id: str,
    title: str,
    amount: float,
    close: date,
) -> dict[str, str]:
    return {
        "source_system": "crm",
        "source_id": opp_id,
        "account_source_id": customers.record_for(rng, "crm", customer.entity_id),
        "name": f"{customer.brand} - {title}",
        "amount": money(round(amount, -2)),
        "currency": customer.currency,
        "close_date": iso(close),
        "legal_entity": customer.legal_entity,
        "owner": rng.choice(STAFF),
    }


def project_activity(
    rng: random.Random, ids: SystemIds, psa_projects: list[tuple[str, TrueProject]]
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """Time entries, expenses and milestones of the PSA's workspaces that have started."""
    times, expenses, milestones = [], [], []
    for workspace, p in psa_projects:
        if p.status == "planned":
            continue
        for _ in range(rng.randint(3, 9)):
            times.append(_time_entry(rng, ids, workspace, p))
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            expenses.append(_expense(rng, ids, workspace, p))
        if p.billing_method in ("milestone", "fixed_fee"):
            milestones += _milestones(rng, ids, workspace, p)
    return times, expenses, milestones


def _time_entry(
    rng: random.Random, ids: SystemIds, workspace: str, p: TrueProject
) -> dict[str, str]:
    day = _day_between(rng, p.start, p.end)
    role = rng.choice(ROLES)
    billable = chance(rng, _BILLABLE[p.billing_method])
    approved = chance(rng, 0.95 if day < AS_OF - timedelta(days=7) else 0.5)
    invoiced = billable and approved and day < AS_OF - timedelta(days=30) and chance(rng, 0.85)
    return {
        "source_system": "psa",
        "source_id": ids.psa("time"),
        "project_source_id": workspace,
        "date_performed": iso(day),
        "time_in_minutes": str(rng.randint(2, 32) * 15),
        "user_name": rng.choice(STAFF),
        "role": role,
        "billable": _flag(billable),
        "rate": money(_local(p.customer, RATE_USD[role])),
        "currency": p.customer.currency,
        "approved": _flag(approved),
        "invoiced": _flag(invoiced),
        "notes": rng.choice(NOTES),
    }


def _expense(rng: random.Random, ids: SystemIds, workspace: str, p: TrueProject) -> dict[str, str]:
    category, typical = rng.choice(EXPENSES)
    return {
        "source_system": "psa",
        "source_id": ids.psa("expense"),
        "project_source_id": workspace,
        "user_name": rng.choice(STAFF),
        "expense_date": iso(_day_between(rng, p.start, p.end)),
        "category": category,
        "amount": money(_local(p.customer, typical * rng.uniform(0.4, 1.8))),
        "currency": p.customer.currency,
        "billable": _flag(chance(rng, 0.8)),
        "status": rng.choices(EXPENSE_STATUS, EXPENSE_STATUS_WEIGHTS)[0],
        "description": f"{category} - {p.customer.city.name}",
    }


def _milestones(
    rng: random.Random, ids: SystemIds, workspace: str, p: TrueProject
) -> list[dict[str, str]]:
    count = rng.randint(2, 5)
    span = max(1, (p.end - p.start).days)
    shares = [rng.uniform(0.5, 1.5) for _ in range(count)]
    total = sum(shares)
    amounts = [round(p.budget * s / total, 2) for s in shares]
    amounts[-1] = round(p.budget - sum(amounts[:-1]), 2)  # the parts add up to the budget
    names = [MILESTONE_NAMES[i] for i in sorted(rng.sample(range(len(MILESTONE_NAMES)), count))]
    rows = []
    for k, (amount, label) in enumerate(zip(amounts, names, strict=True), start=1):
        target = p.start + timedelta(days=span * k // count)
        done = target <= AS_OF and p.status != "cancelled" and chance(rng, 0.9)
        actual = target + timedelta(days=rng.randint(-5, 20)) if done else None
        status = "Approved" if done else ("In Progress" if target <= AS_OF else "Planned")
        if p.status == "cancelled" and not done:
            status = "Cancelled"
        rows.append(
            {
                "source_system": "psa",
                "source_id": ids.psa("milestone"),
                "project_source_id": workspace,
                "name": f"M{k} - {label}",
                "target_date": iso(target),
                "actual_date": iso(actual),
                "amount": money(amount),
                "currency": p.customer.currency,
                "status": status,
                "invoiced": _flag(
                    done and actual is not None and actual < AS_OF and chance(rng, 0.8)
                ),
            }
        )
    return rows
