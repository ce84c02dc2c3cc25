"""The workbench's trace and reconciliation pages, as a logged-in steward sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.stewardship.models import StewardAction
from mdm.sync.models import DealState, SyncDeal, SyncException
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


def test_a_steward_resubmits_a_stopped_deal_from_the_reconciliation_page(
    anonymous_client: TestClient, engine: Engine
) -> None:
    build_health_world(engine)
    csrf = log_in(anonymous_client, steward_key(engine, "ann"))
    page = anonymous_client.get("/steward/reconciliation", params={"days": 3650})
    assert 'action="/steward/deals/D6/resubmit"' in page.text
    forged = anonymous_client.post("/steward/deals/D6/resubmit", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    done = anonymous_client.post(
        "/steward/deals/D6/resubmit", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/steward/reconciliation?resubmitted=D6"
    with session_scope(engine) as session:
        deal = session.exec(select(SyncDeal).where(col(SyncDeal.opportunity_id) == "D6")).one()
        rows = session.exec(select(SyncException).where(col(SyncException.subject) == "D6"))
        resolved = {(row.status, row.resolved_by) for row in rows}
        (audited,) = session.exec(
            select(StewardAction).where(col(StewardAction.action) == "resubmit_deal")
        )
    assert deal.state == DealState.RECEIVED
    assert resolved == {("resolved", audited.actor)}
    assert audited.subject == "D6"
    shown = anonymous_client.get(done.headers["location"])
    assert "Deal D6 was resubmitted" in shown.text
    assert 'action="/steward/deals/D6/resubmit"' not in shown.text
    again = anonymous_client.post("/steward/deals/D6/resubmit", data={"csrf_token": csrf})
    assert again.status_code == 409  # no longer in exception: an error page, nothing changed
