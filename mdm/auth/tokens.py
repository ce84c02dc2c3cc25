"""OAuth2 bearer JWTs from one configured issuer, checked against its JWKS.

The signing keys come from `MDM_JWT_JWKS_URL` (fetched with httpx, cached) or from
`MDM_JWT_JWKS_FILE` (read again when the cache expires). A token naming a key id the cached set
lacks triggers one refetch (the issuer rotated its keys), at most every 30 s so a stream of
forged kids cannot turn the hub into a load generator against the issuer.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jwt

from mdm.auth.principal import Principal, Scope
from mdm.errors import AuthUnavailable, Unauthorized
from mdm.settings import Settings

log = logging.getLogger("mdm.auth")

_REFETCH_AFTER_S = 30.0  # the least time between two fetches caused by an unknown kid
_FETCH_TIMEOUT_S = 5.0
_REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]


class JwksCache:
    """The issuer's public keys by key id, fetched on first use and when stale."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._url = settings.jwt_jwks_url
        self._file = settings.jwt_jwks_file
        self._max_age = float(settings.jwt_jwks_cache_seconds)
        self._algorithms = set(settings.jwt_algorithms)
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None

    def key(self, kid: str) -> jwt.PyJWK | None:
        """The key with id `kid`; refetches once if the set is stale or lacks it."""
        with self._lock:
            now = self._clock()
            age = None if self._fetched_at is None else now - self._fetched_at
            stale = age is None or age > self._max_age
            if stale or (kid not in self._keys and age is not None and age > _REFETCH_AFTER_S):
                self._refresh(now)
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        try:
            self._keys = self._parse(self._load())
        except AuthUnavailable:
            # An issuer briefly down should not lock everyone out: keep the keys we had.
            if not self._keys:
                raise
        self._fetched_at = now

    def _load(self) -> Any:
        try:
            if self._file:
                return json.loads(Path(self._file).read_text(encoding="utf-8"))
            assert self._url is not None  # Settings insists on one of the two
            response = httpx.get(self._url, timeout=_FETCH_TIMEOUT_S, follow_redirects=False)
            response.raise_for_status()
            return response.json()
        except (OSError, ValueError, httpx.HTTPError) as exc:
            log.error("cannot load the JWT signing keys: %s", exc)
            raise AuthUnavailable("the token issuer's signing keys cannot be loaded") from exc

    def _parse(self, document: Any) -> dict[str, jwt.PyJWK]:
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise AuthUnavailable("the token issuer's JWKS has no `keys` list")
        keys: dict[str, jwt.PyJWK] = {}
        for entry in entries:
            parsed = self._usable(entry)
            if parsed is not None:
                keys[str(entry["kid"])] = parsed
        return keys

    def _usable(self, entry: Any) -> jwt.PyJWK | None:
        # Only signing keys with an id, for an algorithm we accept; the rest are ignored.
        if not isinstance(entry, dict) or "kid" not in entry or entry.get("use", "sig") != "sig":
            return None
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            return None
        return key if key.algorithm_name in self._algorithms else None


class JwtVerifier:
    """Turns a bearer JWT into a `Principal`, or refuses it with a clear 401."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        assert settings.jwt_issuer
        assert settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._leeway = settings.jwt_leeway_seconds
        self._algorithms = list(settings.jwt_algorithms)
        self.jwks = JwksCache(settings, clock)

    def verify(self, token: str) -> Principal:
        """Check signature, exp/nbf/iss/aud; the subject is the actor, scopes from the claims."""
        key = self.jwks.key(_kid(token))
        if key is None:
            raise Unauthorized("the token's signing key (kid) is unknown", invalid_token=True)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=self._algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {_reason(exc)}", invalid_token=True) from exc
        return Principal(actor=_subject(claims), scopes=scopes_from_claims(claims), via="jwt")


def _kid(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("malformed token", invalid_token=True) from exc
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthorized("the token names no signing key (kid)", invalid_token=True)
    return kid


def _subject(claims: dict[str, Any]) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise Unauthorized("invalid token: empty subject", invalid_token=True)
    return subject


def _reason(exc: jwt.PyJWTError) -> str:
    # PyJWT's own messages are precise ("Signature has expired", "Invalid audience").
    return str(exc) or type(exc).__name__


def scopes_from_claims(claims: dict[str, Any]) -> frozenset[Scope]:
    """Our scopes among `scope` (space-separated) or `scp` (list or string); others ignored."""
    raw = claims.get("scope", claims.get("scp", ""))
    names = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    known = {s.value for s in Scope}
    return frozenset(Scope(n) for n in names if isinstance(n, str) and n in known)
