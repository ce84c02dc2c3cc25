"""Log a test client into the steward workbench the way a browser does: form, cookie, CSRF."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a workbench page's forms carry."""
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, key: str) -> str:
    """Open a session with `key`; returns the session's CSRF token (from the queue page)."""
    form = client.get("/steward/login")
    response = client.post(
        "/steward/login",
        data={"key": key, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/steward/queue").text)
