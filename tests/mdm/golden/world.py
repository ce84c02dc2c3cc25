"""A small hub with known golden records, built by ingest and steward merges (no matcher).

Nordwind (crm:1, erp:1, psa:1 merged into one customer) with a subsidiary (crm:1-UK), an MSA
(crm:C1) with an SOW under it (crm:C2), and two projects (crm:P1 under the SOW, erp:P1);
and Bergmann (crm:2 and crm:9 merged: one of their first golden ids now redirects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import LinkKind
from mdm.golden.membership import merge
from mdm.records.service import RecordInput, ingest
from tests.support.lookups import golden_of

C, K, P = EntityType.CUSTOMER, EntityType.CONTRACT, EntityType.PROJECT
CUSTOMERS: list[dict[str, Any]] = [
    {
        "source_system": "crm",
        "source_id": "1",
        "name": "Nordwind Logistik GmbH",
        "city": "Hamburg",
        "country": "DE",
        "tax_id": "DE123456789",
    },
    {"source_system": "erp", "source_id": "1", "name": "NORDWIND LOGISTIK", "country": "DE"},
    {"source_system": "psa", "source_id": "1", "name": "Nordwind Logistik - EMEA"},
    {
        "source_system": "crm",
        "source_id": "1-UK",
        "name": "Nordwind Logistics Ltd",
        "country": "GB",
        "parent_source_id": "1",
    },
    {"source_system": "crm", "source_id": "2", "name": "Bergmann Consulting AG", "country": "DE"},
    {"source_system": "crm", "source_id": "9", "name": "Bergmann Beratung", "country": "DE"},
]
CONTRACTS: list[dict[str, Any]] = [
    {
        "source_system": "crm",
        "source_id": "C1",
        "number": "MSA-2024-001",
        "name": "Nordwind MSA",
        "customer_source_id": "1",
        "contract_type": "MSA",
        "value": "1000000",
        "currency": "EUR",
    },
    {
        "source_system": "crm",
        "source_id": "C2",
        "number": "SOW-2024-007",
        "name": "Nordwind ERP SOW",
        "customer_source_id": "1",
        "parent_source_id": "C1",
        "contract_type": "SOW",
        "start_date": "2024-01-15",
        "value": "250000",
    },
]
PROJECTS: list[dict[str, Any]] = [
    {
        "source_system": "crm",
        "source_id": "P1",
        "name": "ERP Rollout",
        "customer_source_id": "1",
        "contract_source_id": "C2",
        "start_date": "2024-01-15",
        "budget": "120000",
    },
    {
        "source_system": "erp",
        "source_id": "P1",
        "name": "Nordwind ERP Rollout",
        "customer_source_id": "1",
        "budget": "120000",
    },
]


@dataclass(frozen=True)
class World:
    """The golden ids of the world."""

    nordwind: str
    subsidiary: str
    bergmann: str
    merged_away: str  # the golden id crm:2 and crm:9 did not keep; redirects to `bergmann`
    msa: str
    sow: str
    project: str  # crm:P1
    erp_project: str  # erp:P1


def load_world(engine: Engine) -> World:
    """Ingest the world without matching, then merge what is one by steward decision."""
    with session_scope(engine, write=True) as session:
        for entity, rows in ((C, CUSTOMERS), (K, CONTRACTS), (P, PROJECTS)):
            ingest(session, entity, [RecordInput(r) for r in rows], resolve=False)
    pair = {golden_of(engine, "crm", "2"), golden_of(engine, "crm", "9")}
    with session_scope(engine, write=True) as session:
        for system in ("erp", "psa"):
            merge(
                session,
                C,
                golden_of(engine, "crm", "1"),
                golden_of(engine, system, "1"),
                "steward:ann",
                LinkKind.STEWARD,
            )
        first, second = sorted(pair)
        merge(session, C, first, second, "steward:ann", LinkKind.STEWARD)
    bergmann = golden_of(engine, "crm", "2")
    return World(
        nordwind=golden_of(engine, "crm", "1"),
        subsidiary=golden_of(engine, "crm", "1-UK"),
        bergmann=bergmann,
        merged_away=(pair - {bergmann}).pop(),
        msa=golden_of(engine, "crm", "C1"),
        sow=golden_of(engine, "crm", "C2"),
        project=golden_of(engine, "crm", "P1"),
        erp_project=golden_of(engine, "erp", "P1"),
    )
