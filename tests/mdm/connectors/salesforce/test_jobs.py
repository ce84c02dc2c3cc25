"""A Salesforce write run as a real job: the queue's retries keep one remote record."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from mdm.connectors.salesforce import SalesforceCrm
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import RetryStrategy, TaskRegistry
from mdm.jobs.worker import Worker, WorkerConfig
from mdm.sandbox.faults import FaultKind
from tests.mdm.connectors.salesforce.world import (
    HANG,
    INVOICES,
    sf_account,
    sf_fault,
    sf_invoice_status,
    sf_logged,
    sf_stats,
)


def _job_registry(crm: SalesforceCrm) -> TaskRegistry:
    registry = TaskRegistry()

    @registry.task(name="test.salesforce.invoice_status", retry=RetryStrategy(3, base_delay_s=0))
    def write_status(ctx: JobContext, account_id: str, invoice_id: str) -> None:
        crm.write_invoice_status(account_id, sf_invoice_status(invoice_id), key=ctx.idempotency_key)

    return registry


def _enqueue(engine: Engine, registry: TaskRegistry, account: str) -> str:
    task = registry.get("test.salesforce.invoice_status")
    assert task is not None
    job = store.new_job(task, {"account_id": account, "invoice_id": "INV-9"})
    with session_scope(engine, write=True) as session:
        store.enqueue(session, [job], datetime.now(UTC))
    return job.idempotency_key


def _job(engine: Engine) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(store.JOB)).one()


def test_a_job_retried_by_the_queue_after_commit_then_timeout_stores_one_record(
    engine: Engine, base: str, hasty: SalesforceCrm
) -> None:
    account = sf_account(base)
    registry = _job_registry(hasty)
    key = _enqueue(engine, registry, account)
    sf_fault(base, FaultKind.COMMIT_THEN_TIMEOUT, INVOICES, delay_seconds=HANG)
    Worker(engine, registry, WorkerConfig(poll_seconds=0.01)).run(threading.Event(), burst=True)
    job = _job(engine)
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert sf_stats(base, "Invoice_Status__c") | {"external_id_field": None} == {
        "records": 1,
        "duplicates": {},
        "external_id_field": None,
    }
    attempts = sf_logged(base, "PATCH", INVOICES, 2)
    assert [e["headers"]["idempotency-key"] for e in attempts] == [key, key]
    assert {e["headers"]["x-correlation-id"] for e in attempts} == {job.correlation_id}


def test_the_queue_waits_what_request_limit_exceeded_asked_before_retrying(
    engine: Engine, base: str, crm: SalesforceCrm
) -> None:
    account = sf_account(base)
    registry = _job_registry(crm)
    _enqueue(engine, registry, account)
    sf_fault(base, FaultKind.THROTTLE, INVOICES, retry_after_seconds=30)
    now = datetime.now(UTC) + timedelta(seconds=1)
    worker = Worker(engine, registry, WorkerConfig(poll_seconds=0.01), clock=lambda: now)
    assert worker.step() == 1
    job = _job(engine)
    assert (job.status, job.attempts) == (JobStatus.TODO, 1)
    run_at = job.run_at if job.run_at.tzinfo else job.run_at.replace(tzinfo=UTC)
    assert run_at == now + timedelta(seconds=30)
    assert sf_stats(base, "Invoice_Status__c")["records"] == 0
