"""Prometheus metrics at `/metrics` (loopback only unless opened): requests and the hub's state.

Each app has its own `CollectorRegistry`, never the process-wide default, so two apps in one
process (the tests, an embedding host) count apart. Request counters and latency histograms
are updated by the correlation middleware; the business gauges (golden records, review
candidates, quarantine, outbox depth) are a handful of indexed counts run at scrape time, so
they are exact and cost nothing between scrapes.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import ColumnElement, Engine, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from mdm.api.deps import SettingsDep
from mdm.api.openapi import error_response
from mdm.clock import utcnow
from mdm.entities import EntityType
from mdm.errors import Forbidden
from mdm.golden.lineage_models import OutboxEvent
from mdm.golden.models import GoldenRecord, GoldenStatus
from mdm.jobs.metrics import queue_families
from mdm.records.models import QuarantineItem, QuarantineStatus
from mdm.resolution.models import CandidateStatus, MatchCandidate

log = logging.getLogger("mdm.metrics")
router = APIRouter(tags=["health"])

# From a sub-millisecond id lookup to a bulk load of 10,000 records.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_ENTITIES = [e.value for e in EntityType]


class Metrics:
    """One app's registry: requests by method, route template and status, and their latency."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mdm_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mdm_http_request_duration_seconds",
            "Time from the request's arrival to its last byte, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        ProcessCollector(namespace="mdm", registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self, engine: Engine | None) -> bytes:
        """The exposition text: this app's registry, then the hub's state read from `engine`."""
        text = generate_latest(self.registry)
        if engine is not None:
            text += generate_latest(BusinessCollector(engine))
        return text


class BusinessCollector(Collector):
    """Gauges of the hub's state, counted when scraped; a database failure reports `up 0`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        """Count golden records, open candidates, open quarantine items, the outbox and jobs."""
        started = time.perf_counter()
        try:
            with Session(self.engine) as session:
                families = [
                    _golden_records(session),
                    _by_entity(
                        session,
                        MatchCandidate,
                        col(MatchCandidate.status) == CandidateStatus.OPEN.value,
                        "mdm_review_candidates_open",
                        "Match candidates waiting for a steward, by entity type.",
                    ),
                    _by_entity(
                        session,
                        QuarantineItem,
                        col(QuarantineItem.status) == QuarantineStatus.OPEN.value,
                        "mdm_quarantine_open",
                        "Quarantined payloads not yet fixed, by entity type.",
                    ),
                    _outbox_depth(session),
                    *queue_families(session, utcnow()),
                ]
            up = 1.0
        except SQLAlchemyError as exc:
            log.warning("business metrics unavailable: %s", exc.__class__.__name__)
            families, up = [], 0.0
        yield from families
        yield GaugeMetricFamily(
            "mdm_business_metrics_up", "Whether the state gauges could be read (1) or not.", up
        )
        yield GaugeMetricFamily(
            "mdm_business_metrics_seconds",
            "Time spent reading the state gauges.",
            time.perf_counter() - started,
        )


def _golden_records(session: Session) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "mdm_golden_records",
        "Golden ids by entity type and status (merged ones redirect to their survivor).",
        labels=["entity_type", "status"],
    )
    query = select(GoldenRecord.entity_type, GoldenRecord.status, func.count()).group_by(
        col(GoldenRecord.entity_type), col(GoldenRecord.status)
    )
    counts = {(e, s): n for e, s, n in session.exec(query)}
    statuses = sorted({s.value for s in GoldenStatus} | {s for _, s in counts})
    for entity in sorted(set(_ENTITIES) | {e for e, _ in counts}):
        for status in statuses:
            family.add_metric([entity, status], counts.get((entity, status), 0))
    return family


def _by_entity(
    session: Session,
    table: type[MatchCandidate] | type[QuarantineItem],
    where: ColumnElement[bool],
    name: str,
    doc: str,
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=["entity_type"])
    entity_type = col(table.entity_type)
    query = select(entity_type, func.count()).where(where).group_by(entity_type)
    counts = dict(session.exec(query).all())
    for entity in sorted(set(_ENTITIES) | set(counts)):
        family.add_metric([entity], counts.get(entity, 0))
    return family


def _outbox_depth(session: Session) -> GaugeMetricFamily:
    query = select(func.count()).where(col(OutboxEvent.published_at).is_(None))
    return GaugeMetricFamily(
        "mdm_outbox_depth",
        "Outbox events not yet marked published (the change feed serves them all the same).",
        session.exec(query).one(),
    )


_CLOSED = "/metrics answers only on loopback; set MDM_METRICS_PUBLIC=true to open it"


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name, not an address: not provably local
        return False


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics",
    responses={
        200: {
            "description": "The Prometheus text exposition format",
            "content": {
                "text/plain": {
                    "schema": {"type": "string"},
                    "example": 'mdm_http_requests_total{method="GET",route="/healthz",'
                    'status="200"} 3.0\nmdm_golden_records{entity_type="customer",'
                    'status="active"} 1250.0\n',
                }
            },
        },
        403: error_response(403, "Not from loopback, and not opened", detail=_CLOSED),
    },
)
def metrics(request: Request, settings: SettingsDep) -> Response:
    """Request counts, latency histograms and the hub's state; loopback only unless opened."""
    client = request.client.host if request.client else None
    if not settings.metrics_public and not _is_loopback(client):
        raise Forbidden(_CLOSED)
    registry: Metrics = request.app.state.metrics
    engine: Engine | None = getattr(request.app.state, "engine", None)
    return Response(registry.render(engine), media_type=CONTENT_TYPE_PLAIN_0_0_4)
