"""The webhook API's request and response shapes (subscriptions never leak as table rows)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mdm.api.openapi import UtcDateTime
from mdm.entities import EntityType
from mdm.jobs.context import JobRecord
from mdm.webhooks.models import WebhookSubscription

_URL = "https://erp.example.com/hooks/mdm"
_WHEN = "2026-11-26T08:00:00Z"
_SUBSCRIPTION: dict[str, Any] = {
    "id": 3,
    "url": _URL,
    "events": ["golden.merged", "golden.unmerged"],
    "entity_type": "customers",
    "scopes": ["read"],
    "active": True,
    "disabled_reason": None,
    "created_by": "ops",
    "created_at": _WHEN,
}
_DELIVERY: dict[str, Any] = {
    "job_id": 812,
    "event_id": "evt_4711",
    "type": "golden.merged",
    "golden_id": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA",
    "status": "dead",
    "attempts": 1,
    "max_attempts": 10,
    "replay_count": 0,
    "last_error": "PermanentError: receiver answered 400: unknown field",
    "idempotency_key": "webhooks:3:evt_4711",
    "correlation_id": "01JD3X6Q2M4T7V9B8N5C1K0HZA",
    "created_at": _WHEN,
    "run_at": _WHEN,
    "finished_at": _WHEN,
}


class WebhookIn(BaseModel):
    """A new subscription."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": _URL,
                    "events": ["golden.merged", "golden.unmerged"],
                    "entity_type": "customers",
                }
            ]
        },
    )

    url: str = Field(max_length=2048, description="http:// or https:// URL to POST events to")
    events: list[str] = Field(
        default=["*"],
        max_length=20,
        description="Event types (`golden.merged`, `golden.unmerged`, ...) or `*` for all",
    )
    entity_type: str | None = Field(
        default=None, description="Only `customers`, `projects` or `contracts`; all if omitted"
    )
    scopes: list[str] = Field(
        default=["read"],
        max_length=5,
        description="Mask payloads as for a caller with these scopes (`finance` unmasks money)",
    )
    secret: str | None = Field(
        default=None,
        max_length=255,
        description="Signing secret (16 to 255 characters); a `whsec_...` one is made if omitted",
    )


class WebhookOut(BaseModel):
    """A subscription (its secret is never shown again after creation)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SUBSCRIPTION]})

    id: int
    url: str
    events: list[str]
    entity_type: str | None = Field(description="Plural entity type, or null for all")
    scopes: list[str]
    active: bool = Field(description="False once disabled (a receiver answered 410 Gone)")
    disabled_reason: str | None
    created_by: str
    created_at: UtcDateTime

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> WebhookOut:
        """From the table row."""
        assert subscription.id is not None
        entity = subscription.entity_type
        return cls(
            id=subscription.id,
            url=subscription.url,
            events=sorted(subscription.topics()),
            entity_type=EntityType(entity).plural if entity else None,
            scopes=subscription.scopes.split(","),
            active=subscription.active,
            disabled_reason=subscription.disabled_reason,
            created_by=subscription.created_by,
            created_at=subscription.created_at,
        )


class WebhookCreatedOut(WebhookOut):
    """A new subscription with its signing secret, shown this once."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**_SUBSCRIPTION, "secret": "whsec_3q2-7wEw..."}]}
    )

    secret: str = Field(description="Verify `X-MDM-Signature` with it; store it now")


class WebhookListOut(BaseModel):
    """Every subscription, oldest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_SUBSCRIPTION]}]})

    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    """One event's delivery to the subscription: a job of the queue."""

    job_id: int
    event_id: str
    type: str
    golden_id: str
    status: str = Field(description="`todo` (waiting or retrying), `doing`, `succeeded`, `dead`")
    attempts: int
    max_attempts: int
    replay_count: int
    last_error: str | None
    idempotency_key: str = Field(description="Sent as `Idempotency-Key` on every attempt")
    correlation_id: str | None
    created_at: UtcDateTime
    run_at: UtcDateTime = Field(description="When the next attempt is due (if waiting)")
    finished_at: UtcDateTime | None

    @classmethod
    def of(cls, job: JobRecord) -> DeliveryOut:
        """From the delivery job."""
        event = job.args.get("event", {})
        return cls(
            job_id=job.id,
            event_id=str(event.get("id", "")),
            type=str(event.get("type", "")),
            golden_id=str(job.args.get("aggregate_id", "")),
            status=job.status,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            replay_count=job.replay_count,
            last_error=job.last_error,
            idempotency_key=job.idempotency_key,
            correlation_id=job.correlation_id,
            created_at=job.created_at,
            run_at=job.run_at,
            finished_at=job.finished_at,
        )


class DeliveryListOut(BaseModel):
    """A subscription's deliveries, newest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_DELIVERY]}]})

    items: list[DeliveryOut]
