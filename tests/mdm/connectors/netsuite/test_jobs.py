"""A billing job run by the queue against the NetSuite sandbox under commit-then-timeout."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from mdm.clock import utcnow
from mdm.connectors.netsuite import NetSuiteErp
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import RetryStrategy, TaskRegistry
from mdm.jobs.worker import Worker, WorkerConfig
from mdm.sandbox.faults import FaultKind
from tests.mdm.connectors.netsuite.world import (
    RECORDS,
    ns_billing,
    ns_fault,
    ns_stats,
)


def test_a_billing_job_under_commit_then_timeout_posts_one_invoice_through_the_queue(
    engine: Engine, impatient: NetSuiteErp, base: str
) -> None:
    transaction = ns_billing(impatient)
    registry = TaskRegistry()

    @registry.task(name="erp.post_billing", retry=RetryStrategy(max_attempts=3, base_delay_s=0))
    def post_billing(ctx: JobContext, external_id: str) -> None:
        assert external_id == transaction.external_id
        impatient.post_billing(transaction, key=ctx.idempotency_key)

    ns_fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method="POST", path=f"{RECORDS}/salesOrder/")
    task = registry.get("erp.post_billing")
    assert task is not None
    with session_scope(engine, write=True) as session:
        job = store.new_job(task, {"external_id": transaction.external_id})
        store.enqueue(session, [job], utcnow())
    Worker(engine, registry, WorkerConfig(poll_seconds=0.01)).run(threading.Event(), burst=True)
    with engine.connect() as connection:
        (row,) = connection.execute(select(store.JOB)).all()
    assert (row.status, row.attempts) == (JobStatus.SUCCEEDED, 2)
    assert (ns_stats(base, "salesOrder")["records"], ns_stats(base, "invoice")["records"]) == (1, 1)
    assert ns_stats(base, "invoice")["duplicates"] == {}
