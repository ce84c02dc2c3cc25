"""Country reference data: cities, streets, phones, name material and the firm's entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class City:
    """A city with the shapes its addresses and phone numbers take."""

    name: str
    region: str  # the short code people write (state, province, canton); may equal the name
    region_name: str
    postcode: str  # pattern: `#` a digit, `@` a letter, anything else literal
    area: str  # phone area code without the trunk prefix
    streets: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # exonyms and accentless spellings people type instead


@dataclass(frozen=True)
class LegalForm:
    """A legal form and the ways people write it; the first variant is the registered one."""

    variants: tuple[str, ...]
    weight: float

    @property
    def canonical(self) -> str:
        """The registered spelling."""
        return self.variants[0]


@dataclass(frozen=True)
class Country:
    """Everything the generator needs to make one country's companies look local."""

    code: str  # ISO 3166 alpha-2
    names: tuple[str, ...]  # what people type in a free-text country field
    currency: str
    legal_entity: str  # the firm's billing subsidiary serving this country
    weight: float  # share of the customer base
    calling_code: str
    trunk: str  # national trunk prefix ("0"), empty where the area code keeps its zero
    nsn_length: int  # national significant number length of a landline
    street_format: str  # `{n}` house number, `{s}` street
    tld: str
    free_mail: tuple[str, ...]
    legal_forms: tuple[LegalForm, ...]
    stems: tuple[str, ...]  # brand words that sound local
    descriptors: tuple[str, ...]  # line-of-business words in the local language
    cities: tuple[City, ...]


# The firm's own billing subsidiaries (legal entities) and their booking currencies.
LEGAL_ENTITIES: Final[dict[str, str]] = {
    "US01": "USD",
    "CA01": "CAD",
    "BR01": "BRL",
    "UK01": "GBP",
    "DE01": "EUR",
    "FR01": "EUR",
    "NL01": "EUR",
    "CH01": "CHF",
    "ES01": "EUR",
    "AU01": "AUD",
    "IN01": "INR",
    "SG01": "SGD",
    "JP01": "JPY",
}

GLOBAL_FREE_MAIL: Final[tuple[str, ...]] = (
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
)

# Syllables for coined brand names ("Veltrix", "Corvana") so large runs never run out of brands.
SYLLABLES_HEAD: Final[tuple[str, ...]] = (
    "Al", "Ar", "Bel", "Bra", "Cal", "Cor", "Dal", "Del", "El", "Fen", "Gal", "Hal", "Ist",
    "Kal", "Lor", "Mar", "Mer", "Nor", "Or", "Pel", "Quin", "Ros", "Sol", "Tor", "Val", "Ver",
    "Vin", "Zan", "Tri", "Sen", "Nov", "Lum", "Kor", "Ast", "Bre", "Cen", "Dor", "Fal",
)  # fmt: skip
SYLLABLES_MID: Final[tuple[str, ...]] = (
    "a", "e", "i", "o", "an", "en", "in", "on", "ar", "er", "is", "ol", "ta", "ve", "ri", "la",
)  # fmt: skip
SYLLABLES_TAIL: Final[tuple[str, ...]] = (
    "tix", "vana", "tek", "ris", "dex", "lon", "mar", "nova", "ra", "sys", "tica", "via", "wen",
    "gen", "lux", "mont", "quest", "sphere", "stone", "field", "point", "bridge", "core", "line",
)  # fmt: skip


def city(spec: str) -> City:
    """Parse `name|region|region name|postcode|area|street;street|alias;alias`."""
    name, region, region_name, postcode, area, streets, *rest = spec.split("|")
    aliases = tuple(a for a in rest[0].split(";") if a) if rest else ()
    return City(name, region, region_name, postcode, area, tuple(streets.split(";")), aliases)


def forms(*specs: tuple[float, str]) -> tuple[LegalForm, ...]:
    """Legal forms from `(weight, "Registered|variant|variant")` pairs."""
    return tuple(LegalForm(tuple(text.split("|")), weight) for weight, text in specs)


def words(text: str) -> tuple[str, ...]:
    """Split a `|`-separated word list (kept on one line so the data stays readable)."""
    return tuple(text.split("|"))
