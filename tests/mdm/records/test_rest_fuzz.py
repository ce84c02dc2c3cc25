"""Whatever a client sends, the bulk endpoint answers 200 or a 4xx, and keeps every record."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdm.records.columns import CUSTOMER_COLUMNS

KEYS = st.sampled_from([*CUSTOMER_COLUMNS, "deleted", "crm_id", "colour", "", "ünï", "x" * 80])
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=300),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
RECORDS = st.lists(st.dictionaries(KEYS, VALUES, max_size=8), max_size=5)


def _non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_non_finite(v) for v in value)
    return False


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=RECORDS)
def test_any_canonical_payload_gets_a_result_per_record_or_a_4xx(
    client: TestClient, records: list[dict[str, Any]]
) -> None:
    # json.dumps writes NaN and Infinity as Python's json module reads them back.
    body = json.dumps({"records": records}, allow_nan=True)
    response = client.post(
        "/api/v1/customers/records", content=body, headers={"Content-Type": "application/json"}
    )
    if _non_finite(records):
        assert response.status_code == 400, response.text  # not JSON, whatever Python says
        return
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(records)
    assert {r["result"] for r in results} <= {"created", "updated", "unchanged", "quarantined"}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=200))
def test_any_bytes_are_answered_without_a_server_error(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/api/v1/projects/records", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code < 500, response.text
