"""Workbench login: a steward key buys a server-side session; forms need the CSRF token."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from mdm.auth.keys import revoke_key
from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.resolution.models import MatchCandidate
from mdm.stewardship.models import StewardSession
from tests.conftest import KeyFactory
from tests.support import steward_world
from tests.support.steward_client import csrf_of, log_in


def _status(engine: Engine, candidate_id: int) -> str:
    with session_scope(engine) as session:
        candidate = session.get(MatchCandidate, candidate_id)
        assert candidate is not None
        return candidate.status


def test_a_steward_key_opens_a_session_cookie_that_scripts_cannot_read(
    anonymous_client: TestClient, engine: Engine
) -> None:
    key = steward_world.steward_key(engine, "ann")
    form = anonymous_client.get("/steward/login")
    response = anonymous_client.post(
        "/steward/login",
        data={"key": key, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("mdm_steward=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/steward" in cookie
    page = anonymous_client.get("/steward/queue")
    assert page.status_code == 200
    assert 'data-testid="actor">ann<' in page.text
    with session_scope(engine) as session:
        [row] = session.exec(select(StewardSession)).all()
    assert row.actor == "ann"
    token = cookie.split("=", 1)[1].split(";")[0]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept


def test_keys_without_steward_scope_or_unknown_keys_are_refused(
    anonymous_client: TestClient, engine: Engine, make_key: KeyFactory
) -> None:
    reader = make_key(Scope.READ, name="reader")
    for key, status in ((reader, 403), ("mdm_unknown", 401), ("", 401)):
        form = anonymous_client.get("/steward/login")
        response = anonymous_client.post(
            "/steward/login", data={"key": key, "csrf_token": csrf_of(form.text)}
        )
        assert response.status_code == status
    with session_scope(engine) as session:
        assert session.exec(select(StewardSession)).all() == []


def test_login_without_the_forms_csrf_token_is_refused(
    anonymous_client: TestClient, engine: Engine
) -> None:
    key = steward_world.steward_key(engine)
    anonymous_client.get("/steward/login")
    response = anonymous_client.post("/steward/login", data={"key": key, "csrf_token": "forged"})
    assert response.status_code == 403
    with session_scope(engine) as session:
        assert session.exec(select(StewardSession)).all() == []


def test_pages_need_a_session(anonymous_client: TestClient, engine: Engine) -> None:
    w = steward_world.build(engine)
    for path in ("/steward", "/steward/queue", f"/steward/candidates/{w.acme}", "/steward/audit"):
        response = anonymous_client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/steward/login"
    response = anonymous_client.post(
        f"/steward/candidates/{w.acme}/decide", data={"decision": "accept"}
    )
    assert response.status_code == 401
    assert _status(engine, w.acme) == "open"


def test_a_form_without_the_sessions_csrf_token_changes_nothing(
    anonymous_client: TestClient, engine: Engine
) -> None:
    w = steward_world.build(engine)
    log_in(anonymous_client, steward_world.steward_key(engine))
    for token in ("", "not-the-token"):
        response = anonymous_client.post(
            f"/steward/candidates/{w.acme}/decide",
            data={"decision": "accept", "csrf_token": token},
        )
        assert response.status_code == 403
        assert "CSRF" in response.text
    assert _status(engine, w.acme) == "open"


def test_logout_ends_the_session_on_the_server(
    anonymous_client: TestClient, engine: Engine
) -> None:
    log_in(anonymous_client, steward_world.steward_key(engine))
    token = anonymous_client.cookies.get("mdm_steward")
    csrf = csrf_of(anonymous_client.get("/steward/queue").text)
    response = anonymous_client.post("/steward/logout", data={"csrf_token": csrf})
    assert response.status_code == 200  # followed to the login form
    anonymous_client.cookies.set("mdm_steward", token or "", path="/steward")
    replay = anonymous_client.get("/steward/queue", follow_redirects=False)
    assert replay.status_code == 303


def test_revoking_the_key_ends_its_sessions(anonymous_client: TestClient, engine: Engine) -> None:
    log_in(anonymous_client, steward_world.steward_key(engine, "ann"))
    with session_scope(engine, write=True) as session:
        revoke_key(session, "ann")
    assert anonymous_client.get("/steward/queue", follow_redirects=False).status_code == 303


def test_a_form_that_is_not_url_encoded_is_a_clear_4xx(
    anonymous_client: TestClient, engine: Engine
) -> None:
    w = steward_world.build(engine)
    log_in(anonymous_client, steward_world.steward_key(engine))
    response = anonymous_client.post(
        f"/steward/candidates/{w.acme}/decide",
        content=b"\xff\xfe",
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 422
    assert _status(engine, w.acme) == "open"
