"""NetSuite's HTTP manners for the sandbox: the error envelope, the throttle answer, async jobs.

Async (systems.md §1.5): a write sent with `Prefer: respond-async` answers 202 with a
`Location` of `/services/rest/async/v1/job/{id}`; its result is read from the job. An async
request carrying an `X-NetSuite-Idempotency-Key` already seen is refused with 400
`IDEMPOTENCY_ERROR` and a `Location` naming the earlier job, and is not run again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from mdm.sandbox.faults import FaultKind, FaultSpec
from mdm.sandbox.netsuite_records import NsError, iso

ASYNC_PATH = "/services/rest/async/v1/job"
IDEMPOTENCY_HEADER = "x-netsuite-idempotency-key"
_CODES = {
    401: "INVALID_LOGIN",
    429: "CONCURRENCY_LIMIT_EXCEEDED",
    500: "UNEXPECTED_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def envelope(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    title: str | None = None,
) -> Response:
    """NetSuite's error body: type, title, status and `o:errorDetails`."""
    body = {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110.html#status.{status}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "o:errorDetails": [{"detail": detail, "o:errorCode": code}],
    }
    return JSONResponse(body, status_code=status, headers=headers)


def error_answer(status: int, message: str) -> Response:
    """The sandbox core's errors (auth, 5xx faults) in NetSuite's envelope."""
    return envelope(status, _CODES.get(status, "USER_ERROR"), message)


def throttle_answer(spec: FaultSpec) -> Response:
    """429 in the envelope; `Retry-After` unless the fault says there is none."""
    headers = {"Retry-After": str(spec.retry_after_seconds)}
    if spec.kind == FaultKind.THROTTLE_NO_RETRY_AFTER:
        headers = {}
    detail = "Request limit exceeded, try again later."
    return envelope(429, "CONCURRENCY_LIMIT_EXCEEDED", detail, headers)


def from_error(error: NsError) -> Response:
    """An `NsError` as its HTTP answer."""
    return envelope(error.status, error.code, error.detail)


@dataclass
class AsyncJob:
    """One async request: its key and, once run, the answer it would have given."""

    id: str
    key: str | None
    submitted: datetime
    status: int | None = None
    location: str | None = None
    error: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """The job as `GET /async/v1/job/{id}` shows it."""
        progress = "succeeded" if self.status and self.status < 400 else "failed"
        return {
            "links": [{"rel": "self", "href": f"{ASYNC_PATH}/{self.id}"}],
            "id": self.id,
            "completed": self.status is not None,
            "progress": progress if self.status is not None else "pending",
            "submitted": iso(self.submitted),
            "task": {"links": [{"rel": "related", "href": f"{ASYNC_PATH}/{self.id}/task"}]},
        }


@dataclass
class AsyncJobs:
    """Async jobs by id and by idempotency key."""

    _jobs: dict[str, AsyncJob] = field(default_factory=dict)
    _by_key: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, key: str | None) -> tuple[AsyncJob, bool]:
        """A new job, or (with a key seen before) the earlier job and False."""
        with self._lock:
            if key and key in self._by_key:
                return self._jobs[self._by_key[key]], False
            job = AsyncJob(str(len(self._jobs) + 1), key, datetime.now(UTC))
            self._jobs[job.id] = job
            if key:
                self._by_key[key] = job.id
            return job, True

    def get(self, job_id: str) -> AsyncJob | None:
        """The job with this id, if any."""
        with self._lock:
            return self._jobs.get(job_id)


def perform(request: Request, jobs: AsyncJobs, action: Callable[[], Response]) -> Response:
    """Run a write now, or as an async job when the client prefers it."""
    if "respond-async" not in request.headers.get("prefer", "").lower():
        try:
            return action()
        except NsError as error:
            return from_error(error)
    job, new = jobs.start(request.headers.get(IDEMPOTENCY_HEADER))
    location = {"Location": f"{ASYNC_PATH}/{job.id}"}
    if not new:
        detail = "A request with this idempotency key was already submitted."
        # NetSuite's own mix: status 400, titled "Conflict".
        return envelope(400, "IDEMPOTENCY_ERROR", detail, location, title="Conflict")
    try:
        answer = action()
        job.location = answer.headers.get("location")
        job.status = answer.status_code
    except NsError as error:
        job.error = {"detail": error.detail, "o:errorCode": error.code}
        job.status = error.status
    return Response(status_code=202, headers=location)
