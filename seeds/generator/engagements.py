"""The true contracts (MSA -> SOW -> change order) and projects behind every system's records."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from seeds.generator.drift import AS_OF, FX_PER_USD, canonical_contract_number
from seeds.generator.geo import words
from seeds.generator.ids import SystemIds
from seeds.generator.noise import chance
from seeds.generator.people import STAFF
from seeds.generator.world import TrueCustomer

TITLES: Final = words(
    "Data Platform Migration|ERP Implementation|Cloud Cost Optimisation|Customer 360|"
    "Cybersecurity Assessment|Supply Chain Analytics|CRM Rollout|Finance Transformation|"
    "Operating Model Redesign|Post-Merger Integration|Pricing Strategy|GDPR Readiness|"
    "S/4HANA Upgrade|Digital Workplace|Data Governance Programme|Procurement Excellence|"
    "Mobile App Rebuild|AI Proof of Concept|Network Modernisation|Managed Analytics Service|"
    "IT Strategy Review|Warehouse Automation|Regulatory Reporting|Treasury System Selection|"
    "Agile Transformation|Managed Service Desk|E-commerce Replatforming|Workforce Planning|"
    "Zero Trust Architecture|Revenue Assurance|Contact Centre Modernisation|ESG Reporting"
)
BILLING_METHODS: Final = ("time_and_materials", "fixed_fee", "milestone", "retainer")
BILLING_WEIGHTS: Final = (0.45, 0.25, 0.2, 0.1)
TERMS: Final = ("Net 30", "Net 45", "Net 60", "Due on receipt", "30 days EOM")
TERMS_WEIGHTS: Final = (0.55, 0.15, 0.12, 0.08, 0.1)
_RATE_REGION: Final = {"US01": "US", "CA01": "Americas", "BR01": "LATAM", "AU01": "APAC"}
_RATE_KIND: Final = ("Standard", "Standard", "Premium", "Public Sector", "Strategic Account")


@dataclass
class TrueContract:
    """One real contract."""

    entity_id: str
    customer: TrueCustomer = field(repr=False)
    kind: str  # MSA, SOW or change_order
    year: int
    seq: int
    sub: int
    title: str
    start: date
    end: date | None
    value: float | None
    billing_method: str
    terms: str
    rate_card: str
    opportunity: str  # the Salesforce opportunity id, when the customer is in the CRM
    parent: TrueContract | None = field(default=None, repr=False)

    @property
    def number(self) -> str:
        """The firm's own contract number."""
        return canonical_contract_number(self.kind, self.year, self.seq, self.sub)


@dataclass
class TrueProject:
    """One real project (an engagement, or one phase of it)."""

    entity_id: str
    customer: TrueCustomer = field(repr=False)
    contract: TrueContract | None = field(repr=False)
    title: str
    code: str
    start: date
    end: date
    budget: float
    billing_method: str
    manager: str
    status: str  # planned, active, completed, on_hold, cancelled
    opportunity: str


@dataclass
class Engagements:
    """All true contracts and projects."""

    contracts: list[TrueContract] = field(default_factory=list)
    projects: list[TrueProject] = field(default_factory=list)


def _months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


def _status(rng: random.Random, start: date, end: date) -> str:
    if start > AS_OF:
        return "planned"
    if end < AS_OF:
        return "cancelled" if chance(rng, 0.03) else "completed"
    return "on_hold" if chance(rng, 0.06) else "active"


class EngagementBuilder:
    """Draws each client's contracts and projects."""

    def __init__(self, rng: random.Random, ids: SystemIds) -> None:
        self.rng = rng
        self.ids = ids
        self.out = Engagements()
        self._msa_seq = 40
        self._sow_seq: dict[int, int] = {}
        self._prj_seq: dict[int, int] = {}

    def _amount(self, customer: TrueCustomer, usd: float) -> float:
        local = usd * FX_PER_USD[customer.currency]
        step = 100_000 if customer.currency in ("JPY", "INR") else 500
        return float(max(step, round(local / step) * step))

    def _rate_card(self, customer: TrueCustomer, year: int) -> str:
        region = _RATE_REGION.get(customer.legal_entity, "EMEA")
        if customer.legal_entity in ("IN01", "SG01", "JP01"):
            region = "APAC"
        return f"{region} {self.rng.choice(_RATE_KIND)} {year}"

    def _add(self, contract: TrueContract) -> TrueContract:
        self.out.contracts.append(contract)
        return contract

    def _next_id(self) -> str:
        return f"con-{len(self.out.contracts) + 1:06d}"

    def build(self, world: list[TrueCustomer]) -> Engagements:
        """Contracts and projects for every client in `world`."""
        for customer in world:
            if customer.client:
                self._client(customer)
        return self.out

    def _client(self, customer: TrueCustomer) -> None:
        rng = self.rng
        in_crm = "crm" in customer.systems
        first = date(2018, 1, 1) + timedelta(days=int(2800 * rng.random() ** 0.7))
        msa = None
        if chance(rng, 0.85):
            self._msa_seq += rng.randint(1, 3)
            msa = self._add(
                TrueContract(
                    self._next_id(), customer, "MSA", first.year, self._msa_seq, 0, "", first,
                    None if chance(rng, 0.6) else _months(first, 36),
                    None if chance(rng, 0.7) else self._amount(customer, 5_000_000), "",
                    rng.choices(TERMS, TERMS_WEIGHTS)[0], self._rate_card(customer, first.year), "",
                )
            )  # fmt: skip
        start = first
        for _ in range(min(6, 1 + int(rng.expovariate(0.9)))):
            start += timedelta(days=rng.randint(30, 300))
            if start > AS_OF + timedelta(days=45):  # the pipeline beyond that is not signed yet
                break
            self._sow(customer, msa, start, in_crm)
        if chance(rng, 0.3):  # work under the MSA alone: a workshop, an advisory retainer
            self._project(customer, None, 0, start, rng.randint(1, 6), 1)

    def _sow(
        self, customer: TrueCustomer, msa: TrueContract | None, start: date, in_crm: bool
    ) -> None:
        rng = self.rng
        months = rng.randint(2, 18)
        year = start.year
        self._sow_seq[year] = self._sow_seq.get(year, 0) + rng.randint(1, 2)
        end = _months(start, months)
        value = self._amount(customer, rng.lognormvariate(11.9, 0.9))
        sow = self._add(
            TrueContract(
                self._next_id(), customer, "SOW", year, self._sow_seq[year], 0, rng.choice(TITLES),
                start, end, value, rng.choices(BILLING_METHODS, BILLING_WEIGHTS)[0],
                msa.terms if msa else rng.choices(TERMS, TERMS_WEIGHTS)[0],
                msa.rate_card if msa else self._rate_card(customer, year),
                self.ids.crm_opportunity() if in_crm else "", msa,
            )
        )  # fmt: skip
        for sub in range(1, 1 + rng.choices((0, 1, 2, 3), (0.45, 0.35, 0.15, 0.05))[0]):
            co_start = start + timedelta(days=rng.randint(20, max(21, months * 25)))
            co_value = self._amount(
                customer, value / FX_PER_USD[customer.currency] * rng.uniform(0.05, 0.25)
            )
            self._add(
                TrueContract(
                    self._next_id(), customer, "change_order", year, sow.seq, sub, sow.title,
                    co_start, _months(end, rng.randint(0, 3)), co_value, sow.billing_method,
                    sow.terms, sow.rate_card,
                    self.ids.crm_opportunity() if in_crm and chance(rng, 0.4) else "", sow,
                )
            )  # fmt: skip
        phases = 2 if chance(rng, 0.15) else 1
        for phase in range(phases):
            self._project(customer, sow, phase, start, max(1, months // phases), phases)
            start = _months(start, max(1, months // phases))

    def _project(
        self,
        customer: TrueCustomer,
        sow: TrueContract | None,
        phase: int,
        start: date,
        months: int,
        phases: int,
    ) -> None:
        rng = self.rng
        year = start.year
        self._prj_seq[year] = self._prj_seq.get(year, 0) + rng.randint(1, 3)
        end = _months(start, months)
        title = sow.title if sow else rng.choice(TITLES)
        budget = round(sow.value / phases, 2) if sow and sow.value else None
        self.out.projects.append(
            TrueProject(
                entity_id=f"prj-{len(self.out.projects) + 1:06d}",
                customer=customer,
                contract=sow,
                title=f"{title} - Phase {phase + 1}" if phase else title,
                code=f"PRJ-{year}-{self._prj_seq[year]:04d}",
                start=start,
                end=end,
                budget=budget or self._amount(customer, rng.uniform(8_000, 60_000)),
                billing_method=sow.billing_method if sow else "time_and_materials",
                manager=rng.choice(STAFF),
                status=_status(rng, start, end),
                opportunity=sow.opportunity if sow else "",
            )
        )
