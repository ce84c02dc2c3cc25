"""The demo's answer: counts from the sandboxes' own storage, amounts per currency, dead letters
and exceptions from the hub, and whether every difference has its explanation."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import Engine, or_
from sqlalchemy import select as table_select
from sqlmodel import col, select

from mdm.connectors.config import Role
from mdm.db import session_scope
from mdm.jobs.models import JobStatus
from mdm.jobs.store import JOB
from mdm.sync.config import SyncConfig
from mdm.sync.currencies import amount_text
from mdm.sync.demo_delivery import Delivery
from mdm.sync.demo_setup import FLOW_KEY_PREFIXES, Systems
from mdm.sync.models import BillingTransaction, DealState, SyncDeal, SyncException

PROJECT_PREFIX = "opp_"
CUSTOMER_PREFIX = "cus_"
BILLING_PREFIX = "bt_"
Amounts = dict[str, int]  # currency -> hundredths


@dataclass(frozen=True)
class DeadLetter:
    """A flow job out of attempts: what it was about and why it died."""

    task: str
    lock_key: str | None
    args: dict[str, Any]
    last_error: str


@dataclass(frozen=True)
class HubView:
    """What the hub knows: deals, transaction owners, dead letters, open exceptions."""

    deals: dict[str, SyncDeal]  # by opportunity id
    tx_deal: dict[str, str]  # billing transaction id -> opportunity id
    dead: list[DeadLetter]
    exceptions: list[SyncException]


def read_hub(engine: Engine) -> HubView:
    """The hub's side of the run."""
    flow_jobs = or_(*(JOB.c.idempotency_key.startswith(p) for p in FLOW_KEY_PREFIXES))
    with session_scope(engine) as session:
        deals = {d.opportunity_id: d for d in session.exec(select(SyncDeal))}
        by_id = {d.id: d.opportunity_id for d in deals.values()}
        owners = session.exec(select(BillingTransaction.id, BillingTransaction.deal_id)).all()
        rows = session.connection().execute(
            table_select(JOB.c.task, JOB.c.lock_key, JOB.c.args, JOB.c.last_error).where(
                JOB.c.status == JobStatus.DEAD, flow_jobs
            )
        )
        exceptions = list(
            session.exec(select(SyncException).where(col(SyncException.status) == "open"))
        )
    tx_deal = {tx: by_id[deal] for tx, deal in owners if deal in by_id}
    dead = [DeadLetter(t, lock, dict(args or {}), err or "") for t, lock, args, err in rows]
    return HubView(deals, tx_deal, dead, exceptions)


def stats(systems: Systems, role: Role) -> dict[str, Any]:
    """`GET /_sandbox/stats`: records per type and duplicated external ids."""
    response = httpx.get(f"{systems.urls[role]}/_sandbox/stats", timeout=10)
    response.raise_for_status()
    types: dict[str, Any] = response.json()["types"]
    return types


def duplicates(types: dict[str, Any], kind: str, prefix: str) -> int:
    """Extra records beyond the first, over the external ids of `kind` starting with `prefix`."""
    found = types.get(kind, {}).get("duplicates", {})
    return sum(n - 1 for value, n in found.items() if str(value).startswith(prefix))


def posted_invoices(systems: Systems) -> list[dict[str, Any]]:
    """The ERP's invoices for the hub's billing transactions (external id `bt_...`)."""
    store = systems.sandbox("erp").store
    return [
        r.fields
        for r in store.all("invoice")
        if str(r.fields.get("externalId", "")).startswith(BILLING_PREFIX)
    ]


def currency_of(fields: dict[str, Any]) -> str:
    """An ERP record's currency, whichever shape the reference was given in."""
    value = fields.get("currency")
    if isinstance(value, dict):
        return str(value.get("refName") or value.get("id") or "?")
    return str(value or "?")


def cents(value: Any) -> int:
    """A decimal amount as hundredths (the ERP's totals are already in their minor unit)."""
    return int((Decimal(str(value)) * 100).to_integral_value())


def money(amounts: Amounts) -> dict[str, str]:
    """Hundredths as decimal strings with each currency's decimals (JPY `"1234"`, EUR
    `"12.50"`), sorted by currency."""
    return {c: amount_text(v, c) for c, v in sorted(amounts.items())}


@dataclass
class Reckoning:
    """Expected and posted per deal, and the deals whose difference nothing explains."""

    expected: dict[str, tuple[str, int]]
    posted: dict[str, Amounts]
    unexplained: list[dict[str, Any]]

    def totals(self) -> tuple[Amounts, Amounts]:
        """Expected and posted summed per currency."""
        expected: Amounts = defaultdict(int)
        posted: Amounts = defaultdict(int)
        for currency, amount in self.expected.values():
            expected[currency] += amount
        for amounts in self.posted.values():
            for currency, amount in amounts.items():
                posted[currency] += amount
        for currency in set(expected) | set(posted):
            expected[currency] += 0
            posted[currency] += 0
        return dict(expected), dict(posted)


def reckon(
    delivery: Delivery, config: SyncConfig, hub: HubView, invoices: list[dict[str, Any]]
) -> Reckoning:
    """Compare what each chosen deal should bill with what the ERP holds for it."""
    stopped = {e.subject for e in hub.exceptions} | {
        opp for opp, d in hub.deals.items() if d.state == DealState.EXCEPTION
    }
    expected: dict[str, tuple[str, int]] = {}
    for opp in delivery.deals:
        deal = hub.deals.get(opp)
        priced = delivery.expected(opp, config, deal.billing_method if deal else None)
        if opp not in stopped and priced is not None:
            expected[opp] = priced
    posted: dict[str, Amounts] = defaultdict(lambda: defaultdict(int))
    for fields in invoices:
        owner = hub.tx_deal.get(str(fields["externalId"]), "?")
        posted[owner][currency_of(fields)] += cents(fields.get("total", 0))
    explained = _explained(hub)
    unexplained = []
    for opp in sorted(set(expected) | set(posted)):
        currency, want = expected.get(opp, ("?", 0))
        got = {c: v for c, v in posted.get(opp, {}).items() if v}
        if got == ({currency: want} if want else {}) or opp in explained:
            continue
        difference = {"opportunity_id": opp, "expected": money({currency: want})}
        unexplained.append(difference | {"posted": money(got)})
    return Reckoning(expected, {k: dict(v) for k, v in posted.items()}, unexplained)


def _explained(hub: HubView) -> set[str]:
    """Deals a dead letter or an open exception accounts for."""
    found = {e.subject for e in hub.exceptions}
    found |= {hub.tx_deal.get(e.subject, "") for e in hub.exceptions}
    return (found | held_deals(hub)) - {""}


def held_deals(hub: HubView) -> set[str]:
    """The opportunities a dead letter holds up: by its lock key (`deal:<opportunity>`,
    `billing:<transaction>`) or by the deal or transactions its arguments name."""
    found: set[str] = set()
    by_deal_id = {str(d.id): opp for opp, d in hub.deals.items()}
    for letter in hub.dead:
        lock, args = letter.lock_key or "", letter.args
        if lock.startswith("deal:"):
            found.add(lock.removeprefix("deal:"))
        transactions = [lock.removeprefix("billing:")] if lock.startswith("billing:") else []
        transactions += [args["transaction_id"]] if "transaction_id" in args else []
        transactions += list(args.get("transaction_ids") or [])
        found |= {hub.tx_deal.get(str(tx), "") for tx in transactions}
        if isinstance(args.get("opportunity_id"), str):
            found.add(args["opportunity_id"])
        found.add(by_deal_id.get(str(args.get("deal_id")), ""))
    return found - {""}


def dead_letter_reasons(dead: list[DeadLetter]) -> list[dict[str, Any]]:
    """Dead letters grouped by task and error, most frequent first."""
    grouped = Counter((d.task, _first_line(d.last_error)) for d in dead)
    return [
        {"task": task, "last_error": error, "count": n}
        for (task, error), n in sorted(grouped.items(), key=lambda item: (-item[1], item[0]))
    ]


def _first_line(error: str) -> str:
    return error.strip().splitlines()[0][:300] if error.strip() else ""
