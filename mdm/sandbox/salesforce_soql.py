"""The small part of SOQL the sandbox understands: one object, plain fields, ANDed conditions.

`SELECT f1, f2 FROM Obj [WHERE c1 AND c2 …] [ORDER BY f [ASC|DESC]] [LIMIT n]`, where a
condition is `field op literal` (op one of = != < <= > >=) or `field IN (literal, …)`, and a
literal is a quoted string, true/false/null, a number, a date or a datetime. Anything else is a
`SoqlError` (the API answers MALFORMED_QUERY), never a guess.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDER\s+BY\s+(?P<order>\w+)(?:\s+(?P<direction>ASC|DESC))?)?"
    r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*(?:(?P<op>!=|<=|>=|=|<|>)\s*(?P<value>.+?)"
    r"|\s+IN\s*\((?P<values>.*)\))\s*$",
    re.IGNORECASE | re.DOTALL,
)
_AND = re.compile(r"\s+AND\s+(?=(?:[^']*'[^']*')*[^']*$)", re.IGNORECASE)
_ITEM = re.compile(r"\s*('(?:[^'\\]|\\.)*'|[^,]+?)\s*(?:,|$)")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class SoqlError(ValueError):
    """The query is not SOQL this sandbox understands."""


@dataclass(frozen=True)
class Condition:
    """`field op value`, or `field IN values` (op "IN", value a tuple)."""

    field: str
    op: str
    value: Any


@dataclass(frozen=True)
class Query:
    """A parsed query."""

    fields: tuple[str, ...]
    sobject: str
    conditions: tuple[Condition, ...]
    order_by: str | None
    descending: bool
    limit: int | None

    def names(self) -> set[str]:
        """Every field the query mentions (each must exist on the object)."""
        named = {*self.fields, *(c.field for c in self.conditions)}
        return named | ({self.order_by} if self.order_by else set())


def parse(text: str) -> Query:
    """Parse one query, or raise SoqlError saying what is wrong."""
    match = _QUERY.match(text)
    if match is None:
        raise SoqlError("unexpected token: expected SELECT fields FROM object [WHERE …]")
    fields = tuple(f.strip() for f in match["fields"].split(","))
    if not all(re.fullmatch(r"\w+", f) for f in fields):
        raise SoqlError("only plain field names may be selected")
    where = match["where"]
    conditions = tuple(_condition(part) for part in _AND.split(where)) if where else ()
    return Query(
        fields=fields,
        sobject=match["object"],
        conditions=conditions,
        order_by=match["order"],
        descending=(match["direction"] or "").upper() == "DESC",
        limit=int(match["limit"]) if match["limit"] else None,
    )


def _condition(text: str) -> Condition:
    match = _CONDITION.match(text)
    if match is None:
        raise SoqlError(f"unexpected condition: {text.strip()}")
    if match["values"] is not None:
        items = [m.group(1) for m in _ITEM.finditer(match["values"]) if m.group(1)]
        if not items:
            raise SoqlError("IN needs at least one value")
        return Condition(match["field"], "IN", tuple(literal(item) for item in items))
    return Condition(match["field"], match["op"], literal(match["value"]))


def literal(text: str) -> Any:
    """The Python value of a SOQL literal."""
    token = text.strip()
    if len(token) >= 2 and token[0] == token[-1] == "'":
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if _DATETIME.match(token):
        return datetime.fromisoformat(token.replace("Z", "+00:00"))
    if _DATE.match(token):
        return date.fromisoformat(token)
    if _NUMBER.match(token):
        return float(token)
    raise SoqlError(f"unexpected literal: {token}")


def holds(condition: Condition, value: Any) -> bool:
    """Whether a record's value satisfies the condition (a null only equals null)."""
    if condition.op == "IN":
        return value in condition.value
    if value is None or condition.value is None:
        return condition.op in ("=", "!=") and OPERATORS[condition.op](value, condition.value)
    try:
        return OPERATORS[condition.op](value, condition.value)
    except TypeError as exc:
        raise SoqlError(f"cannot compare {condition.field} with {condition.value!r}") from exc
