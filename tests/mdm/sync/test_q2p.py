"""Quote-to-project against the real sandboxes (over HTTP) and a real worker, both backends."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.jobs.models import Job, JobStatus
from mdm.jobs.runtime import duties
from mdm.settings import Settings
from mdm.sync.models import DealState, SyncCursor, SyncException
from mdm.sync.q2p_poll import poll_won_deals
from tests.mdm.sync.q2p_world import (
    Systems,
    add_contract,
    deals,
    load_world,
    run_flows,
    sync_settings,
    systems,
    won,
)

__all__ = ["sync_settings", "systems"]  # the fixtures, used by name


def _jobs(engine: Engine) -> list[Job]:
    with session_scope(engine) as session:
        return list(session.exec(select(Job).where(col(Job.task).startswith("q2p."))))


def test_won_deals_end_linked_with_one_erp_customer_job_and_psa_project_each(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    tm = won(systems, world.acme, "Acme - Data Platform")
    fixed = won(
        systems,
        world.bergmann,
        "Bergmann - Treasury",
        billing="fixed_fee",
        entity="DE01",
        currency="EUR",
        amount=80000.0,
    )
    contract = add_contract(engine, world.bergmann, fixed)

    assert run_flows(engine, sync_settings) == 2

    found = deals(engine)
    assert {d.state for d in found.values()} == {DealState.LINKED}
    acme, bergmann = found[tm], found[fixed]
    assert (acme.golden_customer_id, bergmann.golden_customer_id) == (
        world.golden_acme,
        world.golden_bergmann,
    )
    assert bergmann.golden_contract_id == contract
    assert acme.activated_at is not None
    assert bergmann.activated_at is not None
    # Bergmann's own ERP and PSA customers (the hub's cross-reference); Acme's were created.
    assert (bergmann.erp_customer_id, bergmann.psa_customer_id) == (
        world.bergmann_erp,
        world.bergmann_psa,
    )
    erp_customers = systems.records("erp", "customer")
    assert sorted(c.fields.get("externalId") or "" for c in erp_customers) == sorted(
        [world.golden_acme, "legacy_bergmann"]
    )
    jobs = {j.fields["externalId"]: j for j in systems.records("erp", "job")}
    assert sorted(jobs) == sorted([f"opp_{tm}", f"opp_{fixed}"])
    assert jobs[f"opp_{fixed}"].fields["parent"] == {"id": world.bergmann_erp}
    assert jobs[f"opp_{tm}"].fields["parent"] == {"id": acme.erp_customer_id}
    workspaces = {w.id: w for w in systems.records("psa", "workspaces")}
    assert set(workspaces) == {acme.psa_project_id, bergmann.psa_project_id}
    assert workspaces[bergmann.psa_project_id].fields["workspace_group_ids"] == [world.bergmann_psa]
    assert workspaces[bergmann.psa_project_id].fields["start_date"] == "2025-04-01"
    assert len(systems.records("psa", "workspace_groups")) == 2  # Bergmann's and Acme's


def test_every_job_of_a_deal_carries_the_deals_correlation_id(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    first, second = won(systems, world.acme, "Acme - One"), won(systems, world.acme, "Acme - Two")
    run_flows(engine, sync_settings)
    found = deals(engine)
    assert found[first].correlation_id != found[second].correlation_id
    by_deal: dict[str, set[str | None]] = {}
    for job in _jobs(engine):
        assert job.status == JobStatus.SUCCEEDED
        by_deal.setdefault(job.args["opportunity_id"], set()).add(job.correlation_id)
    assert by_deal == {o: {found[o].correlation_id} for o in (first, second)}
    steps = sorted(j.idempotency_key for j in _jobs(engine) if j.args["opportunity_id"] == first)
    assert steps == sorted(
        f"q2p:{s}:{first}"
        for s in ("deal_won", "erp_customer", "link", "psa_customer", "psa_project")
    )
    for job in _jobs(engine):
        golden = job.args.get("golden_customer_id")
        expected = f"psa-customer:{golden}" if golden else f"deal:{job.args['opportunity_id']}"
        assert job.lock_key == expected


def test_a_deal_seen_again_by_the_poller_is_a_no_op(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    won(systems, world.acme, "Acme - Once")
    assert poll_won_deals(engine, sync_settings, utcnow()) == 1
    with session_scope(engine, write=True) as session:  # forget the cursor: read it all again
        cursor = session.get(SyncCursor, "crm.closed_won")
        assert cursor is not None
        session.delete(cursor)
    assert poll_won_deals(engine, sync_settings, utcnow()) == 0
    assert len(deals(engine)) == 1
    assert len(_jobs(engine)) == 1


def test_each_validation_reason_lands_in_the_exception_queue_and_nothing_is_created(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    expected = {
        # No customer, so no customer MSA either: nothing prices its time.
        won(systems, world.stray, "Stray - Audit"): {"unresolved_account", "missing_rate_card"},
        won(systems, world.acme, "Acme - No method", billing=None): {"missing_billing_method"},
        won(systems, world.acme, "Acme - No entity", entity=None): {"missing_legal_entity"},
        won(systems, world.acme, "Acme - Unknown", entity="XX01"): {"unknown_legal_entity"},
        won(systems, world.acme, "Acme - Euros", currency="EUR"): {"currency_mismatch"},
        won(systems, world.acme, "Acme - Milestones", billing="milestone"): {"missing_contract"},
        won(systems, world.stray, "Stray - Fixed", billing="fixed_fee", entity="XX01"): {
            "unresolved_account",
            "unknown_legal_entity",
            "missing_contract",
        },
    }
    customers_before = len(systems.records("erp", "customer"))
    run_flows(engine, sync_settings)

    with session_scope(engine) as session:
        rows = list(session.exec(select(SyncException)))
    reasons: dict[str, set[str]] = {}
    for row in rows:
        assert (row.flow, row.status) == ("quote_to_project", "open")
        reasons.setdefault(row.subject, set()).add(row.reason)
    assert reasons == expected
    found = deals(engine)
    assert {d.state for d in found.values()} == {DealState.EXCEPTION}
    assert all(r.correlation_id == found[r.subject].correlation_id for r in rows)
    assert len(systems.records("erp", "customer")) == customers_before
    assert systems.records("erp", "job") == []
    assert systems.records("psa", "workspaces") == []


def test_the_crm_poller_runs_in_workers_only_when_sync_is_enabled() -> None:
    off = Settings(_env_file=None)
    on = off.model_copy(update={"sync_enabled": True, "sync_poll_seconds": 7.0})
    assert "q2p_poll_won_deals" not in {d.name for d in duties(off)}
    polls = [d for d in duties(on) if d.name == "q2p_poll_won_deals"]
    assert [d.every_seconds for d in polls] == [7.0]
