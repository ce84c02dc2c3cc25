"""Golden changes delivered to a real HTTP receiver by a real worker: signed, retried,
dead-lettered, replayed, masked."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import Engine

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.steward import set_override
from mdm.jobs.models import JobStatus
from mdm.jobs.replay import replay_one
from mdm.settings import Settings
from mdm.webhooks.models import WebhookSubscription
from mdm.webhooks.signing import verify_signature
from tests.mdm.webhooks.flow import (
    SECRET,
    add_customers,
    add_project,
    delivery_jobs,
    drain,
    merge_customers,
    skip_ahead,
    subscribe,
    worker,
)
from tests.support.webhook_receiver import Answer, WebhookReceiver


def test_a_merge_reaches_the_receiver_signed_by_the_running_worker(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    a, b = add_customers(engine, "Nordwind", "Nordwind Logistik")
    subscribe(engine, receiver.url, events=["golden.merged"])
    survivor = merge_customers(engine, a, b)
    built = worker(engine, settings)
    stop = threading.Event()
    # Burst mode ends once no job is left; the relay duty runs before the first claim.
    built.run(stop, burst=True)
    assert len(receiver.requests) == 2
    request = next(r for r in receiver.requests if r.json()["data"]["golden_id"] == survivor)
    headers, body = request.headers, request.json()
    assert verify_signature(
        SECRET, headers["x-mdm-timestamp"], request.body, headers["x-mdm-signature"]
    )
    assert not verify_signature(
        "whsec_other", headers["x-mdm-timestamp"], request.body, headers["x-mdm-signature"]
    )
    assert abs(int(headers["x-mdm-timestamp"]) - time.time()) < 300
    assert headers["x-mdm-event-id"] == body["id"]
    assert body["type"] == "golden.merged"
    assert body["data"]["kind"] == "merged"
    assert body["data"]["state"]["status"] == "active"
    assert body["occurred_at"].endswith("Z")
    jobs = {job.args["event"]["id"]: job for job in delivery_jobs(engine)}
    job = jobs[body["id"]]
    assert headers["idempotency-key"] == job.idempotency_key
    assert headers["x-correlation-id"] == body["correlation_id"] == job.correlation_id
    assert {j.status for j in jobs.values()} == {JobStatus.SUCCEEDED}


def test_only_subscribed_event_types_and_entity_types_are_delivered(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    merges = subscribe(engine, receiver.url, events=["golden.merged"])
    projects = subscribe(engine, receiver.url, entity_type="projects")
    a, b = add_customers(engine, "Bergmann", "Bergmann AG")
    merge_customers(engine, a, b)
    project = add_project(engine, "P1", "120000")
    drain(worker(engine, settings))
    delivered = {
        (j.args["subscription_id"], j.args["event"]["type"]) for j in delivery_jobs(engine)
    }
    assert delivered == {(merges, "golden.merged"), (projects, "golden.created")}
    project_events = [b for b in receiver.bodies() if b["data"]["entity_type"] == "project"]
    assert [e["data"]["golden_id"] for e in project_events] == [project]
    assert len(receiver.requests) == 3  # two merge events, one created project


def test_events_before_a_subscription_are_not_sent_to_it(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    add_customers(engine, "Early")
    subscribe(engine, receiver.url)
    add_customers(engine, "Late")
    drain(worker(engine, settings))
    assert [b["data"]["state"]["attributes"]["name"] for b in receiver.bodies()] == ["Late"]


def test_a_failing_receiver_is_retried_and_gets_the_event_once(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    subscribe(engine, receiver.url)
    receiver.answer(500)
    add_customers(engine, "Flaky")
    built = worker(engine, settings)
    drain(built)
    (job,) = delivery_jobs(engine)
    assert (job.status, job.attempts) == (JobStatus.TODO, 1)
    assert job.last_error is not None
    assert "500" in job.last_error
    skip_ahead(built, timedelta(hours=2))
    drain(built)
    (job,) = delivery_jobs(engine)
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_retry_after_from_a_429_holds_the_next_attempt_back(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    subscribe(engine, receiver.url)
    receiver.answer(Answer(429, {"Retry-After": "600"}))
    add_customers(engine, "Busy")
    built = worker(engine, settings)
    before = built.clock()
    drain(built)
    (job,) = delivery_jobs(engine)
    assert job.status == JobStatus.TODO
    assert job.run_at >= before + timedelta(seconds=600)
    skip_ahead(built, timedelta(seconds=300))
    drain(built)
    assert len(receiver.requests) == 1  # still waiting: the receiver asked for ten minutes
    skip_ahead(built, timedelta(seconds=400))
    drain(built)
    assert [j.status for j in delivery_jobs(engine)] == [JobStatus.SUCCEEDED]


def test_a_rejected_event_is_a_dead_letter_and_a_replay_delivers_it_under_the_same_key(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    subscribe(engine, receiver.url)
    receiver.answer(Answer(400, body="schema mismatch"))
    add_customers(engine, "Strict")
    built = worker(engine, settings)
    drain(built)
    (job,) = delivery_jobs(engine)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 1)
    assert job.last_error is not None
    assert "400: schema mismatch" in job.last_error
    with session_scope(engine, write=True) as session:  # the receiver is fixed: 200 from now
        replay_one(
            session, job.id, actor="ops", reason="receiver fixed", now=utcnow(), max_replays=5
        )
    drain(built)
    (replayed,) = delivery_jobs(engine)
    assert (replayed.status, replayed.replay_count) == (JobStatus.SUCCEEDED, 1)
    first, second = receiver.requests
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert first.headers["x-mdm-event-id"] == second.headers["x-mdm-event-id"]


def test_410_gone_disables_the_subscription(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    subscription_id = subscribe(engine, receiver.url)
    receiver.answer(410)
    add_customers(engine, "Gone")
    built = worker(engine, settings)
    drain(built)
    add_customers(engine, "After")
    drain(built)
    assert [j.status for j in delivery_jobs(engine)] == [JobStatus.DEAD]
    assert len(receiver.requests) == 1
    with session_scope(engine) as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        assert subscription is not None
        assert not subscription.active
        assert subscription.disabled_reason == "the receiver answered 410 Gone"


def test_an_unreachable_receiver_is_retried(engine: Engine, settings: Settings) -> None:
    with WebhookReceiver() as closed:
        url = closed.url  # nothing listens there once the block ends
    subscribe(engine, url)
    add_customers(engine, "Offline")
    drain(worker(engine, settings))
    (job,) = delivery_jobs(engine)
    assert (job.status, job.attempts) == (JobStatus.TODO, 1)
    assert job.last_error is not None
    assert "could not reach" in job.last_error


def test_a_finance_value_is_masked_for_a_read_subscription_only(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    reader = subscribe(engine, receiver.url, entity_type="projects")
    finance = subscribe(engine, receiver.url, entity_type="projects", scopes=["read", "finance"])
    add_project(engine, "P7", "987654")
    drain(worker(engine, settings))
    seen = {j.args["subscription_id"]: j.args["event"]["data"] for j in delivery_jobs(engine)}
    assert seen[reader]["state"]["attributes"]["budget"] is None
    assert seen[reader]["masked"] == ["budget"]
    assert seen[finance]["state"]["attributes"]["budget"] == "987654.00"
    assert seen[finance]["masked"] == []
    read_bodies = [r.body for r in receiver.requests if b"987654" not in r.body]
    assert len(read_bodies) == 1
    assert len(receiver.requests) == 2


def test_relays_run_twice_and_at_once_deliver_each_event_once(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    subscribe(engine, receiver.url)
    with WebhookReceiver() as other:
        subscribe(engine, other.url, events=["golden.merged"])
        a, b = add_customers(engine, "One", "Two")
        merge_customers(engine, a, b)
        built = worker(engine, settings)
        (relay_duty,) = [d for d in built.duties if d.name == "outbox_relay"]
        barrier = threading.Barrier(2)

        def relay_twice() -> None:
            barrier.wait(timeout=30)
            for _ in range(2):
                relay_duty.run(engine, utcnow())

        threads = [threading.Thread(target=relay_twice) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        drain(built)
        drain(built)
    ids = [r.headers["x-mdm-event-id"] for r in receiver.requests]
    assert len(ids) == len(set(ids)) == 4  # two created, two merged
    assert len(other.requests) == 2
    assert len(delivery_jobs(engine)) == 6


def test_a_steward_override_of_a_finance_value_is_masked_in_the_event_detail(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    project = add_project(engine, "P9", "1000")
    subscribe(engine, receiver.url, events=["golden.updated"])
    with session_scope(engine, write=True) as session:
        set_override(session, EntityType.PROJECT, project, "budget", "555555", "steward:ann")
    drain(worker(engine, settings))
    (body,) = receiver.bodies()
    assert body["data"]["detail"] == {"override": "budget", "value": None}
    assert body["data"]["masked"] == ["budget"]
    assert b"555555" not in receiver.requests[0].body
