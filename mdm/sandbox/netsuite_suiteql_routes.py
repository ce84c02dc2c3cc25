"""The sandbox's SuiteQL endpoint: `POST /services/rest/query/v1/suiteql?limit=&offset=`.

The body is `{"q": "SELECT …"}` in the grammar of `netsuite_suiteql`, sent with the header
`Prefer: transient`, which NetSuite requires (the sandbox refuses a query without it, so a
client that forgets learns it here). The answer is NetSuite's page: `links` (first, prev, next,
last, self), `count`, `hasMore`, `offset`, `totalResults` and `items`, each row with its own
empty `links`. `limit` defaults to 1000 and may not exceed it, as on NetSuite. The route sits
behind the sandbox's auth, fault injection, request log and concurrency limit like any other.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse

from mdm.sandbox import netsuite_suiteql
from mdm.sandbox.core import SandboxDep
from mdm.sandbox.netsuite_http import from_error
from mdm.sandbox.netsuite_records import NsError

SUITEQL_PATH = "/services/rest/query/v1/suiteql"
MAX_PAGE = 1000  # NetSuite's largest SuiteQL page
router = APIRouter()


def _documented_error(status: int, title: str, code: str, detail: str) -> dict[str, Any]:
    body = {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110.html#status.{status}",
        "title": title,
        "status": status,
        "o:errorDetails": [{"detail": detail, "o:errorCode": code}],
    }
    return {"description": title, "content": {"application/json": {"example": body}}}


_EXAMPLE = {
    "links": [{"rel": "self", "href": f"{SUITEQL_PATH}?limit=1000&offset=0"}],
    "count": 1,
    "hasMore": False,
    "items": [
        {
            "links": [],
            "id": "80001",
            "tranid": "INV80001",
            "foreigntotal": "1750.50",
            "foreignamountunpaid": "750.50",
            "status": "A",
        }
    ],
    "offset": 0,
    "totalResults": 1,
}
_BAD_QUERY = "Invalid search query. Detailed unprocessed description follows. Search error …"
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"example": _EXAMPLE}}},
    400: _documented_error(400, "Bad Request", "INVALID_PARAMETER", _BAD_QUERY),
    401: _documented_error(401, "Unauthorized", "INVALID_LOGIN", "Session expired or invalid"),
    429: _documented_error(
        429, "Too Many Requests", "CONCURRENCY_LIMIT_EXCEEDED", "Request limit exceeded."
    ),
}


@router.post(SUITEQL_PATH, summary="Run a SuiteQL query over invoices", responses=_RESPONSES)
def suiteql(
    request: Request,
    sandbox: SandboxDep,
    body: Annotated[Any, Body()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """A page of the query's rows: `limit` of them from `offset`."""
    try:
        query = netsuite_suiteql.parse(_query_text(request, body))
        with sandbox.store.lock:  # one snapshot, so the page and the total agree
            matches = query.matches(sandbox.store)
            rows = [query.row(record, sandbox.store) for record in matches[offset : offset + limit]]
    except NsError as error:
        return from_error(error)
    return JSONResponse(
        {
            "links": _links(request, offset, limit, len(matches)),
            "count": len(rows),
            "hasMore": offset + len(rows) < len(matches),
            "items": [{"links": [], **row} for row in rows],
            "offset": offset,
            "totalResults": len(matches),
        }
    )


def _query_text(request: Request, body: Any) -> str:
    if "transient" not in request.headers.get("prefer", "").lower():
        raise NsError(400, "INVALID_REQUEST", "SuiteQL requires the header Prefer: transient.")
    text = body.get("q") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise NsError(400, "INVALID_CONTENT", 'The request body must be {"q": "SELECT …"}.')
    return text


def _links(request: Request, offset: int, limit: int, total: int) -> list[dict[str, str]]:
    """NetSuite's paging links: the first, previous, next and last pages, then this one."""

    def page(rel: str, start: int) -> dict[str, str]:
        return {
            "rel": rel,
            "href": str(request.url.include_query_params(limit=limit, offset=start)),
        }

    links = [page("first", 0)]
    if offset > 0:
        links.append(page("prev", max(offset - limit, 0)))
    if offset + limit < total:
        links.append(page("next", offset + limit))
    last = max(total - 1, 0) // limit * limit
    return [*links, page("last", last), {"rel": "self", "href": str(request.url)}]
