"""Quote-to-project's test world: the three sandboxes served over HTTP, empty, and a small hub.

The CRM holds accounts Acme (known to the hub in the CRM only) and Bergmann (known in the CRM,
the ERP and the PSA: one golden customer of three records), and Stray (unknown to the hub).
Acme and Bergmann each have an MSA in the hub whose rate card prices their time-and-materials
deals. Opportunities are added per test; a fixed-fee deal of Bergmann's has a contract in the hub.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import select

from mdm.clock import utcnow
from mdm.connectors import registry
from mdm.connectors.config import SystemConnection
from mdm.connectors.ports import CustomerSpec
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import LinkKind
from mdm.golden.membership import merge
from mdm.records.service import RecordInput, ingest
from mdm.sandbox import kantata, netsuite, salesforce
from mdm.settings import Settings
from mdm.sync.models import SyncDeal
from mdm.sync.q2p_poll import poll_won_deals
from tests.support.burst import drain
from tests.support.lookups import golden_of
from tests.support.sandboxes import serving

API = "/services/data/v61.0"
AUTH = {"Authorization": "Bearer sandbox-token"}
TIMEOUT = 1.0  # the adapters' patience; a commit_then_timeout answer hangs longer
HANG = 2.5


@dataclass(frozen=True)
class Systems:
    """The sandboxes' apps (their storage) and base URLs."""

    apps: dict[str, FastAPI]
    urls: dict[str, str]

    def records(self, role: str, type_: str) -> list[Any]:
        """What the role's sandbox really stores of a type."""
        return list(self.apps[role].state.sandbox.store.all(type_))

    def stats(self, role: str, type_: str) -> dict[str, Any]:
        """`/_sandbox/stats` for one type."""
        types: dict[str, Any] = httpx.get(f"{self.urls[role]}/_sandbox/stats").json()["types"]
        return dict(types.get(type_, {"records": 0, "duplicates": {}}))

    def fault(self, role: str, kind: str, method: str, path: str) -> None:
        """Schedule one fault on the role's sandbox."""
        body = {"kind": kind, "method": method, "path": path, "delay_seconds": HANG}
        answer = httpx.post(f"{self.urls[role]}/_sandbox/faults", json=body)
        assert answer.status_code == 204


@pytest.fixture(scope="module")
def systems() -> Iterator[Systems]:
    apps = {
        "crm": salesforce.create_app(seed=False),
        "psa": kantata.create_app(seed=False),
        "erp": netsuite.create_app(seed=False),
    }
    with serving(apps["crm"]) as crm, serving(apps["psa"]) as psa, serving(apps["erp"]) as erp:
        yield Systems(apps, {"crm": crm, "psa": psa, "erp": erp})


def _connection(product: str, url: str) -> SystemConnection:
    return SystemConnection.model_validate(
        {
            "product": product,
            "base_url": url,
            "token": SecretStr("sandbox-token"),
            "timeout_seconds": TIMEOUT,
            "rate_per_second": 1000,
        }
    )


@pytest.fixture
def sync_settings(settings: Settings, systems: Systems) -> Settings:
    """The test database's settings, pointing at the emptied sandboxes, time compressed."""
    for url in systems.urls.values():
        assert httpx.post(f"{url}/_sandbox/reset").status_code == 204
    return settings.model_copy(
        update={
            "crm": _connection("salesforce", systems.urls["crm"]),
            "psa": _connection("kantata", systems.urls["psa"]),
            "erp": _connection("netsuite", systems.urls["erp"]),
            "jobs_backoff_scale": 0.001,
            "jobs_poll_seconds": 0.02,
            "jobs_relay_seconds": 0.02,
        }
    )


@dataclass(frozen=True)
class World:
    """CRM ids and the hub's golden ids."""

    acme: str  # CRM account ids
    bergmann: str
    stray: str
    bergmann_erp: str  # Bergmann's own ids in the ERP and the PSA
    bergmann_psa: str
    golden_acme: str
    golden_bergmann: str


def load_world(engine: Engine, settings: Settings, systems: Systems) -> World:
    """Accounts in the CRM, Bergmann's customers in the ERP and PSA, the hub's records."""
    acme, bergmann, stray = (_create(systems, "Account", {"Name": n}) for n in NAMES)
    legacy = CustomerSpec("legacy_bergmann", "Bergmann Beratung AG", "DE", "EUR")
    erp, psa = registry.erp(settings), registry.psa(settings)
    try:
        bergmann_erp = erp.ensure_customer(legacy, key="world").id
        bergmann_psa = psa.ensure_customer(legacy, key="world").id
    finally:
        erp.close()
        psa.close()
    rows = [
        _customer("crm", acme, "Acme Inc."),
        _customer("crm", bergmann, "Bergmann Beratung AG"),
        _customer("erp", bergmann_erp, "BERGMANN BERATUNG"),
        _customer("psa", bergmann_psa, "Bergmann Beratung - EMEA"),
    ]
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CUSTOMER, [RecordInput(r) for r in rows], resolve=False)
    with session_scope(engine, write=True) as session:
        for system, source_id in (("erp", bergmann_erp), ("psa", bergmann_psa)):
            a, b = golden_of(engine, "crm", bergmann), golden_of(engine, system, source_id)
            merge(session, EntityType.CUSTOMER, a, b, "steward:ann", LinkKind.STEWARD)
    # Each customer's framework agreement: its rate card prices their time-and-materials deals.
    for account in (acme, bergmann):
        add_msa(engine, account)
    return World(
        acme=acme,
        bergmann=bergmann,
        stray=stray,
        bergmann_erp=bergmann_erp,
        bergmann_psa=bergmann_psa,
        golden_acme=golden_of(engine, "crm", acme),
        golden_bergmann=golden_of(engine, "crm", bergmann),
    )


NAMES = ("Acme Inc.", "Bergmann Beratung AG", "Stray Holdings Ltd")


def _customer(system: str, source_id: str, name: str) -> dict[str, Any]:
    return {"source_system": system, "source_id": source_id, "name": name, "country": "DE"}


def _create(systems: Systems, sobject: str, fields: dict[str, Any]) -> str:
    url = f"{systems.urls['crm']}{API}/sobjects/{sobject}"
    answer = httpx.post(url, json=fields, headers=AUTH)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def won(
    systems: Systems,
    account: str,
    name: str,
    *,
    billing: str | None = "time_and_materials",
    entity: str | None = "US01",
    currency: str = "USD",
    amount: float = 120000.0,
) -> str:
    """A closed-won opportunity in the CRM; returns its id."""
    fields = {
        "Name": name,
        "AccountId": account,
        "StageName": "Closed Won",
        "Amount": amount,
        "CurrencyIsoCode": currency,
        "CloseDate": "2025-03-14",
        "Billing_Method__c": billing,
        "Legal_Entity__c": entity,
    }
    return _create(systems, "Opportunity", {k: v for k, v in fields.items() if v is not None})


def add_contract(engine: Engine, account: str, opportunity: str) -> str:
    """A statement of work in the hub naming the opportunity; returns its golden id."""
    row = {
        "source_system": "crm",
        "source_id": f"800{opportunity[3:15]}",
        "number": "SOW-2025-001",
        "name": "Treasury SOW",
        "customer_source_id": account,
        "contract_type": "SOW",
        "start_date": "2025-04-01",
        "end_date": "2025-12-31",
        "value": "80000",
        "currency": "EUR",
        "opportunity_ref": opportunity,
    }
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CONTRACT, [RecordInput(row)], resolve=False)
    return golden_of(engine, "crm", row["source_id"])


def add_msa(engine: Engine, account: str, rate_card: str | None = "EMEA Standard 2025") -> str:
    """A master services agreement of the account's customer; returns its golden id."""
    row = {
        "source_system": "crm",
        "source_id": f"800M{account[3:15]}",
        "number": f"MSA-{account[-6:]}",
        "name": "Master services agreement",
        "customer_source_id": account,
        "contract_type": "MSA",
        "start_date": "2024-01-01",
        "currency": "EUR",
        "rate_card": rate_card or "",
    }
    with session_scope(engine, write=True) as session:
        ingest(session, EntityType.CONTRACT, [RecordInput(row)], resolve=False)
    return golden_of(engine, "crm", row["source_id"])


def run_flows(engine: Engine, settings: Settings, *, poll: bool = True) -> int:
    """Poll the CRM once, then run a real worker until no job is left; returns deals polled."""
    found = poll_won_deals(engine, settings, utcnow()) if poll else 0
    drain(engine, settings)
    return found


def deals(engine: Engine) -> dict[str, SyncDeal]:
    """Every deal by opportunity id."""
    with session_scope(engine) as session:
        return {d.opportunity_id: d for d in session.exec(select(SyncDeal))}
