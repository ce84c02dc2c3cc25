"""Render every failure in the one error shape: `{"error", "detail", "correlation_id"}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mdm import correlation
from mdm.errors import MDMError

log = logging.getLogger("mdm.api")

# Stable codes for the errors the framework itself raises (unknown route, wrong method, ...).
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_response(
    status: int, code: str, detail: Any, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The hub's one error body, with the correlation id in body and header."""
    cid = correlation.get() or correlation.new_id()
    return JSONResponse(
        status_code=status,
        content={"error": code, "detail": detail, "correlation_id": cid},
        headers={**(headers or {}), correlation.HEADER: cid},
    )


async def _mdm_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MDMError)
    detail: Any = exc.detail if not exc.extra else {"message": exc.detail, **exc.extra}
    return error_response(exc.status_code, exc.code, detail, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return error_response(422, "invalid_input", problems)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(exc.status_code, code, exc.detail, dict(exc.headers or {}))


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into the error shape."""
    app.add_exception_handler(MDMError, _mdm_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
