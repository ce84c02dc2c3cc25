"""End to end: a steward drives the workbench in headless Chromium against a real `mdm serve`
on a real database; after each step the database shows the change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm import migrate
from mdm.db import create_db_engine, session_scope
from mdm.golden.lineage_models import MatchConstraint
from mdm.golden.queries import attributes_of
from mdm.records.models import QuarantineItem
from mdm.resolution.models import MatchCandidate
from mdm.settings import Settings
from mdm.stewardship.models import StewardAction, StewardSession
from tests.support import steward_world
from tests.support.browser import chromium
from tests.support.lookups import golden_of
from tests.support.server import running_hub


@dataclass(frozen=True)
class Hub:
    """A served hub, its database and the world in it."""

    base: str
    engine: Engine
    world: steward_world.World
    key: str


@pytest.fixture
def hub(fresh_url: str, tmp_path: Path) -> Iterator[Hub]:
    engine = create_db_engine(Settings(database_url=fresh_url, _env_file=None))
    migrate.upgrade(engine)
    world = steward_world.build(engine)
    key = steward_world.steward_key(engine, "ann")
    try:
        with running_hub(fresh_url, tmp_path) as base:
            yield Hub(base, engine, world, key)
    finally:
        engine.dispose()


@pytest.fixture
def page(hub: Hub, tmp_path: Path) -> Iterator[Page]:
    with chromium(tmp_path / "profile") as context:
        browser_page = context.new_page()
        browser_page.set_default_timeout(15_000)
        yield browser_page


def _candidate_status(engine: Engine, candidate_id: int) -> str:
    with session_scope(engine) as session:
        candidate = session.get(MatchCandidate, candidate_id)
        assert candidate is not None
        return candidate.status


def _actions(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        rows = session.exec(select(StewardAction).order_by(col(StewardAction.id)))
        return [(r.actor, r.action) for r in rows]


def test_a_steward_reviews_merges_unmerges_overrides_and_resubmits(hub: Hub, page: Page) -> None:
    w, engine = hub.world, hub.engine

    # Log in: the key buys a session, recorded on the server under the key's person.
    page.goto(f"{hub.base}/steward/queue")
    expect(page).to_have_url(f"{hub.base}/steward/login")
    page.fill("input[name=key]", hub.key)
    page.click("button[type=submit]")
    expect(page.get_by_test_id("actor")).to_have_text("ann")
    with session_scope(engine) as session:
        assert [s.actor for s in session.exec(select(StewardSession))] == ["ann"]

    # The queue: highest priority first (Acme's contracts outweigh Bergmann's uncertainty).
    rows = page.locator("tr.row[data-candidate]")
    expect(rows).to_have_count(3)
    order = [int(rows.nth(i).get_attribute("data-candidate") or 0) for i in range(3)]
    assert order == [w.acme, w.bergmann, w.corvus]
    assert _candidate_status(engine, w.acme) == "open"

    # Compare: differences highlighted, signed weights, relatives with money masked for ann.
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{hub.base}/steward/candidates/{w.acme}")
    expect(page.locator("tr.differs[data-field=name]")).to_have_count(1)
    expect(page.locator("tr.same[data-field=city]")).to_have_count(1)
    expect(page.locator(".bar.for")).to_have_count(2)
    expect(page.locator(".bar.against")).to_have_count(1)
    expect(page.get_by_text("MSA-1").first).to_be_visible()
    expect(page.get_by_text("(masked)").first).to_be_visible()
    assert _candidate_status(engine, w.acme) == "open"

    # Accept with the keyboard: the two golden records become one; on to the next pair.
    page.keyboard.press("a")
    expect(page).to_have_url(f"{hub.base}/steward/candidates/{w.bergmann}")
    assert _candidate_status(engine, w.acme) == "accepted"
    merged = golden_of(engine, "crm", "A1")
    assert golden_of(engine, "erp", "A1") == merged

    # Reject: kept apart for good (a cannot-link constraint).
    page.keyboard.press("r")
    expect(page).to_have_url(f"{hub.base}/steward/candidates/{w.corvus}")
    assert _candidate_status(engine, w.bergmann) == "rejected"
    assert golden_of(engine, "crm", "B1") != golden_of(engine, "erp", "B1")
    with session_scope(engine) as session:
        assert [c.kind for c in session.exec(select(MatchConstraint))] == [
            "must_link",
            "cannot_link",
        ]

    # Skip leaves the pair open; it is the last one, so back to the queue.
    page.keyboard.press("s")
    expect(page).to_have_url(f"{hub.base}/steward/queue")
    expect(page.locator("tr.row[data-candidate]")).to_have_count(1)
    assert _candidate_status(engine, w.corvus) == "open"

    # Unmerge on the golden record page: the two records part again.
    page.goto(f"{hub.base}/steward/golden/{merged}")
    expect(page.locator("svg.cluster circle")).to_have_count(2)
    page.click("#unmerge")
    expect(page.get_by_test_id("golden-id")).to_have_text(merged)
    assert golden_of(engine, "crm", "A1") != golden_of(engine, "erp", "A1")
    expect(page.locator("svg.cluster circle")).to_have_count(1)

    # Override an attribute: the steward's value wins survivorship.
    page.select_option("#override-name", "city")
    page.fill("#override-value", "Berlin-Mitte")
    page.click("#override-submit")
    expect(page.locator("tr[data-attribute=city] td.value")).to_have_text("Berlin-Mitte")
    with session_scope(engine) as session:
        city = attributes_of(session, [merged])[merged]["city"]
    assert (city.value, city.rule) == ("Berlin-Mitte", "steward_override")

    # Resubmit a quarantined record with its missing name filled in.
    page.goto(f"{hub.base}/steward/quarantine")
    page.click(f"a[href='/steward/quarantine/{w.quarantine_id}']")
    page.fill("#f_name", "Quai Conseil SA")
    page.click("#resubmit")
    expect(page.get_by_test_id("resubmitted")).to_be_visible()
    with session_scope(engine) as session:
        item = session.get(QuarantineItem, w.quarantine_id)
        assert item is not None
        assert (item.status, item.resolved_record_id is not None) == ("resolved", True)

    # The audit names the person behind the key for every action.
    assert _actions(engine) == [
        ("ann", "accept"),
        ("ann", "reject"),
        ("ann", "unmerge"),
        ("ann", "override"),
        ("ann", "resubmit"),
    ]
    page.goto(f"{hub.base}/steward/audit?actor=ann")
    expect(page.locator("table.audit tbody tr")).to_have_count(5)
