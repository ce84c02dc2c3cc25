"""Landline numbers: a national significant number per company, written the ways people write it."""

from __future__ import annotations

import random
from typing import Final

from seeds.generator.geo import City, Country

# How often each written form appears when a system keeps a phone (the rest is E.164).
STYLES: Final[tuple[str, ...]] = ("e164", "international", "national", "trunk0", "intl00", "ext")
STYLE_WEIGHTS: Final[tuple[float, ...]] = (0.2, 0.3, 0.3, 0.08, 0.07, 0.05)
_NANP: Final = frozenset({"US", "CA"})


def national_number(rng: random.Random, country: Country, city: City) -> str:
    """A fresh national significant number (area code + subscriber) in `city`."""
    length = country.nsn_length - len(city.area)
    first = str(rng.randrange(2, 10))  # no subscriber starts with 0 or 1 anywhere we model
    rest = "".join(str(rng.randrange(10)) for _ in range(length - 1))
    return city.area + first + rest


def e164(country: Country, nsn: str) -> str:
    """The canonical E.164 form."""
    return f"+{country.calling_code}{nsn}"


def _group(digits: str) -> str:
    if len(digits) <= 4:
        return digits
    if len(digits) in (5, 6, 7):
        return f"{digits[:3]} {digits[3:]}"
    return f"{digits[:4]} {digits[4:]}"


def _split(country: Country, nsn: str, area_len: int) -> tuple[str, str]:
    if country.code in _NANP:
        return nsn[:3], nsn[3:]
    if country.code == "SG":  # no area codes: the leading 6 is part of the number
        return "", nsn
    return nsn[:area_len], nsn[area_len:]


def _national(country: Country, area: str, sub: str) -> str:
    if country.code in _NANP:
        return f"({area}) {sub[:3]}-{sub[3:]}"
    if country.code == "FR":
        digits = "0" + area + sub
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if country.code == "JP":
        return f"0{area}-{sub[:-4]}-{sub[-4:]}"
    if country.code == "BR":
        return f"({area}) {sub[:-4]}-{sub[-4:]}"
    return _spaced(f"{country.trunk}{area}", _group(sub))


def _spaced(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def format_phone(rng: random.Random, country: Country, nsn: str, area_len: int, style: str) -> str:
    """Write `nsn` in one of the STYLES, as a person or a system would have typed it."""
    area, sub = _split(country, nsn, area_len)
    cc = country.calling_code
    if style == "e164":
        return e164(country, nsn)
    if style == "national":
        return _national(country, area, sub)
    if style == "trunk0" and country.trunk == "0":
        return _spaced(f"+{cc}", f"(0){area}", _group(sub))
    if style == "intl00":
        return _spaced(f"00{cc}", area, _group(sub))
    if style == "ext":
        ext = rng.choice(("ext. ", "x", "ext ", "Ext.")) + str(rng.randrange(10, 600))
        return f"{_national(country, area, sub)} {ext}"
    if country.code in _NANP:
        return rng.choice((f"+1 {area} {sub[:3]} {sub[3:]}", f"{area}-{sub[:3]}-{sub[3:]}"))
    if country.code == "FR" and rng.random() < 0.5:
        return _national(country, area, sub).replace(" ", ".")
    return _spaced(f"+{cc}", area, _group(sub))
