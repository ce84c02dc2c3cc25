"""The consultants of the demo: once a won deal's PSA project exists, its time, expenses and
milestones appear in the PSA, written straight into the sandbox's storage (never through the
faults, as a person typing them in would), and what they should bill is written down."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.db import session_scope
from mdm.sandbox.core import Sandbox
from mdm.sandbox.records import RecordStore
from mdm.sync.billing import expected_cents
from mdm.sync.config import SyncConfig
from mdm.sync.demo_work import (
    ExpenseItem,
    MilestoneItem,
    SeedWork,
    TimeItem,
    Work,
    billing_work,
    generated_work,
)
from mdm.sync.models import SyncDeal


@dataclass(frozen=True)
class DealTerms:
    """What the CRM says about a chosen deal: enough to plan and price its delivery."""

    opportunity_id: str
    billing_method: str | None
    legal_entity: str | None
    currency: str | None
    amount_cents: int | None
    won_on: date | None


def deal_terms(crm: Sandbox, chosen: list[str]) -> dict[str, DealTerms]:
    """The chosen opportunities' terms as the CRM sandbox stores them."""
    terms = {}
    for opportunity_id in chosen:
        record = crm.store.get("Opportunity", opportunity_id)
        fields = record.fields if record else {}
        amount = fields.get("Amount")
        close = fields.get("CloseDate")
        terms[opportunity_id] = DealTerms(
            opportunity_id,
            billing_method=fields.get("Billing_Method__c"),
            legal_entity=fields.get("Legal_Entity__c"),
            currency=fields.get("CurrencyIsoCode"),
            amount_cents=round(float(amount) * 100) if amount is not None else None,
            won_on=date.fromisoformat(close[:10]) if close else None,
        )
    return terms


@dataclass
class Delivery:
    """Plans every chosen deal's work, and delivers it once the deal's project exists."""

    psa: Sandbox
    deals: dict[str, DealTerms]
    seed: int
    today: date
    seeds: SeedWork = field(default_factory=SeedWork)
    delivered: dict[str, str] = field(default_factory=dict)  # opportunity -> PSA project
    _users: dict[str, str] = field(default_factory=dict)
    _plans: dict[str, Work] = field(default_factory=dict)
    _priced: dict[tuple[str, str | None], tuple[str, int] | None] = field(default_factory=dict)

    def plan(self, opportunity_id: str) -> Work:
        """The deal's delivery: its PSA seed project's, or made up from the run's seed."""
        if opportunity_id not in self._plans:
            terms = self.deals[opportunity_id]
            work = self.seeds.for_deal(opportunity_id) or generated_work(
                opportunity_id,
                self.seed,
                won_on=terms.won_on,
                amount_cents=terms.amount_cents,
                currency=terms.currency,
                today=self.today,
            )
            self._plans[opportunity_id] = work
        return self._plans[opportunity_id]

    def deliver_new(self, engine: Engine) -> int:
        """Deliver on every chosen deal whose PSA project appeared since the last call."""
        with session_scope(engine) as session:
            rows = session.exec(
                select(SyncDeal.opportunity_id, SyncDeal.psa_project_id).where(
                    col(SyncDeal.psa_project_id).is_not(None)
                )
            ).all()
        fresh = [
            (opp, project)
            for opp, project in rows
            if project and opp in self.deals and opp not in self.delivered
        ]
        for opportunity_id, project_id in fresh:
            self._deliver(opportunity_id, project_id)
        return len(fresh)

    def expected(
        self, opportunity_id: str, config: SyncConfig, method: str | None = None
    ) -> tuple[str, int] | None:
        """(currency, minor units) the deal should bill by today; None if its currency is
        unknown (no legal entity the configuration knows)."""
        terms = self.deals[opportunity_id]
        billing = method or terms.billing_method
        memo = (opportunity_id, billing)
        if memo not in self._priced:
            entity = config.entity(terms.legal_entity, terms.currency)
            work = billing_work(self.plan(opportunity_id))
            self._priced[memo] = (
                None
                if entity is None
                else (entity.currency, expected_cents(0, billing, entity, work, self.today))
            )
        return self._priced[memo]

    def _deliver(self, opportunity_id: str, project_id: str) -> None:
        work = self.plan(opportunity_id)
        store = self.psa.store
        created: list[tuple[str, str, list[str]]] = []
        # One lock for the whole project, so a poller never sees half of its delivery.
        with store.lock:
            if store.get("workspaces", project_id) is None:
                return
            for item in work.time:
                fields = _time_fields(project_id, self._user(store, item.person), item)
                created.append(("TimeEntry", store.create("time_entries", fields).id, [*fields]))
            for expense in work.expenses:
                fields = _expense_fields(project_id, self._user(store, expense.person), expense)
                created.append(("Expense", store.create("expenses", fields).id, [*fields]))
            for milestone in work.milestones:
                fields = _milestone_fields(project_id, milestone)
                created.append(("Story", store.create("stories", fields).id, [*fields]))
        for subject, record_id, names in created:
            self.psa.feed.publish(subject, record_id, "created", sorted(names))
        self.delivered[opportunity_id] = project_id

    def _user(self, store: RecordStore, name: str) -> str | None:
        if not name:
            return None
        if name not in self._users:
            self._users[name] = store.create("users", {"full_name": name}).id
        return self._users[name]


def _time_fields(project_id: str, user_id: str | None, item: TimeItem) -> dict[str, Any]:
    return {
        "workspace_id": project_id,
        "user_id": user_id,
        "date_performed": item.performed_on.isoformat(),
        "time_in_minutes": item.minutes,
        "billable": item.billable,
        "rate_in_cents": item.rate_cents,
        "currency": item.currency,
        "approved": item.approved,
        "notes": "delivered during the demo",
    }


def _expense_fields(project_id: str, user_id: str | None, item: ExpenseItem) -> dict[str, Any]:
    return {
        "workspace_id": project_id,
        "user_id": user_id,
        "date": item.incurred_on.isoformat(),
        "category": item.category,
        "amount_in_cents": item.amount_cents,
        "currency": item.currency,
        "billable": item.billable,
        "approved": item.approved,
        "notes": "delivered during the demo",
    }


def _milestone_fields(project_id: str, item: MilestoneItem) -> dict[str, Any]:
    completed = item.completed_on.isoformat() if item.completed_on else None
    return {
        "workspace_id": project_id,
        "title": item.name,
        "story_type": "milestone",
        "state": "completed" if completed else "started",
        "due_date": item.due_on.isoformat() if item.due_on else None,
        "completed_on": completed,
        "budget_estimate_in_cents": item.amount_cents,
        "currency": item.currency,
    }
