"""Project source records: Kantata workspaces, NetSuite jobs and the few CRM project records."""

from __future__ import annotations

import random
from typing import Final

from seeds.generator.contracts import ContractRenderer
from seeds.generator.customers import CustomerSet
from seeds.generator.drift import drifted_amount, project_code, shifted, short_sf_id
from seeds.generator.engagements import TrueProject
from seeds.generator.ids import SystemIds
from seeds.generator.noise import abbreviate, chance, initials, typo

# Probability a system holds a project, given it holds the customer: delivery runs in the PSA,
# finance opens a job for what it bills, sales tracks a handful of flagship projects.
PRESENCE: Final[dict[str, float]] = {"crm": 0.12, "psa": 0.92, "erp": 0.8}
STATUS_WORDS: Final[dict[str, dict[str, str]]] = {
    "crm": {"planned": "Planned", "active": "Open", "completed": "Closed", "on_hold": "Open",
            "cancelled": "Closed"},
    "psa": {"planned": "Not Started", "active": "Active", "completed": "Completed",
            "on_hold": "On Hold", "cancelled": "Cancelled"},
    "erp": {"planned": "Awarded", "active": "In Progress", "completed": "Closed",
            "on_hold": "Pending", "cancelled": "Not Awarded"},
}  # fmt: skip
# Per system: code kept as the firm writes it, code blank, budget blank, contract link kept,
# legal entity kept.
HABITS: Final[dict[str, dict[str, float]]] = {
    "crm": {"code_keep": 0.5, "no_code": 0.8, "no_budget": 0.3, "contract": 0.8, "entity": 0.6},
    "psa": {"code_keep": 0.6, "no_code": 0.3, "no_budget": 0.1, "contract": 0.9, "entity": 0.9},
    "erp": {"code_keep": 0.5, "no_code": 0.0, "no_budget": 0.05, "contract": 0.85, "entity": 1.0},
}
P_DATE_SHIFT: Final = 0.1
P_ROUNDED: Final = 0.15
P_ERP_PSA_REF: Final = 0.75
# NetSuite has one "fixed bid" billing type, so finance books milestone projects as fixed fee.
P_ERP_MILESTONE_AS_FIXED: Final = 0.25
_SHORTER: Final = {
    "Programme": "Prog.",
    "Migration": "Migr.",
    "Transformation": "Transf.",
    "Implementation": "Impl.",
    "Modernisation": "Modernization",
    "Optimisation": "Optimization",
    "Assessment": "Assmt",
}


def renamed(rng: random.Random, title: str, year: int) -> str:
    """The title after someone in one system renamed it."""
    roll = rng.random()
    if roll < 0.3:
        for long, short in _SHORTER.items():
            title = title.replace(long, short)
        return title
    if roll < 0.5:
        return f"{title} {year}"
    if roll < 0.65:
        return f"{initials(title)} {year}"
    if roll < 0.8:
        return abbreviate(rng, title.replace(" and ", " & "))
    return typo(rng, title)


def project_name(rng: random.Random, system: str, p: TrueProject) -> str:
    """The project's name as one system holds it."""
    title = renamed(rng, p.title, p.start.year) if chance(rng, 0.3) else p.title
    brand = p.customer.brand
    roll = rng.random()
    if system == "psa":  # Kantata's habit: "Client - Engagement"
        return f"{brand} - {title}" if roll < 0.55 else title
    if system == "erp":  # NetSuite shows jobs as "Customer : Job"
        if roll < 0.4:
            return f"{p.customer.legal_name} : {title}"
        return title.upper() if roll < 0.6 else title
    return f"{brand} {title}" if roll < 0.4 else title


def manager(system: str, name: str) -> str:
    """The project manager as each system writes a person."""
    first, last = name.split(" ", 1)
    if system == "erp":
        return f"{last}, {first}"
    return f"{first[0]}. {last}" if system == "crm" else name


class ProjectRenderer:
    """Renders every system's project records."""

    def __init__(
        self,
        rng: random.Random,
        ids: SystemIds,
        customers: CustomerSet,
        contracts: ContractRenderer,
    ) -> None:
        self.rng = rng
        self.ids = ids
        self.customers = customers
        self.contracts = contracts
        self.record_of: dict[tuple[str, str], str] = {}
        self.rows: dict[str, list[dict[str, str]]] = {"crm": [], "psa": [], "erp": []}
        self.truth: list[tuple[str, str, str]] = []

    def _mint(self, system: str) -> str:
        if system == "crm":
            return self.ids.crm_project()
        return self.ids.psa("workspace") if system == "psa" else self.ids.erp_entity()

    def render(self, projects: list[TrueProject]) -> None:
        """Rows for every project in every system that holds it."""
        for project in projects:
            for system in project.customer.systems:
                if chance(self.rng, PRESENCE[system]):
                    source_id = self._mint(system)
                    self.record_of[(system, project.entity_id)] = source_id
                    self.rows[system].append(self._row(system, project, source_id))
                    self.truth.append((system, source_id, project.entity_id))

    def _row(self, system: str, p: TrueProject, source_id: str) -> dict[str, str]:
        rng = self.rng
        habits = HABITS[system]
        contract = ""
        if p.contract and chance(rng, habits["contract"]):
            contract = self.contracts.record_of.get((system, p.contract.entity_id), "")
        method = p.billing_method
        if system == "erp" and method == "milestone" and chance(rng, P_ERP_MILESTONE_AS_FIXED):
            method = "fixed_fee"
        code = (
            "" if chance(rng, habits["no_code"]) else project_code(rng, p.code, habits["code_keep"])
        )
        budget = (
            "" if chance(rng, habits["no_budget"]) else drifted_amount(rng, p.budget, P_ROUNDED)
        )
        row = {
            "source_system": system,
            "source_id": source_id,
            "name": project_name(rng, system, p),
            "customer_source_id": self.customers.record_for(rng, system, p.customer.entity_id),
            "code": code,
            "start_date": shifted(rng, p.start, P_DATE_SHIFT),
            "end_date": shifted(rng, p.end, P_DATE_SHIFT),
            "budget": budget,
            "currency": p.customer.currency,
            "opportunity_ref": p.opportunity
            if system == "crm"
            else short_sf_id(rng, p.opportunity),
            "contract_source_id": contract,
            "billing_method": method,
            "project_manager": manager(system, p.manager),
            "status": STATUS_WORDS[system][p.status],
            "legal_entity": p.customer.legal_entity if chance(rng, habits["entity"]) else "",
        }
        if system == "erp":
            psa = self.record_of.get(("psa", p.entity_id), "")
            row["psa_id"] = psa if psa and chance(rng, P_ERP_PSA_REF) else ""
        return row
