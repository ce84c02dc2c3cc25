"""Country names, codes and aliases to ISO 3166-1 alpha-2."""

from __future__ import annotations

from functools import lru_cache

from matching.normalize._iso3166 import ISO_3166_1
from matching.normalize.text import fold_text

# Common names and abbreviations that neither ISO nor the phone library's locale table spell.
_ALIASES = {
    "GB": "uk, u k, great britain, britain, england, scotland, wales, northern ireland, gbr",
    "US": "usa, u s a, us, u s, america, united states of america, the states, amerika",
    "NL": "holland, the netherlands, nederland, ned",
    "DE": "deutschland, brd, federal republic of germany, west germany, ger",
    "KR": "korea, south korea, republic of korea, korea south",
    "KP": "north korea, korea north, dprk",
    "RU": "russia, russian federation",
    "AE": "uae, u a e, emirates",
    "CZ": "czech republic, czechia",
    "CI": "ivory coast, cote divoire",
    "VN": "vietnam, viet nam",
    "TW": "taiwan, republic of china",
    "CN": "china, prc, peoples republic of china, mainland china",
    "IR": "iran, persia",
    "TR": "turkey, turkiye",
    "MK": "macedonia, north macedonia, fyrom",
    "SZ": "swaziland, eswatini",
    "MM": "burma, myanmar",
    "CV": "cape verde, cabo verde",
    "VA": "vatican, vatican city, holy see",
    "PS": "palestine",
    "XK": "kosovo",
    "BO": "bolivia",
    "VE": "venezuela",
    "TZ": "tanzania",
    "SY": "syria",
    "LA": "laos",
    "MD": "moldova",
    "BN": "brunei",
    "CD": "drc, dr congo, democratic republic of congo, congo kinshasa",
    "CG": "congo brazzaville, republic of the congo",
    "HK": "hong kong sar, hongkong",
    "MO": "macao, macau",
    "CH": "swiss confederation, schweiz, suisse, svizzera, sui",
    "AT": "osterreich, oesterreich",
    "ES": "espana, spanien",
    "SA": "ksa, saudi",
    "ZA": "rsa",
    "AU": "aust",
    "IN": "bharat",
    "JP": "nippon, nihon",
    "FR": "republique francaise",
    "DK": "den",
    "PT": "por",
    "GR": "hellas, gre",
    "HR": "cro, hrvatska",
    "NZ": "aotearoa",
}

# Languages whose country names the phone library ships; earlier ones win a clash.
_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "fi", "pl", "no", "cs", "ru")


def _iso_rows() -> list[list[str]]:
    return [line.split("|") for line in ISO_3166_1.splitlines() if line]


def _locale_names() -> dict[str, dict[str, str]]:
    # Imported lazily: the locale table is large and only needed for unusual spellings.
    from phonenumbers.geodata.locale import LOCALE_DATA

    return dict(LOCALE_DATA)


def _resolve(names: dict[str, str], language: str) -> str:
    value = names.get(language, "")
    # The phone library writes "*xx" for "same as language xx".
    while value.startswith("*"):
        value = names.get(value[1:], "")
    return value


def _name_keys(name: str) -> set[str]:
    key = fold_text(name)
    keys = {key, key.removeprefix("the ")}
    # "Korea, Republic of" -> "republic of korea"
    if "," in name:
        head, _, tail = name.partition(",")
        keys.add(fold_text(f"{tail} {head}"))
    return {k for k in keys if k}


@lru_cache(maxsize=1)
def name_index() -> dict[str, str]:
    """Folded country names (English, local, aliases) mapped to alpha-2; no codes."""
    index: dict[str, str] = {}
    for alpha2, aliases in _ALIASES.items():
        for alias in aliases.split(","):
            index.setdefault(fold_text(alias), alpha2)
    rows = _iso_rows()
    for row in rows:
        for name in row[2:]:
            for key in _name_keys(name):
                index.setdefault(key, row[0])
    locale = _locale_names()
    for language in _LANGUAGES:
        for row in rows:
            for key in _name_keys(_resolve(locale.get(row[0], {}), language)):
                index.setdefault(key, row[0])
    return index


@lru_cache(maxsize=1)
def code_index() -> dict[str, str]:
    """Lower-case alpha-2 and alpha-3 codes (and "uk", "el") mapped to alpha-2."""
    index = {row[0].lower(): row[0] for row in _iso_rows()}
    index |= {row[1].lower(): row[0] for row in _iso_rows()}
    index["uk"] = "GB"
    index["el"] = "GR"  # the EU's code for Greece (VAT prefixes)
    index["xk"] = "XK"
    return index


def country_from_name(folded: str) -> str | None:
    """Alpha-2 for an already folded country name or alias (codes are not accepted)."""
    return name_index().get(folded)


def country_from_code(folded: str) -> str | None:
    """Alpha-2 for an alpha-2 or alpha-3 code, or "uk"/"el" (lower case, no spaces)."""
    return code_index().get(folded)


@lru_cache(maxsize=4096)
def normalize_country(raw: str | None) -> str | None:
    """ISO alpha-2 for a country name (English or local), alpha-2, alpha-3 or common alias."""
    key = fold_text(raw)
    if not key:
        return None
    return code_index().get(key.replace(" ", "")) or country_from_name(key)
