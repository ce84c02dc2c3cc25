"""The sandbox core over real HTTP: auth, each fault kind, the request log and the counts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from mdm.sandbox.core import Sandbox, SandboxDep, create_sandbox_app
from mdm.sandbox.faults import FaultKind, FaultPlan
from mdm.sandbox.records import RecordStore
from tests.support.sandboxes import serving

router = APIRouter()


@router.post("/things", status_code=201)
def create_thing(body: dict[str, Any], sandbox: SandboxDep) -> dict[str, str]:
    record = sandbox.store.create("thing", body)
    return {"id": record.id}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox("test", RecordStore(lambda type_, n: f"{type_}-{n}", {"thing": "ext"}))


@pytest.fixture
def base(sandbox: Sandbox) -> Iterator[str]:
    with serving(create_sandbox_app(sandbox, [router], "test")) as url:
        yield url


AUTH = {"Authorization": "Bearer sandbox-token"}


def _schedule(base: str, kind: FaultKind, **extra: Any) -> None:
    body = {"kind": kind, **extra}
    assert httpx.post(f"{base}/_sandbox/faults", json=body).status_code == 204


def test_requests_without_a_known_token_are_refused(base: str, sandbox: Sandbox) -> None:
    assert httpx.post(f"{base}/things", json={}).status_code == 401
    assert sandbox.store.stats() == {}


def test_commit_then_timeout_stores_the_record_and_never_answers_in_time(
    base: str, sandbox: Sandbox
) -> None:
    _schedule(base, FaultKind.COMMIT_THEN_TIMEOUT, delay_seconds=2)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{base}/things", json={"ext": "A"}, headers=AUTH, timeout=0.5)
    response = httpx.post(f"{base}/things", json={"ext": "A"}, headers=AUTH)
    assert response.status_code == 201
    stats = httpx.get(f"{base}/_sandbox/stats").json()["types"]["thing"]
    assert stats == {"records": 2, "external_id_field": "ext", "duplicates": {"A": 2}}


@pytest.mark.parametrize(
    ("kind", "status", "retry_after"),
    [
        (FaultKind.FAIL_BEFORE_COMMIT, 500, None),
        (FaultKind.HTTP_5XX, 503, None),
        (FaultKind.THROTTLE, 429, "7"),
        (FaultKind.THROTTLE_NO_RETRY_AFTER, 429, None),
    ],
)
def test_failing_faults_store_nothing(
    base: str, sandbox: Sandbox, kind: FaultKind, status: int, retry_after: str | None
) -> None:
    _schedule(base, kind, retry_after_seconds=7, method="POST", path="/things")
    response = httpx.post(f"{base}/things", json={"ext": "B"}, headers=AUTH)
    assert (response.status_code, response.headers.get("retry-after")) == (status, retry_after)
    assert sandbox.store.stats() == {}
    assert httpx.post(f"{base}/things", json={"ext": "B"}, headers=AUTH).status_code == 201


def test_the_request_log_keeps_correlation_headers_and_faults(base: str) -> None:
    headers = {
        **AUTH,
        "X-Correlation-ID": "corr-1",
        "Idempotency-Key": "key-1",
        "X-Sandbox-Fault": "http_5xx",
    }
    httpx.post(f"{base}/things", json={}, headers=headers)
    (entry,) = httpx.get(f"{base}/_sandbox/requests").json()
    assert entry["headers"] == {"x-correlation-id": "corr-1", "idempotency-key": "key-1"}
    assert (entry["fault"], entry["status"]) == ("http_5xx", 503)


def test_fault_rates_are_seeded_and_repeatable() -> None:
    def draws() -> list[str | None]:
        plan = FaultPlan()
        plan.set_rates(
            plan.rates.model_copy(update={"rates": {FaultKind.HTTP_5XX: 0.3}, "seed": 7})
        )
        picks = [plan.pick("POST", "/x", None) for _ in range(50)]
        return [p.kind if p else None for p in picks]

    first = draws()
    assert first == draws()
    assert 5 < first.count(FaultKind.HTTP_5XX) < 25
