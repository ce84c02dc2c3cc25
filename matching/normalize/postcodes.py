"""Postal codes: compact upper-case form, validated per country where the format is known."""

from __future__ import annotations

import re
from functools import lru_cache

from matching.normalize.countries import normalize_country

# Compact (no spaces or dashes) formats; a code that does not fit its country's is rejected.
_FORMATS = {
    "GB": r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}",
    "US": r"\d{5}",
    "CA": r"[A-Z]\d[A-Z]\d[A-Z]\d",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "IT": r"\d{5}",
    "ES": r"\d{5}",
    "FI": r"\d{5}",
    "SE": r"\d{5}",
    "MX": r"\d{5}",
    "AT": r"\d{4}",
    "CH": r"\d{4}",
    "BE": r"\d{4}",
    "DK": r"\d{4}",
    "NO": r"\d{4}",
    "AU": r"\d{4}",
    "NZ": r"\d{4}",
    "ZA": r"\d{4}",
    "NL": r"\d{4}[A-Z]{2}",
    "PL": r"\d{5}",
    "PT": r"\d{7}",
    "JP": r"\d{7}",
    "BR": r"\d{8}",
    "IN": r"\d{6}",
    "SG": r"\d{6}",
    "CN": r"\d{6}",
    "IE": r"[A-Z]\d[\dW][A-Z\d]{4}",
    "LU": r"\d{4}",
    "CZ": r"\d{5}",
}
# "D-80331", "CH-8001", "NL-1012 AB": a country letter prefix from pre-2000 European mail.
_COUNTRY_PREFIX = re.compile(r"^[A-Z]{1,3}-(?=\d)")
_ZIP_PLUS_4 = re.compile(r"^(\d{5})-?\d{4}$")


# Countries with all-digit codes that can start with zeros ("01067" Dresden, "00150" Rome):
# a spreadsheet that read the code as a number dropped them. (length, most leading zeros)
_LEADING_ZEROS = {
    "US": (5, 2), "DE": (5, 1), "FR": (5, 1), "IT": (5, 2), "ES": (5, 1), "FI": (5, 2),
    "MX": (5, 1), "PL": (5, 2), "AU": (4, 1), "NZ": (4, 1), "ZA": (4, 3), "NO": (4, 3),
    "SG": (6, 1), "CN": (6, 1), "JP": (7, 1), "BR": (8, 1),
}  # fmt: skip


def _pad_lost_zeros(compact: str, code: str | None) -> str:
    length, zeros = _LEADING_ZEROS.get(code or "", (0, 0))
    if compact.isdigit() and length - zeros <= len(compact) < length:
        return compact.zfill(length)
    return compact


def _compact(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw)


@lru_cache(maxsize=65536)
def normalize_postcode(raw: str | None, country: str | None = None) -> str | None:
    """Compact upper-case postal code ("sw1a 1aa" -> "SW1A1AA"); None when invalid for country."""
    if not raw or not raw.strip():
        return None
    text = _COUNTRY_PREFIX.sub("", raw.strip().upper())
    code = normalize_country(country)
    zip4 = _ZIP_PLUS_4.match(text)
    if zip4 and code in (None, "US"):
        return zip4.group(1)
    compact = _pad_lost_zeros(_compact(text), code)
    pattern = _FORMATS.get(code or "")
    if pattern is not None:
        return compact if re.fullmatch(pattern, compact) else None
    if not re.fullmatch(r"[A-Z0-9]{2,10}", compact) or not any(c.isdigit() for c in compact):
        return None
    return compact
