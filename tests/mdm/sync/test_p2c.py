"""Project-to-cash against the Kantata, NetSuite and Salesforce sandboxes over HTTP, run by a
real worker: collection, posting once, supplementary billing, and the write-back to the CRM."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.clock import utcnow
from mdm.connectors import registry as connectors
from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.db import session_scope
from mdm.jobs.models import Job, JobStatus
from mdm.jobs.runtime import duties
from mdm.sandbox.faults import FaultKind
from mdm.settings import Settings
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal
from mdm.sync.p2c_jobs import POST_BATCH
from mdm.sync.p2c_poll import poll_billable
from tests.mdm.sync.p2c_world import (
    AUTH,
    KANTATA,
    NETSUITE,
    SALESFORCE,
    TIMEOUT,
    Sandboxes,
    flow_settings,
    served,
    urls,
)
from tests.support.burst import drain

__all__ = ["flow_settings", "served", "urls"]  # the fixtures, used by name


def _linked_deal(
    engine: Engine, settings: Settings, urls: Sandboxes, method: str, opportunity: str = "006A"
) -> SyncDeal:
    """A deal quote-to-project has linked: PSA project, ERP customer and job, CRM account."""
    golden = f"cus_{opportunity}"
    psa, erp = connectors.psa(settings), connectors.erp(settings)
    try:
        spec = CustomerSpec(golden, "Acme GmbH", country="DE", currency="EUR")
        psa_customer = psa.ensure_customer(spec, key=f"c:{golden}").id
        project = ProjectSpec(
            f"opp_{opportunity}", "Acme - Web", psa_customer, billing_method=method
        )
        psa_project = psa.upsert_project(project, key=f"p:{opportunity}").id
        erp_customer = erp.ensure_customer(spec, key=f"c:{golden}").id
        job = ProjectSpec(f"opp_{opportunity}", "Acme - Web", erp_customer, billing_method=method)
        erp_project = erp.ensure_project(job, key=f"j:{opportunity}").id
    finally:
        psa.close()
        erp.close()
    account = httpx.post(
        f"{urls.crm}{SALESFORCE}/sobjects/Account", json={"Name": "Acme GmbH"}, headers=AUTH
    ).json()["id"]
    deal = SyncDeal(
        opportunity_id=opportunity,
        account_id=account,
        name="Acme - Web",
        state=DealState.LINKED,
        golden_customer_id=golden,
        billing_method=method,
        currency="EUR",
        legal_entity="DE01",
        erp_customer_id=erp_customer,
        psa_customer_id=psa_customer,
        psa_project_id=psa_project,
        erp_project_id=erp_project,
        correlation_id=f"corr-{opportunity}",
    )
    with session_scope(engine, write=True) as session:
        session.add(deal)
    return deal


def _time(urls: Sandboxes, project: str, day: str, minutes: int, **extra: Any) -> str:
    entry = {
        "workspace_id": project,
        "date_performed": day,
        "time_in_minutes": minutes,
        "rate_in_cents": 15000,
        "currency": "EUR",
        "approved": True,
        **extra,
    }
    body = httpx.post(
        f"{urls.psa}{KANTATA}/time_entries.json", json={"time_entries": [entry]}, headers=AUTH
    ).json()
    return str(body["results"][0]["id"])


def _expense(urls: Sandboxes, project: str, day: str, cents: int) -> None:
    expense = {
        "workspace_id": project,
        "date": day,
        "amount_in_cents": cents,
        "currency": "EUR",
        "approved": True,
        "category": "Travel",
    }
    httpx.post(f"{urls.psa}{KANTATA}/expenses.json", json={"expenses": [expense]}, headers=AUTH)


def _milestone(urls: Sandboxes, project: str, state: str, cents: int) -> str:
    story = {
        "workspace_id": project,
        "story_type": "milestone",
        "title": "Go-live",
        "state": state,
        "budget_estimate_in_cents": cents,
        "currency": "EUR",
    }
    if state == "completed":
        story["completed_on"] = "2025-02-10"
    body = httpx.post(
        f"{urls.psa}{KANTATA}/stories.json", json={"stories": [story]}, headers=AUTH
    ).json()
    return str(body["results"][0]["id"])


def _run(engine: Engine, settings: Settings, *, poll: bool = True) -> None:
    """One poll round, then a worker until every job is done."""
    if poll:
        poll_billable(engine, settings, utcnow())
    drain(engine, settings)


def _transactions(engine: Engine) -> list[BillingTransaction]:
    with session_scope(engine) as session:
        query = select(BillingTransaction).order_by(col(BillingTransaction.id))
        return list(session.exec(query))


def _erp(urls: Sandboxes, type_: str) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = httpx.get(f"{urls.erp}/_sandbox/stats").json()["types"]
    return types.get(type_, {"records": 0, "duplicates": {}})


def _dead(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        query = select(Job.task, Job.last_error).where(col(Job.status) == JobStatus.DEAD)
        return [f"{task}: {error}" for task, error in session.exec(query)]


def test_time_and_expenses_of_two_months_post_two_transactions_once_each(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _linked_deal(engine, flow_settings, urls, "time_and_materials")
    project = deal.psa_project_id or ""
    _time(urls, project, "2025-01-10", 90)
    _time(urls, project, "2025-01-31", 7, rate_in_cents=9999)
    _expense(urls, project, "2025-01-20", 4929)
    _time(urls, project, "2025-02-03", 60)
    _time(urls, project, "2025-02-04", 60, approved=False)
    _time(urls, project, "2025-02-05", 60, billable=False)
    _run(engine, flow_settings)
    _run(engine, flow_settings)  # a second round finds nothing new
    assert _dead(engine) == []
    rows = [
        (tx.id, tx.amount_cents, tx.currency, tx.tax_code, tx.subsidiary, tx.state)
        for tx in _transactions(engine)
    ]
    assert rows == [
        (f"bt_{deal.id}_tm_2025_01", 22500 + 1167 + 4929, "EUR", "DE-UST19", "5", "posted"),
        (f"bt_{deal.id}_tm_2025_02", 15000, "EUR", "DE-UST19", "5", "posted"),
    ]
    assert all(
        tx.correlation_id == "corr-006A" and tx.erp_invoice_id for tx in _transactions(engine)
    )
    invoices = _erp(urls, "invoice")
    assert (invoices["records"], invoices["duplicates"]) == (2, {})


def test_a_fixed_fee_deal_bills_nothing_from_time_then_exactly_its_completed_milestone(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _linked_deal(engine, flow_settings, urls, "fixed_fee")
    project = deal.psa_project_id or ""
    _time(urls, project, "2025-01-10", 600)
    _milestone(urls, project, "started", 500000)
    _run(engine, flow_settings)
    assert _transactions(engine) == []
    milestone = _milestone(urls, project, "completed", 1250050)
    _run(engine, flow_settings)
    ((tx_id, cents, state),) = [(t.id, t.amount_cents, t.state) for t in _transactions(engine)]
    assert (tx_id, cents, state) == (f"bt_{deal.id}_ms_{milestone}", 1250050, "posted")
    assert _erp(urls, "invoice")["records"] == 1


def test_a_posting_whose_answer_is_lost_leaves_one_erp_invoice(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _linked_deal(engine, flow_settings, urls, "time_and_materials")
    _time(urls, deal.psa_project_id or "", "2025-01-10", 60)
    fault = {
        "kind": FaultKind.COMMIT_THEN_TIMEOUT,
        "path": f"{NETSUITE}/salesOrder/",
        "method": "POST",
        "delay_seconds": TIMEOUT * 3,
    }
    assert httpx.post(f"{urls.erp}/_sandbox/faults", json=fault).status_code == 204
    _run(engine, flow_settings)
    assert _dead(engine) == []
    with session_scope(engine) as session:
        query = select(Job.attempts).where(col(Job.task) == POST_BATCH)
        attempts = session.exec(query).one()
    assert attempts == 2  # the first answer was lost; the second attempt found the invoice
    invoices = _erp(urls, "invoice")
    assert (invoices["records"], invoices["duplicates"]) == (1, {})
    (tx,) = _transactions(engine)
    assert tx.state == BillingState.POSTED
    assert tx.erp_invoice_id is not None


def test_time_approved_after_its_month_was_posted_bills_a_supplementary_transaction(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _linked_deal(engine, flow_settings, urls, "time_and_materials")
    project = deal.psa_project_id or ""
    _time(urls, project, "2025-01-10", 60)
    late = _time(urls, project, "2025-01-11", 30, approved=False)
    _run(engine, flow_settings)
    first = _transactions(engine)
    httpx.put(
        f"{urls.psa}{KANTATA}/time_entries/{late}.json",
        json={"time_entry": {"approved": True}},
        headers=AUTH,
    )
    _run(engine, flow_settings)
    rows = [(tx.id, tx.amount_cents, tx.state) for tx in _transactions(engine)]
    base = f"bt_{deal.id}_tm_2025_01"
    assert rows == [(base, 15000, "posted"), (f"{base}_2", 7500, "posted")]
    assert _transactions(engine)[0].lines == first[0].lines  # the posted one never changes
    assert _erp(urls, "invoice")["records"] == 2


def test_invoice_status_and_payments_reach_the_crm_account(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _linked_deal(engine, flow_settings, urls, "time_and_materials")
    _time(urls, deal.psa_project_id or "", "2025-01-10", 60)
    _run(engine, flow_settings)
    (tx,) = _transactions(engine)
    payment = {
        "entity": {"id": deal.erp_customer_id},
        "payment": "100.00",
        "tranDate": date(2025, 3, 1).isoformat(),
        "apply": {"items": [{"doc": {"id": tx.erp_invoice_id}, "amount": "100.00", "apply": True}]},
    }
    answer = httpx.post(f"{urls.erp}{NETSUITE}/customerPayment", json=payment, headers=AUTH)
    assert answer.status_code == 204, answer.text
    _run(engine, flow_settings)
    assert _dead(engine) == []
    (tx,) = _transactions(engine)
    assert (tx.paid_cents, tx.state, tx.erp_invoice_number) == (
        10000,
        "posted",
        f"INV{tx.erp_invoice_id}",
    )
    soql = "SELECT Hub_Invoice_Id__c, Status__c, Remaining__c FROM Invoice_Status__c"
    rows = httpx.get(f"{urls.crm}{SALESFORCE}/query", params={"q": soql}, headers=AUTH).json()
    account = httpx.get(
        f"{urls.crm}{SALESFORCE}/sobjects/Account/{deal.account_id}", headers=AUTH
    ).json()
    assert [(r["Hub_Invoice_Id__c"], r["Remaining__c"]) for r in rows["records"]] == [
        (tx.erp_invoice_id, 50.0)
    ]
    assert (
        account["Hub_Open_Receivables__c"],
        account["Hub_Paid_Receivables__c"],
        account["Hub_Receivables_Currency__c"],
    ) == (50.0, 100.0, "EUR")


def test_a_poll_round_collects_linked_deals_once_while_their_collection_is_open(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _linked_deal(engine, flow_settings, urls, "time_and_materials")
    with session_scope(engine, write=True) as session:
        session.add(SyncDeal(opportunity_id="006B", account_id="001B", name="B", state="project"))
    assert poll_billable(engine, flow_settings, utcnow()) == 2  # one collection, one ERP read
    assert poll_billable(engine, flow_settings, utcnow()) == 0  # both still open
    with session_scope(engine) as session:
        jobs = session.exec(select(Job.idempotency_key, Job.lock_key, Job.correlation_id)).all()
    assert sorted((key, lock) for key, lock, _ in jobs) == [
        (f"p2c:collect:{deal.id}:1", "deal:006A"),
        ("p2c:invoices:1", "p2c:invoices"),
    ]
    assert {cid for key, _, cid in jobs if key.startswith("p2c:collect")} == {"corr-006A"}
    _run(engine, flow_settings, poll=False)
    assert poll_billable(engine, flow_settings, utcnow()) == 2  # the next round


def test_workers_poll_for_billing_only_when_sync_is_enabled(settings: Settings) -> None:
    names = [duty.name for duty in duties(settings.model_copy(update={"sync_enabled": False}))]
    assert "p2c_poll" not in names
    names = [duty.name for duty in duties(settings.model_copy(update={"sync_enabled": True}))]
    assert "p2c_poll" in names
