"""Contract source records: MSAs, SOWs and change orders as the CRM, PSA and ERP hold them."""

from __future__ import annotations

import random
from typing import Final

from seeds.generator.customers import CustomerSet
from seeds.generator.drift import (
    billing_terms,
    contract_number,
    drifted_amount,
    shifted,
    short_sf_id,
)
from seeds.generator.engagements import TrueContract
from seeds.generator.ids import SystemIds
from seeds.generator.noise import case_noise, chance, typo

# Probability a system holds a contract of each kind, given it holds the customer. The PSA keeps
# only what projects are delivered against (SOWs, change orders), never the MSA.
PRESENCE: Final[dict[str, dict[str, float]]] = {
    "crm": {"MSA": 0.9, "SOW": 0.85, "change_order": 0.5},
    "psa": {"MSA": 0.0, "SOW": 0.8, "change_order": 0.5},
    "erp": {"MSA": 0.6, "SOW": 0.9, "change_order": 0.75},
}
# Per system: keeps the parent link, end date missing, terms kept, rate card kept, entity kept.
HABITS: Final[dict[str, dict[str, float]]] = {
    "crm": {"parent": 0.9, "no_end": 0.1, "terms": 0.6, "rate_card": 0.4, "entity": 0.8},
    "psa": {"parent": 0.9, "no_end": 0.2, "terms": 0.3, "rate_card": 0.9, "entity": 0.8},
    "erp": {"parent": 0.85, "no_end": 0.05, "terms": 1.0, "rate_card": 0.3, "entity": 1.0},
}
P_DATE_SHIFT: Final = 0.1
P_ROUNDED: Final = 0.15
P_NO_VALUE: Final = 0.05
P_NO_CURRENCY: Final = 0.05
P_ERP_CRM_REF: Final = 0.6


def contract_name(rng: random.Random, c: TrueContract) -> str:
    """The contract's title as one system holds it."""
    brand, title = c.customer.brand, c.title
    if c.kind == "MSA":
        options = ["Master Services Agreement", f"MSA - {brand}", f"{brand} MSA {c.year}"]
        options += ["Master Consulting Agreement", f"{c.customer.legal_name} - MSA"]
    elif c.kind == "SOW":
        options = [f"SOW {c.seq} - {title}", title, f"{brand} - {title}", f"{title} SOW"]
    else:
        options = [f"Change Order {c.sub} - {title}", f"CO{c.sub} {title}"]
        options += [f"{title} - extension", f"{title} CR{c.sub}"]
    name = rng.choice(options)
    if chance(rng, 0.05):
        name = typo(rng, name)
    return case_noise(rng, name) if chance(rng, 0.05) else name


class ContractRenderer:
    """Renders every system's contract records; parents resolve within the same system."""

    def __init__(self, rng: random.Random, ids: SystemIds, customers: CustomerSet) -> None:
        self.rng = rng
        self.ids = ids
        self.customers = customers
        self.record_of: dict[tuple[str, str], str] = {}  # (system, contract entity) -> id
        self.rows: dict[str, list[dict[str, str]]] = {"crm": [], "psa": [], "erp": []}
        self.truth: list[tuple[str, str, str]] = []

    def _mint(self, system: str) -> str:
        if system == "crm":
            return self.ids.crm_contract()
        return self.ids.psa("contract") if system == "psa" else self.ids.erp_transaction()

    def render(self, contracts: list[TrueContract]) -> None:
        """Rows for every contract in every system that holds it."""
        for contract in contracts:
            for system in contract.customer.systems:
                if chance(self.rng, PRESENCE[system][contract.kind]):
                    source_id = self._mint(system)
                    self.record_of[(system, contract.entity_id)] = source_id
                    self.rows[system].append(self._row(system, contract, source_id))
                    self.truth.append((system, source_id, contract.entity_id))

    def _row(self, system: str, c: TrueContract, source_id: str) -> dict[str, str]:
        rng = self.rng
        habits = HABITS[system]
        parent = self.record_of.get((system, c.parent.entity_id), "") if c.parent else ""
        number = contract_number(rng, c.kind, c.year, c.seq, c.sub)
        row = {
            "source_system": system,
            "source_id": source_id,
            "number": "" if system == "crm" and chance(rng, 0.1) else number,
            "name": contract_name(rng, c),
            "customer_source_id": self.customers.record_for(rng, system, c.customer.entity_id),
            "contract_type": c.kind,
            "parent_source_id": parent if chance(rng, habits["parent"]) else "",
            "start_date": shifted(rng, c.start, P_DATE_SHIFT),
            "end_date": "" if chance(rng, habits["no_end"]) else shifted(rng, c.end, P_DATE_SHIFT),
            "value": "" if chance(rng, P_NO_VALUE) else drifted_amount(rng, c.value, P_ROUNDED),
            "currency": "" if chance(rng, P_NO_CURRENCY) else c.customer.currency,
            "opportunity_ref": self._opportunity(system, c),
            "billing_terms": billing_terms(rng, c.terms, 0.7)
            if chance(rng, habits["terms"])
            else "",
            "rate_card": c.rate_card if chance(rng, habits["rate_card"]) else "",
            "legal_entity": c.customer.legal_entity if chance(rng, habits["entity"]) else "",
        }
        if system == "erp":
            crm = self.record_of.get(("crm", c.entity_id), "")
            row["crm_id"] = crm if crm and chance(rng, P_ERP_CRM_REF) else ""
        return row

    def _opportunity(self, system: str, c: TrueContract) -> str:
        if not c.opportunity:
            return ""
        return c.opportunity if system == "crm" else short_sf_id(self.rng, c.opportunity)
