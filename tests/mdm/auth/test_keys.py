"""API key service: high-entropy keys shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from mdm.auth import keys
from mdm.auth.models import ApiKey
from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.errors import Conflict, InvalidInput, NotFound

READ_STEWARD = frozenset({Scope.READ, Scope.STEWARD})


def _create(engine: Engine, name: str = "etl") -> keys.CreatedKey:
    with session_scope(engine, write=True) as session:
        return keys.create_key(session, name, READ_STEWARD, "alice")


def test_created_key_is_prefixed_high_entropy_and_stored_only_as_its_hash(engine: Engine) -> None:
    created = _create(engine)
    assert created.secret.startswith("mdm_")
    assert len(created.secret) >= 4 + 43  # 32 random bytes, URL-safe base64
    with Session(engine) as session:
        row = session.exec(select(ApiKey)).one()
    assert row.key_hash == hashlib.sha256(created.secret.encode()).hexdigest()
    assert created.secret not in {row.name, row.prefix, row.key_hash, row.scopes}
    assert created.secret.startswith(row.prefix)
    assert row.scopes == "read,steward"
    assert row.created_by == "alice"


def test_two_keys_never_share_a_secret(engine: Engine) -> None:
    assert _create(engine, "a").secret != _create(engine, "b").secret


def test_verify_finds_the_key_and_refuses_anything_else(engine: Engine) -> None:
    created = _create(engine)
    with Session(engine) as session:
        found = keys.verify_key(session, created.secret)
        assert found is not None
        assert keys.principal_of(found).scopes == READ_STEWARD
        assert keys.principal_of(found).actor == "etl"
        assert keys.verify_key(session, created.secret + "x") is None
        assert keys.verify_key(session, created.secret[:-1]) is None


def test_revoked_key_no_longer_verifies(engine: Engine) -> None:
    created = _create(engine)
    with session_scope(engine, write=True) as session:
        revoked = keys.revoke_key(session, "etl")
    assert revoked.revoked_at is not None
    with Session(engine) as session:
        assert keys.verify_key(session, created.secret) is None


def test_revoke_by_id_and_unknown_names(engine: Engine) -> None:
    created = _create(engine)
    with session_scope(engine, write=True) as session:
        keys.revoke_key(session, str(created.key.id))
    with session_scope(engine, write=True) as session, pytest.raises(NotFound):
        keys.revoke_key(session, "etl")  # no active key of that name is left
    with session_scope(engine, write=True) as session, pytest.raises(NotFound):
        keys.revoke_key(session, "999999")


def test_a_name_is_taken_while_its_key_is_active_and_free_after_revocation(engine: Engine) -> None:
    _create(engine)
    with session_scope(engine, write=True) as session, pytest.raises(Conflict):
        keys.create_key(session, "etl", READ_STEWARD, "alice")
    with session_scope(engine, write=True) as session:
        keys.revoke_key(session, "etl")
    _create(engine)
    with Session(engine) as session:
        assert [k.name for k in keys.list_keys(session, include_revoked=False)] == ["etl"]
        assert len(keys.list_keys(session)) == 2


@pytest.mark.parametrize("name", ["", "   ", "42", "x" * 129, "tab\there"])
def test_bad_names_are_refused(engine: Engine, name: str) -> None:
    with session_scope(engine, write=True) as session, pytest.raises(InvalidInput):
        keys.create_key(session, name, READ_STEWARD, "alice")


def test_a_key_needs_a_scope(engine: Engine) -> None:
    with session_scope(engine, write=True) as session, pytest.raises(InvalidInput):
        keys.create_key(session, "none", frozenset(), "alice")
