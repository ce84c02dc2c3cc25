"""The whole generation run: world, customers, engagements, every system's records, the truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final

from seeds.generator.activity import opportunities, project_activity
from seeds.generator.contracts import ContractRenderer
from seeds.generator.customers import CustomerRenderer, CustomerSet
from seeds.generator.engagements import EngagementBuilder
from seeds.generator.ids import SystemIds
from seeds.generator.phones import e164
from seeds.generator.projects import ProjectRenderer
from seeds.generator.world import TrueCustomer, build_world

DEFAULT_SEED: Final = 20251101
DEFAULT_CUSTOMERS: Final = 380

Rows = list[dict[str, str]]


@dataclass
class SeedData:
    """Every generated table, keyed by its path under the seeds folder."""

    tables: dict[str, Rows] = field(default_factory=dict)


def _truth(rows: list[tuple[str, str, str]]) -> Rows:
    return [{"source_system": s, "source_id": i, "entity_id": e} for s, i, e in rows]


def _entities(world: list[TrueCustomer]) -> Rows:
    return [
        {
            "entity_id": c.entity_id,
            "kind": c.kind,
            "former_brand": c.former_brand,
            "cluster": str(c.cluster),
            "parent_entity_id": c.parent,
            "legal_name": c.legal_name,
            "country": c.country.code,
            "tax_id": c.tax_id,
            "domain": c.domain,
            "phone": e164(c.country, c.nsn),
            "street": c.street,
            "city": c.city.name,
            "systems": " ".join(c.systems),
        }
        for c in world
    ]


def render_customers(rng: random.Random, ids: SystemIds, n_entities: int) -> CustomerSet:
    """The world and its customer records only (the fast path for large synthetic runs)."""
    return CustomerRenderer(rng, ids, build_world(rng, n_entities)).render()


def build(seed: int = DEFAULT_SEED, n_entities: int = DEFAULT_CUSTOMERS) -> SeedData:
    """Generate every seed table from one random seed."""
    rng = random.Random(seed)
    ids = SystemIds(rng)
    customers = render_customers(rng, ids, n_entities)
    world = list(customers.by_entity.values())
    work = EngagementBuilder(rng, ids).build(world)
    contracts = ContractRenderer(rng, ids, customers)
    contracts.render(work.contracts)
    projects = ProjectRenderer(rng, ids, customers, contracts)
    projects.render(work.projects)
    psa_projects = [
        (projects.record_of[("psa", p.entity_id)], p)
        for p in work.projects
        if ("psa", p.entity_id) in projects.record_of
    ]
    times, expenses, milestones = project_activity(rng, ids, psa_projects)
    tables: dict[str, Rows] = {}
    for system in ("crm", "psa", "erp"):
        tables[f"data/{system}/customers.csv"] = customers.rows[system]
        tables[f"data/{system}/contracts.csv"] = contracts.rows[system]
        tables[f"data/{system}/projects.csv"] = projects.rows[system]
    tables["data/crm/opportunities.csv"] = opportunities(rng, ids, customers, work)
    tables["data/psa/time_entries.csv"] = times
    tables["data/psa/expenses.csv"] = expenses
    tables["data/psa/milestones.csv"] = milestones
    tables["truth/customers.csv"] = _truth(customers.truth)
    tables["truth/contracts.csv"] = _truth(contracts.truth)
    tables["truth/projects.csv"] = _truth(projects.truth)
    tables["truth/customer_entities.csv"] = _entities(world)
    return SeedData(tables)
