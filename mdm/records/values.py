"""Parse canonical cells into typed values; what does not parse is kept raw with a warning."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from matching.normalize import (
    normalize_country,
    normalize_email_domain,
    normalize_org_name,
    normalize_phone,
    normalize_tax_id,
    normalize_website_domain,
)

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_AMOUNT = Decimal(10) ** 16
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")

BILLING_METHODS = {
    "time_and_materials": ("t&m", "tm", "t and m", "time and materials", "time & materials"),
    "fixed_fee": ("fixed fee", "fixed price", "fixed", "ff"),
    "milestone": ("milestones", "milestone billing"),
    "retainer": ("retainers",),
}
CONTRACT_TYPES = {
    "MSA": ("master services agreement", "master service agreement", "msa"),
    "SOW": ("statement of work", "sow"),
    "change_order": ("change order", "change request", "co", "change_order"),
}


@dataclass
class Parsed:
    """Typed values for the canonical table, and what could not be parsed."""

    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def keep_raw(self, column: str, raw: str, why: str) -> None:
        """Store the raw text and say so."""
        self.values[column] = raw
        self.warnings.append(f"{column}: {why}; kept as given ({raw!r})")


def parse_date(raw: str) -> date | None:
    """ISO 8601 date, or the date part of an ISO datetime."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def parse_decimal(raw: str) -> Decimal | None:
    """A plain decimal, or one grouped with commas (`1,250,000.00`)."""
    text = raw.replace(" ", "")
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # The canonical amounts are NUMERIC(18, 2): anything larger is not a real budget or value.
    return value if value.is_finite() and abs(value) < MAX_AMOUNT else None


Parser = Callable[[Parsed, str, str, dict[str, str]], None]


def _choice(raw: str, table: dict[str, tuple[str, ...]]) -> str | None:
    key = raw.strip().lower().replace("-", " ").replace("_", " ")
    for canonical, aliases in table.items():
        if key == canonical.lower().replace("_", " ") or key in aliases:
            return canonical
    return None


def _parse_country(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
    code = normalize_country(raw)
    if code is None:
        parsed.keep_raw(column, raw, "not a recognised country")
    else:
        parsed.values[column] = code


def _parse_phone(parsed: Parsed, column: str, raw: str, row: dict[str, str]) -> None:
    phone = normalize_phone(raw, normalize_country(row.get("country")))
    if phone is None:
        parsed.keep_raw(column, raw, "not a valid phone number")
    else:
        parsed.values[column] = phone


def _parse_email(parsed: Parsed, column: str, raw: str, row: dict[str, str]) -> None:
    if not _EMAIL.match(raw):
        parsed.keep_raw(column, raw, "not an e-mail address")
        return
    parsed.values[column] = raw.lower()
    # A website with a domain overrides the mailbox's (see _parse_website): don't read it then.
    website = row.get("website")
    if not website or normalize_website_domain(website) is None:
        parsed.values.setdefault("domain", normalize_email_domain(raw))


def _parse_website(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
    domain = normalize_website_domain(raw)
    parsed.values[column] = raw
    if domain is None:
        parsed.warnings.append(f"{column}: no web domain in {raw!r}")
    else:
        # A company's own website says more about it than a contact's mailbox does.
        parsed.values["domain"] = domain


def _parse_tax_id(parsed: Parsed, column: str, raw: str, row: dict[str, str]) -> None:
    tax_id = normalize_tax_id(raw, normalize_country(row.get("country")))
    if tax_id is None:
        parsed.keep_raw(column, raw, "not a valid tax id for its country")
    else:
        parsed.values[column] = tax_id


def _parse_currency(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
    code = raw.strip().upper()
    if _CURRENCY.match(code):
        parsed.values[column] = code
    else:
        parsed.keep_raw(column, raw, "not an ISO 4217 currency code")


def _parse_date(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
    value = parse_date(raw)
    if value is None:
        parsed.warnings.append(f"{column}: not an ISO date; kept only in the record ({raw!r})")
    parsed.values[column] = value


def _parse_decimal(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
    value = parse_decimal(raw)
    if value is None:
        parsed.warnings.append(f"{column}: not a number; kept only in the record ({raw!r})")
    parsed.values[column] = value


def _choice_parser(table: dict[str, tuple[str, ...]]) -> Parser:
    """A parser that maps known spellings to one of `table`'s values, else keeps the raw text."""

    def parse(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
        choice = _choice(raw, table)
        if choice is None:
            parsed.keep_raw(column, raw, f"not one of {', '.join(table)}")
        else:
            parsed.values[column] = choice

    return parse


def _parse_customer_name(parsed: Parsed, column: str, raw: str, _row: dict[str, str]) -> None:
    parsed.values[column] = raw
    org = normalize_org_name(raw)
    if org is not None and org.legal_form:
        parsed.values["legal_form"] = org.legal_form


PARSERS: dict[str, Parser] = {
    "country": _parse_country,
    "phone": _parse_phone,
    "email": _parse_email,
    "website": _parse_website,
    "tax_id": _parse_tax_id,
    "currency": _parse_currency,
    "start_date": _parse_date,
    "end_date": _parse_date,
    "budget": _parse_decimal,
    "value": _parse_decimal,
    "billing_method": _choice_parser(BILLING_METHODS),
    "contract_type": _choice_parser(CONTRACT_TYPES),
}


_KEYS = frozenset({"source_system", "source_id"})


# Each non-key column with its parser (None: kept as text).
Parsers = tuple[tuple[str, Parser | None], ...]


@lru_cache(maxsize=16)
def parsers_for(entity: str, columns: tuple[str, ...]) -> Parsers:
    """The parsers of an entity type's columns, chosen once per entity type."""
    chosen: list[tuple[str, Parser | None]] = []
    for column in columns:
        if column in _KEYS:
            continue
        parser = PARSERS.get(column)
        if entity == "customer" and column == "name":
            parser = _parse_customer_name
        chosen.append((column, parser))
    return tuple(chosen)


def parse_row(entity: str, row: dict[str, str], columns: tuple[str, ...]) -> Parsed:
    """Typed values for every filled canonical column of `row` (keys excluded)."""
    return parse_cells(row, parsers_for(entity, columns))


def parse_cells(row: dict[str, str], parsers: Parsers) -> Parsed:
    """`parse_row` with the parsers chosen already (a caller parsing many rows keeps them)."""
    parsed = Parsed()
    values = parsed.values
    for column, parser in parsers:
        raw = row.get(column)
        if not raw:
            continue
        if parser is None:  # most columns: plain text, no call needed
            values[column] = raw
        else:
            parser(parsed, column, raw, row)
    _check_date_order(parsed)
    return parsed


def _check_date_order(parsed: Parsed) -> None:
    start, end = parsed.values.get("start_date"), parsed.values.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        parsed.warnings.append(f"end_date {end} is before start_date {start}")
