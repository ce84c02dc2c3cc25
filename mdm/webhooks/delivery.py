"""The `webhook.deliver` task: POST one signed event to one subscription's receiver.

2xx is delivered. 408, 429, 5xx, timeouts and connection errors are retried with backoff
(honouring `Retry-After`, in seconds or as an HTTP date); 410 Gone disables the subscription;
any other answer is a dead letter at once, replayable once the receiver is fixed. Every
attempt sends the same body and `Idempotency-Key`, so a receiver can drop repeats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

import httpx
from sqlalchemy import Engine

from mdm.clock import aware, utcnow
from mdm.db import session_scope
from mdm.jobs.context import JobContext
from mdm.jobs.tasks import PermanentError, RetryableError, RetryStrategy, Task, registry
from mdm.settings import Settings
from mdm.webhooks.models import WebhookSubscription
from mdm.webhooks.service import DELIVER_TASK, disable_subscription
from mdm.webhooks.signing import sign

# About 45 minutes of retries (5 s doubling, each wait at most an hour) before a dead letter.
RETRY = RetryStrategy(max_attempts=10, base_delay_s=5.0, max_delay_s=3600.0)
# A receiver cannot park a delivery further out than this with `Retry-After`.
MAX_RETRY_AFTER_S = 86_400.0
RETRYABLE_STATUSES = frozenset({408, 429})
USER_AGENT = "mdm-webhooks/1"
_SNIPPET_BYTES = 300


@dataclass(frozen=True)
class Receiver:
    """Where and how to send: the subscription's URL and signing secret."""

    url: str
    secret: str


def deliver(
    context: JobContext, subscription_id: int, aggregate_id: str, event: dict[str, Any]
) -> None:
    """Send `event` to the subscription; raise to retry or dead-letter (see the module)."""
    receiver = _receiver(context.engine, subscription_id)
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()
    now = utcnow()
    headers = {
        "Content-Type": "application/json",
        "X-MDM-Event-Id": str(event["id"]),
        "X-MDM-Timestamp": str(int(now.timestamp())),
        "X-MDM-Signature": sign(receiver.secret, int(now.timestamp()), body),
        "Idempotency-Key": context.idempotency_key,
        "X-Correlation-ID": context.job.correlation_id or "",
    }
    settings = context.settings or Settings()
    response, snippet = _post(receiver.url, body, headers, settings.webhook_timeout_seconds)
    _judge(context.engine, subscription_id, response, snippet)


DELIVER = Task(DELIVER_TASK, deliver, RETRY, lock="webhook:{subscription_id}:{aggregate_id}")
registry.add(DELIVER)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            seconds = (aware(parsedate_to_datetime(text)) - now).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _receiver(engine: Engine, subscription_id: int) -> Receiver:
    with session_scope(engine) as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        if subscription is None:
            raise PermanentError(f"webhook subscription {subscription_id} was deleted")
        if not subscription.active:
            why = subscription.disabled_reason or "disabled"
            raise PermanentError(f"webhook subscription {subscription_id} is disabled: {why}")
        return Receiver(subscription.url, subscription.secret)


def _post(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[httpx.Response, str]:
    try:
        with _client().stream(
            "POST", url, content=body, headers=headers, timeout=timeout
        ) as response:
            # Only the start of the answer is kept (for the error): a receiver may send a lot.
            head = next(response.iter_bytes(_SNIPPET_BYTES), b"")
    except httpx.TimeoutException as exc:
        raise RetryableError(f"{url} did not answer within {timeout:g} s") from exc
    except httpx.TransportError as exc:
        raise RetryableError(f"could not reach {url}: {type(exc).__name__}: {exc}") from exc
    return response, head[:_SNIPPET_BYTES].decode("utf-8", "replace").strip()


@cache
def _client() -> httpx.Client:
    """One pooled client per process: connections to receivers stay open between deliveries,
    and the TLS setup (tens of milliseconds) is paid once, not per event."""
    return httpx.Client(follow_redirects=False, headers={"User-Agent": USER_AGENT})


def _judge(engine: Engine, subscription_id: int, response: httpx.Response, snippet: str) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    message = f"receiver answered {status}" + (f": {snippet}" if snippet else "")
    if status == 410:
        with session_scope(engine, write=True) as session:
            disable_subscription(session, subscription_id, "the receiver answered 410 Gone")
        raise PermanentError(f"{message}; subscription {subscription_id} disabled")
    if status in RETRYABLE_STATUSES or status >= 500:
        retry_after = parse_retry_after(response.headers.get("retry-after"), utcnow())
        raise RetryableError(message, retry_after=retry_after)
    raise PermanentError(message)
