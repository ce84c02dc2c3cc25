"""The workbench's web layer: templates, the session dependencies, login and logout, mounting.

Pages are server-rendered Jinja2 with plain forms (POST, then redirect) and a little plain
JavaScript for keyboard shortcuts; there is no build step. Routes parse, call one service
function and render. A service's `MDMError` is re-raised as `PageError`, so the request's
unit of work rolls back and the steward sees an HTML page with the error's status.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from mdm import correlation
from mdm.api.deps import SessionDep, WriteSessionDep
from mdm.errors import InvalidInput, MDMError, PayloadTooLarge
from mdm.stewardship import sessions
from mdm.stewardship.sessions import Current

HERE = Path(__file__).parent
PREFIX = "/steward"
LOGIN_CSRF_COOKIE = "mdm_steward_login"
MAX_FORM_BYTES = 256 * 1024
MAX_FORM_FIELDS = 200
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(prefix=PREFIX, include_in_schema=False)


class LoginRequired(Exception):
    """No live workbench session: a page goes to the login form, a form post gets a 401."""


class PageError(Exception):
    """A service refused the request; shown as an HTML page with the error's status."""

    def __init__(self, error: MDMError) -> None:
        super().__init__(error.detail)
        self.error = error


@contextmanager
def page_errors() -> Iterator[None]:
    """Turn a service's `MDMError` into `PageError` (the unit of work still rolls back)."""
    try:
        yield
    except MDMError as exc:
        raise PageError(exc) from exc


def _current(request: Request, session: Session) -> Current:
    found = sessions.current(session, request.cookies.get(sessions.COOKIE))
    if found is None:
        raise LoginRequired
    request.state.steward = found
    return found


def _reader(request: Request, session: SessionDep) -> Current:
    return _current(request, session)


def _writer(request: Request, session: WriteSessionDep) -> Current:
    return _current(request, session)


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form, URL-encoded (the workbench uploads no files); the last value wins."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    with page_errors():
        if len(body) > MAX_FORM_BYTES:
            raise PayloadTooLarge(f"a form is at most {MAX_FORM_BYTES} bytes")
        if body and kind != "application/x-www-form-urlencoded":
            raise InvalidInput("forms are sent as application/x-www-form-urlencoded")
        try:
            text = body.decode("utf-8")
            parsed = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidInput(f"the form cannot be read: {exc}") from exc
    return {key: values[-1] for key, values in parsed.items()}


FormDep = Annotated[dict[str, str], Depends(form_fields)]


def _csrf_checked(current: Annotated[Current, Depends(_writer)], form: FormDep) -> Current:
    with page_errors():
        current.check_csrf(form.get("csrf_token"))
    return current


Viewer = Annotated[Current, Depends(_reader)]
# A page whose showing is itself recorded (a bulk sample), on the request's write session.
Writer = Annotated[Current, Depends(_writer)]
# A form post: a live session and the session's CSRF token in the form.
Poster = Annotated[Current, Depends(_csrf_checked)]


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page of the workbench with the steward's name and CSRF token at hand."""
    current: Current | None = getattr(request.state, "steward", None)
    base = {
        "actor": current.principal.actor if current else None,
        "csrf": current.csrf_token if current else "",
        "prefix": PREFIX,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def see_other(url: str) -> RedirectResponse:
    """Post/redirect/get: after a form, the browser loads the next page with GET."""
    return RedirectResponse(url, status_code=303)


@router.get("", response_class=HTMLResponse)
def home(current: Viewer) -> RedirectResponse:
    """The workbench starts at the queue."""
    return see_other(f"{PREFIX}/queue")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    """The login form; its CSRF token is also set as a cookie (double submit)."""
    return _login_page(request, "", 200)


def _login_page(request: Request, message: str, status: int) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "message": message}, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path=PREFIX,
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: WriteSessionDep, form: FormDep) -> Response:
    """Exchange a steward's API key for a session cookie."""
    key, csrf_token = form.get("key", ""), form.get("csrf_token", "")
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf_token or not secrets.compare_digest(csrf_token, expected):
        return _login_page(request, "The form expired; please try again.", 403)
    try:
        opened = sessions.open_session(session, key)
    except MDMError as exc:
        return _login_page(request, exc.detail, exc.status_code)
    response = see_other(f"{PREFIX}/queue")
    response.set_cookie(
        sessions.COOKIE,
        opened.token,
        max_age=int(sessions.LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=PREFIX,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
def logout(current: Poster, session: WriteSessionDep) -> Response:
    """End the session on the server and drop the cookie."""
    sessions.close_session(session, current.id)
    response = see_other(f"{PREFIX}/login")
    response.delete_cookie(sessions.COOKIE, path=PREFIX)
    return response


async def login_required(request: Request, _exc: Exception) -> Response:
    if request.method == "GET":
        return see_other(f"{PREFIX}/login")
    context = {"status": 401, "code": "unauthorized", "detail": "your session has ended; log in"}
    return render(request, "error.html", context, 401)


async def page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    error = exc.error
    context = {
        "status": error.status_code,
        "code": error.code,
        "detail": error.detail,
        "correlation_id": correlation.get(),
    }
    return render(request, "error.html", context, error.status_code)
