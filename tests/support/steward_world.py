"""A small hub for the steward workbench: six customers in pairs, contracts and a project
that give the pairs different business impact, three open candidates and a quarantined row.

No matcher runs: each record starts as its own golden record and the candidates are opened
by hand with a stored explanation, as a resolve run would leave them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mdm.auth.keys import create_key
from mdm.auth.principal import Scope
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.entities import EntityType
from mdm.golden.lineage_models import ConstraintKind, MatchConstraint
from mdm.records.models import QuarantineItem
from mdm.records.service import RecordInput, ingest
from mdm.resolution.models import MatchCandidate
from tests.support.lookups import record_id

C, K, P = EntityType.CUSTOMER, EntityType.CONTRACT, EntityType.PROJECT


def _customer(system: str, sid: str, name: str, city: str, **extra: str) -> dict[str, Any]:
    return {"source_system": system, "source_id": sid, "name": name, "city": city, **extra}


CUSTOMERS = [
    _customer("crm", "A1", "Acme Consulting GmbH", "Berlin", country="DE", tax_id="DE111111111"),
    _customer("erp", "A1", "ACME Consulting", "Berlin", country="DE"),
    _customer("crm", "B1", "Bergmann AG", "Munich", country="DE"),
    _customer("erp", "B1", "Bergmann Beratung", "Munich", country="DE"),
    _customer("crm", "C1", "Corvus Ltd", "London", country="GB"),
    _customer("erp", "C1", "Corvus Limited", "Leeds", country="GB"),
]
CONTRACTS = [
    {"source_system": "crm", "source_id": "K1", "number": "MSA-1", "name": "Acme MSA",
     "customer_source_id": "A1", "value": "500000", "currency": "EUR"},
    {"source_system": "erp", "source_id": "K2", "number": "SOW-7", "name": "Acme SOW",
     "customer_source_id": "A1", "value": "20000", "currency": "EUR"},
    {"source_system": "crm", "source_id": "K3", "number": "MSA-3", "name": "Corvus MSA",
     "customer_source_id": "C1", "value": "1000", "currency": "GBP"},
]  # fmt: skip
PROJECTS = [
    {"source_system": "crm", "source_id": "P1", "name": "Bergmann rollout",
     "customer_source_id": "B1", "budget": "8000", "currency": "EUR"},
]  # fmt: skip
BROKEN = {"source_system": "crm", "source_id": "Q1", "name": "", "city": "Paris"}


def explanation(name_weight: float) -> dict[str, Any]:
    """A stored explanation as the engine writes it: per comparison a level and a weight."""
    weights = {"name": (">=0.8", name_weight), "city": ("exact", 1.5)}
    weights |= {"phone": ("else", -2.0), "tax_id": ("null", 0.0)}
    comparisons = {n: {"level": level, "weight": w} for n, (level, w) in weights.items()}
    total = sum(w for _, w in weights.values())
    return {"match_weight": total, "rule": "", "comparisons": comparisons}


@dataclass(frozen=True)
class World:
    """Candidate ids by customer pair, and the quarantined row's id."""

    acme: int
    bergmann: int
    corvus: int
    quarantine_id: int


def build(engine: Engine) -> World:
    """Load the world into an empty, migrated hub."""
    with session_scope(engine, write=True) as session:
        ingest(session, C, [RecordInput(r) for r in [*CUSTOMERS, BROKEN]], resolve=False)
        ingest(session, K, [RecordInput(r) for r in CONTRACTS], resolve=False)
        ingest(session, P, [RecordInput(r) for r in PROJECTS], resolve=False)
        world = World(
            acme=open_candidate(session, ("crm", "A1"), ("erp", "A1"), 0.62),
            bergmann=open_candidate(session, ("crm", "B1"), ("erp", "B1"), 0.55),
            corvus=open_candidate(session, ("crm", "C1"), ("erp", "C1"), 0.75),
            quarantine_id=_quarantined(session),
        )
    return world


def open_candidate(
    session: Session, a: tuple[str, str], b: tuple[str, str], probability: float
) -> int:
    """Open a customer candidate for two records, priority as the engine sets it."""
    low, high = sorted(record_id(session, *key) for key in (a, b))
    candidate = MatchCandidate(
        entity_type=C.value,
        record_a_id=low,
        record_b_id=high,
        probability=probability,
        explanation=explanation(2.5),
        priority=round(1.0 - abs(probability - 0.5) * 2, 4),
    )
    session.add(candidate)
    session.flush()
    assert candidate.id is not None
    return candidate.id


def age(engine: Engine, candidate_id: int, days: int) -> None:
    """Make a candidate `days` old."""
    with session_scope(engine, write=True) as session:
        candidate = session.get(MatchCandidate, candidate_id)
        assert candidate is not None
        candidate.created_at = utcnow() - timedelta(days=days)


def _quarantined(session: Session) -> int:
    item = session.exec(select(QuarantineItem).where(col(QuarantineItem.source_id) == "Q1")).one()
    assert item.id is not None
    return item.id


def steward_key(engine: Engine, name: str = "ann", *scopes: Scope) -> str:
    """A real API key for a steward (more scopes may be added, e.g. finance)."""
    with session_scope(engine, write=True) as session:
        wanted = frozenset({Scope.STEWARD, *scopes})
        return create_key(session, name, wanted, "tests").secret


def label(session: Session, a: int, b: int, match: bool, actor: str = "ann") -> None:
    """A steward decision about two records, stored as the constraint it becomes."""
    kind = ConstraintKind.MUST_LINK if match else ConstraintKind.CANNOT_LINK
    low, high = sorted((a, b))
    session.add(
        MatchConstraint(
            entity_type=C.value, record_a_id=low, record_b_id=high, kind=kind.value, actor=actor
        )
    )
