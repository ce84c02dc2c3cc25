"""API key service: create (shown once), list, revoke, and verify by hash lookup.

A key is `mdm_` + 32 random bytes (URL-safe base64). Only its SHA-256 is stored: a leaked
database reveals no usable key, and a fast hash is enough because the secret has 256 bits of
entropy (no dictionary to guess from, unlike a password).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from mdm.auth.models import ApiKey
from mdm.auth.principal import Principal, Scope
from mdm.clock import utcnow
from mdm.errors import Conflict, InvalidInput, NotFound

KEY_PREFIX = "mdm_"
_DISPLAY_CHARS = 12  # "mdm_" and 8 characters of the secret: enough to tell keys apart
_MAX_NAME = 128


@dataclass(frozen=True)
class CreatedKey:
    """A new key: `secret` is shown this once and never stored."""

    key: ApiKey
    secret: str


def hash_key(secret: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def looks_like_key(token: str) -> bool:
    """Whether a bearer token is one of our API keys rather than a JWT."""
    return token.startswith(KEY_PREFIX)


def scopes_of(key: ApiKey) -> frozenset[Scope]:
    """The scopes stored on a key."""
    return frozenset(Scope(s) for s in key.scopes.split(",") if s)


def create_key(
    session: Session, name: str, scopes: frozenset[Scope], created_by: str
) -> CreatedKey:
    """Make a key named `name`; an active key of the same name is a `Conflict`."""
    name = _valid_name(name)
    if not scopes:
        raise InvalidInput("at least one scope is needed")
    if find_active(session, name) is not None:
        raise Conflict(f"an active key named {name!r} exists; revoke it first")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        prefix=secret[:_DISPLAY_CHARS],
        key_hash=hash_key(secret),
        scopes=",".join(sorted(s.value for s in scopes)),
        created_by=created_by[:_MAX_NAME],
    )
    session.add(key)
    session.flush()
    return CreatedKey(key=key, secret=secret)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > _MAX_NAME or not name.isprintable():
        raise InvalidInput(f"a key name is 1 to {_MAX_NAME} printable characters")
    if name.isdigit():
        raise InvalidInput("a key name cannot be all digits (it would read as a key id)")
    return name


def find_active(session: Session, name: str) -> ApiKey | None:
    """The unrevoked key named `name`, if any."""
    query = select(ApiKey).where(ApiKey.name == name, col(ApiKey.revoked_at).is_(None))
    return session.exec(query).first()


def list_keys(session: Session, *, include_revoked: bool = True) -> list[ApiKey]:
    """Every key, oldest first."""
    query = select(ApiKey).order_by(col(ApiKey.id))
    if not include_revoked:
        query = query.where(col(ApiKey.revoked_at).is_(None))
    return list(session.exec(query))


def revoke_key(session: Session, name_or_id: str) -> ApiKey:
    """Revoke the active key of that name, or the key of that id; `NotFound` otherwise."""
    key = _by_id(session, name_or_id) if name_or_id.isdigit() else find_active(session, name_or_id)
    if key is None:
        raise NotFound(f"no active key {name_or_id!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.flush()
    return key


def _by_id(session: Session, key_id: str) -> ApiKey | None:
    return session.get(ApiKey, int(key_id))


def verify_key(session: Session, secret: str) -> ApiKey | None:
    """The active key whose hash matches `secret`, or None (unknown or revoked)."""
    digest = hash_key(secret)
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == digest)).first()
    if key is None or not hmac.compare_digest(key.key_hash, digest):
        return None
    return key if key.revoked_at is None else None


def principal_of(key: ApiKey) -> Principal:
    """The caller a key stands for."""
    return Principal(actor=key.name, scopes=scopes_of(key), via="key")


def touch(session: Session, key_id: int, now: datetime, every: timedelta) -> None:
    """Record a use, at most once per `every` (a write on every request would be a hot spot)."""
    stale = or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < now - every)
    session.execute(update(ApiKey).where(col(ApiKey.id) == key_id, stale).values(last_used_at=now))
