"""OpenAPI pieces every router shares: the one error shape, with an example per status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mdm.clock import aware

EXAMPLE_CORRELATION_ID = "01JD3X6Q2M4T7V9B8N5C1K0HZA"


# A timestamp as the API answers it: always with its offset, as RFC 3339 (and OpenAPI) demand.
UtcDateTime = Annotated[datetime, AfterValidator(aware)]


class ErrorOut(BaseModel):
    """Every error the hub answers: a stable code, a human detail, the request's correlation id."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": "not_found",
                    "detail": "no golden record cus_01JD3X6Q2M4T7V9B8N5C1K0HZA",
                    "correlation_id": EXAMPLE_CORRELATION_ID,
                }
            ]
        }
    )

    error: str = Field(description="Stable machine-readable code, e.g. `invalid_input`")
    detail: Any = Field(description="What went wrong: a message, or a list of problems")
    correlation_id: str = Field(description="Also in the `X-Correlation-ID` response header")


# The usual meaning and a typical answer of each error status; routes may give their own.
STANDARD_ERRORS: dict[int, tuple[str, str, Any]] = {
    400: ("The request cannot be parsed", "malformed_request", "body is not valid JSON"),
    401: (
        "Missing, unknown, revoked or expired credentials",
        "unauthorized",
        "authentication required; send `Authorization: Bearer <key or token>`",
    ),
    403: (
        "Valid credentials without the scope this route needs",
        "forbidden",
        "this needs the read scope; 'etl' lacks it",
    ),
    404: ("Nothing exists under this id", "not_found", "no such record"),
    409: (
        "The request contradicts the current state",
        "conflict",
        "the two golden records are already one",
    ),
    413: ("Over the record or byte limit", "payload_too_large", "over 10000 records"),
    422: (
        "A parameter or field has the wrong type or value; nothing was written",
        "invalid_input",
        [{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 1000"}],
    ),
    503: ("The database is unreachable or not migrated", "database_not_ready", "run `mdm migrate`"),
}


def error_example(code: str, detail: Any) -> dict[str, Any]:
    """One error body as the hub would send it."""
    return {"error": code, "detail": detail, "correlation_id": EXAMPLE_CORRELATION_ID}


def error_response(
    status: int, description: str | None = None, code: str | None = None, detail: Any = None
) -> dict[str, Any]:
    """An OpenAPI response entry for one error status, in the error shape with an example."""
    default_description, default_code, default_detail = STANDARD_ERRORS.get(
        status, (f"HTTP {status}", f"http_{status}", "")
    )
    body = error_example(code or default_code, default_detail if detail is None else detail)
    return {
        "model": ErrorOut,
        "description": description or default_description,
        "content": {"application/json": {"example": body}},
    }


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Entries for `responses=` of a route or router: each status with the standard example."""
    return {status: error_response(status) for status in statuses}


@dataclass(frozen=True)
class OperationDocs:
    """What an operation's own code does not say in the document: filled in, never overridden."""

    summary: str | None = None
    example: Any = None
    errors: dict[int, tuple[str, Any] | None] = field(default_factory=dict)
    request_body: dict[str, Any] | None = None


_UNPARSABLE = ("The body is not valid JSON", "bad_request", "There was an error parsing the body")
_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def install(app: FastAPI, docs: Mapping[tuple[str, str], OperationDocs]) -> None:
    """Serve the app's OpenAPI document completed by `complete` (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(FastAPI.openapi(app), docs)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(doc: dict[str, Any], docs: Mapping[tuple[str, str], OperationDocs]) -> dict[str, Any]:
    """Errors in the hub's one shape with examples, and each operation's `docs` laid over."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name in _VALIDATION_SCHEMAS:  # FastAPI's 422 shape, which the hub never sends
        schemas.pop(name, None)
    schemas["ErrorOut"] = ErrorOut.model_json_schema()
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            _lay_over(operation, docs.get((method.upper(), path)))
            if "requestBody" in operation:  # a body that is not JSON at all never reaches the route
                operation["responses"].setdefault("400", error_response(400, *_UNPARSABLE))
            for status, response in operation.get("responses", {}).items():
                if status[:1] in "45":
                    _error_shape(int(status), response)
    return doc


def _lay_over(operation: dict[str, Any], extra: OperationDocs | None) -> None:
    if extra is None:
        return
    if extra.summary:
        operation["summary"] = extra.summary
    responses = operation.setdefault("responses", {})
    if extra.example is not None:
        for status, response in responses.items():
            media = response.get("content", {}).get("application/json")
            if status.startswith("2") and media is not None:
                media.setdefault("example", extra.example)
    for status, override in extra.errors.items():
        code, detail = override if override else (None, None)
        responses.setdefault(str(status), error_response(status, code=code, detail=detail))
    if extra.request_body is not None:
        operation.setdefault("requestBody", extra.request_body)


def _error_shape(status: int, response: dict[str, Any]) -> None:
    response.pop("model", None)
    media = response.setdefault("content", {}).setdefault("application/json", {})
    media["schema"] = dict(_ERROR_REF)
    if "example" not in media and "examples" not in media:
        media["example"] = error_response(status)["content"]["application/json"]["example"]
