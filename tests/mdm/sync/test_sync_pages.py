"""The workbench's trace and reconciliation pages, as a logged-in steward sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.auth.principal import Scope
from tests.mdm.sync.trace_world import CORRELATION, build_health_world, build_trace_world
from tests.support.steward_client import log_in
from tests.support.steward_world import steward_key


def test_trace_page_shows_the_chain_jobs_and_masks_amounts_for_a_steward(
    anonymous_client: TestClient, engine: Engine
) -> None:
    world = build_trace_world(engine)
    log_in(anonymous_client, steward_key(engine, "ann"))
    empty = anonymous_client.get("/steward/trace")
    assert empty.status_code == 200
    assert 'href="/steward/trace"' in empty.text  # linked from the navigation
    assert 'href="/steward/reconciliation"' in empty.text
    page = anonymous_client.get("/steward/trace", params={"id": "006A"})
    assert page.status_code == 200
    html = page.text
    assert CORRELATION in html
    for shown in ("Acme rollout", world.survivor, world.absorbed, "1203", "bt_1_tm_2026_01"):
        assert shown in html
    assert "INV-0042" in html
    assert html.index("q2p.deal_won") < html.index("q2p.psa_project") < html.index("p2c.post")
    assert "1234.56" not in html
    assert "(masked)" in html


def test_trace_page_shows_amounts_to_finance_and_a_404_page_for_an_unknown_id(
    anonymous_client: TestClient, engine: Engine
) -> None:
    build_trace_world(engine)
    log_in(anonymous_client, steward_key(engine, "fin", Scope.FINANCE))
    page = anonymous_client.get("/steward/trace", params={"id": CORRELATION})
    assert "1234.56" in page.text
    assert "(masked)" not in page.text
    missing = anonymous_client.get("/steward/trace", params={"id": "nothing-here"})
    assert missing.status_code == 404
    assert "nothing carries the id" in missing.text


def test_reconciliation_page_renders_health_and_open_exceptions(
    anonymous_client: TestClient, engine: Engine
) -> None:
    build_health_world(engine)
    log_in(anonymous_client, steward_key(engine, "fin", Scope.FINANCE))
    page = anonymous_client.get("/steward/reconciliation", params={"days": 3650})
    assert page.status_code == 200
    html = page.text
    assert "missing_billing_method" in html
    assert 'href="/steward/trace?id=D6"' in html
    assert "q2p.psa_project 1" in html
    assert "9300.00" in html
    assert "netsuite" in html


def test_the_pages_need_a_session(anonymous_client: TestClient, engine: Engine) -> None:
    for path in ("/steward/trace", "/steward/reconciliation"):
        response = anonymous_client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/steward/login"
