"""Key verification: cached for `MDM_AUTH_CACHE_SECONDS`, use recorded at most once a minute."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from mdm.auth.authenticator import Authenticator
from mdm.auth.keys import find_active, revoke_key
from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.errors import Unauthorized
from mdm.settings import Settings
from tests.conftest import KeyFactory


@pytest.fixture
def authenticator(settings: Settings, engine: Engine) -> Iterator[Authenticator]:
    made = Authenticator(settings.model_copy(update={"auth_cache_seconds": 60.0}), engine)
    yield made
    made.close()


def _revoke(engine: Engine, name: str) -> None:
    with session_scope(engine, write=True) as session:
        revoke_key(session, name)


def test_a_verified_key_is_served_from_the_cache_until_forgotten(
    authenticator: Authenticator, engine: Engine, make_key: KeyFactory
) -> None:
    key = make_key(Scope.READ, name="bi")
    assert authenticator.principal(key).actor == "bi"
    _revoke(engine, "bi")
    # Another process revoked it: this one trusts its cache for at most the configured time.
    assert authenticator.principal(key).actor == "bi"
    authenticator.forget()
    with pytest.raises(Unauthorized, match="revoked"):
        authenticator.principal(key)


def test_without_a_cache_revocation_is_immediate(
    settings: Settings, engine: Engine, make_key: KeyFactory
) -> None:
    uncached = Authenticator(settings.model_copy(update={"auth_cache_seconds": 0.0}), engine)
    try:
        key = make_key(Scope.READ, name="bi")
        assert uncached.principal(key).scopes == {Scope.READ}
        _revoke(engine, "bi")
        with pytest.raises(Unauthorized):
            uncached.principal(key)
    finally:
        uncached.close()


def test_use_is_recorded_once_not_on_every_request(
    settings: Settings, engine: Engine, make_key: KeyFactory
) -> None:
    uncached = Authenticator(settings.model_copy(update={"auth_cache_seconds": 0.0}), engine)
    try:
        key = make_key(Scope.READ, name="bi")
        uncached.principal(key)
        uncached.wait_for_touches()
        with Session(engine) as session:
            first = find_active(session, "bi")
            assert first is not None
            assert first.last_used_at is not None
        uncached.principal(key)
        uncached.wait_for_touches()
        with Session(engine) as session:
            again = find_active(session, "bi")
            assert again is not None
            assert again.last_used_at == first.last_used_at
    finally:
        uncached.close()


def test_a_jwt_is_refused_clearly_when_jwts_are_off(authenticator: Authenticator) -> None:
    with pytest.raises(Unauthorized, match="bearer JWTs are not enabled"):
        authenticator.principal("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
