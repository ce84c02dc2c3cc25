"""Company names: brands, legal names, and the many ways a system ends up writing them."""

from __future__ import annotations

import random
import re
from typing import Final

from seeds.generator.geo import (
    SYLLABLES_HEAD,
    SYLLABLES_MID,
    SYLLABLES_TAIL,
    Country,
    LegalForm,
)
from seeds.generator.noise import strip_accents

_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")
_EUROPE: Final = frozenset({"GB", "DE", "FR", "NL", "CH", "ES", "IT", "SE"})
_APAC: Final = frozenset({"AU", "IN", "SG", "JP"})
# Labels a sales team adds to tell its own regional views apart; the customer is the same.
_REGION_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "EU": ("EMEA", "Europe", "EU"),
    "AP": ("APAC", "Asia Pacific", "APJ"),
    "AM": ("Americas", "North America", "NA", "LATAM"),
}


def coined_brand(rng: random.Random) -> str:
    """An invented brand such as "Veltrix" or "Corinavana" (the space is ~250k names)."""
    roll = rng.random()
    mids = "" if roll < 0.35 else rng.choice(SYLLABLES_MID)
    if roll > 0.85:
        mids += rng.choice(SYLLABLES_MID)
    return rng.choice(SYLLABLES_HEAD) + mids + rng.choice(SYLLABLES_TAIL)


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, as a domain label."""
    return _NON_ALNUM.sub("", strip_accents(text).lower())


def join_name(*parts: str) -> str:
    """Words joined by single spaces, empty parts skipped."""
    return " ".join(p for p in parts if p)


def legal_name(brand: str, descriptor: str, form: LegalForm) -> str:
    """The registered name: brand, line of business, legal form."""
    return join_name(brand, descriptor, form.canonical)


def region_label(rng: random.Random, country: Country, city: str) -> str:
    """A regional or country label ("EMEA", "(UK)", "London") that names a view, not a company."""
    block = "EU" if country.code in _EUROPE else "AP" if country.code in _APAC else "AM"
    kind = rng.random()
    if kind < 0.45:
        return rng.choice(_REGION_LABELS[block])
    if kind < 0.8:
        return "UK" if country.code == "GB" else country.names[rng.randrange(1, len(country.names))]
    return city


def with_label(rng: random.Random, name: str, label: str) -> str:
    """Attach a regional label the ways CRMs show them: "Acme - EMEA", "Acme (UK)", "Acme EMEA"."""
    style = rng.random()
    if style < 0.35:
        return f"{name} \u2013 {label}"  # an en dash, as pasted from slides
    if style < 0.6:
        return f"{name} - {label}"
    if style < 0.85:
        return f"{name} ({label})"
    return f"{name} {label}"


def name_variant(
    rng: random.Random, brand: str, descriptor: str, form: LegalForm, prefer_legal: float
) -> str:
    """One written form of a company name before character-level noise is applied.

    `prefer_legal` is the system's habit: finance systems keep the registered name, sales and
    delivery teams the trading name.
    """
    roll = rng.random()
    if roll < prefer_legal:
        return join_name(brand, descriptor, form.canonical)
    roll = rng.random()
    if roll < 0.35:  # another spelling of the legal form ("Ltd." for "Limited", "Corp" for "Inc.")
        return join_name(brand, descriptor, rng.choice(form.variants))
    if roll < 0.65:  # legal form left off
        return join_name(brand, descriptor)
    if roll < 0.8:  # brand only, the way people say it
        return brand
    if roll < 0.9 and form.variants[0] in ("K.K.", "G.K."):  # Japanese form placed first
        return join_name("Kabushiki Kaisha" if form.variants[0] == "K.K." else "Godo Kaisha", brand)
    if roll < 0.95 and form.canonical in ("Inc.", "LLC"):  # doubled up: "Acme Corporation Inc"
        return join_name(brand, descriptor, "Corporation", form.canonical)
    return join_name(brand.upper(), descriptor)
