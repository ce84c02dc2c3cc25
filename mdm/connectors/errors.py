"""Remote failures, sorted the way the job queue needs: worth retrying, or not."""

from __future__ import annotations

from mdm.jobs.tasks import PermanentError, RetryableError


class RemoteError(Exception):
    """A call to another system failed; names the system, the HTTP status and the vendor code."""

    def __init__(
        self,
        message: str,
        *,
        system: str,
        status: int | None = None,
        vendor_code: str | None = None,
        vendor_request_id: str | None = None,
    ) -> None:
        super().__init__(f"{system}: {message}")
        self.system = system
        self.status = status
        self.vendor_code = vendor_code
        self.vendor_request_id = vendor_request_id


class TransientRemoteError(RemoteError, RetryableError):
    """Worth another try: 5xx, a dropped connection, a timeout, a throttle."""

    def __init__(
        self,
        message: str,
        *,
        system: str,
        status: int | None = None,
        vendor_code: str | None = None,
        vendor_request_id: str | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        RemoteError.__init__(
            self,
            message,
            system=system,
            status=status,
            vendor_code=vendor_code,
            vendor_request_id=vendor_request_id,
        )
        self.retry_after = retry_after
        # A timeout after sending: the change may have been stored. Only an idempotent retry
        # (an upsert by external id, or a lookup before create) is safe.
        self.outcome_unknown = outcome_unknown


class ThrottledError(TransientRemoteError):
    """The system asked us to slow down (429, REQUEST_LIMIT_EXCEEDED, concurrency limits)."""


class PermanentRemoteError(RemoteError, PermanentError):
    """No retry can fix it: a rejected payload, an unknown field, bad credentials."""


class AmbiguousExternalId(PermanentRemoteError):
    """Several remote records carry the external id (Salesforce answers 300): a person decides."""
