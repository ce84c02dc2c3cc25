"""Turns a presented credential into a `Principal`: API keys (cached briefly) or JWTs.

One `Authenticator` per app. A verified key is remembered for `MDM_AUTH_CACHE_SECONDS` by its
hash, so the hot read paths (thousands of lookups a second) cost a dict lookup, not a query;
revocation from another process therefore takes effect within that many seconds. A key's
`last_used_at` is written at most once a minute, on a worker thread: never inside the request's
own transaction, where it could wait on (or for) the request's write lock.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from mdm.auth import keys
from mdm.auth.principal import Principal
from mdm.auth.tokens import JwtVerifier
from mdm.clock import utcnow
from mdm.db import session_scope
from mdm.errors import Unauthorized
from mdm.settings import Settings

log = logging.getLogger("mdm.auth")

TOUCH_EVERY = timedelta(minutes=1)
_CACHE_LIMIT = 10_000  # distinct keys remembered; past it the cache starts over


class Authenticator:
    """Verifies API keys and JWTs for one app."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self._engine = engine
        self._ttl = settings.auth_cache_seconds
        self._jwt = JwtVerifier(settings) if settings.jwt_enabled else None
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Principal, float]] = {}
        self._toucher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mdm-key-use")
        self._last_touch: Future[None] | None = None

    def principal(self, token: str) -> Principal:
        """The caller behind `token`, or `Unauthorized`."""
        if keys.looks_like_key(token):
            return self._key_principal(token)
        if self._jwt is not None:
            return self._jwt.verify(token)
        raise Unauthorized(
            f"not an API key (keys start with {keys.KEY_PREFIX!r}); "
            "bearer JWTs are not enabled on this hub",
            invalid_token=True,
        )

    def cached(self, token: str) -> Principal | None:
        """The caller behind a recently verified key, without I/O (None: ask `principal`)."""
        if not keys.looks_like_key(token):
            return None
        with self._lock:
            entry = self._cache.get(keys.hash_key(token))
        return entry[0] if entry is not None and entry[1] > time.monotonic() else None

    def _key_principal(self, secret: str) -> Principal:
        hit = self.cached(secret)
        if hit is not None:
            return hit
        digest, now = keys.hash_key(secret), time.monotonic()
        principal = self._lookup(secret)
        if self._ttl > 0:
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[digest] = (principal, now + self._ttl)
        return principal

    def _lookup(self, secret: str) -> Principal:
        with session_scope(self._engine) as session:
            key = keys.verify_key(session, secret)
            if key is None:
                raise Unauthorized("unknown or revoked API key", invalid_token=True)
            principal = keys.principal_of(key)
            stale = _stale(key.last_used_at)
            key_id = key.id
        if stale and key_id is not None:
            self._last_touch = self._toucher.submit(self._touch, key_id)
        return principal

    def _touch(self, key_id: int) -> None:
        try:
            with session_scope(self._engine, write=True) as session:
                keys.touch(session, key_id, utcnow(), TOUCH_EVERY)
        except SQLAlchemyError as exc:  # a lost "last used" stamp must never fail a request
            log.warning("could not record an API key's use: %s", exc)

    def forget(self) -> None:
        """Drop every cached key (after a revocation in this process)."""
        with self._lock:
            self._cache.clear()

    def close(self, *, wait: bool = True) -> None:
        """Finish pending `last_used_at` writes and stop the worker."""
        self._toucher.shutdown(wait=wait)

    def wait_for_touches(self) -> None:
        """Block until the latest `last_used_at` write is done (tests, shutdown)."""
        if self._last_touch is not None:
            self._last_touch.result()


def _stale(last_used: datetime | None) -> bool:
    if last_used is None:
        return True
    # SQLite hands timestamps back without their zone; they were written in UTC.
    aware = last_used if last_used.tzinfo is not None else last_used.replace(tzinfo=UTC)
    return aware < utcnow() - TOUCH_EVERY
