"""One HTTP client for every adapter: auth, pacing, correlation headers, error sorting.

Adapters never retry on their own: a failure becomes a `TransientRemoteError` (with the
server's `Retry-After`) or a `PermanentRemoteError`, and the job queue decides when to try
again. That keeps one retry policy, visible and audited, for every remote effect.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from mdm import correlation
from mdm.connectors.config import SystemConnection
from mdm.connectors.errors import (
    PermanentRemoteError,
    RemoteError,
    ThrottledError,
    TransientRemoteError,
)
from mdm.connectors.retry_after import parse_retry_after

# Turns a vendor's non-2xx answer into the right error (None: use the generic rules).
Classifier = Callable[[httpx.Response], RemoteError | None]


@dataclass
class RateLimiter:
    """A token bucket: at most `rate` requests per second on average, bursts up to `burst`."""

    rate: float
    burst: float = 5.0
    _tokens: float = field(default=5.0, init=False)
    _at: float = field(default_factory=time.monotonic, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def acquire(self) -> None:
        """Wait until a request may go."""
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
                self._at = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            time.sleep(wait)


@dataclass
class TokenSource:
    """A bearer token: fixed, or fetched with OAuth2 client credentials and fetched again on 401."""

    connection: SystemConnection
    system: str
    _token: str | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def get(self, client: httpx.Client) -> str | None:
        """The current token, fetching one if needed."""
        if self.connection.token is not None:
            return self.connection.token.get_secret_value()
        with self._lock:
            if self._token is None and self.connection.token_url:
                self._token = self._fetch(client)
            return self._token

    def expire(self) -> bool:
        """Forget a fetched token; False when the token is fixed (a 401 is then final)."""
        with self._lock:
            had = self._token is not None
            self._token = None
        return had

    def _fetch(self, client: httpx.Client) -> str:
        connection = self.connection
        assert connection.token_url
        assert connection.client_id
        assert connection.client_secret
        data = {
            "grant_type": "client_credentials",
            "client_id": connection.client_id,
            "client_secret": connection.client_secret.get_secret_value(),
        }
        headers = {"X-Correlation-ID": correlation.get() or correlation.new_id()}
        try:
            response = client.post(connection.token_url, data=data, headers=headers)
        except httpx.TransportError as exc:
            raise TransientRemoteError(f"token endpoint: {exc}", system=self.system) from exc
        if response.status_code == 429 or response.status_code >= 500:
            # A throttled or failing token endpoint is as transient as any other call.
            raise generic_error(self.system, response)
        if response.status_code != 200:
            raise PermanentRemoteError(
                "client credentials refused", system=self.system, status=response.status_code
            )
        token: str = response.json()["access_token"]
        return token


class VendorClient:
    """Sends one request to one system, paced, authenticated and correlated."""

    def __init__(
        self,
        system: str,
        connection: SystemConnection,
        base_url: str,
        *,
        classify: Classifier | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.system = system
        self._client = httpx.Client(
            base_url=base_url, timeout=connection.timeout_seconds, transport=transport
        )
        self._tokens = TokenSource(connection, system)
        self._limiter = RateLimiter(connection.rate_per_second)
        self._slots = threading.BoundedSemaphore(connection.max_concurrency)
        self._classify = classify or (lambda _response: None)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send it; a 2xx (or a 3xx but 300) comes back, anything else raises a RemoteError."""
        extra = dict(headers or {})
        if idempotency_key:
            extra.setdefault("Idempotency-Key", idempotency_key)
        for attempt in (1, 2):
            response = self._send(method, path, json=json, params=params, headers=extra)
            if response.status_code == 401 and attempt == 1 and self._tokens.expire():
                continue  # the fetched token expired: fetch a new one, once
            break
        self._raise_for(response)
        return response

    def _send(
        self, method: str, path: str, *, json: Any, params: Any, headers: dict[str, str]
    ) -> httpx.Response:
        token = self._tokens.get(self._client)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.setdefault("X-Correlation-ID", correlation.get() or correlation.new_id())
        self._limiter.acquire()
        with self._slots:
            try:
                return self._client.request(method, path, json=json, params=params, headers=headers)
            except httpx.TimeoutException as exc:
                # Sent, maybe stored, answer lost: the caller's retry must be idempotent.
                raise TransientRemoteError(
                    f"{method} {path} timed out", system=self.system, outcome_unknown=True
                ) from exc
            except httpx.TransportError as exc:
                raise TransientRemoteError(f"{method} {path}: {exc}", system=self.system) from exc

    def _raise_for(self, response: httpx.Response) -> None:
        if response.status_code < 400 and response.status_code != 300:
            return
        error = self._classify(response)
        if error is not None:
            raise error
        raise generic_error(self.system, response)


def generic_error(system: str, response: httpx.Response) -> RemoteError:
    """The usual reading of an HTTP failure: 429 and 5xx are transient, other 4xx are not."""
    status = response.status_code
    request_id = response.headers.get("x-request-id")
    summary = f"{response.request.method} {response.request.url.path} answered {status}"
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return ThrottledError(
            summary,
            system=system,
            status=status,
            retry_after=retry_after,
            vendor_request_id=request_id,
        )
    if status >= 500 or status == 408:
        return TransientRemoteError(
            summary,
            system=system,
            status=status,
            vendor_request_id=request_id,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    return PermanentRemoteError(
        f"{summary}: {response.text[:300]}",
        system=system,
        status=status,
        vendor_request_id=request_id,
    )
