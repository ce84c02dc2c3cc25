"""Batch posting of billing transactions to the NetSuite sandbox over HTTP, run by a real worker:
each posted once, refusals handed to their own jobs, a lost answer retried without a duplicate."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.clock import utcnow
from mdm.connectors import registry as connectors
from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.models import Job
from mdm.sandbox.faults import FaultKind
from mdm.settings import Settings
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal
from mdm.sync.p2c_jobs import POST_BATCH, post_batch_jobs, post_job
from tests.mdm.sync.p2c_world import (
    AUTH,
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


def _deal(engine: Engine, settings: Settings, urls: Sandboxes, name: str) -> SyncDeal:
    """A linked deal with its ERP customer and job and its CRM account."""
    erp = connectors.erp(settings)
    try:
        customer = erp.ensure_customer(CustomerSpec(f"cus_{name}", name), key=f"c:{name}").id
        job = erp.ensure_project(ProjectSpec(f"opp_{name}", name, customer), key=f"j:{name}").id
    finally:
        erp.close()
    account = httpx.post(
        f"{urls.crm}{SALESFORCE}/sobjects/Account", json={"Name": name}, headers=AUTH
    ).json()["id"]
    deal = SyncDeal(
        opportunity_id=name,
        account_id=account,
        name=name,
        state=DealState.LINKED,
        golden_customer_id=f"cus_{name}",
        billing_method="time_and_materials",
        currency="USD",
        legal_entity="US01",
        erp_customer_id=customer,
        psa_project_id=f"ws_{name}",
        erp_project_id=job,
        correlation_id=f"corr-{name}",
    )
    with session_scope(engine, write=True) as session:
        session.add(deal)
    return deal


def _transactions(engine: Engine, deal: SyncDeal, months: list[int]) -> list[BillingTransaction]:
    assert deal.id is not None
    rows = [
        BillingTransaction(
            id=f"bt_{deal.id}_tm_2025_{month:02d}",
            deal_id=deal.id,
            kind="time_and_expenses",
            period=f"2025-{month:02d}",
            currency="USD",
            tax_code="US-EXEMPT",
            subsidiary="1",
            amount_cents=15000 * month,
            lines=[
                {
                    "source_ref": f"time:{deal.id}:{month}",
                    "description": f"Month {month}",
                    "quantity": str(month),
                    "rate": "150",
                    "amount_cents": 15000 * month,
                }
            ],
            correlation_id=deal.correlation_id,
        )
        for month in months
    ]
    with session_scope(engine, write=True) as session:
        session.add_all(rows)
    return rows


def _enqueue(engine: Engine, jobs: list[store.NewJob]) -> int:
    with session_scope(engine, write=True) as session:
        return store.enqueue(session, jobs, utcnow())


def _run(engine: Engine, settings: Settings) -> None:
    drain(engine, settings)


def _posted(engine: Engine) -> dict[str, str | None]:
    with session_scope(engine) as session:
        rows = session.exec(select(BillingTransaction).order_by(col(BillingTransaction.id)))
        return {
            tx.id: tx.erp_invoice_id if tx.state == BillingState.POSTED else None for tx in rows
        }


def _jobs(engine: Engine) -> list[tuple[str, str, int]]:
    with session_scope(engine) as session:
        query = select(Job.task, Job.status, Job.attempts).order_by(col(Job.id))
        return [(task, str(status), attempts) for task, status, attempts in session.exec(query)]


def _invoices(urls: Sandboxes) -> tuple[int, dict[str, int]]:
    types = httpx.get(f"{urls.erp}/_sandbox/stats").json()["types"]
    invoice = types.get("invoice", {"records": 0, "duplicates": {}})
    return invoice["records"], invoice["duplicates"]


def test_batches_split_in_order_and_the_same_batch_is_enqueued_once(engine: Engine) -> None:
    ids = [f"bt_{n}" for n in range(5)]
    jobs = post_batch_jobs(ids, 2)
    assert [job.args["transaction_ids"] for job in jobs] == [
        ["bt_0", "bt_1"],
        ["bt_2", "bt_3"],
        ["bt_4"],
    ]
    assert _enqueue(engine, jobs) == 3
    assert _enqueue(engine, post_batch_jobs(ids, 2)) == 0


def test_a_batch_posts_each_pending_transaction_once_with_its_deals_correlation_id(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    first = _deal(engine, flow_settings, urls, "dealA")
    second = _deal(engine, flow_settings, urls, "dealB")
    txs = _transactions(engine, first, [1, 2]) + _transactions(engine, second, [1])
    _enqueue(engine, post_batch_jobs([tx.id for tx in txs]))
    _run(engine, flow_settings)
    posted = _posted(engine)
    assert all(posted.values())
    assert len(set(posted.values())) == 3
    assert _invoices(urls) == (3, {})
    tasks = sorted((task, status) for task, status, _ in _jobs(engine))
    # One write-back per CRM account: dealA's two postings ride on one job.
    assert tasks == [(POST_BATCH, "succeeded")] + [("p2c.writeback", "succeeded")] * 2
    crm = httpx.get(f"{urls.crm}/_sandbox/stats").json()["types"]["Invoice_Status__c"]
    assert (crm["records"], crm["duplicates"]) == (3, {})
    log = httpx.get(f"{urls.erp}/_sandbox/requests").json()
    billing = [e["headers"] for e in log if "/salesOrder/" in e["path"]]
    assert {h["x-correlation-id"] for h in billing} == {"corr-dealA", "corr-dealB"}
    assert {h["idempotency-key"] for h in billing} == {f"p2c:post:{tx.id}" for tx in txs}


def test_a_refused_transaction_goes_to_its_own_job_and_the_others_are_posted(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    good = _deal(engine, flow_settings, urls, "dealA")
    bad = _deal(engine, flow_settings, urls, "dealB")
    with session_scope(engine, write=True) as session:
        broken = session.get(SyncDeal, bad.id)
        assert broken is not None
        broken.erp_customer_id = "424242"  # no such customer: NetSuite refuses the order
        session.add(broken)
    txs = _transactions(engine, good, [1]) + _transactions(engine, bad, [1])
    _enqueue(engine, post_batch_jobs([tx.id for tx in txs]))
    _run(engine, flow_settings)
    posted = _posted(engine)
    assert (bool(posted[txs[0].id]), posted[txs[1].id]) == (True, None)
    assert _invoices(urls) == (1, {})
    statuses = {(task, status) for task, status, _ in _jobs(engine)}
    assert statuses == {
        (POST_BATCH, "succeeded"),
        ("p2c.post", "dead"),
        ("p2c.writeback", "succeeded"),
    }


def test_a_transaction_with_its_own_posting_job_is_left_to_it(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _deal(engine, flow_settings, urls, "dealA")
    txs = _transactions(engine, deal, [1, 2])
    _enqueue(engine, [post_job(txs[0]), *post_batch_jobs([tx.id for tx in txs])])
    _run(engine, flow_settings)
    assert all(_posted(engine).values())
    assert _invoices(urls) == (2, {})
    log = httpx.get(f"{urls.erp}/_sandbox/requests").json()
    keys = [e["headers"]["idempotency-key"] for e in log if "!transform" in e["path"]]
    assert sorted(keys) == [f"p2c:post:{tx.id}" for tx in txs]  # each transformed once


def test_a_lost_answer_stops_the_batch_and_its_retry_bills_nothing_twice(
    engine: Engine, flow_settings: Settings, urls: Sandboxes
) -> None:
    deal = _deal(engine, flow_settings, urls, "dealA")
    txs = _transactions(engine, deal, [1, 2, 3])
    fault = {
        "kind": FaultKind.COMMIT_THEN_TIMEOUT,
        "method": "POST",
        "path": f"{NETSUITE}/salesOrder/",
        "delay_seconds": TIMEOUT * 3,
    }
    assert httpx.post(f"{urls.erp}/_sandbox/faults", json=fault).status_code == 204
    _enqueue(engine, post_batch_jobs([tx.id for tx in txs]))
    _run(engine, flow_settings)
    assert all(_posted(engine).values())
    assert _invoices(urls) == (3, {})
    batch = [(status, attempts) for task, status, attempts in _jobs(engine) if task == POST_BATCH]
    assert batch == [("succeeded", 2)]
