"""Workbench sessions: a steward's API key is exchanged once for a server-side session.

The cookie carries a random token; the database keeps only its SHA-256, the key it came from
and a CSRF token. Every request re-reads the row with its key, so logging out, expiry and
revoking the key all end the session at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from mdm.auth import keys
from mdm.auth.models import ApiKey
from mdm.auth.principal import Principal, Scope
from mdm.clock import aware, utcnow
from mdm.errors import Forbidden, Unauthorized
from mdm.stewardship.models import StewardSession

LIFETIME = timedelta(hours=8)
COOKIE = "mdm_steward"


@dataclass(frozen=True)
class Opened:
    """A new session: `token` goes into the cookie and is never stored."""

    token: str
    session_id: int
    actor: str


@dataclass(frozen=True)
class Current:
    """The session of a request: who, with which scopes, and the CSRF token its forms carry."""

    id: int
    principal: Principal
    csrf_token: str

    def check_csrf(self, presented: str | None) -> None:
        """Refuse a form whose token is not this session's (constant-time comparison)."""
        if not presented or not hmac.compare_digest(presented, self.csrf_token):
            raise Forbidden("the form's CSRF token is missing or stale; reload the page")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, secret: str) -> Opened:
    """Exchange an API key with the steward scope for a session."""
    key = keys.verify_key(session, secret.strip()) if keys.looks_like_key(secret.strip()) else None
    if key is None or key.id is None:
        raise Unauthorized("unknown or revoked API key")
    principal = keys.principal_of(key)
    if not principal.has(Scope.STEWARD):
        raise Forbidden(f"the workbench needs the steward scope; {principal.actor!r} lacks it")
    token = secrets.token_urlsafe(32)
    row = StewardSession(
        token_hash=_digest(token),
        key_id=key.id,
        actor=principal.actor,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + LIFETIME,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return Opened(token=token, session_id=row.id, actor=principal.actor)


def current(session: Session, token: str | None) -> Current | None:
    """The live session behind a cookie token, or None (missing, unknown, ended, key revoked)."""
    if not token:
        return None
    query = (
        select(StewardSession, ApiKey)
        .join(ApiKey, col(ApiKey.id) == col(StewardSession.key_id))
        .where(col(StewardSession.token_hash) == _digest(token))
    )
    found = session.exec(query).first()
    if found is None:
        return None
    row, key = found
    if row.revoked_at is not None or key.revoked_at is not None:
        return None
    if aware(row.expires_at) <= utcnow():
        return None
    principal = keys.principal_of(key)
    if not principal.has(Scope.STEWARD) or row.id is None:
        return None
    return Current(id=row.id, principal=principal, csrf_token=row.csrf_token)


def close_session(session: Session, session_id: int) -> None:
    """End a session for good (logout)."""
    row = session.get(StewardSession, session_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
