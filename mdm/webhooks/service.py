"""Webhook subscriptions: create (secret shown once), list, get, disable, delete, deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from mdm.auth.principal import Principal, Scope, parse_scopes
from mdm.entities import EntityType
from mdm.errors import InvalidInput, NotFound
from mdm.golden.history import EVENT_KINDS
from mdm.jobs.context import JobRecord
from mdm.jobs.models import JobStatus
from mdm.jobs.store import JOB
from mdm.webhooks.models import ALL_EVENTS, WebhookSubscription
from mdm.webhooks.signing import new_secret

# The outbox topics a subscription may name (history.py writes `golden.<kind>`).
TOPICS: tuple[str, ...] = tuple(f"golden.{kind}" for kind in EVENT_KINDS)
DELIVER_TASK = "webhook.deliver"
_MAX_URL = 2048
_SECRET_LENGTHS = (16, 255)


@dataclass(frozen=True)
class CreatedSubscription:
    """A new subscription: `secret` is shown this once (it is kept, to sign, but not shown)."""

    subscription: WebhookSubscription
    secret: str


def create_subscription(
    session: Session,
    url: str,
    *,
    events: Sequence[str] = (ALL_EVENTS,),
    entity_type: str | None = None,
    scopes: Iterable[str] = (Scope.READ.value,),
    secret: str | None = None,
    created_by: str,
) -> CreatedSubscription:
    """Subscribe `url` to `events`; every problem with the input is one `InvalidInput`."""
    chosen = secret if secret is not None else new_secret()
    subscription = WebhookSubscription(
        url=_valid_url(url),
        events=",".join(_valid_topics(events)),
        entity_type=EntityType.parse(entity_type).value if entity_type else None,
        secret=_valid_secret(chosen),
        scopes=",".join(sorted(s.value for s in parse_scopes(list(scopes)))),
        created_by=created_by[:255],
    )
    session.add(subscription)
    session.flush()
    return CreatedSubscription(subscription, chosen)


def list_subscriptions(session: Session, *, active_only: bool = False) -> list[WebhookSubscription]:
    """Every subscription, oldest first."""
    query = select(WebhookSubscription).order_by(col(WebhookSubscription.id))
    if active_only:
        query = query.where(col(WebhookSubscription.active))
    return list(session.exec(query))


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    """The subscription under that id; `NotFound` otherwise."""
    found = session.get(WebhookSubscription, subscription_id)
    if found is None:
        raise NotFound(f"webhook subscription {subscription_id} does not exist")
    return found


def disable_subscription(session: Session, subscription_id: int, reason: str) -> None:
    """Stop sending to a subscription (kept, with why, for its delivery history)."""
    subscription = session.get(WebhookSubscription, subscription_id)
    if subscription is not None and subscription.active:
        subscription.active, subscription.disabled_reason = False, reason[:1000]
        session.add(subscription)
        session.flush()


def delete_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    """Remove a subscription; its queued deliveries then fail as undeliverable."""
    subscription = get_subscription(session, subscription_id)
    session.delete(subscription)
    session.flush()
    return subscription


def receiver_of(subscription: WebhookSubscription) -> Principal:
    """Who the receiver counts as for masking: a caller with the subscription's scopes."""
    scopes = frozenset(Scope(s) for s in subscription.scopes.split(",") if s)
    return Principal(f"webhook:{subscription.id}", scopes, via="webhook")


def delivery_key(subscription_id: int, outbox_id: int) -> str:
    """The idempotency key of one event's delivery to one subscription (the relay's consumer,
    the subscription and the outbox event: the same however often the event is read)."""
    return f"webhooks:{subscription_id}:evt_{outbox_id}"


def deliveries(
    session: Session, subscription_id: int, *, status: JobStatus | None = None, limit: int = 50
) -> list[JobRecord]:
    """The subscription's delivery jobs, newest first."""
    get_subscription(session, subscription_id)
    prefix = delivery_key(subscription_id, 0).removesuffix("0")
    query = sa_select(JOB).where(
        JOB.c.task == DELIVER_TASK, JOB.c.idempotency_key.startswith(prefix, autoescape=True)
    )
    if status is not None:
        query = query.where(JOB.c.status == status.value)
    rows = session.connection().execute(query.order_by(JOB.c.id.desc()).limit(limit))
    return [JobRecord.from_row(row) for row in rows]


def _valid_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url) if url.isprintable() and " " not in url else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"webhook url {url[:100]!r} is not an http:// or https:// URL")
    if len(url) > _MAX_URL:
        raise InvalidInput(f"webhook url is over {_MAX_URL} characters")
    return url


def _valid_topics(events: Sequence[str]) -> list[str]:
    chosen = sorted({e.strip() for e in events if e.strip()})
    unknown = [e for e in chosen if e != ALL_EVENTS and e not in TOPICS]
    if unknown or not chosen:
        raise InvalidInput(
            f"unknown event type(s) {', '.join(unknown) or '(none given)'}; "
            f"expected {ALL_EVENTS} or some of {', '.join(TOPICS)}"
        )
    return [ALL_EVENTS] if ALL_EVENTS in chosen else chosen


def _valid_secret(secret: str) -> str:
    shortest, longest = _SECRET_LENGTHS
    if not shortest <= len(secret) <= longest or not secret.isprintable() or " " in secret:
        raise InvalidInput(
            f"a webhook secret is {shortest} to {longest} printable characters without spaces"
        )
    return secret
