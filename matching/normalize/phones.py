"""Phone numbers to E.164."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from matching.normalize.countries import normalize_country
from matching.normalize.phones_fast import UNSURE, fast_e164

# "+44 (0)20 …": the bracketed trunk zero is written but never dialled after a country code.
_TRUNK_ZERO = re.compile(r"^(\s*\+\s*\d{1,3})\s*\(0\)")
_LEADING_IDD = re.compile(r"^\s*00(?=[1-9])")


def _plausible(number: phonenumbers.PhoneNumber) -> bool:
    # Valid by the numbering plan, or of a possible length with enough digits to be a line:
    # CRM numbers are often outside the ranges the library knows, but "000" is not a number.
    national = phonenumbers.national_significant_number(number)
    if len(national) > 15 - len(str(number.country_code)):  # E.164 has 15 digits at most
        return False
    if phonenumbers.is_valid_number(number):
        return True
    return (
        phonenumbers.is_possible_number(number)
        and len(national) >= 7
        and not national.startswith("0")
        and len(set(national)) > 1
    )


def _dialled(raw: str) -> str:
    text = _TRUNK_ZERO.sub(r"\1 ", raw) if "(0)" in raw else raw
    # "00" is the international prefix almost everywhere, and people write it even where the
    # local one differs (the US and Canada dial 011, Australia 0011, Japan 010); no national
    # number starts with "00".
    return _LEADING_IDD.sub("+", text) if "00" in text else text


def _library_e164(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not _plausible(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def e164_by_library(raw: str | None, country: str | None = None) -> str | None:
    """`normalize_phone` read with `phonenumbers` alone: slower, the same answers."""
    if not raw or not raw.strip():
        return None
    return _library_e164(_dialled(raw), normalize_country(country))


@lru_cache(maxsize=65536)
def normalize_phone(raw: str | None, country: str | None = None) -> str | None:
    """E.164 form of a phone number (extension dropped); None when it cannot be a number."""
    if not raw or not raw.strip():
        return None
    text = _dialled(raw)
    region = normalize_country(country)
    # the common shapes without the library's general-purpose parser; the rest with it
    fast = fast_e164(text, region)
    return _library_e164(text, region) if fast is UNSURE else fast
