"""The closed set of value transforms a mapping may apply: no code, no eval."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

# Applied in order to a present value; `None` means "absent" and ends the chain.
Transform = Callable[[str], str | None]

_EPOCH_MS = re.compile(r"^/Date\((-?\d+)\)/$|^(-?\d{12,14})$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$")
# Dynamics 365 Finance stores "no date" as 1900-01-01; NetSuite and others never emit it.
_NULL_DATES: Final = frozenset({"1900-01-01", "0001-01-01"})
_NUMBER_NOISE = re.compile(r"[\s'_\u00a0\u202f]")
_CURRENCY_SIGNS: Final = "$€£¥"
_MAX_DIGITS: Final = 40


def strip(value: str) -> str | None:
    """Trim and collapse whitespace; line breaks (multi-line streets) become `, `."""
    lines = (" ".join(line.split()) for line in value.splitlines())
    text = ", ".join(line for line in lines if line)
    return text or None


def lower(value: str) -> str | None:
    """Lower-case the value."""
    return value.lower()


def upper(value: str) -> str | None:
    """Upper-case the value."""
    return value.upper()


def to_iso_date(value: str, formats: tuple[str, ...] = ()) -> str | None:
    """A vendor date or datetime as `YYYY-MM-DD`; text that is no date is kept raw for ingest.

    A datetime keeps the calendar day it was written in: converting zones would move a
    project that starts at local midnight to the day before.
    """
    text = value.strip()
    if not text:
        return None
    iso = _ISO_DATE.match(text)
    if iso:
        day = iso.group(1)
        if day in _NULL_DATES:
            return None
        try:
            return date.fromisoformat(day).isoformat()
        except ValueError:
            return text
    epoch = _EPOCH_MS.match(text)
    if epoch:
        millis = int(epoch.group(1) or epoch.group(2))
        try:
            return datetime.fromtimestamp(millis / 1000, tz=UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):
            return text
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    # Not ours to reject: the ingest service keeps unparseable values raw with a warning.
    return text


def to_number(value: str, divide_by: Decimal | None = None) -> str | None:
    """A decimal as plain text without separators (`1,250.50` -> `1250.5`); non-numbers kept raw."""
    text = value.strip()
    if not text:
        return None
    try:
        number = Decimal(_plain_digits(text))
    except InvalidOperation:
        return text
    # A huge exponent (1e999999) would expand to a gigabyte of digits: keep it raw.
    if not number.is_finite() or abs(number.adjusted()) > _MAX_DIGITS:
        return text
    if divide_by is not None:
        number = number / divide_by
    return format_decimal(number)


def _plain_digits(text: str) -> str:
    """Drop currency signs and group separators; the decimal mark becomes `.`."""
    body = _NUMBER_NOISE.sub("", text.strip(_CURRENCY_SIGNS + " "))
    if "," in body and "." in body:
        # Whichever mark comes last is the decimal one: 1,234.5 and 1.234,5.
        group = "," if body.rfind(",") < body.rfind(".") else "."
        return body.replace(group, "").replace(",", ".")
    if "," in body:
        whole, _, tail = body.rpartition(",")
        grouped = body.count(",") > 1 or len(tail) == 3
        return body.replace(",", "") if grouped else f"{whole}.{tail}"
    if body.count(".") > 1:
        return body.replace(".", "")
    return body


def format_decimal(number: Decimal) -> str:
    """Fixed-point text with no exponent and no trailing zeros."""
    normal = number.normalize()
    text = format(normal, "f")
    return "0" if text in {"-0", ""} else text


def map_value(value: str, table: Mapping[str, str]) -> str | None:
    """Translate via a value table (exact, then case-insensitive); unknown values pass."""
    if value in table:
        return table[value]
    folded = {key.casefold(): target for key, target in table.items()}
    return folded.get(value.casefold(), value)
