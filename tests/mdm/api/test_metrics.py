"""`/metrics`: request counters by route template, open on loopback only unless configured."""

from __future__ import annotations

from fastapi.testclient import TestClient

from mdm.app import create_app
from mdm.settings import Settings


def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/healthz")
    client.get("/api/v1/customers/records/crm/nope")
    body = client.get("/metrics").text
    assert 'mdm_http_requests_total{method="GET",route="/healthz",status="200"} 2' in body
    route = "/api/v1/{entity}/records/{system}/{source_id:path}"
    assert f'mdm_http_requests_total{{method="GET",route="{route}",status="404"}} 1' in body
    assert "crm/nope" not in body
    assert 'mdm_http_request_seconds_total{method="GET",route="/healthz"}' in body


def test_metrics_refuse_a_remote_client_unless_opened(settings: Settings, engine: object) -> None:
    remote = ("203.0.113.7", 40000)
    with TestClient(create_app(settings), client=remote) as closed:
        response = closed.get("/metrics")
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    opened = settings.model_copy(update={"metrics_public": True})
    with TestClient(create_app(opened), client=remote) as open_client:
        assert open_client.get("/metrics").status_code == 200
