"""Deals stopped in the exception queue go through again once their source is fixed: resubmitted
by a person (function, REST, CLI) or by the CRM poller when the opportunity's terms change. And
where a deal's rate card comes from: its contract, the agreement above it, the customer's MSA."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import col, select

from mdm.auth.principal import Scope
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.records.service import RecordInput, ingest
from mdm.settings import Settings
from mdm.sync.models import DealState, SyncException
from mdm.sync.rate_cards import FROM_CONTRACT, FROM_CUSTOMER_MSA, FROM_PARENT, rate_card_of
from mdm.sync.resubmit import resubmit
from mdm.sync.xrefs import contract_of_opportunity
from tests.conftest import KeyFactory
from tests.mdm.sync.q2p_world import (
    API,
    AUTH,
    Systems,
    add_msa,
    deals,
    load_world,
    run_flows,
    sync_settings,
    systems,
    won,
)
from tests.support.lookups import golden_of
from tests.support.server import MDM, mdm_env

__all__ = ["sync_settings", "systems"]  # the fixtures, used by name


def _new_customer(engine: Engine, systems: Systems, name: str) -> str:
    """A CRM account the hub knows as a golden customer, with no contract at all."""
    answer = httpx.post(
        f"{systems.urls['crm']}{API}/sobjects/Account", json={"Name": name}, headers=AUTH
    )
    account = str(answer.json()["id"])
    row = {"source_system": "crm", "source_id": account, "name": name, "country": "NL"}
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(row)], resolve=False)
    return account


def _exceptions(engine: Engine, opportunity: str) -> list[SyncException]:
    with session_scope(engine) as session:
        query = select(SyncException).where(col(SyncException.subject) == opportunity)
        return list(session.exec(query.order_by(col(SyncException.id))))


def test_a_deal_without_a_rate_card_goes_on_once_the_msa_is_in_and_it_is_resubmitted(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    load_world(engine, sync_settings, systems)
    account = _new_customer(engine, systems, "Nordwind BV")
    opportunity = won(systems, account, "Nordwind - Data Platform")
    run_flows(engine, sync_settings)
    assert deals(engine)[opportunity].state == DealState.EXCEPTION
    ((reason, status),) = [(e.reason, e.status) for e in _exceptions(engine, opportunity)]
    assert (reason, status) == ("missing_rate_card", "open")
    assert systems.records("psa", "workspaces") == []  # nothing created for a stopped deal

    with session_scope(engine, write=True) as session:  # not fixed yet: it stops again
        resubmit(session, opportunity, "steward:ann", utcnow())
    run_flows(engine, sync_settings, poll=False)
    first, second = _exceptions(engine, opportunity)
    assert (first.status, first.resolved_by, second.status) == ("resolved", "steward:ann", "open")

    add_msa(engine, account, rate_card="Benelux Standard 2025")
    with session_scope(engine, write=True) as session:
        done = resubmit(session, opportunity, "steward:ann", utcnow())
    assert done.resolved_exceptions == [second.id]
    assert done.job_key == f"q2p:deal_won:{opportunity}:resubmit:2"
    run_flows(engine, sync_settings, poll=False)
    deal = deals(engine)[opportunity]
    assert (deal.state, deal.rate_card) == (DealState.LINKED, "Benelux Standard 2025")
    assert {e.status for e in _exceptions(engine, opportunity)} == {"resolved"}
    assert len(systems.records("psa", "workspaces")) == 1


def test_an_opportunity_fixed_in_the_crm_is_resubmitted_by_the_poller(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunity = won(systems, world.acme, "Acme - No method yet", billing=None)
    run_flows(engine, sync_settings)
    assert deals(engine)[opportunity].state == DealState.EXCEPTION

    url = f"{systems.urls['crm']}{API}/sobjects/Opportunity/{opportunity}"
    fixed = httpx.patch(url, json={"Billing_Method__c": "time_and_materials"}, headers=AUTH)
    assert fixed.status_code == 204
    run_flows(engine, sync_settings)
    deal = deals(engine)[opportunity]
    assert (deal.state, deal.billing_method) == (DealState.LINKED, "time_and_materials")
    ((status, by),) = [(e.status, e.resolved_by) for e in _exceptions(engine, opportunity)]
    assert (status, by) == ("resolved", "crm")


def test_a_deal_under_way_is_not_resubmitted_and_nothing_changes(
    engine: Engine, sync_settings: Settings, systems: Systems, client: TestClient
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunity = won(systems, world.acme, "Acme - Linked")
    run_flows(engine, sync_settings)
    assert deals(engine)[opportunity].state == DealState.LINKED
    answer = client.post(f"/api/v1/deals/{opportunity}/resubmit")
    assert answer.status_code == 409
    assert answer.json()["error"] == "conflict"
    assert client.post("/api/v1/deals/006nothing/resubmit").status_code == 404
    assert deals(engine)[opportunity].state == DealState.LINKED


def test_resubmitting_over_rest_needs_the_steward_scope_and_records_who(
    engine: Engine,
    sync_settings: Settings,
    systems: Systems,
    anonymous_client: TestClient,
    make_key: KeyFactory,
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunity = won(systems, world.acme, "Acme - No entity", entity=None)
    run_flows(engine, sync_settings)
    path = f"/api/v1/deals/{opportunity}/resubmit"
    reader = {"Authorization": f"Bearer {make_key(Scope.READ)}"}
    assert anonymous_client.post(path, headers=reader).status_code == 403
    steward = {"Authorization": f"Bearer {make_key(Scope.STEWARD, name='ann')}"}
    answer = anonymous_client.post(path, headers=steward)
    assert answer.status_code == 200, answer.text
    (exception,) = _exceptions(engine, opportunity)
    assert answer.json() == {
        "opportunity_id": opportunity,
        "resolved_exceptions": [exception.id],
        "job_key": f"q2p:deal_won:{opportunity}:resubmit:1",
    }
    assert exception.status == "resolved"
    assert "ann" in (exception.resolved_by or "")
    assert deals(engine)[opportunity].state == DealState.RECEIVED


def test_the_cli_resubmits_and_refuses_an_unknown_deal(
    engine: Engine, sync_settings: Settings, systems: Systems, tmp_path: Path
) -> None:
    world = load_world(engine, sync_settings, systems)
    opportunity = won(systems, world.acme, "Acme - Unknown entity", entity="XX01")
    run_flows(engine, sync_settings)

    def mdm(*args: str) -> subprocess.CompletedProcess[str]:
        env = mdm_env(sync_settings.database_url, MDM_LOG_LEVEL="WARNING")
        return subprocess.run(
            [MDM, "sync", "resubmit", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = mdm(opportunity, "--actor", "ops:kim", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["job_key"] == f"q2p:deal_won:{opportunity}:resubmit:1"
    assert _exceptions(engine, opportunity)[0].resolved_by == "ops:kim"
    again = mdm(opportunity)  # no longer in exception: refused, nothing changes
    assert (again.returncode, again.stdout) == (2, "")
    assert "not in exception" in again.stderr
    assert mdm("006nothing").returncode == 2


def test_the_rate_card_comes_from_the_contract_then_its_parents_then_the_customer_msa(
    engine: Engine, sync_settings: Settings, systems: Systems
) -> None:
    world = load_world(engine, sync_settings, systems)
    rows = [
        _contract("800SOWOWN", "SOW", "006OWN", rate_card="Own Card"),
        _contract("800SOWMSA", "SOW", "006MSA", parent="800MSAPARENT"),
        _contract("800MSAPARENT", "MSA", None, rate_card="Parent Card"),
        _contract("800SOWBARE", "SOW", "006BARE"),
    ]
    for row in rows:
        row["customer_source_id"] = world.acme
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CONTRACT, [RecordInput(r) for r in rows], resolve=False)
    golden = golden_of(engine, "crm", world.acme)
    with session_scope(engine) as session:

        def card(opportunity: str) -> tuple[str, str, str] | None:
            found = rate_card_of(session, contract_of_opportunity(session, opportunity), golden)
            return (found.name, found.found_on, found.contract_id) if found else None

        assert card("006OWN") == ("Own Card", FROM_CONTRACT, golden_of(engine, "crm", "800SOWOWN"))
        parent = golden_of(engine, "crm", "800MSAPARENT")
        assert card("006MSA") == ("Parent Card", FROM_PARENT, parent)
        # No card on the SOW and none above it: the customer's latest MSA with one (the
        # world's MSA of Acme started in 2024).
        assert card("006BARE") == ("Parent Card", FROM_CUSTOMER_MSA, parent)
        assert rate_card_of(session, None, None) is None


def _contract(
    source_id: str,
    kind: str,
    opportunity: str | None,
    *,
    rate_card: str = "",
    parent: str = "",
) -> dict[str, str]:
    return {
        "source_system": "crm",
        "source_id": source_id,
        "number": source_id,
        "name": f"{kind} {source_id}",
        "contract_type": kind,
        "parent_source_id": parent,
        "start_date": "2025-02-01",
        "currency": "EUR",
        "opportunity_ref": opportunity or "",
        "rate_card": rate_card,
    }
