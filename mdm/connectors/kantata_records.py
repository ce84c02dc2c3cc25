"""Between the hub's PSA records and Kantata's JSON: bodies to send, records read back.

Money travels in cents (`price_in_cents`, `rate_in_cents`, `amount_in_cents`,
`budget_estimate_in_cents`); milestones are stories with `story_type: "milestone"`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mdm.connectors.ports import CustomerSpec, Expense, Milestone, ProjectSpec, TimeEntry


def workspace_group_body(customer: CustomerSpec) -> dict[str, Any]:
    """A client (workspace group) to create."""
    body: dict[str, Any] = {"name": customer.name, "company": True}
    if customer.currency:
        body["currency"] = customer.currency
    if customer.country:
        body["country"] = customer.country
    return body


def workspace_body(project: ProjectSpec) -> dict[str, Any]:
    """A workspace's fields from a project (only the ones the hub knows)."""
    body: dict[str, Any] = {
        "title": project.name,
        "workspace_group_ids": [project.customer_ref],
        "budgeted": project.budget is not None,
    }
    if project.budget is not None:
        body["price_in_cents"] = int(project.budget * 100)
    if project.currency:
        body["currency"] = project.currency
    if project.start:
        body["start_date"] = project.start.isoformat()
    if project.end:
        body["due_date"] = project.end.isoformat()
    if project.code:
        body["description"] = project.code
    return body


def time_entry_from(record: dict[str, Any], response: dict[str, Any]) -> TimeEntry:
    """A time entry, its person's name taken from the side-loaded users."""
    user = response.get("users", {}).get(str(record.get("user_id")), {})
    return TimeEntry(
        id=str(record["id"]),
        project_id=str(record["workspace_id"]),
        performed_on=date.fromisoformat(record["date_performed"]),
        minutes=int(record["time_in_minutes"]),
        person=user.get("full_name"),
        billable=bool(record.get("billable", True)),
        rate=_money(record.get("rate_in_cents")),
        currency=record.get("currency"),
    )


def expense_from(record: dict[str, Any]) -> Expense:
    """An expense."""
    return Expense(
        id=str(record["id"]),
        project_id=str(record["workspace_id"]),
        incurred_on=date.fromisoformat(record["date"]),
        amount=_money(record.get("amount_in_cents")) or Decimal(0),
        currency=record.get("currency"),
        billable=bool(record.get("billable", True)),
        category=record.get("category"),
    )


def milestone_from(record: dict[str, Any]) -> Milestone:
    """A milestone story."""
    completed = record.get("completed_on")
    return Milestone(
        id=str(record["id"]),
        project_id=str(record["workspace_id"]),
        name=record["title"],
        amount=_money(record.get("budget_estimate_in_cents")),
        currency=record.get("currency"),
        completed_on=date.fromisoformat(completed) if completed else None,
    )


def _money(cents: Any) -> Decimal | None:
    return None if cents is None else Decimal(int(cents)) / 100
