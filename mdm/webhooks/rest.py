"""REST for webhook subscriptions (admin only): subscribe, list, show, delete, deliveries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from mdm.api.deps import SessionDep, WriteSessionDep
from mdm.api.openapi import error_response, error_responses
from mdm.auth.deps import ActorDep, requires
from mdm.auth.principal import Scope
from mdm.jobs.models import JobStatus
from mdm.webhooks import service
from mdm.webhooks.schemas import (
    DeliveryListOut,
    DeliveryOut,
    WebhookCreatedOut,
    WebhookIn,
    WebhookListOut,
    WebhookOut,
)

router = APIRouter(
    prefix="/api/v1/webhooks",
    tags=["webhooks"],
    dependencies=[Depends(requires(Scope.ADMIN))],
)
SubscriptionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Subscription id")]

_UNKNOWN = error_response(
    404, "No subscription has this id", detail="webhook subscription 3 does not exist"
)
_INVALID = error_response(
    422,
    "The URL, an event type, the entity type, a scope or the secret is not valid",
    detail="unknown event type(s) golden.deleted; expected * or some of golden.created, ...",
)


@router.post(
    "",
    response_model=WebhookCreatedOut,
    status_code=201,
    summary="Subscribe a URL to golden change events",
    responses={422: _INVALID},
)
def create_webhook(body: WebhookIn, session: WriteSessionDep, actor: ActorDep) -> WebhookCreatedOut:
    """Events after this moment are POSTed to `url`, signed with the secret answered here once."""
    created = service.create_subscription(
        session,
        body.url,
        events=body.events,
        entity_type=body.entity_type,
        scopes=body.scopes,
        secret=body.secret,
        created_by=actor,
    )
    return WebhookCreatedOut(
        **WebhookOut.of(created.subscription).model_dump(), secret=created.secret
    )


@router.get("", response_model=WebhookListOut, summary="List webhook subscriptions")
def list_webhooks(session: SessionDep) -> WebhookListOut:
    """Every subscription, active or disabled, oldest first (secrets are never shown)."""
    return WebhookListOut(items=[WebhookOut.of(s) for s in service.list_subscriptions(session)])


@router.get(
    "/{subscription_id}",
    response_model=WebhookOut,
    summary="Show a webhook subscription",
    responses={404: _UNKNOWN, **error_responses(422)},
)
def show_webhook(subscription_id: SubscriptionId, session: SessionDep) -> WebhookOut:
    """One subscription: what it receives, and whether it is still active."""
    return WebhookOut.of(service.get_subscription(session, subscription_id))


@router.delete(
    "/{subscription_id}",
    response_model=WebhookOut,
    summary="Delete a webhook subscription",
    responses={404: _UNKNOWN, **error_responses(422)},
)
def delete_webhook(subscription_id: SubscriptionId, session: WriteSessionDep) -> WebhookOut:
    """Stop sending to it for good; deliveries still queued end as dead letters."""
    return WebhookOut.of(service.delete_subscription(session, subscription_id))


@router.get(
    "/{subscription_id}/deliveries",
    response_model=DeliveryListOut,
    summary="List a subscription's deliveries",
    responses={404: _UNKNOWN, **error_responses(422)},
)
def list_deliveries(
    subscription_id: SubscriptionId,
    session: SessionDep,
    status: Annotated[JobStatus | None, Query(description="Only deliveries in this status")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Deliveries per answer")] = 50,
) -> DeliveryListOut:
    """Its delivery jobs, newest first: status, attempts, last error; replay dead ones with
    `POST /api/v1/jobs/{job_id}/replay`."""
    jobs = service.deliveries(session, subscription_id, status=status, limit=limit)
    return DeliveryListOut(items=[DeliveryOut.of(job) for job in jobs])
