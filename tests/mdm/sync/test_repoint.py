"""Merge awareness: linked deals follow their customer through a merge and an unmerge."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import LinkKind
from mdm.golden.membership import merge, split
from mdm.jobs.models import Job, JobStatus
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
from tests.support.lookups import golden_of, record_id

__all__ = ["sync_settings", "systems"]  # the fixtures, used by name
C = EntityType.CUSTOMER


def _repoint_jobs(engine: Engine) -> list[Job]:
    with session_scope(engine) as session:
        query = select(Job).where(col(Job.task).startswith("sync.repoint"))
        return list(session.exec(query.order_by(col(Job.id))))


def test_a_merge_repoints_the_absorbed_customers_deal_and_its_remote_projects(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    acme_deal = won(systems, world.acme, "Acme - Data Platform")
    bergmann_deal = won(
        systems, world.bergmann, "Bergmann - Reporting", entity="DE01", currency="EUR"
    )
    run_flows(engine, sync_settings)
    before = deals(engine)
    assert before[acme_deal].state == DealState.LINKED
    assert before[acme_deal].erp_customer_id != world.bergmann_erp

    with session_scope(engine, write=True) as session:  # Acme (1 record) joins Bergmann (3)
        merge(session, C, world.golden_acme, world.golden_bergmann, "steward:ann", LinkKind.STEWARD)
    run_flows(engine, sync_settings, poll=False)

    after = deals(engine)
    moved = after[acme_deal]
    assert moved.golden_customer_id == world.golden_bergmann
    assert (moved.erp_customer_id, moved.psa_customer_id) == (
        world.bergmann_erp,
        world.bergmann_psa,
    )
    assert (moved.erp_project_id, moved.psa_project_id) == (
        before[acme_deal].erp_project_id,
        before[acme_deal].psa_project_id,
    )
    jobs = {j.fields["externalId"]: j for j in systems.records("erp", "job")}
    assert jobs[f"opp_{acme_deal}"].fields["parent"] == {"id": world.bergmann_erp}
    assert len(jobs) == 2
    workspace = [w for w in systems.records("psa", "workspaces") if w.id == moved.psa_project_id]
    assert workspace[0].fields["workspace_group_ids"] == [world.bergmann_psa]
    assert len(systems.records("psa", "workspaces")) == 2
    unchanged = after[bergmann_deal]
    assert unchanged.golden_customer_id == world.golden_bergmann
    assert unchanged.erp_customer_id == before[bergmann_deal].erp_customer_id
    # The audit: one re-point per merge, one per deal it touched, under the deal's correlation.
    audit = _repoint_jobs(engine)
    assert {j.status for j in audit} == {JobStatus.SUCCEEDED}
    per_deal = [j for j in audit if j.task == "sync.repoint_deal"]
    assert sorted(j.args["opportunity_id"] for j in per_deal) == sorted([acme_deal, bergmann_deal])
    assert all(j.correlation_id == after[j.args["opportunity_id"]].correlation_id for j in per_deal)
    assert all(j.lock_key == f"deal:{j.args['opportunity_id']}" for j in per_deal)
    assert len([j for j in audit if j.task == "sync.repoint"]) == 1


def test_an_unmerge_moves_the_deal_to_the_part_its_account_went_with(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    with session_scope(engine, write=True) as session:
        merge(session, C, world.golden_acme, world.golden_bergmann, "steward:ann", LinkKind.STEWARD)
    acme_deal = won(systems, world.acme, "Acme - Data Platform")
    run_flows(engine, sync_settings)
    assert deals(engine)[acme_deal].golden_customer_id == world.golden_bergmann
    assert deals(engine)[acme_deal].erp_customer_id == world.bergmann_erp

    with session_scope(engine, write=True) as session:
        split(
            session,
            C,
            world.golden_bergmann,
            [record_id(session, "crm", world.acme)],
            "steward:ann",
        )
    run_flows(engine, sync_settings, poll=False)

    deal = deals(engine)[acme_deal]
    split_off = golden_of(engine, "crm", world.acme)
    assert split_off != world.golden_bergmann
    assert deal.golden_customer_id == split_off
    # The split-off part has no ERP or PSA customer of its own: the projects stay where they are.
    assert deal.erp_customer_id == world.bergmann_erp
    assert len(systems.records("erp", "job")) == 1
