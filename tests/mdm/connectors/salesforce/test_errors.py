"""Sorting Salesforce's answers into retryable and permanent errors (a truth table)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mdm.connectors.errors import (
    AmbiguousExternalId,
    PermanentRemoteError,
    ThrottledError,
    TransientRemoteError,
)
from mdm.connectors.salesforce_errors import classify


def _answer(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("PATCH", "http://sf.test/services/data/v61.0/sobjects/X")
    return httpx.Response(status, json=body, headers=headers, request=request)


def _sf(code: str) -> list[dict[str, Any]]:
    return [{"message": "m", "errorCode": code, "fields": []}]


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "code", "retry_after"),
    [
        (403, _sf("REQUEST_LIMIT_EXCEEDED"), {}, ThrottledError, "REQUEST_LIMIT_EXCEEDED", None),
        (403, _sf("REQUEST_LIMIT_EXCEEDED"), {"Retry-After": "4"}, ThrottledError, None, 4.0),
        (403, _sf("INSUFFICIENT_ACCESS"), {}, PermanentRemoteError, "INSUFFICIENT_ACCESS", None),
        (300, ["/a", "/b"], {}, AmbiguousExternalId, "MULTIPLE_CHOICES", None),
        (400, _sf("INVALID_FIELD"), {}, PermanentRemoteError, "INVALID_FIELD", None),
        (400, _sf("UNABLE_TO_LOCK_ROW"), {}, TransientRemoteError, "UNABLE_TO_LOCK_ROW", None),
        (404, _sf("NOT_FOUND"), {}, PermanentRemoteError, "NOT_FOUND", None),
        (401, _sf("INVALID_SESSION_ID"), {}, PermanentRemoteError, "INVALID_SESSION_ID", None),
        (500, _sf("UNKNOWN_EXCEPTION"), {}, TransientRemoteError, "UNKNOWN_EXCEPTION", None),
        (503, "<html>down</html>", {"Retry-After": "2"}, TransientRemoteError, None, 2.0),
    ],
)
def test_salesforce_answers_sort_into_retryable_and_permanent_errors(
    status: int,
    body: Any,
    headers: dict[str, str],
    kind: type[Exception],
    code: str | None,
    retry_after: float | None,
) -> None:
    error = classify(_answer(status, body, headers))
    assert type(error) is kind
    assert error.status == status
    if code is not None:
        assert error.vendor_code == code
    if isinstance(error, TransientRemoteError):
        assert error.retry_after == retry_after
