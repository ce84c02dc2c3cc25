"""The true world: real-world customers, their groups, sister companies and shared offices."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final

from seeds.generator.countries import COUNTRIES, COUNTRY_WEIGHTS
from seeds.generator.geo import City, Country, LegalForm
from seeds.generator.names import coined_brand, legal_name, slug
from seeds.generator.phones import national_number
from seeds.generator.taxids import tax_id

_GB_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"
# Which systems know a customer, and how often: prospects live in the CRM alone, some legacy
# clients were only ever invoiced, a few delivery-only clients never reached the CRM.
PRESENCE: Final[tuple[tuple[str, ...], ...]] = (
    ("crm", "psa", "erp"),
    ("crm", "erp"),
    ("crm", "psa"),
    ("crm",),
    ("erp",),
    ("psa", "erp"),
    ("psa",),
)
PRESENCE_WEIGHTS: Final[tuple[float, ...]] = (0.52, 0.12, 0.07, 0.14, 0.06, 0.05, 0.04)
# Cluster kinds per draw; a draw makes one to five true customers.
CLUSTER_KINDS: Final[tuple[str, ...]] = ("standalone", "group", "sisters", "office", "namesakes")
CLUSTER_WEIGHTS: Final[tuple[float, ...]] = (0.835, 0.055, 0.065, 0.025, 0.02)
P_RENAMED: Final = 0.03  # a standalone customer renamed itself; old systems keep the old name
_MAIL_LOCALS: Final = ("info", "contact", "accounts", "office", "hello", "finance", "ap")


@dataclass
class TrueCustomer:
    """One real-world customer as it really is; source records are noisy views of it."""

    entity_id: str
    country: Country = field(repr=False)
    city: City = field(repr=False)
    brand: str
    descriptor: str
    form: LegalForm = field(repr=False)
    street: str
    postal_code: str
    nsn: str  # national significant number of the main line
    domain: str
    mail_local: str
    tax_id: str
    currency: str
    legal_entity: str
    kind: str  # standalone, group, sister, holding, office or namesake
    parent: str = ""  # entity id of the parent company
    former_brand: str = ""  # the brand before a rebrand, if there was one
    cluster: int = 0  # customers made in one draw share it (a group, a sister set, an office)
    systems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def legal_name(self) -> str:
        """The registered name."""
        return legal_name(self.brand, self.descriptor, self.form)

    @property
    def client(self) -> bool:
        """True when the firm has done work for it (it is known to delivery or finance)."""
        return "psa" in self.systems or "erp" in self.systems


def _fill(rng: random.Random, pattern: str) -> str:
    return "".join(
        str(rng.randrange(10)) if ch == "#" else rng.choice(_GB_LETTERS) if ch == "@" else ch
        for ch in pattern
    )


def _house(rng: random.Random, country: Country) -> str:
    if country.code == "JP":
        return f"{rng.randint(1, 4)}-{rng.randint(1, 12)}-{rng.randint(1, 30)}"
    if country.code in ("US", "CA"):
        return str(rng.choice((rng.randint(1, 99) * 10, rng.randint(100, 2999))))
    return str(rng.randint(1, 180))


def _street(rng: random.Random, country: Country, city: City, unit: str = "") -> str:
    line = country.street_format.format(n=_house(rng, country), s=rng.choice(city.streets))
    if unit:
        return f"{unit}, {line}" if country.code == "AU" else f"{line}, {unit}"
    if country.code in ("US", "CA") and rng.random() < 0.4:
        return f"{line}, Suite {rng.randint(1, 40) * 100 + rng.randint(0, 20)}"
    if country.code == "AU" and rng.random() < 0.5:
        return f"Level {rng.randint(2, 40)}, {line}"
    if country.code == "SG":
        return f"{line}, #{rng.randint(2, 45):02d}-{rng.randint(1, 12):02d}"
    return line


class WorldBuilder:
    """Draws true customers cluster by cluster; O(1) work per customer."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.customers: list[TrueCustomer] = []
        self._brands: set[str] = set()  # membership only, never iterated (hash order varies)
        self._stems_used: set[str] = set()
        self._cluster = 0

    def build(self, n: int) -> list[TrueCustomer]:
        """At least `n` true customers (the last cluster may overshoot by a few)."""
        rng = self.rng
        while len(self.customers) < n:
            self._cluster += 1
            kind = rng.choices(CLUSTER_KINDS, CLUSTER_WEIGHTS)[0]
            getattr(self, f"_make_{kind}")()
        for customer in self.customers:
            customer.systems = rng.choices(PRESENCE, PRESENCE_WEIGHTS)[0]
        return self.customers

    def _country(self, exclude: tuple[str, ...] = ()) -> Country:
        while True:
            country = self.rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
            if country.code not in exclude:
                return country

    def _brand(self, country: Country) -> str:
        rng = self.rng
        for _ in range(8):
            if rng.random() < 0.45:
                stem = rng.choice(country.stems)
                key = stem.lower()
                if key not in self._stems_used:
                    self._stems_used.add(key)
                    self._brands.add(key)
                    return stem
            brand = coined_brand(rng)
            if brand.lower() not in self._brands:
                self._brands.add(brand.lower())
                return brand
        return coined_brand(rng)  # a huge run may reuse a brand, as unrelated firms do

    def _new(
        self,
        country: Country,
        brand: str,
        kind: str,
        *,
        city: City | None = None,
        descriptor: str | None = None,
        street: str = "",
        postal_code: str = "",
        nsn: str = "",
        domain: str = "",
        parent: str = "",
    ) -> TrueCustomer:
        rng = self.rng
        city = city or rng.choice(country.cities)
        if descriptor is None:
            descriptor = rng.choice(country.descriptors) if rng.random() < 0.7 else ""
        form = rng.choices(country.legal_forms, [f.weight for f in country.legal_forms])[0]
        tax = tax_id(rng, country.code, city.region)
        if country.code == "ES":  # a Spanish CIF starts with A for an S.A., B for an S.L.
            tax = tax[:2] + ("A" if form.canonical == "S.A." else "B") + tax[3:]
        customer = TrueCustomer(
            entity_id=f"cus-{len(self.customers) + 1:06d}",
            country=country,
            city=city,
            brand=brand,
            descriptor=descriptor,
            form=form,
            street=street or _street(rng, country, city),
            postal_code=postal_code or _fill(rng, city.postcode),
            nsn=nsn or national_number(rng, country, city),
            domain=domain or f"{slug(brand)}.{country.tld}",
            mail_local=rng.choice(_MAIL_LOCALS),
            tax_id=tax,
            currency=country.currency,
            legal_entity=country.legal_entity,
            kind=kind,
            parent=parent,
            cluster=self._cluster,
        )
        self.customers.append(customer)
        return customer

    def _make_standalone(self) -> None:
        country = self._country()
        customer = self._new(country, self._brand(country), "standalone")
        if self.rng.random() < P_RENAMED:
            customer.former_brand = self._brand(country)

    def _make_namesakes(self) -> None:
        """Two unrelated companies of one brand: abroad, or at home in another line of business."""
        rng = self.rng
        country = self._country()
        brand = self._brand(country)
        first = self._new(country, brand, "namesake", descriptor=rng.choice(country.descriptors))
        if rng.random() < 0.7:
            other = self._country(exclude=(country.code,))
            self._new(other, brand, "namesake", descriptor=first.descriptor)
            return
        city = rng.choice([c for c in country.cities if c is not first.city])
        descriptor = rng.choice([d for d in country.descriptors if d != first.descriptor])
        domain = f"{slug(brand)}{slug(descriptor)[:5]}.{country.tld}"
        self._new(country, brand, "namesake", city=city, descriptor=descriptor, domain=domain)

    def _make_group(self) -> None:
        """A multinational: a parent and subsidiaries abroad sharing the brand, not the company."""
        rng = self.rng
        home = self._country()
        brand = self._brand(home)
        descriptor = rng.choice(home.descriptors)
        group_domain = f"{slug(brand)}.com"
        parent = self._new(home, brand, "group", descriptor=descriptor, domain=group_domain)
        seen: tuple[str, ...] = (home.code,)
        for _ in range(rng.randint(1, 3)):
            country = self._country(exclude=seen)
            seen += (country.code,)
            domain = group_domain if rng.random() < 0.5 else f"{slug(brand)}.{country.tld}"
            sub = self._new(
                country,
                brand,
                "group",
                descriptor=descriptor,
                domain=domain,
                parent=parent.entity_id,
            )
            if rng.random() < 0.3:  # billed under the group's framework agreement at home
                sub.legal_entity, sub.currency = parent.legal_entity, parent.currency

    def _make_sisters(self) -> None:
        """Sister companies: one brand, building, domain and often switchboard; distinct firms."""
        rng = self.rng
        country = self._country()
        brand = self._brand(country)
        city = rng.choice(country.cities)
        street, postcode = _street(rng, country, city), _fill(rng, city.postcode)
        domain = f"{slug(brand)}.{country.tld}"
        parent = ""
        if rng.random() < 0.4:
            holding = "Holding" if country.code in ("DE", "CH", "NL", "SE") else "Group"
            parent = self._new(
                country,
                brand,
                "holding",
                city=city,
                descriptor=holding,
                street=street,
                postal_code=postcode,
                domain=domain,
            ).entity_id
        switchboard = national_number(rng, country, city) if rng.random() < 0.5 else ""
        descriptors = rng.sample(country.descriptors, rng.choice((2, 2, 2, 3)))
        for descriptor in descriptors:
            self._new(
                country,
                brand,
                "sister",
                city=city,
                descriptor=descriptor,
                street=street,
                postal_code=postcode,
                nsn=switchboard,
                domain=domain,
                parent=parent,
            )

    def _make_office(self) -> None:
        """A serviced office: unrelated customers at one address behind one switchboard number."""
        rng = self.rng
        country = self._country()
        city = rng.choice(country.cities)
        base = _street(rng, country, city)
        if country.code in ("US", "CA", "SG", "AU"):
            base = country.street_format.format(n=_house(rng, country), s=city.streets[0])
        postcode = _fill(rng, city.postcode)
        switchboard = national_number(rng, country, city)
        floors = rng.sample(range(1, 30), 5)
        for floor in floors[: rng.randint(3, 5)]:
            unit = rng.choice(("Suite {}", "Floor {}", "Office {}", "Unit {}")).format(floor)
            self._new(
                country,
                self._brand(country),
                "office",
                city=city,
                street=f"{base}, {unit}",
                postal_code=postcode,
                nsn=switchboard,
            )


def build_world(rng: random.Random, n: int) -> list[TrueCustomer]:
    """At least `n` true customers with their relationships, drawn from `rng`."""
    return WorldBuilder(rng).build(n)
