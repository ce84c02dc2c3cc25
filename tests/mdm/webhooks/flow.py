"""Golden changes made through the real services, subscriptions, and a worker to deliver them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import LinkKind
from mdm.golden.membership import merge
from mdm.jobs.context import JobRecord
from mdm.jobs.runtime import build_worker
from mdm.jobs.store import JOB
from mdm.jobs.worker import Worker
from mdm.records.service import RecordInput, ingest
from mdm.settings import Settings
from mdm.webhooks.service import create_subscription
from tests.support.lookups import golden_of

C, P = EntityType.CUSTOMER, EntityType.PROJECT
SECRET = "whsec_test-secret-0123456789"


def subscribe(engine: Engine, url: str, **options: Any) -> int:
    """A subscription made through the service (secret `SECRET` unless given)."""
    options.setdefault("secret", SECRET)
    with session_scope(engine, write=True) as session:
        created = create_subscription(session, url, created_by="tests", **options)
        assert created.subscription.id is not None
        return created.subscription.id


def add_customers(engine: Engine, *names: str) -> list[str]:
    """Ingest one CRM customer per name (no matching); their golden ids."""
    rows = [{"source_system": "crm", "source_id": n, "name": n, "country": "DE"} for n in names]
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in rows], resolve=False)
    return [golden_of(engine, "crm", n) for n in names]


def merge_customers(engine: Engine, a: str, b: str) -> str:
    """A steward merge of two golden customers; the survivor's id."""
    with session_scope(engine, write=True) as session:
        survivor = merge(session, C, a, b, "steward:ann", LinkKind.STEWARD)
    return survivor.id


def add_project(engine: Engine, source_id: str, budget: str) -> str:
    """Ingest a CRM customer and a project of it with a budget; the project's golden id."""
    customer = {"source_system": "crm", "source_id": f"c-{source_id}", "name": "Nordwind"}
    project = {
        "source_system": "crm",
        "source_id": source_id,
        "name": "ERP Rollout",
        "customer_source_id": f"c-{source_id}",
        "budget": budget,
    }
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(customer)], resolve=False)
        ingest(session, P, [RecordInput(project)], resolve=False)
    return golden_of(engine, "crm", source_id)


class SkewedClock:
    """The real time plus an offset a test moves forward (to make retries due)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset


def worker(engine: Engine, settings: Settings) -> Worker:
    """The worker `mdm worker` would run (its tasks and the relay duty), polling fast."""
    fast = settings.model_copy(update={"jobs_poll_seconds": 0.02, "jobs_relay_seconds": 0.02})
    built = build_worker(engine, fast, worker_id="test-worker")
    built.clock = SkewedClock()
    return built


def drain(built: Worker) -> None:
    """Run the worker's duties (the outbox relay) once, then every due job."""
    for duty in built.duties:
        duty.run(built.engine, built.clock())
    while built.step():
        pass


def skip_ahead(built: Worker, by: timedelta) -> None:
    """Move the worker's clock forward, so scheduled retries fall due."""
    assert isinstance(built.clock, SkewedClock)
    built.clock.offset += by


def delivery_jobs(engine: Engine) -> list[JobRecord]:
    """Every webhook delivery job, oldest first."""
    with engine.connect() as connection:
        query = select(JOB).where(JOB.c.task == "webhook.deliver").order_by(JOB.c.id)
        return [JobRecord.from_row(row) for row in connection.execute(query)]
