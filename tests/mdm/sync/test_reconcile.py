"""Reconciliation figures on a small world worked out by hand (tests/mdm/sync/trace_world.py).

Activation: won in the window D1..D6 (6); active D1 1 h, D2 3 h, D3 30 h; nearest-rank p50 of
[1, 3, 30] is 3, p95 is 30; over the 24 h SLA: D3 (30 h) and D4 (waiting 60.5 h); D5 waits
12 h; D6 is in an exception.
Posting (SLA 5 days): T1 posted 2 days after January, on time; T2 9 days after February, late;
T3 unposted and overdue since 6 March; T4's March is not due; T5 is a milestone; T6's month
ended before the window. Counted 3, on time 1; lags [2, 9]: p50 2, p95 9.
Unreconciled: EUR pending T3 300.00, unpaid T2 1500.00 + T5 5000.00, exceptions D6 2500.00;
GBP pending T4 400.00; D8 has no currency (XXX) 10.00; D5's exception is resolved.
Queue: claims in the window 5; retries 3 (one each of three tasks); j2 dead; erp 1 failure,
psa 2, hub 1, crm 0.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.sync.config import LegalEntity, SyncConfig
from mdm.sync.models import SyncException
from mdm.sync.reconcile import month_end, percentile, reconcile
from mdm.sync.reconcile_queue import role_of_error
from mdm.sync.reconcile_schemas import ReconciliationOut
from tests.conftest import KeyFactory
from tests.mdm.sync.trace_world import NOW, SINCE, billing, build_health_world, deal

CONFIG = SyncConfig(
    default_legal_entity="DE01",
    legal_entities={"DE01": LegalEntity(currency="EUR", tax_code="DE19", subsidiary="2")},
    activation_sla_hours=24,
    posting_sla_days=5,
)


def _figures(engine: Engine) -> dict[str, Any]:
    build_health_world(engine)
    with session_scope(engine) as session:
        found = reconcile(session, CONFIG, NOW, SINCE)
    return ReconciliationOut.of(found, None).model_dump(mode="json")


def _money(pending: str, unpaid: str, exceptions: str, total: str) -> dict[str, str]:
    return {"pending": pending, "unpaid": unpaid, "exceptions": exceptions, "total": total}


def test_business_health_of_a_hand_computed_world(engine: Engine) -> None:
    business = _figures(engine)["business"]
    assert business["activation"] == {
        "sla_hours": 24.0,
        "won": 6,
        "activated": 3,
        "hours": {"count": 3, "p50": 3.0, "p95": 30.0},
        "over_sla": 2,
    }
    assert business["posting"] == {
        "sla_days": 5.0,
        "counted": 3,
        "on_time": 1,
        "on_time_share": pytest.approx(1 / 3),
        "invoice_lag_days": {"count": 2, "p50": 2.0, "p95": 9.0},
    }
    assert business["unreconciled"] == {
        "EUR": _money("300.00", "6500.00", "2500.00", "9300.00"),
        "GBP": _money("400.00", "0.00", "0.00", "400.00"),
        "XXX": _money("0.00", "0.00", "10.00", "10.00"),
    }
    assert business["open_exceptions"] == {"missing_billing_method": 1, "unresolved_account": 1}


def test_unreconciled_yen_are_shown_whole(engine: Engine) -> None:
    with session_scope(engine, write=True) as session:
        japan = deal(session, "J1", currency="JPY", legal_entity="JP01", won_at=SINCE)
        billing(session, japan, "TJ1", currency="JPY", amount_cents=12_340_000)
        billing(session, japan, "TJ2", currency="JPY", amount_cents=50_000_000, state="posted",
                paid_cents=20_000_000, posted_at=SINCE)  # fmt: skip
        deal(session, "J2", state="exception", currency="JPY", amount_cents=945_000_000)
        session.add(SyncException(flow="quote_to_project", subject="J2",
                                  reason="missing_billing_method", detail="no method"))  # fmt: skip
    with session_scope(engine) as session:
        shown = ReconciliationOut.of(reconcile(session, CONFIG, NOW, SINCE), None)
    assert shown.model_dump(mode="json")["business"]["unreconciled"] == {
        "JPY": _money("123400", "300000", "9450000", "9873400")
    }


def test_technical_health_counts_retries_dead_letters_and_errors_per_system(
    engine: Engine,
) -> None:
    technical = _figures(engine)["technical"]
    assert technical["queue_depth"] == {"todo": 2, "doing": 0, "succeeded": 1, "dead": 1}
    assert technical["attempts"] == 5
    assert technical["retries"] == 3
    assert technical["retries_by_task"] == {
        "p2c.post": 1,
        "q2p.erp_customer": 1,
        "q2p.psa_project": 1,
    }
    assert technical["dead_letters"] == {"q2p.psa_project": 1}
    assert technical["connector_errors"] == {
        "crm": {"system": "salesforce", "failed_attempts": 0, "rate": 0.0},
        "psa": {"system": "kantata", "failed_attempts": 2, "rate": 0.4},
        "erp": {"system": "netsuite", "failed_attempts": 1, "rate": 0.2},
        "hub": {"system": "hub", "failed_attempts": 1, "rate": 0.2},
    }


def test_an_empty_hub_reconciles_to_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        shown = ReconciliationOut.of(reconcile(session, CONFIG, NOW, SINCE), None)
    assert shown.business.activation.hours.p50 is None
    assert shown.business.posting.on_time_share is None
    assert shown.business.unreconciled == {}
    assert shown.technical.connector_errors["erp"].rate == 0.0


def test_rest_reconciliation_masks_amounts_without_finance(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    build_health_world(engine)
    since = {"since": SINCE.isoformat()}
    reader = {"Authorization": f"Bearer {make_key(Scope.READ)}"}
    masked = anonymous_client.get("/api/v1/reconciliation", params=since, headers=reader)
    assert masked.status_code == 200, masked.text
    body = masked.json()
    assert body["masked"] == ["amount"]
    assert body["business"]["unreconciled"]["EUR"]["total"] is None
    assert body["business"]["open_exceptions"]["unresolved_account"] == 1
    finance = {"Authorization": f"Bearer {make_key(Scope.READ, Scope.FINANCE)}"}
    shown = anonymous_client.get("/api/v1/reconciliation", params=since, headers=finance).json()
    assert shown["business"]["unreconciled"]["EUR"]["total"] == "9300.00"
    assert shown["technical"]["dead_letters"] == {"q2p.psa_project": 1}


@pytest.mark.parametrize("since", ["2026-01-01T00:00:00", "1700000000", "-1.5", "6.1e-05", " 2e3"])
def test_rest_reconciliation_refuses_a_window_start_without_offset_or_as_a_number(
    client: TestClient, engine: Engine, since: str
) -> None:
    response = client.get("/api/v1/reconciliation", params={"since": since})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [([], 50, None), ([7.0], 95, 7.0), ([1, 2, 3, 4], 50, 2), ([*range(1, 21)], 95, 19)],
)
def test_percentiles_are_nearest_rank(values: list[float], p: float, expected: float) -> None:
    assert percentile(values, p) == expected


@pytest.mark.parametrize(
    ("period", "end"),
    [("2026-01", "2026-02-01"), ("2026-12", "2027-01-01"), ("M1", None), ("2026-13", None)],
)
def test_a_billing_month_ends_at_the_next_months_first_midnight(
    period: str, end: str | None
) -> None:
    found = month_end(period)
    assert (found.date().isoformat() if found else None) == end


@pytest.mark.parametrize(
    ("detail", "role"),
    [
        ({"error": "TransientRemoteError: netsuite: HTTP 503"}, "erp"),
        ({"error": "ThrottledError: salesforce: REQUEST_LIMIT_EXCEEDED"}, "crm"),
        ({"error": "PermanentRemoteError: kantata: 422"}, "psa"),
        ({"error": "KeyError: 'lines'"}, "hub"),
        ({"error": "RuntimeError: unknownsys: boom"}, "hub"),
        ({}, "hub"),
        (None, "hub"),
    ],
)
def test_a_failed_attempt_belongs_to_the_system_its_error_names(detail: Any, role: str) -> None:
    assert role_of_error(detail) == role
