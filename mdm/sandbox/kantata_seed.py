"""Fill the Kantata sandbox with the demo PSA data (seeds/data/psa), keeping the seed ids.

customers → workspace_groups, projects → workspaces, time_entries → time_entries (people
become users), expenses → expenses, milestones → stories with `story_type: "milestone"`.
A customer's CRM id and a project's opportunity become external references to Salesforce.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mdm.sandbox.core import Sandbox
from mdm.sandbox.kantata import KantataIds
from mdm.sandbox.kantata_refs import attach

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "data" / "psa"
STORY_STATES = {"Approved": "completed", "In Progress": "started", "Cancelled": "blocked"}
APPROVED_EXPENSES = ("Approved", "Paid")


def load_seeds(sandbox: Sandbox, directory: Path = SEEDS) -> int:
    """Store every seed row (rows naming a missing parent are skipped); returns how many."""
    if not directory.is_dir():
        return 0
    loader = _Loader(sandbox)
    for row in _rows(directory / "customers.csv"):
        loader.customer(row)
    for row in _rows(directory / "projects.csv"):
        loader.project(row)
    for name, load in (
        ("time_entries.csv", loader.time_entry),
        ("expenses.csv", loader.expense),
        ("milestones.csv", loader.milestone),
    ):
        for row in _rows(directory / name):
            if sandbox.store.get("workspaces", row["project_source_id"]) is not None:
                load(row)
    return loader.count


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


class _Loader:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.users: dict[str, str] = {}
        self.count = 0

    def _put(self, type_: str, record_id: str | None, fields: dict[str, Any]) -> Any:
        mint = self.sandbox.store.mint
        assert isinstance(mint, KantataIds)
        mint.forced = record_id
        self.count += 1
        return self.sandbox.store.create(type_, fields)

    def _ref(self, subject_type: str, record: Any, model: str, value: str | None) -> None:
        if value:
            ref: dict[str, Any] = {"service_name": "salesforce", "service_model": model}
            ref |= {"service_model_ref": value, "status": "successful", "locked": False}
            attach(self.sandbox, subject_type, record, ref)

    def customer(self, row: dict[str, str]) -> None:
        fields: dict[str, Any] = {"name": row["name"], "company": True}
        fields |= {"currency": row["currency"] or None, "country": row["country"] or None}
        record = self._put("workspace_groups", row["source_id"], fields)
        self._ref("WorkspaceGroup", record, "account", row.get("crm_id"))

    def project(self, row: dict[str, str]) -> None:
        price = _cents(row["budget"])
        group = row["customer_source_id"]
        fields = {
            "title": row["name"],
            "budgeted": price is not None,
            "price_in_cents": price,
            "currency": row["currency"] or None,
            "start_date": _date(row["start_date"]),
            "due_date": _date(row["end_date"]),
            "status": row["status"] or None,
            "workspace_group_ids": [group]
            if self.sandbox.store.get("workspace_groups", group)
            else [],
        }
        record = self._put("workspaces", row["source_id"], fields)
        self._ref("Workspace", record, "opportunity", row.get("opportunity_ref"))

    def _user(self, name: str) -> str | None:
        if not name:
            return None
        if name not in self.users:
            self.users[name] = self._put("users", None, {"full_name": name}).id
        return self.users[name]

    def time_entry(self, row: dict[str, str]) -> None:
        fields = {
            "workspace_id": row["project_source_id"],
            "user_id": self._user(row["user_name"]),
            "date_performed": _date(row["date_performed"]),
            "time_in_minutes": int(row["time_in_minutes"] or 0),
            "billable": row["billable"] == "true",
            "rate_in_cents": _cents(row["rate"]),
            "currency": row["currency"] or None,
            "approved": row["approved"] == "true",
            "notes": row["notes"] or None,
        }
        self._put("time_entries", row["source_id"], fields)

    def expense(self, row: dict[str, str]) -> None:
        fields = {
            "workspace_id": row["project_source_id"],
            "user_id": self._user(row["user_name"]),
            "date": _date(row["expense_date"]),
            "category": row["category"] or None,
            "amount_in_cents": _cents(row["amount"]) or 0,
            "currency": row["currency"] or None,
            "billable": row["billable"] == "true",
            "approved": row["status"] in APPROVED_EXPENSES,
            "notes": row["description"] or None,
        }
        self._put("expenses", row["source_id"], fields)

    def milestone(self, row: dict[str, str]) -> None:
        state = STORY_STATES.get(row["status"], "not started")
        fields = {
            "workspace_id": row["project_source_id"],
            "title": row["name"],
            "story_type": "milestone",
            "state": state,
            "due_date": _date(row["target_date"]),
            "completed_on": _date(row["actual_date"]) if state == "completed" else None,
            "budget_estimate_in_cents": _cents(row["amount"]),
            "currency": row["currency"] or None,
        }
        self._put("stories", row["source_id"], fields)


def _cents(text: str) -> int | None:
    try:
        return int(Decimal(text) * 100) if text else None
    except InvalidOperation:
        return None


def _date(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None
