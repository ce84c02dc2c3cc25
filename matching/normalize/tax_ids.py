"""Tax identifiers: compact, upper-case, country-prefixed where the scheme has a prefix.

Format is checked for every scheme below; check digits only where the scheme's algorithm is
public and stable (AU ABN, CH UID, IN GSTIN). EU VAT check digits are not verified: a typo'd
VAT number still matches its own typo elsewhere, and VIES is the authority for validity.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from matching.normalize.countries import normalize_country

# EU VAT (and the UK's) number after the two-letter prefix.
VAT_FORMATS = {
    "AT": r"U\d{8}",
    "BE": r"[01]\d{9}",
    "BG": r"\d{9,10}",
    "CY": r"\d{8}[A-Z]",
    "CZ": r"\d{8,10}",
    "DE": r"\d{9}",
    "DK": r"\d{8}",
    "EE": r"\d{9}",
    "EL": r"\d{9}",
    "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}",
    "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}",
    "HR": r"\d{11}",
    "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}",
    "LT": r"\d{9}|\d{12}",
    "LU": r"\d{8}",
    "LV": r"\d{11}",
    "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}",
    "PT": r"\d{9}",
    "RO": r"\d{2,10}",
    "SE": r"\d{10}01",
    "SI": r"\d{8}",
    "SK": r"\d{10}",
    "GB": r"\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2}",
    "XI": r"\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2}",
}
# ISO country -> VAT prefix where they differ.
_VAT_PREFIX = {"GR": "EL"}
# Words written after a Swiss UID or before a VAT number that are not part of it.
_NOISE = re.compile(r"\b(?:MWST|TVA|IVA|MVA|VAT|UST-?IDNR|UID|ABN|EIN|GSTIN)\b|\b(?:NO|NR)[.:]")
# A label naming the scheme stands in for a missing country ("ABN 51 824 753 556").
_SCHEME_COUNTRY = {"ABN": "AU", "EIN": "US", "GSTIN": "IN", "MWST": "CH", "UID": "CH"}
_SCHEME = re.compile(r"\b(ABN|EIN|GSTIN|MWST|UID)\b")
_VAT_WORD_SUFFIX = re.compile(r"(?<=\d)(?:MWST|TVA|IVA|MVA)$")
_SEPARATORS = re.compile(r"[\s.\-/_:,]")


def _abn_ok(digits: str) -> bool:
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    values = [int(d) for d in digits]
    values[0] -= 1
    return sum(w * v for w, v in zip(weights, values, strict=True)) % 89 == 0


def _uid_ok(digits: str) -> bool:
    total = sum(w * int(d) for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4), digits, strict=False))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[8])


_GST_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _gstin_ok(value: str) -> bool:
    total = 0
    for i, char in enumerate(value[:14]):
        product = _GST_CHARS.index(char) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return _GST_CHARS[(36 - total % 36) % 36] == value[14]


def _us(compact: str) -> str | None:
    ok = re.fullmatch(r"\d{9}", compact) and not compact.startswith("00")
    return compact if ok else None


def _au(compact: str) -> str | None:
    return compact if re.fullmatch(r"\d{11}", compact) and _abn_ok(compact) else None


def _ch(compact: str) -> str | None:
    digits = compact.removeprefix("CHE")
    return f"CHE{digits}" if re.fullmatch(r"\d{9}", digits) and _uid_ok(digits) else None


def _in(compact: str) -> str | None:
    pattern = r"\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]"
    return compact if re.fullmatch(pattern, compact) and _gstin_ok(compact) else None


_NATIONAL: dict[str, Callable[[str], str | None]] = {"US": _us, "AU": _au, "CH": _ch, "IN": _in}


def _vat(compact: str, prefix: str) -> str | None:
    body = compact.removeprefix(prefix)
    if prefix == "BE" and re.fullmatch(r"\d{9}", body):
        body = "0" + body  # pre-2007 Belgian numbers had nine digits
    return prefix + body if re.fullmatch(VAT_FORMATS[prefix], body) else None


# VAT numbers whose shape alone names the country, so a missing country costs nothing.
_UNMISTAKABLE = {"NL": re.compile(r"\d{9}B\d{2}"), "AT": re.compile(r"U\d{8}")}


def _unmistakable_scheme(compact: str) -> str | None:
    return next((cc for cc, shape in _UNMISTAKABLE.items() if shape.fullmatch(compact)), None)


def _explicit_prefix(compact: str) -> str | None:
    if compact.startswith("CHE"):
        return "CH"
    if compact.startswith("ATU"):
        return "AT"
    head = compact[:2]
    if head not in VAT_FORMATS or len(compact) < 4:
        return None
    # "ATU…", "ESX…", "FRK…" have a letter after the prefix; a digit always means a prefix.
    return head if compact[2].isdigit() or _vat(compact, head) else None


@lru_cache(maxsize=65536)
def normalize_tax_id(raw: str | None, country: str | None = None) -> str | None:
    """Compact tax id ("DE 123 456 789" -> "DE123456789"); None when clearly invalid."""
    if not raw or not raw.strip():
        return None
    compact = _SEPARATORS.sub("", _NOISE.sub(" ", raw.upper()))
    compact = _VAT_WORD_SUFFIX.sub("", compact)  # "CHE123456789MWST" once spaces are gone
    if not compact.isalnum():
        return None
    scheme = _SCHEME.search(raw.upper())
    code = normalize_country(country) or (_SCHEME_COUNTRY[scheme.group(1)] if scheme else None)
    prefix = _explicit_prefix(compact)
    if prefix == "CH" or (prefix is None and code in _NATIONAL):
        return _NATIONAL["CH" if prefix == "CH" else str(code)](compact)
    if prefix is not None:
        return _vat(compact, prefix)
    vat_prefix = _VAT_PREFIX.get(code or "", code) or _unmistakable_scheme(compact)
    if vat_prefix in VAT_FORMATS:
        return _vat(compact, str(vat_prefix))
    ok = 4 <= len(compact) <= 20 and any(c.isdigit() for c in compact)
    return compact if ok else None
