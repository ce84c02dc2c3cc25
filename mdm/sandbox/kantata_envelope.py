"""Kantata's response shapes: the normalised envelope, paging, and the error list.

Every read answers `{"count", "results": [{"key", "id"}], "<key>": {id: record}, "meta"}`:
`results` holds the ordered matches, the top-level maps hold them and any side-loaded records.
Errors answer `{"errors": [{"type", "message", "field"}]}`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.responses import JSONResponse

from mdm.sandbox.records import StoredRecord

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 200


class KantataError(Exception):
    """A request Kantata refuses: its status and its error list."""

    def __init__(self, status: int, type_: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.errors = [error_item(type_, message, field)]


def error_item(type_: str, message: str, field: str | None = None) -> dict[str, Any]:
    """One entry of Kantata's `errors` list."""
    item: dict[str, Any] = {"type": type_, "message": message}
    if field is not None:
        item["field"] = field
    return item


def error_response(
    status: int, errors: list[dict[str, Any]], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The error envelope."""
    return JSONResponse({"errors": errors}, status_code=status, headers=dict(headers or {}))


def public(record: StoredRecord) -> dict[str, Any]:
    """A stored record as the API shows it (bookkeeping fields, named `_…`, are hidden)."""
    shown = {k: v for k, v in record.fields.items() if not k.startswith("_")}
    return {
        "id": record.id,
        **shown,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
    }


def envelope(
    key: str,
    records: list[StoredRecord],
    *,
    total: int | None = None,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    side: Mapping[str, Iterable[StoredRecord]] | None = None,
) -> dict[str, Any]:
    """The normalised envelope for `records` (one page of `total` matches)."""
    count = len(records) if total is None else total
    body: dict[str, Any] = {
        "count": count,
        "results": [{"key": key, "id": r.id} for r in records],
        key: {r.id: public(r) for r in records},
    }
    for side_key, side_records in (side or {}).items():
        body.setdefault(side_key, {}).update({r.id: public(r) for r in side_records})
    body["meta"] = {
        "count": count,
        "page_count": max(1, math.ceil(count / per_page)) if per_page else 1,
        "page_number": page,
        "page_size": per_page,
    }
    return body


def paging(params: Mapping[str, str]) -> tuple[int, int, int]:
    """(offset, page, per_page) from `page`/`per_page`, or `limit`/`offset` when both given."""
    if "limit" in params and "offset" in params:
        limit = _positive(params, "limit", 1)
        offset = _positive(params, "offset", 0)
        size = min(limit, MAX_PER_PAGE)
        return offset, offset // size + 1, size
    per_page = min(_positive(params, "per_page", 1, DEFAULT_PER_PAGE), MAX_PER_PAGE)
    page = _positive(params, "page", 1, 1)
    return (page - 1) * per_page, page, per_page


def _positive(params: Mapping[str, str], name: str, minimum: int, default: int = 0) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise KantataError(400, "system", f"{name} must be an integer", name) from None
    if value < minimum:
        raise KantataError(400, "system", f"{name} must be at least {minimum}", name)
    return value
