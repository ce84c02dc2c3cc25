"""The small part of SuiteQL the NetSuite sandbox understands: invoices from `transaction`.

    SELECT item, … FROM transaction WHERE condition [AND condition]
        [ORDER BY id | ORDER BY lastmodifieddate, id]

- An item is a column, `BUILTIN.DF(column)` (the display value: a customer's name, a
  currency's name, a status's name) or `TO_CHAR(column, 'YYYY-MM-DD')` (also
  `'YYYY-MM-DD HH24:MI:SS'`) on a date column, with an optional `[AS] alias`; the two
  functions need one (NetSuite would invent a name for them).
- The conditions are `type = 'CustInvc'`, which is required (the sandbox queries invoices
  only), and optionally `lastmodifieddate >= TO_TIMESTAMP('<moment>', '<format>')` (the
  formats above) or `lastmodifieddate >= '<ISO 8601 moment>'`.
- Columns, with NetSuite's names: id, tranid, externalid, type, entity, currency, memo,
  trandate, duedate, createddate, lastmodifieddate, status, foreigntotal,
  foreignamountunpaid, foreignamountpaid.

Answers are NetSuite's: names in lower case, every value a string, a null column left out of
its row, a reference column as its internal id (a reference the sandbox stored by name only,
like a currency, has none: its bare column is null, `BUILTIN.DF` gives the name), `status` as
its one-letter code (A Open, B Paid In Full, …), and a bare date or date-time column in the
account's date format without the time (NetSuite's default, M/D/YYYY), which is why a reader
asks for `TO_CHAR`. The sandbox's time zone is UTC. Anything outside this grammar is NetSuite's
400 `INVALID_PARAMETER` ("Invalid search query"), never a guess that returns other rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from mdm.sandbox.netsuite_records import NsError
from mdm.sandbox.records import RecordStore, StoredRecord

INVOICE_TYPE = "CustInvc"
# Invoice statuses as SuiteQL codes them (saved searches write them `CustInvc:A`).
STATUS_CODES = {
    "Open": "A",
    "Paid In Full": "B",
    "Pending Approval": "D",
    "Rejected": "E",
    "Voided": "V",
}
# TO_CHAR / TO_TIMESTAMP formats understood, as strftime patterns.
FORMATS = {"YYYY-MM-DD": "%Y-%m-%d", "YYYY-MM-DD HH24:MI:SS": "%Y-%m-%d %H:%M:%S"}
DATE_COLUMNS = ("trandate", "duedate", "createddate", "lastmodifieddate")

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<items>.+?)\s+FROM\s+(?P<table>\S+)\s+WHERE\s+(?P<where>.+?)"
    r"(?:\s+ORDER\s+BY\s+(?P<order>.+?))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ITEM = re.compile(
    rf"^(?:(?P<column>{_NAME})"
    rf"|BUILTIN\.DF\(\s*(?P<display>{_NAME})\s*\)"
    rf"|TO_CHAR\(\s*(?P<formatted>{_NAME})\s*,\s*'(?P<format>[^']*)'\s*\))"
    rf"(?:\s+(?:AS\s+)?(?P<alias>{_NAME}))?$",
    re.IGNORECASE | re.DOTALL,
)
_TYPE = re.compile(r"^type\s*=\s*'(?P<value>[^']*)'$", re.IGNORECASE)
_SINCE = re.compile(
    r"^lastmodifieddate\s*>=\s*(?:TO_TIMESTAMP\(\s*'(?P<stamp>[^']*)'\s*,\s*'(?P<format>[^']*)'"
    r"\s*\)|'(?P<iso>[^']*)')$",
    re.IGNORECASE,
)
_AND = re.compile(r"\s+AND\s+(?=(?:[^']*'[^']*')*[^']*$)", re.IGNORECASE)
_ORDERS = {
    "id": re.compile(r"^id(?:\s+ASC)?$", re.IGNORECASE),
    "lastmodifieddate": re.compile(
        r"^lastmodifieddate(?:\s+ASC)?\s*,\s*id(?:\s+ASC)?$", re.IGNORECASE
    ),
}
_SEARCH_ERROR = "Invalid search query. Detailed unprocessed description follows. Search error"


def _refused(reason: str) -> NsError:
    return NsError(400, "INVALID_PARAMETER", f"{_SEARCH_ERROR} occurred: {reason}")


def _ref_id(value: Any) -> str | None:
    return str(value["id"]) if isinstance(value, dict) and value.get("id") else None


def _ref_name(value: Any) -> str | None:
    return str(value["refName"]) if isinstance(value, dict) and value.get("refName") else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _paid(record: StoredRecord) -> str | None:
    try:
        total = Decimal(str(record.fields["total"]))
        remaining = Decimal(str(record.fields.get("amountRemaining", total)))
    except (KeyError, InvalidOperation):
        return None
    return str(total - remaining)


Reader = Callable[[StoredRecord], Any]
_COLUMNS: dict[str, Reader] = {
    "id": lambda r: r.id,
    "tranid": lambda r: r.fields.get("tranId"),
    "externalid": lambda r: r.fields.get("externalId"),
    "type": lambda _r: INVOICE_TYPE,
    "entity": lambda r: _ref_id(r.fields.get("entity")),
    "currency": lambda r: _ref_id(r.fields.get("currency")),
    "memo": lambda r: r.fields.get("memo"),
    "trandate": lambda r: _day(r.fields.get("tranDate")),
    "duedate": lambda r: _day(r.fields.get("dueDate")),
    "createddate": lambda r: r.created_at,
    "lastmodifieddate": lambda r: r.updated_at,
    "status": lambda r: STATUS_CODES.get(str(r.fields.get("status"))),
    "foreigntotal": lambda r: r.fields.get("total"),
    "foreignamountunpaid": lambda r: r.fields.get("amountRemaining"),
    "foreignamountpaid": _paid,
}


def _entity_name(record: StoredRecord, store: RecordStore) -> str | None:
    customer_id = _ref_id(record.fields.get("entity"))
    customer = store.get("customer", customer_id) if customer_id else None
    return str(customer.fields.get("companyName")) if customer is not None else None


def _currency_name(record: StoredRecord, _store: RecordStore) -> str | None:
    currency = record.fields.get("currency")
    return _ref_name(currency) or _ref_id(currency)


_DISPLAYS: dict[str, Callable[[StoredRecord, RecordStore], Any]] = {
    "entity": _entity_name,
    "currency": _currency_name,
    "status": lambda record, _store: record.fields.get("status"),
}


@dataclass(frozen=True)
class Item:
    """One selected value: a column, maybe through BUILTIN.DF or TO_CHAR, under its name."""

    column: str
    name: str
    display: bool = False
    pattern: str | None = None  # a TO_CHAR format as strftime

    def value(self, record: StoredRecord, store: RecordStore) -> str | None:
        """The value as SuiteQL's JSON gives it: a string, or None (left out of the row)."""
        if self.display:
            shown = _DISPLAYS[self.column](record, store)
            return None if shown is None else str(shown)
        raw = _COLUMNS[self.column](record)
        if raw is None:
            return None
        if isinstance(raw, datetime | date):
            return _date_text(raw, self.pattern)
        return str(raw)


def _date_text(value: date, pattern: str | None) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    if pattern is not None:
        return value.strftime(pattern)
    return f"{value.month}/{value.day}/{value.year}"  # the account's date format, no time


@dataclass(frozen=True)
class SuiteQuery:
    """A parsed query over the sandbox's invoices."""

    items: tuple[Item, ...]
    since: datetime | None
    by_modified: bool  # ORDER BY lastmodifieddate, id (else by id)

    def matches(self, store: RecordStore) -> list[StoredRecord]:
        """The invoices the query selects, in its order (by internal id when it names none)."""
        found = [
            r for r in store.all("invoice") if self.since is None or r.updated_at >= self.since
        ]
        if self.by_modified:
            return sorted(found, key=lambda r: (r.updated_at, int(r.id)))
        return sorted(found, key=lambda r: int(r.id))

    def row(self, record: StoredRecord, store: RecordStore) -> dict[str, str]:
        """One result row, null columns left out."""
        values = {item.name: item.value(record, store) for item in self.items}
        return {name: value for name, value in values.items() if value is not None}


def parse(text: str) -> SuiteQuery:
    """Parse a query, or raise NetSuite's 400 saying what the sandbox does not understand."""
    match = _QUERY.match(text)
    if match is None:
        raise _refused("expected SELECT items FROM transaction WHERE type = 'CustInvc' [...]")
    if match["table"].lower() != "transaction":
        raise _refused(f"Record '{match['table']}' was not found.")
    items = tuple(_item(part) for part in _split_items(match["items"]))
    names = [item.name for item in items]
    if len(set(names)) != len(names):
        raise _refused("a column name is selected twice.")
    since = _where(match["where"])
    return SuiteQuery(items, since, _by_modified(match["order"]))


def _split_items(text: str) -> list[str]:
    """The select list split at its top-level commas (not those inside parentheses or quotes)."""
    parts, depth, quoted, start = [], 0, False, 0
    for at, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            parts.append(text[start:at])
            start = at + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _item(text: str) -> Item:
    match = _ITEM.match(text)
    if match is None:
        raise _refused(f"unsupported select item {text!r}.")
    column = (match["column"] or match["display"] or match["formatted"]).lower()
    if column not in _COLUMNS:
        raise _refused(f"Field '{column}' for record 'transaction' was not found.")
    alias = match["alias"].lower() if match["alias"] else None
    if match["column"]:
        return Item(column, alias or column)
    if alias is None:
        raise _refused(f"give {text!r} an alias (… AS name).")
    if match["display"]:
        if column not in _DISPLAYS:
            raise _refused(f"BUILTIN.DF is supported on {', '.join(_DISPLAYS)} only.")
        return Item(column, alias, display=True)
    if column not in DATE_COLUMNS:
        raise _refused(f"TO_CHAR takes a date column, not {column}.")
    return Item(column, alias, pattern=_pattern(match["format"]))


def _pattern(oracle_format: str) -> str:
    pattern = FORMATS.get(oracle_format.upper())
    if pattern is None:
        raise _refused(f"unsupported date format {oracle_format!r} (use one of {list(FORMATS)}).")
    return pattern


def _where(text: str) -> datetime | None:
    """The `lastmodifieddate` lower bound, once `type = 'CustInvc'` is found among the terms."""
    typed, since = False, None
    for term in (part.strip() for part in _AND.split(text.strip())):
        if (type_match := _TYPE.match(term)) is not None and not typed:
            if type_match["value"] != INVOICE_TYPE:
                raise _refused("the sandbox's SuiteQL reads invoices only (type = 'CustInvc').")
            typed = True
        elif (since_match := _SINCE.match(term)) is not None and since is None:
            since = _moment(since_match["stamp"], since_match["format"], since_match["iso"])
        else:
            raise _refused(f"unsupported condition {term!r}.")
    if not typed:
        raise _refused("the sandbox's SuiteQL needs type = 'CustInvc'.")
    return since


def _moment(stamp: str | None, oracle_format: str | None, iso: str | None) -> datetime:
    try:
        if stamp is not None and oracle_format is not None:
            moment = datetime.strptime(stamp, _pattern(oracle_format))
        else:
            moment = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError as exc:
        raise _refused(f"invalid date-time {stamp or iso!r}.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _by_modified(order: str | None) -> bool:
    if order is None or _ORDERS["id"].match(order.strip()):
        return False
    if _ORDERS["lastmodifieddate"].match(order.strip()):
        return True
    raise _refused(f"unsupported ORDER BY {order!r} (id, or lastmodifieddate, id).")
