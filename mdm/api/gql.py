"""GraphQL at `/graphql`: the hub's schema, assembled from its features, and its HTTP routes.

Each request is authenticated first (401 without credentials, before the body is read), then
run by `mdm.api.gql_exec` (scopes per operation type, one unit of work, limits). HTTP status:
200 with `{data, errors}` once the operation ran (a field's expected error, e.g. `not_found`,
is in `errors`); 400 when the request or document is bad (syntax, validation, depth, cost);
401/403/413 in the hub's error shape; 500 only for a bug, with nothing committed.

`python -m mdm.api.gql` prints the schema (SDL) that `graphql/schema.graphql` holds.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Annotated, Any

import strawberry
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from graphql import GraphQLError
from mdm.api.body import read_limited
from mdm.api.gql_exec import QUERIES_AND_MUTATIONS, Operation, execute, expected, refused
from mdm.api.gql_limits import extensions
from mdm.api.openapi import error_response, error_responses
from mdm.auth.deps import PrincipalDep
from mdm.auth.principal import Principal
from mdm.errors import InvalidInput, MalformedRequest
from mdm.golden.gql import GoldenMutation, GoldenQuery
from mdm.golden.gql_types import NODE_TYPES
from mdm.golden.search import NameIndex
from mdm.resolution.gql import CandidateMutation, CandidateQuery
from mdm.settings import Settings
from mdm.sync.gql import SyncQuery

log = logging.getLogger("mdm.graphql")


@strawberry.type(
    name="Query", description="Read golden records, cross-references and the review queue."
)
class RootQuery(GoldenQuery, CandidateQuery, SyncQuery):
    pass


@strawberry.type(
    name="Mutation", description="Steward decisions; each returns its result or an `Error`."
)
class RootMutation(GoldenMutation, CandidateMutation):
    pass


class HubSchema(strawberry.Schema):
    """The schema; it logs only unexpected errors (bad input is the caller's, not ours)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log resolver failures that are bugs, with their traceback."""
        for error in errors:
            if not expected(error):
                log.error(
                    "graphql resolver failed: %s", error.message, exc_info=error.original_error
                )


schema = HubSchema(
    query=RootQuery,
    mutation=RootMutation,
    types=NODE_TYPES,
    extensions=[
        *extensions(),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    ],
)

SDL_HEADER = (
    "# The hub's GraphQL schema in SDL, exported from the strawberry schema in mdm/api/gql.py\n"
    "# (`python -m mdm.api.gql > graphql/schema.graphql`); a test fails when the two drift.\n"
    "# Operations that downstream systems use live in graphql/operations/*.graphql.\n"
    "# No Python in this folder, ever: a Python package named `graphql` shadows graphql-core.\n"
)


def sdl() -> str:
    """The schema in SDL, as `graphql/schema.graphql` holds it."""
    return f"{SDL_HEADER}\n{schema.as_str()}\n"


_REFUSALS = (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError)
MAX_BODY = 1024 * 1024  # a GraphQL document is small; the token limit applies after parsing
router = APIRouter(tags=["graphql"])
_names_lock = threading.Lock()
_BOTH = QUERIES_AND_MUTATIONS
_QUERIES = frozenset({OperationType.QUERY})


def names_of(app: Any) -> NameIndex:
    """The app's search index (made on first use)."""
    with _names_lock:
        index: NameIndex | None = getattr(app.state, "name_index", None)
        if index is None:
            index = app.state.name_index = NameIndex()
    return index


def _serve(
    request: Request, principal: Principal, operation: Operation, allowed: frozenset[OperationType]
) -> JSONResponse:
    engine, names = request.app.state.engine, names_of(request.app)
    try:
        answer = execute(schema, engine, names, principal, operation, allowed=allowed)
    except _REFUSALS as exc:
        answer = refused(str(exc))
    return JSONResponse(answer.body, status_code=answer.status)


def _from_json(body: bytes) -> Operation:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedRequest(f"body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise InvalidInput("send one operation as a JSON object; batches are not supported")
    return _operation(payload.get("query"), payload.get("variables"), payload.get("operationName"))


def _operation(query: Any, variables: Any, name: Any) -> Operation:
    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("`query` must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise InvalidInput("`variables` must be a JSON object")
    if name is not None and not isinstance(name, str):
        raise InvalidInput("`operationName` must be a string")
    return Operation(query, variables, name)


class GraphQLOut(BaseModel):
    """A GraphQL response: `data`, and `errors` when a field failed (see `extensions.code`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": {
                        "lookup": {
                            "id": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA",
                            "externalIds": ["C-10442"],
                        }
                    }
                }
            ]
        }
    )

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] | None = None


_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["query"],
                "properties": {
                    "query": {"type": "string", "minLength": 1},
                    "variables": {"type": ["object", "null"]},
                    "operationName": {"type": ["string", "null"]},
                },
            },
            "example": {
                "query": "query ($id: ID!) { goldenRecord(id: $id) { id entityType } }",
                "variables": {"id": "cus_01JD3X6Q2M4T7V9B8N5C1K0HZA"},
            },
        }
    },
}
_INVALID = "A document that does not parse, validate or keep to the depth and cost limits"
_RESPONSES = {
    400: error_response(400, _INVALID, "invalid_query", "query cost 34100 is over the limit"),
    **error_responses(401, 403, 413, 422),
}


@router.post(
    "/graphql",
    response_model=GraphQLOut,
    response_model_exclude_none=True,
    summary="Run a GraphQL query or mutation",
    responses=_RESPONSES,
    openapi_extra={"requestBody": _BODY},
)
async def graphql_post(request: Request, principal: PrincipalDep) -> JSONResponse:
    """One operation as `{query, variables, operationName}` (schema: graphql/schema.graphql).

    Queries need `read`, mutations `steward`. A 400 answer carries the GraphQL `errors` too.
    """
    settings: Settings = request.app.state.settings
    body = await read_limited(request, min(MAX_BODY, settings.max_request_bytes))
    return await run_in_threadpool(_serve, request, principal, _from_json(body), _BOTH)


@router.get(
    "/graphql",
    response_model=GraphQLOut,
    response_model_exclude_none=True,
    summary="Run a GraphQL query from the URL",
    responses=_RESPONSES,
)
async def graphql_get(
    request: Request,
    principal: PrincipalDep,
    query: Annotated[str, Query(min_length=1, max_length=MAX_BODY)],
    variables: Annotated[str | None, Query(description="A JSON object")] = None,
    operation_name: Annotated[str | None, Query(alias="operationName")] = None,
) -> JSONResponse:
    """A query (never a mutation: POST those) from the URL, for caching proxies and browsers."""
    parsed: Any = None
    if variables is not None:
        try:
            parsed = json.loads(variables)
        except ValueError as exc:
            raise MalformedRequest(f"variables are not valid JSON: {exc}") from exc
    operation = _operation(query, parsed, operation_name)
    return await run_in_threadpool(_serve, request, principal, operation, _QUERIES)


if __name__ == "__main__":
    print(sdl(), end="")
