"""`/api/v1/webhooks` as an operator uses it: admin only, clear 422s, deliveries from the queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.auth.principal import Scope
from mdm.settings import Settings
from tests.mdm.webhooks.flow import add_customers, drain, worker
from tests.support.webhook_receiver import Answer, WebhookReceiver

HOOKS = "/api/v1/webhooks"
URL = "https://erp.example.com/hooks/mdm"


def test_only_admins_manage_webhooks(
    anonymous_client: TestClient, make_key: Callable[..., str]
) -> None:
    assert anonymous_client.get(HOOKS).status_code == 401
    reader = {"Authorization": f"Bearer {make_key(Scope.READ, Scope.STEWARD, Scope.FINANCE)}"}
    for method, path in (("GET", HOOKS), ("POST", HOOKS), ("GET", f"{HOOKS}/1/deliveries")):
        response = anonymous_client.request(method, path, headers=reader, json={"url": URL})
        assert response.status_code == 403, (method, path)
        assert response.json()["error"] == "forbidden"


def test_a_subscription_shows_its_secret_once(client: TestClient) -> None:
    created = client.post(
        HOOKS, json={"url": URL, "events": ["golden.merged"], "entity_type": "customer"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["golden.merged"]
    assert body["entity_type"] == "customers"
    assert body["scopes"] == ["read"]
    assert body["active"] is True
    assert body["created_by"] == "admin"
    shown = client.get(f"{HOOKS}/{body['id']}").json()
    listed = client.get(HOOKS).json()["items"]
    assert "secret" not in shown
    assert [item["id"] for item in listed] == [body["id"]]
    assert body["secret"] not in str(listed)


def test_a_caller_may_choose_the_secret_and_every_event(client: TestClient) -> None:
    secret = "a-shared-secret-of-ours"
    created = client.post(HOOKS, json={"url": "http://10.0.0.5:8080/in", "secret": secret})
    assert created.status_code == 201
    assert (created.json()["secret"], created.json()["events"]) == (secret, ["*"])


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"url": "ftp://erp.example.com/in"}, "not an http:// or https:// URL"),
        ({"url": "not a url"}, "not an http:// or https:// URL"),
        ({"url": "https://"}, "not an http:// or https:// URL"),
        ({"url": URL, "events": ["golden.deleted"]}, "unknown event type(s) golden.deleted"),
        ({"url": URL, "events": []}, "unknown event type(s) (none given)"),
        ({"url": URL, "entity_type": "invoices"}, "unknown entity type 'invoices'"),
        ({"url": URL, "scopes": ["root"]}, "unknown scope(s) root"),
        ({"url": URL, "secret": "short"}, "16 to 255 printable characters"),
        ({"url": URL, "colour": "blue"}, "colour"),
        ({"events": ["*"]}, "url"),
    ],
)
def test_bad_subscriptions_are_422_and_write_nothing(
    client: TestClient, body: dict[str, Any], says: str
) -> None:
    response = client.post(HOOKS, json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert says in str(response.json()["detail"])
    assert client.get(HOOKS).json()["items"] == []


def test_unknown_subscriptions_are_404(client: TestClient) -> None:
    for method, path in (("GET", f"{HOOKS}/9"), ("DELETE", f"{HOOKS}/9")):
        response = client.request(method, path)
        assert response.status_code == 404
        assert response.json()["detail"] == "webhook subscription 9 does not exist"
    assert client.get(f"{HOOKS}/9/deliveries").status_code == 404
    assert client.get(f"{HOOKS}/99999999999").status_code == 422


def test_deliveries_show_status_attempts_and_the_last_error(
    client: TestClient, engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    hook = client.post(HOOKS, json={"url": receiver.url, "entity_type": "customers"}).json()
    receiver.answer(Answer(400, body="unknown field"), 200)
    add_customers(engine, "First")
    add_customers(engine, "Second")
    drain(worker(engine, settings))
    deliveries = client.get(f"{HOOKS}/{hook['id']}/deliveries").json()["items"]
    assert [(d["status"], d["attempts"]) for d in deliveries] == [("succeeded", 1), ("dead", 1)]
    dead = deliveries[1]
    assert dead["last_error"] == "PermanentError: receiver answered 400: unknown field"
    assert dead["type"] == "golden.created"
    assert dead["idempotency_key"] == f"webhooks:{hook['id']}:{dead['event_id']}"
    only_dead = client.get(f"{HOOKS}/{hook['id']}/deliveries", params={"status": "dead"})
    assert [d["job_id"] for d in only_dead.json()["items"]] == [dead["job_id"]]


def test_a_deleted_subscription_is_gone(client: TestClient) -> None:
    hook = client.post(HOOKS, json={"url": URL}).json()
    deleted = client.delete(f"{HOOKS}/{hook['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["id"] == hook["id"]
    assert client.get(f"{HOOKS}/{hook['id']}").status_code == 404
