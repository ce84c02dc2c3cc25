"""The one error hierarchy: every expected failure is an `MDMError` that knows its HTTP status."""

from __future__ import annotations

from typing import Any, ClassVar


class MDMError(Exception):
    """Base of every deliberate error; rendered as `{error, detail, correlation_id}`."""

    code: ClassVar[str] = "mdm_error"
    status_code: ClassVar[int] = 400

    def __init__(
        self,
        detail: str,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}
        self.headers = headers or {}


class InvalidInput(MDMError):
    """The request or file is malformed; nothing was written."""

    code = "invalid_input"
    status_code = 422


class MalformedRequest(MDMError):
    """The request body cannot even be parsed (bad JSON); nothing was written."""

    code = "malformed_request"
    status_code = 400


class NotFound(MDMError):
    """The thing asked for does not exist."""

    code = "not_found"
    status_code = 404


class Conflict(MDMError):
    """The request contradicts the current state (a concurrent change, a constraint)."""

    code = "conflict"
    status_code = 409


class PayloadTooLarge(MDMError):
    """A bulk request over the record or byte limit."""

    code = "payload_too_large"
    status_code = 413


class Unauthorized(MDMError):
    """No valid credentials; answered with a `WWW-Authenticate: Bearer` challenge (RFC 6750)."""

    code = "unauthorized"
    status_code = 401

    def __init__(self, detail: str, *, invalid_token: bool = False) -> None:
        challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(MDMError):
    """Valid credentials without the scope the action needs."""

    code = "forbidden"
    status_code = 403


class AuthUnavailable(MDMError):
    """Credentials cannot be checked right now (the JWT issuer's keys are unreachable)."""

    code = "auth_unavailable"
    status_code = 503


class DatabaseNotReady(MDMError):
    """The database is unreachable or not migrated to the code's schema head."""

    code = "database_not_ready"
    status_code = 503
