"""The record listing's `q` filter, a small subset of NetSuite's: `field OP value [AND ...]`.

Operators: IS, IS_NOT, START_WITH for text; AFTER, ON_OR_AFTER, BEFORE, ON_OR_BEFORE for
dates (`dateCreated`, `lastModifiedDate`, or ISO dates in body fields such as `tranDate`).
Anything else is refused with NetSuite's 400, never ignored (a silently ignored filter would
return everything).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mdm.sandbox.netsuite_records import NsError
from mdm.sandbox.records import StoredRecord

Condition = Callable[[StoredRecord], bool]
_CLAUSE = re.compile(r'^\s*([A-Za-z][A-Za-z0-9_]*)\s+([A-Z_]+)\s+(?:"([^"]*)"|(\S+))\s*$')
_TEXT_OPS: dict[str, Callable[[str, str], bool]] = {
    "IS": lambda have, want: have == want,
    "IS_NOT": lambda have, want: have != want,
    "START_WITH": lambda have, want: have.startswith(want),
}
_DATE_OPS: dict[str, Callable[[datetime, datetime], bool]] = {
    "AFTER": lambda have, want: have > want,
    "ON_OR_AFTER": lambda have, want: have >= want,
    "BEFORE": lambda have, want: have < want,
    "ON_OR_BEFORE": lambda have, want: have <= want,
}


def parse(q: str | None) -> Condition:
    """A predicate over records for the `q` parameter (all records when it is empty)."""
    if not q or not q.strip():
        return lambda _record: True
    clauses = [_clause(part) for part in re.split(r"\s+AND\s+", q.strip())]
    return lambda record: all(clause(record) for clause in clauses)


def _clause(text: str) -> Condition:
    match = _CLAUSE.match(text)
    if match is None:
        raise NsError(400, "INVALID_PARAMETER", f"Invalid query: {text!r}.")
    name, op, quoted, bare = match.groups()
    value = quoted if quoted is not None else bare
    if op in _TEXT_OPS:
        text_op = _TEXT_OPS[op]
        return lambda record: text_op(str(_field(record, name) or ""), value)
    if op in _DATE_OPS:
        date_op, want = _DATE_OPS[op], _moment(value)

        def compare(record: StoredRecord) -> bool:
            have = _field(record, name)
            return have is not None and date_op(_moment(str(have)), want)

        return compare
    raise NsError(400, "INVALID_PARAMETER", f"Unsupported query operator {op}.")


def _field(record: StoredRecord, name: str) -> Any:
    if name == "lastModifiedDate":
        return record.updated_at.isoformat()
    if name == "dateCreated":
        return record.created_at.isoformat()
    if name == "id":
        return record.id
    return record.fields.get(name)


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise NsError(400, "INVALID_PARAMETER", f"Invalid date: {value!r}.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
