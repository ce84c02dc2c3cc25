"""Running one GraphQL operation: scope check, unit of work, thread-own event loop, answer.

A query needs `read`, a mutation `steward` (403 before anything runs; every root field checks
again). Queries read; mutations write, each mutation field atomic on a savepoint, and the whole
operation is committed when it is done, or rolled back if a bug broke it (HTTP 500).

Execution runs on the calling worker thread with an event loop of its own: the synchronous
database session never blocks the server's loop, and data loaders still batch per tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import strawberry
from graphql.error import GraphQLSyntaxError
from sqlalchemy import Engine
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graphql import GraphQLError, OperationDefinitionNode, get_operation_ast, parse
from mdm import correlation
from mdm.api.gql_context import Context
from mdm.api.gql_limits import MAX_TOKENS
from mdm.auth.principal import Principal, Scope
from mdm.db import session_scope
from mdm.errors import Forbidden, MDMError
from mdm.golden.search import NameIndex

T = TypeVar("T")
QUERIES_AND_MUTATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


@dataclass(frozen=True)
class Operation:
    """One GraphQL request as sent."""

    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


@dataclass(frozen=True)
class Answer:
    """The HTTP status and GraphQL response body of one operation."""

    status: int
    body: dict[str, Any]


UNPARSED, UNSELECTED = "unparsed", "unselected"


@lru_cache(maxsize=512)
def operation_type(query: str, operation_name: str | None) -> str:
    """`query`, `mutation`, or why there is none to run: the document does not parse (strawberry
    reports where), or no operation or several fit `operation_name`."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError:
        return UNPARSED
    found = get_operation_ast(document, operation_name)
    return found.operation.value if isinstance(found, OperationDefinitionNode) else UNSELECTED


def execute(
    schema: strawberry.Schema,
    engine: Engine,
    names: NameIndex,
    principal: Principal,
    operation: Operation,
    *,
    allowed: frozenset[OperationType] = QUERIES_AND_MUTATIONS,
) -> Answer:
    """Run one operation for `principal` in its own unit of work (call from a worker thread)."""
    kind = operation_type(operation.query, operation.operation_name)
    if kind == UNSELECTED:
        return refused(
            "no single operation to run: name one that the document holds in `operationName`"
        )
    needed = Scope.STEWARD if kind == OperationType.MUTATION.value else Scope.READ
    if not principal.has(needed):
        raise Forbidden(f"this needs the {needed.value} scope; {principal.actor!r} lacks it")
    with session_scope(engine, write=needed == Scope.STEWARD) as session:
        context = Context(session, principal, names)
        result = _on_own_loop(
            schema.execute(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                operation_name=operation.operation_name,
                allowed_operation_types=allowed,
            )
        )
        answer = _answer(result)
        if answer.status >= 500:
            session.rollback()  # a bug left the unit of work unknown: keep none of it
    return answer


def expected(error: GraphQLError) -> bool:
    """Whether an error is the caller's (bad input, not found, no scope) rather than a bug."""
    original = error.original_error
    return original is None or isinstance(original, MDMError | GraphQLError)


def _answer(result: ExecutionResult) -> Answer:
    errors = [_error(e) for e in result.errors or []]
    if any(not expected(e) for e in result.errors or []):
        return failed(500, errors, "internal_error", "unexpected server error")
    if errors and result.data is None:
        # Nothing ran, or a required root field failed: the request itself was bad.
        code = errors[0]["extensions"]["code"]
        return failed(400, errors, code, "; ".join(e["message"] for e in errors))
    body: dict[str, Any] = {"data": result.data}
    if errors:
        body["errors"] = errors
    return Answer(200, body)


def failed(status: int, errors: list[dict[str, Any]], code: str, detail: str) -> Answer:
    """A failed operation in the hub's error shape, carrying the GraphQL `errors` as well."""
    body = {
        "error": code,
        "detail": detail,
        "correlation_id": correlation.get(),
        "data": None,
        "errors": errors,
    }
    return Answer(status, body)


def _error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    original = error.original_error
    if isinstance(original, MDMError):
        formatted["message"] = original.detail
        extensions["code"] = original.code
    elif not expected(error):
        formatted["message"] = "unexpected server error"
        extensions["code"] = "internal_error"
    extensions.setdefault("code", "invalid_query")
    extensions["correlation_id"] = correlation.get()
    formatted["extensions"] = extensions
    return formatted


def refused(message: str) -> Answer:
    """A request strawberry refused before running it (no operation, a mutation over GET)."""
    error = {"message": message, "extensions": {"code": "invalid_query"}}
    return failed(400, [error], "invalid_query", message)


def _on_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on an event loop of its own, on this (worker) thread; ~50 us a request."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
