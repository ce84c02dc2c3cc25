"""A small world of flow rows inserted directly: deals, billing transactions, jobs, exceptions.

`build_trace_world`: one deal followed end to end (its golden customer merged away since), and
a second deal stopped in an exception. `build_health_world`: deals, months and job events with
hand-computed reconciliation figures (see tests/mdm/sync/test_reconcile.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden import commands
from mdm.jobs.models import Job, JobEvent
from mdm.records.service import RecordInput, ingest
from mdm.sync.models import BillingTransaction, SyncDeal, SyncException
from tests.support.lookups import golden_of

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CORRELATION = "corr-acme-1"


@dataclass(frozen=True)
class TraceWorld:
    """The ids a test asks for."""

    survivor: str
    absorbed: str


def deal(session: Session, opportunity_id: str, **values: Any) -> SyncDeal:
    """A won deal row (defaults: a linked T&M deal in EUR)."""
    row = SyncDeal(
        opportunity_id=opportunity_id,
        account_id=values.pop("account_id", f"acc-{opportunity_id}"),
        name=values.pop("name", f"Deal {opportunity_id}"),
        **{"state": "linked", "billing_method": "time_and_materials", "currency": "EUR"} | values,
    )
    session.add(row)
    session.flush()
    return row


def billing(session: Session, deal_row: SyncDeal, tx_id: str, **values: Any) -> BillingTransaction:
    """A billing transaction of the deal (defaults: a pending T&M month in EUR)."""
    assert deal_row.id is not None
    row = BillingTransaction(
        id=tx_id,
        deal_id=deal_row.id,
        **{"kind": "time_and_expenses", "currency": "EUR", "period": "2026-01"} | values,
    )
    session.add(row)
    session.flush()
    return row


def job(session: Session, task: str, key: str, **values: Any) -> Job:
    """A job row as the queue would leave it."""
    row = Job(task=task, idempotency_key=key, max_attempts=values.pop("max_attempts", 5), **values)
    session.add(row)
    session.flush()
    return row


def event(
    session: Session, job_row: Job, kind: str, at: datetime, error: str | None = None
) -> None:
    """A job event (an error goes into its detail, as the worker writes it)."""
    assert job_row.id is not None
    detail = {"error": error} if error else {}
    session.add(JobEvent(job_id=job_row.id, kind=kind, attempt=1, detail=detail, at=at))


def build_trace_world(engine: Engine) -> TraceWorld:
    """Deal 006A followed from opportunity to payment; deal 006B stopped in an exception."""
    customers = [
        {"source_system": "crm", "source_id": "A1", "name": "Acme GmbH", "city": "Berlin"},
        {"source_system": "erp", "source_id": "A1", "name": "Acme", "city": "Berlin"},
    ]
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(c) for c in customers], resolve=False)
    crm, erp = golden_of(engine, "crm", "A1"), golden_of(engine, "erp", "A1")
    with session_scope(engine, write=True) as session:
        merged = commands.merge(session, EntityType.CUSTOMER, crm, erp, "tests")
        acme = deal(
            session,
            "006A",
            account_id="A1",
            name="Acme rollout",
            golden_customer_id=merged.absorbed,
            amount_cents=1_200_000,
            legal_entity="DE01",
            psa_customer_id="877",
            psa_project_id="1203",
            erp_customer_id="4711",
            correlation_id=CORRELATION,
            won_at=T0,
            activated_at=T0 + timedelta(minutes=5),
        )
        jan, feb = "bt_1_tm_2026_01", "bt_1_tm_2026_02"
        billing(session, acme, feb, period="2026-02", amount_cents=50_000,
                created_at=T0 + timedelta(days=60), correlation_id=CORRELATION)  # fmt: skip
        billing(session, acme, jan, amount_cents=123_456, state="paid", paid_cents=123_456,
                erp_invoice_id="9001", erp_invoice_number="INV-0042",
                created_at=T0 + timedelta(days=30), posted_at=T0 + timedelta(days=30),
                paid_at=T0 + timedelta(days=45), correlation_id=CORRELATION)  # fmt: skip
        for minutes, task, status in [(3, "q2p.psa_project", "succeeded"),
                                      (0, "q2p.deal_won", "succeeded"),
                                      (90_000, "p2c.post", "todo")]:  # fmt: skip
            job(session, task, f"{task}:006A", status=status, attempts=2 if minutes == 3 else 1,
                last_error="TransientRemoteError: kantata: HTTP 503" if minutes == 3 else None,
                correlation_id=CORRELATION, created_at=T0 + timedelta(minutes=minutes))  # fmt: skip
        job(session, "q2p.deal_won", "q2p.deal_won:006B", correlation_id="corr-b")
        deal(session, "006B", state="exception", currency="GBP", amount_cents=500_000,
             correlation_id="corr-b", won_at=T0)  # fmt: skip
        session.add(SyncException(flow="quote_to_project", subject="006B",
                                  reason="missing_billing_method", detail="no billing method",
                                  correlation_id="corr-b"))  # fmt: skip
    return TraceWorld(survivor=merged.survivor, absorbed=merged.absorbed)


NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
OLD = datetime(2025, 12, 1, tzinfo=UTC)


def _day(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def build_health_world(engine: Engine) -> None:
    """Deals, months and job events whose figures are worked out in test_reconcile.py."""
    with session_scope(engine, write=True) as session:
        _health_deals(session)
        _health_jobs(session)


def _health_deals(session: Session) -> None:
    h = timedelta(hours=1)
    d1 = deal(session, "D1", won_at=_day(3, 1), activated_at=_day(3, 1) + 1 * h)
    deal(session, "D2", won_at=_day(3, 2), activated_at=_day(3, 2) + 3 * h)
    deal(session, "D3", won_at=_day(3, 3), activated_at=_day(3, 3) + 30 * h)  # late
    deal(session, "D4", state="received", won_at=_day(3, 18))  # waiting 60.5 h: late
    deal(session, "D5", state="received", won_at=_day(3, 20))  # waiting 12 h: not yet late
    deal(session, "D6", state="exception", won_at=_day(3, 4), amount_cents=250_000)
    deal(session, "D7", won_at=OLD, activated_at=OLD + 100 * h)  # before the window
    deal(session, "D8", state="exception", currency=None, won_at=OLD, amount_cents=1_000)
    for subject, reason, status in [("D6", "missing_billing_method", "open"),
                                    ("D8", "unresolved_account", "open"),
                                    ("D5", "missing_legal_entity", "resolved")]:  # fmt: skip
        session.add(SyncException(flow="quote_to_project", subject=subject, reason=reason,
                                  detail=reason, status=status))  # fmt: skip
    # T1 on time (2 days after January ends), T2 late (9 days), T3 overdue and unposted,
    # T4 not due yet (GBP), T5 a milestone, T6 a month before the window.
    billing(session, d1, "T1", period="2026-01", amount_cents=100_000, state="paid",
            paid_cents=100_000, posted_at=_day(2, 3))  # fmt: skip
    billing(session, d1, "T2", period="2026-02", amount_cents=200_000, state="posted",
            paid_cents=50_000, posted_at=_day(3, 10))  # fmt: skip
    billing(session, d1, "T3", period="2026-02", amount_cents=30_000)
    billing(session, d1, "T4", period="2026-03", amount_cents=40_000, currency="GBP")
    billing(session, d1, "T5", kind="milestone", period="M1", amount_cents=500_000,
            state="posted", posted_at=_day(3, 5))  # fmt: skip
    billing(session, d1, "T6", period="2025-11", amount_cents=70_000, state="paid",
            paid_cents=70_000, posted_at=_day(1, 20))  # fmt: skip


def _health_jobs(session: Session) -> None:
    j1 = job(session, "q2p.erp_customer", "j1", status="succeeded")
    j2 = job(session, "q2p.psa_project", "j2", status="dead")
    j3 = job(session, "p2c.post", "j3", status="todo")
    job(session, "p2c.post", "j4", status="todo")
    at = _day(3, 19)
    for row, kind, error in [
        (j1, "claimed", None),
        (j1, "retry_scheduled", "TransientRemoteError: netsuite: HTTP 503"),
        (j1, "claimed", None),
        (j1, "succeeded", None),
        (j2, "claimed", None),
        (j2, "retry_scheduled", "ThrottledError: kantata: HTTP 429 Too Many Requests"),
        (j2, "claimed", None),
        (j2, "dead", "PermanentRemoteError: kantata: HTTP 400 invalid field"),
        (j3, "claimed", None),
        (j3, "retry_scheduled", "KeyError: 'lines'"),
    ]:
        event(session, row, kind, at, error)
    event(session, j3, "claimed", OLD)  # before the window: not counted
    event(session, j3, "retry_scheduled", OLD, "TransientRemoteError: netsuite: HTTP 502")
