"""Standardize step: raw canonical records to the prepared features the settings name."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import pandas as pd

from matching.config import FieldSpec, MatchSettings
from matching.normalize import (
    fold_text,
    is_free_mail_registrable,
    local_legal_form,
    normalize_city,
    normalize_country,
    normalize_email_domain,
    normalize_org_name,
    normalize_phone,
    normalize_postcode,
    normalize_street,
    normalize_tax_id,
    normalize_website_domain,
)

LEGAL_FORM_SUFFIX = "_legal_form"
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_DIGITS = re.compile(r"[^0-9]+")
_NUMBER = re.compile(r"[0-9]+")


def clean_raw(value: object) -> str | None:
    """A raw cell as stripped text; None when it is missing or blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


Read = Callable[[str | None], str | None]
ReadIn = Callable[[str | None, str | None], str | None]


def _domain(
    raw: str, email: Read = normalize_email_domain, website: Read = normalize_website_domain
) -> str | None:
    # an e-mail at a free-mail provider says nothing about the organisation
    domain = email(raw) if "@" in raw else website(raw)
    return None if domain is None or is_free_mail_registrable(domain) else domain


def _phone(raw: str, country: str | None, read: ReadIn = normalize_phone) -> str | None:
    # without a country a national number cannot be put in E.164; its digits still compare
    e164 = read(raw, country)
    if e164 is not None:
        return e164
    digits = _DIGITS.sub("", raw)
    return digits if len(digits) >= 7 else None


def _identifier(raw: str) -> str | None:
    return _NON_ALNUM.sub("", raw).upper() or None


def _date(raw: str) -> str | None:
    digits = _DIGITS.sub("", raw)
    return digits if len(digits) == 8 else None


def _number(raw: str) -> str | None:
    try:
        return f"{float(raw.replace(',', '')):g}"
    except ValueError:
        return None


def _numbers_in_text(raw: str) -> str | None:
    # "Phase 2", "2025", "SOW 3": a follow-on differs from its predecessor in these numbers;
    # "-" stands for "no number", which is information too (so not missing)
    numbers = sorted({n.lstrip("0") or "0" for n in _NUMBER.findall(raw)})
    return " ".join(numbers) or "-"


def _text(raw: str) -> str | None:
    return fold_text(raw) or None


# Standardizers of one raw value, and those that read the value in its record's country.
SIMPLE: dict[str, Callable[[str], str | None]] = {
    "person_name": _text,
    "text": _text,
    "domain": _domain,
    "street": normalize_street,
    "city": normalize_city,
    "identifier": _identifier,
    "date": _date,
    "number": _number,
    "country": normalize_country,
    "numbers_in_text": _numbers_in_text,
}
IN_COUNTRY: dict[str, Callable[[str, str | None], str | None]] = {
    "phone": _phone,
    "postcode": normalize_postcode,
    "tax_id": normalize_tax_id,
}


def _uncached(convert: Callable[..., str | None]) -> Callable[..., str | None]:
    return getattr(convert, "__wrapped__", convert)  # functools caches keep the original here


# The same standardizers without their caches, for callers that pass each value once (the batch
# path standardizes distinct values): there a cache only costs its upkeep, a microsecond a value.
SIMPLE_ONCE: dict[str, Callable[[str], str | None]] = {
    **{name: _uncached(convert) for name, convert in SIMPLE.items()},
    "domain": partial(
        _domain,
        email=_uncached(normalize_email_domain),
        website=_uncached(normalize_website_domain),
    ),
}
IN_COUNTRY_ONCE: dict[str, Callable[[str, str | None], str | None]] = {
    **{name: _uncached(read) for name, read in IN_COUNTRY.items()},
    "phone": partial(_phone, read=_uncached(normalize_phone)),
}


def _first_present(records: pd.DataFrame, columns: tuple[str, ...]) -> list[str | None]:
    present = [c for c in columns if c in records.columns]
    out: list[str | None] = [None] * len(records)
    for column in reversed(present):
        for i, value in enumerate(records[column].tolist()):
            text = clean_raw(value)
            if text is not None:
                out[i] = text
    return out


def _country_of(
    settings: MatchSettings, prepared: dict[str, list[str | None]], n: int
) -> list[str | None]:
    if settings.country_field and settings.country_field in prepared:
        return prepared[settings.country_field]
    return [None] * n


def _prepare_field(
    spec: FieldSpec, raw: list[str | None], country: list[str | None]
) -> dict[str, list[str | None]]:
    if spec.standardizer == "org_name":
        names = [normalize_org_name(v) if v else None for v in raw]
        return {
            spec.name: [n.clean or None if n else None for n in names],
            # in its own country: a Japanese "Corporation" is the same form as a K.K.
            spec.name + LEGAL_FORM_SUFFIX: [
                local_legal_form(n.legal_form, c) if n else None
                for n, c in zip(names, country, strict=True)
            ],
        }
    if spec.standardizer in IN_COUNTRY:
        read = IN_COUNTRY[spec.standardizer]
        return {spec.name: [read(v, c) if v else None for v, c in zip(raw, country, strict=True)]}
    convert = SIMPLE[spec.standardizer]
    return {spec.name: [convert(v) if v else None for v in raw]}


def prepare(records: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Prepared features, one row per record in the same order, None where unknown."""
    prepared: dict[str, list[str | None]] = {}
    # countries first: phones, postcodes and tax ids are read in their record's country
    ordered = sorted(settings.fields, key=lambda f: f.standardizer != "country")
    for spec in ordered:
        raw = _first_present(records, spec.columns)
        prepared.update(_prepare_field(spec, raw, _country_of(settings, prepared, len(records))))
    if settings.parent_field and settings.parent_field not in prepared:
        prepared[settings.parent_field] = _first_present(records, (settings.parent_field,))
    return pd.DataFrame(prepared, index=range(len(records)), dtype=object)
