"""`/metrics`: Prometheus exposition of requests, latency and the hub's state, loopback only."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi.testclient import TestClient
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from sqlmodel import select

from mdm.api.metrics import BusinessCollector
from mdm.app import create_app
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import LinkKind
from mdm.golden.membership import merge
from mdm.records.models import SourceRecord
from mdm.records.service import RecordInput, ingest
from mdm.resolution.models import MatchCandidate
from mdm.settings import Settings
from tests.mdm.api.test_feed import customers

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return _samples(text_string_to_metric_families(response.text))


def _samples(families: Iterable[Metric]) -> Samples:
    found: Samples = {}
    for family in families:
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def _key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


def test_requests_are_counted_by_route_template_and_status(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/healthz")
    client.get("/api/v1/customers/records/crm/nope")
    samples = _scrape(client)
    route = "/api/v1/{entity}/records/{system}/{source_id:path}"
    ok = _key("mdm_http_requests_total", method="GET", route="/healthz", status="200")
    assert samples[ok] == 2
    missing = _key("mdm_http_requests_total", method="GET", route=route, status="404")
    assert samples[missing] == 1
    assert not any("crm/nope" in str(labels) for _, labels in samples)


def test_latency_is_a_histogram_per_route(client: TestClient) -> None:
    for _ in range(3):
        client.get("/healthz")
    samples = _scrape(client)
    labels = {"method": "GET", "route": "/healthz"}
    count = samples[_key("mdm_http_request_duration_seconds_count", **labels)]
    assert count == 3
    inf = samples[_key("mdm_http_request_duration_seconds_bucket", **labels, le="+Inf")]
    assert inf == 3
    fast = samples[_key("mdm_http_request_duration_seconds_bucket", **labels, le="0.001")]
    assert 0 <= fast <= inf
    assert samples[_key("mdm_http_request_duration_seconds_sum", **labels)] > 0


def test_business_gauges_count_the_hubs_state(client: TestClient, engine: Engine) -> None:
    first, second, _ = customers(engine, "Acme GmbH", "Acme Germany GmbH", "Globex")
    bad = RecordInput({"source_system": "crm", "source_id": "x"})  # no name: quarantined
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.PROJECT, [bad], resolve=False)
        merge(session, EntityType.CUSTOMER, first, second, "anna", LinkKind.STEWARD)
        ids = sorted(i or 0 for i in session.exec(select(SourceRecord.id)))
        pair = MatchCandidate(
            entity_type="customer",
            record_a_id=ids[0],
            record_b_id=ids[2],
            probability=0.7,
            explanation={},
        )
        session.add(pair)
    samples = _scrape(client)
    golden = "mdm_golden_records"
    assert samples[_key(golden, entity_type="customer", status="active")] == 2
    assert samples[_key(golden, entity_type="customer", status="merged")] == 1
    assert samples[_key(golden, entity_type="project", status="active")] == 0
    assert samples[_key("mdm_quarantine_open", entity_type="project")] == 1
    assert samples[_key("mdm_quarantine_open", entity_type="customer")] == 0
    assert samples[_key("mdm_review_candidates_open", entity_type="customer")] == 1
    assert samples[_key("mdm_outbox_depth")] == 5  # three created, two merged
    assert samples[_key("mdm_business_metrics_up")] == 1


def test_an_unreadable_database_reports_down_instead_of_failing(fresh_engine: Engine) -> None:
    samples = _samples(BusinessCollector(fresh_engine).collect())  # never migrated: no tables
    assert samples[_key("mdm_business_metrics_up")] == 0
    assert not any(name == "mdm_golden_records" for name, _ in samples)


def test_each_app_counts_on_its_own_registry(settings: Settings, client: TestClient) -> None:
    client.get("/healthz")
    with TestClient(create_app(settings), client=("127.0.0.1", 1)) as other:
        samples = _scrape(other)
    ok = _key("mdm_http_requests_total", method="GET", route="/healthz", status="200")
    assert ok not in samples
    assert _scrape(client)[ok] == 1


def test_metrics_refuse_a_remote_client_unless_opened(settings: Settings, engine: object) -> None:
    remote = ("203.0.113.7", 40000)
    with TestClient(create_app(settings), client=remote) as closed:
        response = closed.get("/metrics")
        assert response.status_code == 403
        assert response.json()["error"] == "forbidden"
    opened = settings.model_copy(update={"metrics_public": True})
    with TestClient(create_app(opened), client=remote) as open_client:
        assert open_client.get("/metrics").status_code == 200
