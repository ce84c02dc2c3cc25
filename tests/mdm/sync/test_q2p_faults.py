"""Quote-to-project when an answer is lost after the remote system stored the write."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.db import session_scope
from mdm.jobs.models import Job
from mdm.settings import Settings
from mdm.sync.models import DealState
from tests.mdm.sync.q2p_world import (
    Systems,
    deals,
    load_world,
    run_flows,
    sync_settings,
    systems,
    won,
)

__all__ = ["sync_settings", "systems"]  # the fixtures, used by name


def _attempts(engine: Engine, key: str) -> int:
    with session_scope(engine) as session:
        return session.exec(select(Job.attempts).where(col(Job.idempotency_key) == key)).one()


def test_a_psa_project_create_whose_answer_is_lost_leaves_one_project(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunity = won(systems, world.acme, "Acme - Lost answer")
    systems.fault("psa", "commit_then_timeout", "POST", "/api/v1/workspaces")

    run_flows(engine, sync_settings)

    deal = deals(engine)[opportunity]
    assert deal.state == DealState.LINKED
    assert _attempts(engine, f"q2p:psa_project:{opportunity}") >= 2  # a slow answer may add one
    stats = systems.stats("psa", "workspaces")
    assert stats["records"] == 1
    assert not stats["duplicates"]
    assert [w.id for w in systems.records("psa", "workspaces")] == [deal.psa_project_id]


def test_an_erp_customer_upsert_whose_answer_is_lost_leaves_one_customer(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunity = won(systems, world.acme, "Acme - Lost upsert")
    systems.fault("erp", "commit_then_timeout", "PUT", "/services/rest/record/v1/customer/eid:")

    run_flows(engine, sync_settings)

    deal = deals(engine)[opportunity]
    assert deal.state == DealState.LINKED
    assert _attempts(engine, f"q2p:erp_customer:{opportunity}") >= 2
    stats = systems.stats("erp", "customer")
    assert stats["records"] == 2  # Acme's, made by the flow, and Bergmann's own
    assert not stats["duplicates"]
    acme = [c for c in systems.records("erp", "customer") if c.id == deal.erp_customer_id]
    assert acme[0].fields["externalId"] == world.golden_acme
    assert systems.stats("erp", "job")["records"] == 1
