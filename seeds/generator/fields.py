"""Field renderers: how a true customer's address, phone, mail, web site and tax id get written."""

from __future__ import annotations

import random
import re
from typing import Final

from seeds.generator.noise import abbreviate_street, case_noise, chance, strip_accents, typo
from seeds.generator.people import contact_local, free_mail_local
from seeds.generator.phones import STYLE_WEIGHTS, STYLES, format_phone
from seeds.generator.world import TrueCustomer

_BUSINESS_LOCALS: Final = ("info", "contact", "office", "sales", "hello", "enquiries")
_FINANCE_LOCALS: Final = ("ap", "accounts.payable", "invoices", "finance", "billing", "accounts")
_SPACED_POSTCODES: Final = frozenset({"GB", "CA", "NL", "SE"})
_LEADING_ZERO: Final = re.compile(r"^0\d+$")
_UNIT: Final = re.compile(r", (?:Suite|Floor|Office|Unit|#)[^,]*$|^Level \d+, ")


def country_field(rng: random.Random, c: TrueCustomer, p_name: float) -> str:
    """ISO code, or with probability `p_name` a free-text name ("Deutschland", "UK", "USA")."""
    if chance(rng, p_name):
        return rng.choice(c.country.names[1:])
    return c.country.code


def region_field(rng: random.Random, c: TrueCustomer) -> str:
    """The state or province as a code or a full name."""
    return c.city.region if chance(rng, 0.6) else c.city.region_name


def city_field(rng: random.Random, c: TrueCustomer, ascii_only: bool) -> str:
    """The city, sometimes in its exonym or accentless spelling."""
    name = c.city.name
    if c.city.aliases and chance(rng, 0.2):
        name = rng.choice(c.city.aliases)
    if ascii_only:
        name = strip_accents(name)
    return name.upper() if chance(rng, 0.04) else name


def street_field(rng: random.Random, c: TrueCustomer, ascii_only: bool) -> str:
    """The street line with abbreviations, a dropped unit, the odd typo."""
    street = c.street
    if chance(rng, 0.25):
        street = abbreviate_street(rng, street)
    if chance(rng, 0.15):  # suite, floor or level left off
        street = _UNIT.sub("", street)
    if chance(rng, 0.04):
        street = typo(rng, street)
    if ascii_only:
        street = strip_accents(street)
    return street.upper() if chance(rng, 0.04) else street


def postal_code_field(rng: random.Random, c: TrueCustomer) -> str:
    """The postcode, with the separators and leading zeros spreadsheets lose."""
    code = c.postal_code
    if c.country.code in _SPACED_POSTCODES and chance(rng, 0.2):
        code = code.replace(" ", "")
    elif c.country.code == "BR" and chance(rng, 0.3):
        code = code.replace("-", "")
    elif c.country.code == "US" and chance(rng, 0.12):
        code = f"{code}-{rng.randint(1000, 9999)}"
    if _LEADING_ZERO.match(code) and chance(rng, 0.15):  # a spreadsheet read it as a number
        code = code.lstrip("0")
    return code


def phone_field(rng: random.Random, c: TrueCustomer) -> str:
    """The main line in one of the written styles."""
    style = rng.choices(STYLES, STYLE_WEIGHTS)[0]
    return format_phone(rng, c.country, c.nsn, len(c.city.area), style)


def email_field(rng: random.Random, c: TrueCustomer, finance: bool, p_free: float) -> str:
    """A role or person address at the company's domain, or a personal free-mail address."""
    if chance(rng, p_free):
        domain = rng.choice(c.country.free_mail) if chance(rng, 0.6) else "gmail.com"
        return f"{free_mail_local(rng)}@{domain}"
    roll = rng.random()
    if finance and roll < 0.6:
        local = rng.choice(_FINANCE_LOCALS)
    elif roll < 0.35:
        local = c.mail_local
    elif roll < 0.55:
        local = rng.choice(_BUSINESS_LOCALS)
    else:
        local = contact_local(rng)
    address = f"{local}@{c.domain}"
    return address.upper() if chance(rng, 0.03) else address


def website_field(rng: random.Random, c: TrueCustomer) -> str:
    """The web site in one of the ways people paste it."""
    domain = c.domain
    roll = rng.random()
    if roll < 0.3:
        return f"https://www.{domain}"
    if roll < 0.55:
        return f"www.{domain}"
    if roll < 0.7:
        return domain
    if roll < 0.8:
        return f"http://{domain}/"
    if roll < 0.9:
        return f"https://www.{domain}/{rng.choice(('en', 'home', 'about-us', 'index.html'))}"
    return f"WWW.{domain.upper()}"


def tax_id_field(rng: random.Random, c: TrueCustomer) -> str:
    """The tax id without its country prefix, without separators, or with one digit mistyped."""
    value = c.tax_id
    roll = rng.random()
    if roll < 0.15 and value[:2].isalpha() and value[:2].isupper() and value[2].isdigit():
        value = value[2:]
    elif roll < 0.35:
        value = re.sub(r"[\s.\-/]", "", value)
    elif roll < 0.38:
        digits = [i for i, ch in enumerate(value) if ch.isdigit()]
        i = rng.choice(digits)
        value = value[:i] + str((int(value[i]) + rng.randint(1, 9)) % 10) + value[i + 1 :]
    return value.lower() if chance(rng, 0.03) else value


def legal_name_field(rng: random.Random, c: TrueCustomer, ascii_only: bool) -> str:
    """The registered name as finance keeps it: mostly right, sometimes in capitals."""
    name = c.legal_name
    if ascii_only:
        name = strip_accents(name)
    if chance(rng, 0.15):
        name = case_noise(rng, name)
    return name
