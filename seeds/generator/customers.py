"""Customer source records: each system's noisy, incomplete and duplicated view of the truth."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

from seeds.generator import fields as f
from seeds.generator.geo import LEGAL_ENTITIES
from seeds.generator.ids import SystemIds
from seeds.generator.names import name_variant, region_label, with_label
from seeds.generator.noise import (
    abbreviate,
    case_noise,
    chance,
    punctuation_noise,
    strip_accents,
    transliterate,
    typo,
)
from seeds.generator.world import TrueCustomer


@dataclass(frozen=True)
class Profile:
    """One system's data-entry habits; every rate is documented in seeds/README.md."""

    prefer_legal: float  # writes the registered name rather than a trading name
    legal_name: float  # fills the legal-name field
    ascii_only: float  # a legacy integration folded the record to ASCII
    upper: float  # the name is in capitals
    country_name: float  # a free-text country name instead of the ISO code
    free_mail: float  # a personal free-mail address instead of a company one
    finance_mail: bool  # prefers accounts-payable mailboxes
    parent: float  # records the parent account when the parent is in the same system
    crm_ref: float  # keeps the Salesforce id of the customer
    duplicate: float  # a second record for the same customer
    former_name: float  # still shows a renamed customer under its old brand
    missing: dict[str, float] = field(default_factory=dict)


PROFILES: Final[dict[str, Profile]] = {
    "crm": Profile(
        prefer_legal=0.3, legal_name=0.15, ascii_only=0.05, upper=0.03, country_name=0.4,
        free_mail=0.1, finance_mail=False, parent=0.7, crm_ref=0.0, duplicate=0.1,
        former_name=0.25,
        missing={"street": 0.08, "city": 0.04, "postal_code": 0.1, "country": 0.04,
                 "phone": 0.15, "email": 0.25, "website": 0.2, "tax_id": 0.65, "region": 0.3,
                 "currency": 0.05, "legal_entity": 0.3},
    ),
    "psa": Profile(
        prefer_legal=0.1, legal_name=0.0, ascii_only=0.1, upper=0.02, country_name=0.3,
        free_mail=0.15, finance_mail=False, parent=0.0, crm_ref=0.6, duplicate=0.04,
        former_name=0.3,
        missing={"street": 0.45, "city": 0.2, "postal_code": 0.45, "country": 0.15,
                 "phone": 0.45, "email": 0.4, "website": 0.5, "tax_id": 0.9, "region": 0.6,
                 "currency": 0.15, "legal_entity": 0.15},
    ),
    "erp": Profile(
        prefer_legal=0.7, legal_name=0.85, ascii_only=0.3, upper=0.2, country_name=0.0,
        free_mail=0.05, finance_mail=True, parent=0.5, crm_ref=0.7, duplicate=0.06,
        former_name=0.6,
        missing={"street": 0.03, "city": 0.02, "postal_code": 0.05, "country": 0.01,
                 "phone": 0.2, "email": 0.1, "website": 0.55, "tax_id": 0.15, "region": 0.2,
                 "currency": 0.0, "legal_entity": 0.0},
    ),
}  # fmt: skip
# Character-level noise on names, per record.
P_ABBREVIATE: Final = 0.15
P_TYPO: Final = 0.08
P_PUNCTUATION: Final = 0.1
P_CASE: Final = 0.06
P_LABEL: Final = 0.04  # a regional label on an ordinary record
P_LABEL_DUPLICATE: Final = 0.5  # duplicates are often regional views ("Acme (UK)")
P_FORMERLY: Final = 0.3  # a renamed customer's current name notes the old one
P_DROP_ACCENTS: Final = 0.25
P_TRANSLITERATE: Final = 0.15
# Where a PSA/ERP record's crm_id points: the right account, the CRM duplicate, an account that
# was merged away since (stale), another customer of the same cluster or anyone (wrong).
CRM_REF_KINDS: Final = ("right", "duplicate", "stale", "wrong")
CRM_REF_WEIGHTS: Final = (0.82, 0.06, 0.08, 0.04)


def render_name(
    rng: random.Random, c: TrueCustomer, profile: Profile, duplicate: bool, ascii_only: bool
) -> str:
    """The customer's name as one record holds it."""
    name = name_variant(rng, c.brand, c.descriptor, c.form, profile.prefer_legal)
    if ascii_only:
        name = transliterate(name) if chance(rng, 0.4) else strip_accents(name)
    elif not name.isascii():
        roll = rng.random()
        if roll < P_DROP_ACCENTS:
            name = strip_accents(name)
        elif roll < P_DROP_ACCENTS + P_TRANSLITERATE:
            name = transliterate(name)
    if chance(rng, P_ABBREVIATE):
        name = abbreviate(rng, name)
    if chance(rng, P_LABEL_DUPLICATE if duplicate else P_LABEL):
        name = with_label(rng, name, region_label(rng, c.country, c.city.name))
    if chance(rng, P_TYPO):
        name = typo(rng, name)
    if chance(rng, P_PUNCTUATION):
        name = punctuation_noise(rng, name)
    if chance(rng, profile.upper):
        return name.upper()
    return case_noise(rng, name) if chance(rng, P_CASE) else name


# Field renderers by column; a blank cell is decided first so its renderer never runs.
_RENDERERS: Final[dict[str, Callable[[random.Random, TrueCustomer, Profile, bool], str]]] = {
    "street": lambda rng, c, p, a: f.street_field(rng, c, a),
    "city": lambda rng, c, p, a: f.city_field(rng, c, a),
    "postal_code": lambda rng, c, p, a: f.postal_code_field(rng, c),
    "country": lambda rng, c, p, a: f.country_field(rng, c, p.country_name),
    "phone": lambda rng, c, p, a: f.phone_field(rng, c),
    "email": lambda rng, c, p, a: f.email_field(rng, c, p.finance_mail, p.free_mail),
    "website": lambda rng, c, p, a: f.website_field(rng, c),
    "tax_id": lambda rng, c, p, a: f.tax_id_field(rng, c),
    "legal_name": lambda rng, c, p, a: (
        f.legal_name_field(rng, c, a) if rng.random() < p.legal_name else ""
    ),
    "region": lambda rng, c, p, a: f.region_field(rng, c),
    "currency": lambda rng, c, p, a: c.currency,
    "legal_entity": lambda rng, c, p, a: c.legal_entity,
}


def render_fields(
    rng: random.Random, c: TrueCustomer, profile: Profile, duplicate: bool
) -> dict[str, str]:
    """Every descriptive field of one record, with the system's gaps (more on duplicates)."""
    ascii_only = rng.random() < profile.ascii_only
    boost = 1.5 if duplicate else 1.0
    missing = profile.missing
    note_former = False
    if c.former_brand:
        if rng.random() < profile.former_name:
            c = replace(c, brand=c.former_brand)  # the record predates the rebrand
        else:
            note_former = rng.random() < P_FORMERLY
    values = {"name": render_name(rng, c, profile, duplicate, ascii_only)}
    if note_former:
        values["name"] += f" (formerly {c.former_brand})"
    for column, render in _RENDERERS.items():
        if rng.random() < missing.get(column, 0.0) * boost:
            values[column] = ""
        else:
            values[column] = render(rng, c, profile, ascii_only)
    return values


@dataclass
class CustomerSet:
    """Customer source records of all systems with their truth and id lookups."""

    rows: dict[str, list[dict[str, str]]]
    truth: list[tuple[str, str, str]]
    # (system, entity id) -> that customer's record ids in the system, primary first
    ids: dict[tuple[str, str], list[str]]
    by_entity: dict[str, TrueCustomer]

    def record_for(self, rng: random.Random, system: str, entity_id: str) -> str:
        """The record a contract or project is booked against: mostly the primary one."""
        ids = self.ids[(system, entity_id)]
        return ids[-1] if len(ids) > 1 and chance(rng, 0.15) else ids[0]


class CustomerRenderer:
    """Mints every customer record id first, then renders rows (parents are looked up by id)."""

    def __init__(self, rng: random.Random, ids: SystemIds, world: list[TrueCustomer]) -> None:
        self.rng = rng
        self.ids = ids
        self.world = world
        self.record_ids: dict[tuple[str, str], list[str]] = {}
        self.by_entity = {c.entity_id: c for c in world}
        self._clusters: dict[int, list[str]] = {}
        for c in world:
            self._clusters.setdefault(c.cluster, []).append(c.entity_id)

    def _mint(self, system: str) -> str:
        if system == "crm":
            return self.ids.crm_account()
        return self.ids.psa("client") if system == "psa" else self.ids.erp_entity()

    def render(self) -> CustomerSet:
        """All systems' customer records for the world."""
        rng = self.rng
        order: list[tuple[str, TrueCustomer, bool]] = []
        for c in self.world:
            for system in c.systems:
                order.append((system, c, False))
        duplicates = [
            (system, c, True)
            for system, c, _ in order
            if chance(rng, PROFILES[system].duplicate)
            for _ in range(2 if chance(rng, 0.15) else 1)
        ]
        rng.shuffle(duplicates)  # duplicates were created later, in no particular order
        order += duplicates
        minted = [(system, c, dup, self._mint(system)) for system, c, dup in order]
        for system, c, _, source_id in minted:
            self.record_ids.setdefault((system, c.entity_id), []).append(source_id)
        rows: dict[str, list[dict[str, str]]] = {"crm": [], "psa": [], "erp": []}
        truth = []
        for system, c, dup, source_id in minted:
            rows[system].append(self._row(system, c, dup, source_id))
            truth.append((system, source_id, c.entity_id))
        return CustomerSet(rows, truth, self.record_ids, self.by_entity)

    def _row(self, system: str, c: TrueCustomer, dup: bool, source_id: str) -> dict[str, str]:
        rng = self.rng
        profile = PROFILES[system]
        row = {"source_system": system, "source_id": source_id}
        row.update(render_fields(rng, c, profile, dup))
        if system == "erp" and dup:  # booked again under another subsidiary, in its currency
            other = rng.choice(sorted(set(LEGAL_ENTITIES) - {c.legal_entity}))
            row["legal_entity"], row["currency"] = other, LEGAL_ENTITIES[other]
        parent_ids = self.record_ids.get((system, c.parent), [])
        row["parent_source_id"] = (
            parent_ids[0] if parent_ids and chance(rng, profile.parent) else ""
        )
        if system != "crm":
            row["crm_id"] = self._crm_ref(c, profile)
        return row

    def _crm_ref(self, c: TrueCustomer, profile: Profile) -> str:
        rng = self.rng
        own = self.record_ids.get(("crm", c.entity_id), [])
        if not own:
            return self.ids.crm_account() if chance(rng, 0.04) else ""
        if not chance(rng, profile.crm_ref):
            return ""
        kind = rng.choices(CRM_REF_KINDS, CRM_REF_WEIGHTS)[0]
        if kind == "duplicate" and len(own) > 1:
            return own[1]
        if kind == "stale":
            return self.ids.crm_account()  # minted but never exported: merged away in the CRM
        if kind == "wrong":
            others = [e for e in self._clusters[c.cluster] if e != c.entity_id]
            candidates = [("crm", e) for e in others if ("crm", e) in self.record_ids]
            if not candidates:
                candidates = [("crm", rng.choice(self.world).entity_id)]
            wrong = self.record_ids.get(rng.choice(candidates), [])
            if wrong:
                return wrong[0]
        return own[0]
