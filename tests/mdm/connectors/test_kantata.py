"""The Kantata adapter against the Kantata sandbox over real HTTP, under every fault kind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, select

from mdm import correlation
from mdm.clock import utcnow
from mdm.connectors.config import SystemConnection
from mdm.connectors.errors import (
    AmbiguousExternalId,
    PermanentRemoteError,
    ThrottledError,
    TransientRemoteError,
)
from mdm.connectors.kantata import KantataPsa, build
from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.db import session_scope
from mdm.jobs import store
from mdm.jobs.context import JobContext
from mdm.jobs.models import JobStatus
from mdm.jobs.tasks import RetryStrategy, TaskRegistry
from mdm.jobs.worker import Worker, WorkerConfig
from mdm.sandbox.faults import FaultKind
from mdm.sandbox.kantata import create_app
from tests.support.sandboxes import serving

API = "/api/v1"
AUTH = {"Authorization": "Bearer sandbox-token"}
WORKSPACES = f"{API}/workspaces.json"
# Patience for ordinary calls, generous because the test machines are shared and noisy;
# a shorter one for the tests that need a timeout, and a hang well past it.
TIMEOUT = 5.0
SHORT_TIMEOUT = 1.0
HANG = 3.0


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving(create_app(seed=False)) as url:
        yield url


@pytest.fixture
def base(served: str) -> str:
    httpx.post(f"{served}/_sandbox/reset")
    return served


def _adapter(base: str, timeout: float) -> KantataPsa:
    connection = SystemConnection(
        product="kantata",
        token_url=f"{base}/oauth/token",
        client_id="mdm-hub",
        client_secret=SecretStr("sandbox-secret"),
        timeout_seconds=timeout,
        rate_per_second=1000,
    )
    return build(connection, base)


@pytest.fixture
def psa(base: str) -> Iterator[KantataPsa]:
    adapter = _adapter(base, TIMEOUT)
    yield adapter
    adapter.close()


@pytest.fixture
def impatient(base: str) -> Iterator[KantataPsa]:
    """An adapter that gives up on a commit_then_timeout answer."""
    adapter = _adapter(base, SHORT_TIMEOUT)
    yield adapter
    adapter.close()


def _fault(base: str, kind: FaultKind, **extra: Any) -> None:
    body = {"kind": kind, "delay_seconds": HANG, **extra}
    assert httpx.post(f"{base}/_sandbox/faults", json=body).status_code == 204


def _stats(base: str, key: str) -> dict[str, Any]:
    types: dict[str, dict[str, Any]] = httpx.get(f"{base}/_sandbox/stats").json()["types"]
    return types.get(key, {"records": 0, "duplicates": {}})


def _log(base: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{base}/_sandbox/requests").json()
    return entries


def _customer(psa: KantataPsa, ext: str = "G-1") -> str:
    return psa.ensure_customer(CustomerSpec(ext, "Acme Inc", currency="EUR"), key=f"c:{ext}").id


def _project(customer: str, ext: str = "P-1", name: str = "Acme - Website") -> ProjectSpec:
    return ProjectSpec(
        ext,
        name,
        customer,
        start=date(2025, 1, 1),
        end=date(2025, 6, 30),
        budget=Decimal("1200.50"),
        currency="EUR",
    )


def test_ensure_customer_creates_once_then_finds_it(psa: KantataPsa, base: str) -> None:
    spec = CustomerSpec("G-1", "Acme Inc", country="DE", currency="EUR")
    first = psa.ensure_customer(spec, key="k1")
    again = psa.ensure_customer(spec, key="k2")
    assert (first.created, again.created, again.id) == (True, False, first.id)
    assert _stats(base, "workspace_groups")["records"] == 1


def test_upsert_project_creates_then_updates_the_same_workspace(psa: KantataPsa, base: str) -> None:
    customer = _customer(psa)
    made = psa.upsert_project(_project(customer), key="k1")
    renamed = psa.upsert_project(_project(customer, name="Acme - Website v2"), key="k2")
    assert (made.created, renamed.created, renamed.id) == (True, False, made.id)
    shown = httpx.get(f"{base}{API}/workspaces/{made.id}.json", headers=AUTH).json()
    workspace = shown["workspaces"][made.id]
    assert (workspace["title"], workspace["price_in_cents"]) == ("Acme - Website v2", 120050)
    assert workspace["workspace_group_ids"] == [customer]
    assert _stats(base, "workspaces")["records"] == 1


@pytest.mark.parametrize("write", ["customer", "project"])
def test_commit_then_timeout_then_retry_leaves_one_remote_record(
    impatient: KantataPsa, base: str, write: str
) -> None:
    customer = _customer(impatient, "G-0") if write == "project" else ""
    key_type = "workspaces" if write == "project" else "workspace_groups"
    _fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method="POST", path=f"{API}/{key_type}.json")

    def attempt() -> Any:
        if write == "project":
            return impatient.upsert_project(_project(customer), key="job-1")
        return impatient.ensure_customer(CustomerSpec("G-1", "Acme Inc"), key="job-1")

    with pytest.raises(TransientRemoteError) as lost:
        attempt()
    assert lost.value.outcome_unknown
    retried = attempt()  # as the job queue would: same call, same key
    assert not retried.created
    stats = _stats(base, key_type)
    assert (stats["records"], stats["duplicates"]) == (1, {})


@pytest.mark.parametrize("kind", [FaultKind.THROTTLE, FaultKind.THROTTLE_NO_RETRY_AFTER])
def test_throttles_become_throttled_errors_without_retry_after(
    psa: KantataPsa, base: str, kind: FaultKind
) -> None:
    # Kantata never says when to come back, whatever the throttle: the queue's backoff applies.
    _fault(base, kind, retry_after_seconds=7, path=API)
    with pytest.raises(ThrottledError) as throttled:
        _customer(psa)
    assert (throttled.value.status, throttled.value.retry_after) == (429, None)
    assert throttled.value.vendor_request_id
    assert _stats(base, "workspace_groups")["records"] == 0
    assert psa.ensure_customer(CustomerSpec("G-1", "Acme Inc"), key="k").created


@pytest.mark.parametrize("kind", [FaultKind.HTTP_5XX, FaultKind.FAIL_BEFORE_COMMIT])
def test_server_failures_are_transient_and_the_retry_creates_once(
    psa: KantataPsa, base: str, kind: FaultKind
) -> None:
    customer = _customer(psa)
    _fault(base, kind, method="POST", path=WORKSPACES)
    with pytest.raises(TransientRemoteError) as failed:
        psa.upsert_project(_project(customer), key="job-1")
    assert not failed.value.outcome_unknown
    assert psa.upsert_project(_project(customer), key="job-1").created
    assert _stats(base, "workspaces")["records"] == 1


def test_a_refused_write_is_permanent_and_sent_once(psa: KantataPsa, base: str) -> None:
    with pytest.raises(PermanentRemoteError) as refused:
        psa.upsert_project(_project("99999"), key="job-1")  # no such client
    assert (refused.value.status, refused.value.vendor_code) == (422, "validation")
    posts = [e for e in _log(base) if e["method"] == "POST" and e["path"] == WORKSPACES]
    assert len(posts) == 1
    assert _stats(base, "workspaces")["records"] == 0


def test_two_workspaces_with_one_reference_are_ambiguous(psa: KantataPsa, base: str) -> None:
    ref = {"service_name": "mdm", "service_model": "project", "service_model_ref": "P-1"}
    for title in ("One", "Two"):
        body = {"workspace": {"title": title, "external_references": [ref]}}
        httpx.post(f"{base}{WORKSPACES}", json=body, headers=AUTH)
    with pytest.raises(AmbiguousExternalId):
        psa.upsert_project(_project(_customer(psa)), key="job-1")


def test_slow_answers_within_the_timeout_succeed(psa: KantataPsa, base: str) -> None:
    _fault(base, FaultKind.SLOW, delay_seconds=SHORT_TIMEOUT / 2, times=3)
    assert psa.ensure_customer(CustomerSpec("G-1", "Acme Inc"), key="k").created
    assert _stats(base, "workspace_groups")["records"] == 1


def test_partial_batch_failure_is_reported_per_item_and_a_rerun_completes(
    psa: KantataPsa, base: str
) -> None:
    customer = _customer(psa)
    projects = [_project(customer, f"P-{n}", f"Project {n}") for n in range(4)]
    _fault(base, FaultKind.PARTIAL_BATCH_FAILURE, method="POST", path=WORKSPACES)
    first = psa.upsert_projects(projects, key="batch-1")
    assert [r.error is None for r in first] == [True, False, True, False]
    assert all(r.ref is not None and r.ref.created for r in first if r.error is None)
    second = psa.upsert_projects(projects, key="batch-1")
    assert [r.ref is not None and r.ref.created for r in second] == [False, True, False, True]
    stats = _stats(base, "workspaces")
    assert (stats["records"], stats["duplicates"]) == (4, {})


def test_every_call_carries_the_correlation_id_and_writes_the_key(
    psa: KantataPsa, base: str
) -> None:
    correlation.set_current("corr-kantata-1")
    try:
        customer = _customer(psa)
        workspace = psa.upsert_project(_project(customer), key="job-7").id
        psa.approved_time_entries(workspace, None)
    finally:
        correlation.set_current(None)
    calls = [e for e in _log(base) if e["path"].startswith(API)]
    assert calls
    assert {e["headers"].get("x-correlation-id") for e in calls} == {"corr-kantata-1"}
    assert all("idempotency-key" in e["headers"] for e in calls if e["method"] != "GET")
    project = [
        (e["method"], e["path"]) for e in calls if e["headers"].get("idempotency-key") == "job-7"
    ]
    assert project == [("GET", f"{API}/external_references.json"), ("POST", WORKSPACES)]
    reads = [e for e in calls if "time_entries" in e["path"]]
    assert reads
    assert "idempotency-key" not in reads[0]["headers"]


def test_the_token_is_fetched_once_and_again_after_revocation(psa: KantataPsa, base: str) -> None:
    _customer(psa, "G-1")
    _customer(psa, "G-2")
    httpx.post(f"{base}/_sandbox/tokens/revoke")
    _customer(psa, "G-3")
    log = _log(base)
    assert sum(e["path"] == "/oauth/token" for e in log) == 2
    assert [e["status"] for e in log if e["status"] == 401] == [401]
    assert _stats(base, "workspace_groups")["records"] == 3


def _entries(base: str, workspace: str, count: int, **fields: Any) -> None:
    for start in range(0, count, 100):
        items = [
            {
                "workspace_id": workspace,
                "date_performed": f"2025-01-{1 + n % 28:02d}",
                "time_in_minutes": 30 + n,
                "rate_in_cents": 15000,
                "currency": "EUR",
                **fields,
            }
            for n in range(start, min(count, start + 100))
        ]
        body = httpx.post(
            f"{base}{API}/time_entries.json", json={"time_entries": items}, headers=AUTH
        ).json()
        assert "errors" not in body


def test_approved_time_is_read_across_pages_with_the_person(psa: KantataPsa, base: str) -> None:
    workspace = psa.upsert_project(_project(_customer(psa)), key="k").id
    user = httpx.post(
        f"{base}{API}/users.json", json={"user": {"full_name": "Ada"}}, headers=AUTH
    ).json()["results"][0]["id"]
    _entries(base, workspace, 250, approved=True, user_id=user)
    _entries(base, workspace, 30, approved=False)
    entries = psa.approved_time_entries(workspace, None)
    assert len(entries) == 250
    assert {(e.person, e.rate, e.currency) for e in entries} == {("Ada", Decimal(150), "EUR")}
    recent = psa.approved_time_entries(workspace, date(2025, 1, 28))
    assert {e.performed_on for e in recent} == {date(2025, 1, 28)}
    pages = [
        e for e in _log(base) if e["path"] == f"{API}/time_entries.json" and e["method"] == "GET"
    ]
    assert len(pages) == 4  # two pages per read


def test_approved_expenses_and_completed_milestones(psa: KantataPsa, base: str) -> None:
    workspace = psa.upsert_project(_project(_customer(psa)), key="k").id
    expense = {"workspace_id": workspace, "amount_in_cents": 4929, "currency": "EUR"}
    expenses = [
        expense | {"date": "2025-02-01", "approved": True, "category": "Meals"},
        expense | {"date": "2025-03-01", "approved": False},
    ]
    httpx.post(f"{base}{API}/expenses.json", json={"expenses": expenses}, headers=AUTH)
    story = {"workspace_id": workspace, "story_type": "milestone", "currency": "EUR"}
    stories = [
        story
        | {
            "title": "M1",
            "state": "completed",
            "completed_on": "2025-02-10",
            "budget_estimate_in_cents": 1000000,
        },
        story | {"title": "M2", "state": "started"},
        {"workspace_id": workspace, "title": "Task", "state": "completed"},
    ]
    httpx.post(f"{base}{API}/stories.json", json={"stories": stories}, headers=AUTH)
    (found,) = psa.approved_expenses(workspace, date(2025, 1, 1))
    assert (found.amount, found.category, found.incurred_on) == (
        Decimal("49.29"),
        "Meals",
        date(2025, 2, 1),
    )
    (milestone,) = psa.completed_milestones(workspace, None)
    assert (milestone.name, milestone.amount) == ("M1", Decimal(10000))
    assert psa.completed_milestones(workspace, date(2025, 3, 1)) == []


def test_a_job_retried_by_the_queue_after_commit_then_timeout_leaves_one_workspace(
    engine: Engine, impatient: KantataPsa, base: str
) -> None:
    customer = _customer(impatient)
    registry = TaskRegistry()

    @registry.task(name="psa.upsert_project", retry=RetryStrategy(max_attempts=3, base_delay_s=0))
    def upsert(ctx: JobContext, external_id: str, name: str) -> None:
        impatient.upsert_project(
            replace(_project(customer), external_id=external_id, name=name), key=ctx.idempotency_key
        )

    task = registry.get("psa.upsert_project")
    assert task is not None
    with session_scope(engine, write=True) as session:
        job = store.new_job(task, {"external_id": "P-42", "name": "Queued project"})
        store.enqueue(session, [job], utcnow())
    _fault(base, FaultKind.COMMIT_THEN_TIMEOUT, method="POST", path=WORKSPACES)
    Worker(engine, registry, WorkerConfig(poll_seconds=0.01)).run(threading.Event(), burst=True)
    with engine.connect() as connection:
        (row,) = connection.execute(select(store.JOB)).all()
    assert (row.status, row.attempts) == (JobStatus.SUCCEEDED, 2)
    stats = _stats(base, "workspaces")
    assert (stats["records"], stats["duplicates"]) == (1, {})
    # One create (the POST whose answer was lost), then the retry's lookup found it and updated
    # it. The hung POST is logged only once its late answer is sent: neither order nor its
    # presence is certain here; the sandbox's count above is the proof of one record.
    calls = [e for e in _log(base) if "workspace" in e["path"] or "references" in e["path"]]
    retry = [
        e["method"] for e in calls if e["headers"].get("idempotency-key") == row.idempotency_key
    ]
    assert retry.count("POST") <= 1  # the lost create, if its late answer is logged yet
    assert "PUT" in retry
