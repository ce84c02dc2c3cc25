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
    compact = _compact(text)
    if code == "US" and re.fullmatch(r"\d{3,4}", compact):
        compact = compact.zfill(5)  # spreadsheets drop New England's leading zeros
    pattern = _FORMATS.get(code or "")
    if pattern is not None:
        return compact if re.fullmatch(pattern, compact) else None
    if not re.fullmatch(r"[A-Z0-9]{2,10}", compact) or not any(c.isdigit() for c in compact):
        return None
    return compact
