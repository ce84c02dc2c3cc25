"""OpenAPI pieces every router shares: the one error shape, with an example per status."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EXAMPLE_CORRELATION_ID = "01JD3X6Q2M4T7V9B8N5C1K0HZA"


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
