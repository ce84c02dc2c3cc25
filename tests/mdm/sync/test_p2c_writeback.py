"""CRM write-backs coalesced per account, against the Salesforce sandbox over HTTP: postings of
one account within the window share one job, a change made while a write-back runs stays due,
and the poll round repairs an account left with unwritten changes, once per change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, update
from sqlmodel import col, select

from mdm.clock import aware, utcnow
from mdm.connectors.config import SystemConnection
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.models import Job, JobStatus
from mdm.sandbox import salesforce
from mdm.settings import Settings
from mdm.sync.models import BillingState, BillingTransaction, DealState, SyncDeal
from mdm.sync.p2c import record_posting
from mdm.sync.p2c_jobs import WRITEBACK, request_writeback, writeback_job
from mdm.sync.p2c_poll import poll_billable
from mdm.sync.p2c_writeback import mark_written
from tests.support.burst import drain
from tests.support.sandboxes import serving

AUTH = {"Authorization": "Bearer sandbox-token"}
ACCOUNTS = "/services/data/v61.0/sobjects/Account"
WINDOW = timedelta(seconds=60)


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving(salesforce.create_app(seed=False)) as url:
        yield url


@pytest.fixture
def crm(served: str) -> str:
    assert httpx.post(f"{served}/_sandbox/reset").status_code == 204
    return served


@pytest.fixture
def crm_settings(settings: Settings, crm: str) -> Settings:
    connection = SystemConnection(base_url=crm, token=SecretStr("sandbox-token"))
    return settings.model_copy(update={"crm": connection, "jobs_poll_seconds": 0.02})


def _account(crm: str, name: str) -> str:
    answer = httpx.post(f"{crm}{ACCOUNTS}", json={"Name": name}, headers=AUTH)
    return str(answer.json()["id"])


def _deal(engine: Engine, account: str, name: str) -> SyncDeal:
    """A linked deal of `account` with no PSA project, so the poll round never collects it."""
    deal = SyncDeal(
        opportunity_id=name,
        account_id=account,
        name=name,
        state=DealState.LINKED,
        golden_customer_id=f"cus_{name}",
        billing_method="time_and_materials",
        currency="USD",
        legal_entity="US01",
        erp_customer_id="1",
        correlation_id=f"corr-{name}",
    )
    with session_scope(engine, write=True) as session:
        session.add(deal)
    return deal


def _pending(engine: Engine, deal: SyncDeal, month: int) -> str:
    assert deal.id is not None
    tx = BillingTransaction(
        id=f"bt_{deal.id}_tm_2025_{month:02d}",
        deal_id=deal.id,
        kind="time_and_expenses",
        period=f"2025-{month:02d}",
        currency="USD",
        amount_cents=10000 * month,
        lines=[],
        correlation_id=deal.correlation_id,
    )
    with session_scope(engine, write=True) as session:
        session.add(tx)
    return tx.id


def _writebacks(engine: Engine) -> list[Job]:
    with session_scope(engine) as session:
        query = select(Job).where(col(Job.task) == WRITEBACK).order_by(col(Job.id))
        return list(session.exec(query))


def _run_now(engine: Engine, settings: Settings) -> None:
    """Make every queued job due, then run them all."""
    with session_scope(engine, write=True) as session:
        session.connection().execute(update(store.JOB).values(run_at=utcnow()))
    drain(engine, settings)


def _crm_writes(crm: str) -> list[dict[str, Any]]:
    log: list[dict[str, Any]] = httpx.get(f"{crm}/_sandbox/requests").json()
    return [e for e in log if e["method"] == "PATCH"]


def _revisions(engine: Engine) -> dict[str, tuple[int, int]]:
    with session_scope(engine) as session:
        rows = session.exec(select(BillingTransaction))
        return {tx.id: (tx.revision, tx.crm_revision) for tx in rows}


def test_postings_of_one_account_within_the_window_share_one_writeback(
    engine: Engine, crm_settings: Settings, crm: str
) -> None:
    acme, bergmann = _account(crm, "Acme"), _account(crm, "Bergmann")
    first, second = _deal(engine, acme, "A1"), _deal(engine, acme, "A2")
    other = _deal(engine, bergmann, "B1")
    txs = [_pending(engine, first, 1), _pending(engine, first, 2), _pending(engine, second, 1)]
    txs.append(_pending(engine, other, 3))
    before = utcnow()
    for n, tx_id in enumerate(txs):  # four postings, each its own unit of work
        record_posting(engine, tx_id, f"INV{n}", WINDOW)

    jobs = _writebacks(engine)
    assert sorted(job.lock_key or "" for job in jobs) == [f"crm:{acme}", f"crm:{bergmann}"]
    assert all(aware(job.run_at) >= before + WINDOW for job in jobs)  # they wait for more
    assert {job.correlation_id for job in jobs} == {"corr-A1", "corr-B1"}
    _run_now(engine, crm_settings)

    statuses = httpx.get(f"{crm}/_sandbox/stats").json()["types"]["Invoice_Status__c"]
    assert (statuses["records"], statuses["duplicates"]) == (4, {})
    summaries = [e for e in _crm_writes(crm) if e["path"].startswith(ACCOUNTS)]
    assert len(summaries) == 2  # one receivables summary per account, not one per invoice
    account = httpx.get(f"{crm}{ACCOUNTS}/{acme}", headers=AUTH).json()
    assert account["Hub_Open_Receivables__c"] == 100.0 + 200.0 + 100.0
    assert set(_revisions(engine).values()) == {(1, 1)}


def test_a_writeback_with_nothing_unwritten_calls_nothing(
    engine: Engine, crm_settings: Settings, crm: str
) -> None:
    deal = _deal(engine, _account(crm, "Acme"), "A1")
    record_posting(engine, _pending(engine, deal, 1), "INV1", timedelta(0))
    _run_now(engine, crm_settings)
    calls = len(_crm_writes(crm))
    with session_scope(engine, write=True) as session:  # one more, after the first wrote all
        job = _job_like(deal.account_id, f"p2c:writeback:{deal.account_id}:again")
        store.enqueue(session, [job], utcnow())
    _run_now(engine, crm_settings)
    assert len(_crm_writes(crm)) == calls
    assert {job.status for job in _writebacks(engine)} == {JobStatus.SUCCEEDED}


def _job_like(account: str, key: str, **extra: object) -> store.NewJob:
    job = writeback_job(account, key, None)
    return store.NewJob(**{**job.__dict__, "args": {**job.args, **extra}})


def test_a_change_made_while_the_writeback_ran_stays_due(engine: Engine, crm: str) -> None:
    deal = _deal(engine, _account(crm, "Acme"), "A1")
    tx_id = _pending(engine, deal, 1)
    record_posting(engine, tx_id, "INV1", timedelta(0))
    with session_scope(engine) as session:
        read = session.get(BillingTransaction, tx_id)  # what the write-back read and wrote
    assert read is not None
    with session_scope(engine, write=True) as session:
        tx = session.get(BillingTransaction, tx_id)
        assert tx is not None
        tx.paid_cents = 5000  # a payment arrives meanwhile
        request_writeback(session, deal, tx, utcnow(), timedelta(0))
    mark_written(engine, [read])
    assert _revisions(engine) == {tx_id: (2, 1)}


def test_the_poll_round_repairs_an_account_left_with_unwritten_changes_once_per_change(
    engine: Engine, crm_settings: Settings, crm: str
) -> None:
    deal = _deal(engine, _account(crm, "Acme"), "A1")
    tx_id = _pending(engine, deal, 1)
    with session_scope(engine, write=True) as session:
        session.connection().execute(
            update(BillingTransaction)
            .where(col(BillingTransaction.id) == tx_id)
            .values(state=BillingState.POSTED, erp_invoice_id="INV1", revision=2, crm_revision=1)
        )
    poll_billable(engine, crm_settings, utcnow())
    poll_billable(engine, crm_settings, utcnow())  # its repair is open: no second one
    (repair,) = _writebacks(engine)
    assert repair.idempotency_key == f"p2c:writeback:{deal.account_id}:{tx_id}:2:repair"
    with session_scope(engine, write=True) as session:  # the CRM refused it for good
        session.connection().execute(update(store.JOB).values(status=JobStatus.DEAD))
    poll_billable(engine, crm_settings, utcnow())
    assert len(_writebacks(engine)) == 1  # a dead repair is not retried every round
    with session_scope(engine, write=True) as session:
        session.connection().execute(update(BillingTransaction).values(revision=3))
    poll_billable(engine, crm_settings, utcnow())
    assert len(_writebacks(engine)) == 2  # a newer change gets its own
    with session_scope(engine, write=True) as session:
        session.connection().execute(
            update(store.JOB).where(store.JOB.c.task != WRITEBACK).values(status=JobStatus.DEAD)
        )
    _run_now(engine, crm_settings)
    assert _revisions(engine) == {tx_id: (3, 3)}


def test_a_writeback_queued_before_coalescing_still_writes_its_invoice(
    engine: Engine, crm_settings: Settings, crm: str
) -> None:
    deal = _deal(engine, _account(crm, "Acme"), "A1")
    tx_id = _pending(engine, deal, 1)
    with session_scope(engine, write=True) as session:  # as the migration leaves a posted one
        session.connection().execute(
            update(BillingTransaction).values(
                state=BillingState.POSTED, erp_invoice_id="INV1", revision=1, crm_revision=1
            )
        )
        job = _job_like(deal.account_id, "p2c:writeback:old", deal_id=deal.id, transaction_id=tx_id)
        store.enqueue(session, [job], utcnow())
    _run_now(engine, crm_settings)
    assert {job.status for job in _writebacks(engine)} == {JobStatus.SUCCEEDED}
    statuses = httpx.get(f"{crm}/_sandbox/stats").json()["types"]["Invoice_Status__c"]
    assert statuses["records"] == 1
