"""`column IN (a list bound at execution)`, the list passed as one parameter where it can be.

Resolve on ingest reads by lists of ids some fifty times a batch, 500 ids at a time. An
expanding IN (SQLAlchemy's `bindparam(..., expanding=True)`) rewrites the statement's text and
binds every id as a parameter of its own on each execution; in a batch that costs about as
much Python as reading the rows. On SQLite the list goes in as one JSON array instead, read by
`json_each`, so the statement's text stays as compiled and the driver binds one string; SQLite
plans `x IN (SELECT value FROM json_each(?))` as a seek per value, like a list of literals.
Other databases keep the expanding IN.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Dialect, Text, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator


class _JsonArray(TypeDecorator[Any]):
    """A list of ids bound as the text of a JSON array."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Iterable[Any] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(list(value))


class InList(ColumnElement[bool]):
    """`column IN (:name)`, where `:name` is bound to a list when the statement runs."""

    inherit_cache = True
    type = Boolean()
    # what makes two of them the same statement, for SQLAlchemy's cache of compiled forms
    _traverse_internals: list[tuple[str, InternalTraversal]] = [  # noqa: RUF012 (as declared)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name

    def self_group(self, against: Any = None) -> ColumnElement[Any]:
        # a comparison, as `column.in_(...)` is: no "= 1" where booleans are integers, which
        # would turn every seek into a scan; IN binds tighter than AND and OR
        return self


def in_list(column: Any, name: str = "ids") -> InList:
    """`column IN (...)` for the list bound as `name` at execution (build it once)."""
    return InList(column, name)


@compiles(InList)
def _expanding(element: InList, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(InList, "sqlite")
def _json_each(element: InList, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    values = compiler.process(bindparam(element.name, type_=_JsonArray()), **kw)
    return f"{column} IN (SELECT value FROM json_each({values}))"
