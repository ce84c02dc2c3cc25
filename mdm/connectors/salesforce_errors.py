"""Salesforce's failures, sorted for the job queue.

Salesforce answers errors as a JSON array `[{"message", "errorCode", "fields"}]`. Its throttle
is `403 REQUEST_LIMIT_EXCEEDED`, without `Retry-After` (the queue's backoff then applies); a
300 means several records hold the external id (nothing was written, a person must decide);
`UNABLE_TO_LOCK_ROW` is a 400 that a later try usually gets through.
"""

from __future__ import annotations

from typing import Any

import httpx

from mdm.connectors.errors import (
    AmbiguousExternalId,
    PermanentRemoteError,
    RemoteError,
    ThrottledError,
    TransientRemoteError,
)
from mdm.connectors.retry_after import parse_retry_after

SYSTEM = "salesforce"
THROTTLE_CODES = frozenset({"REQUEST_LIMIT_EXCEEDED"})
# Error codes that say "not now" rather than "never".
RETRYABLE_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})


def classify(response: httpx.Response) -> RemoteError | None:
    """The error for a non-2xx answer (every status is read here, none left to the default)."""
    status = response.status_code
    errors = _errors(response)
    code = str(errors[0]["errorCode"]) if errors and errors[0].get("errorCode") else None
    detail = "; ".join(str(e.get("message", "")) for e in errors) or response.text[:300]
    summary = f"{response.request.method} {response.request.url.path} answered {status}"
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status == 300:
        return AmbiguousExternalId(
            f"{summary}: several records hold the external id: {response.text[:300]}",
            system=SYSTEM,
            status=status,
            vendor_code="MULTIPLE_CHOICES",
        )
    if code in THROTTLE_CODES or status == 429:
        return ThrottledError(
            summary, system=SYSTEM, status=status, vendor_code=code, retry_after=retry_after
        )
    if status >= 500 or status == 408 or code in RETRYABLE_CODES:
        return TransientRemoteError(
            f"{summary}: {detail}",
            system=SYSTEM,
            status=status,
            vendor_code=code,
            retry_after=retry_after,
        )
    return PermanentRemoteError(
        f"{summary}: {detail}", system=SYSTEM, status=status, vendor_code=code
    )


def item_error(errors: list[dict[str, Any]]) -> RemoteError:
    """The error for one failed item of a collections call (`statusCode` names it there)."""
    code = str(errors[0].get("statusCode") or "") if errors else ""
    detail = "; ".join(str(e.get("message", "")) for e in errors) or "failed"
    message = f"{code}: {detail}"
    if code == "DUPLICATE_EXTERNAL_ID" and "more than one record" in detail:
        return AmbiguousExternalId(message, system=SYSTEM, status=300, vendor_code=code)
    if code in RETRYABLE_CODES:
        return TransientRemoteError(message, system=SYSTEM, vendor_code=code)
    return PermanentRemoteError(message, system=SYSTEM, vendor_code=code or None)


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, list):
        return [e for e in body if isinstance(e, dict)]
    return []
