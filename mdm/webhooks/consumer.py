"""The outbox relay's webhook consumer: one delivery job per event and matching subscription."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlmodel import Session

from mdm import correlation
from mdm.clock import aware
from mdm.golden.feed import FeedEvent
from mdm.golden.lineage_models import OutboxEvent
from mdm.jobs.relay import Consumer
from mdm.jobs.store import NewJob, new_job
from mdm.webhooks.delivery import DELIVER
from mdm.webhooks.models import ALL_EVENTS, WebhookSubscription
from mdm.webhooks.payload import envelope
from mdm.webhooks.service import delivery_key, list_subscriptions, receiver_of


def wants(subscription: WebhookSubscription, row: OutboxEvent) -> bool:
    """Whether the subscription takes this event: its type, its entity type, and made after
    the subscription was (a receiver gets what happens once it has subscribed)."""
    topics = subscription.topics()
    entity = subscription.entity_type
    return (
        (ALL_EVENTS in topics or row.topic in topics)
        and (entity is None or row.payload.get("entity_type") == entity)
        and aware(row.created_at) >= aware(subscription.created_at)
    )


def webhook_jobs(session: Session, events: Sequence[FeedEvent]) -> list[NewJob]:
    """A `webhook.deliver` job for each event and active subscription that wants it."""
    if not events:
        return []
    subscriptions = list_subscriptions(session, active_only=True)
    jobs = []
    for event in events:
        for subscription in subscriptions:
            if wants(subscription, event.row):
                jobs.append(_delivery(subscription, event.row))
    return jobs


def _delivery(subscription: WebhookSubscription, row: OutboxEvent) -> NewJob:
    assert subscription.id is not None
    assert row.id is not None
    # The change's correlation id, so the delivery is traced back to the request behind it.
    correlation_id = row.correlation_id or correlation.new_id()
    # The body is fixed now, masked for the subscription: every attempt and replay sends it.
    args = {
        "subscription_id": subscription.id,
        "aggregate_id": row.aggregate_id,
        "event": envelope(row, receiver_of(subscription), correlation_id),
    }
    job = new_job(DELIVER, args, idempotency_key=delivery_key(subscription.id, row.id))
    return dataclasses.replace(job, correlation_id=correlation_id)


CONSUMER = Consumer("webhooks", webhook_jobs)
