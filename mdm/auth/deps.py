"""FastAPI dependencies: who is calling (`PrincipalDep`, `ActorDep`) and `requires(*scopes)`.

Credentials come as `Authorization: Bearer <API key or JWT>` or as `X-API-Key: <API key>`.
Missing or invalid ones are a 401 with a `WWW-Authenticate: Bearer` challenge; valid ones
without the scope a route needs are a 403 naming the missing scope.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from mdm.auth.authenticator import Authenticator
from mdm.auth.principal import Principal, Scope
from mdm.errors import Forbidden, Unauthorized

_HOW = "send `Authorization: Bearer <key or token>` or `X-API-Key: <key>`"
_build_lock = threading.Lock()
# Every dependency `requires` made, so `secure_by_default` can tell a route that chose its scope.
_SCOPE_CHECKS: weakref.WeakKeyDictionary[Callable[..., Any], tuple[Scope, ...]] = (
    weakref.WeakKeyDictionary()
)

# Declared for the OpenAPI document (the "Authorize" button of /docs); parsing is ours.
_bearer_scheme = HTTPBearer(auto_error=False, description="An API key (`mdm_...`) or a JWT")
_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key")


def authenticator_of(app: Any) -> Authenticator:
    """The app's authenticator (built in the lifespan; on first use for an app without one)."""
    state = app.state
    built: Authenticator | None = getattr(state, "authenticator", None)
    if built is not None:
        return built
    with _build_lock:
        existing: Authenticator | None = getattr(state, "authenticator", None)
        if existing is None:
            existing = Authenticator(state.settings, state.engine)
            state.authenticator = existing
    return existing


def credential(request: Request) -> str | None:
    """The presented key or token, if any; a malformed `Authorization` header is a 401."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(f"unsupported Authorization header; {_HOW}")
        return token.strip()
    api_key = request.headers.get("x-api-key", "").strip()
    return api_key or None


def authenticate(request: Request) -> Principal:
    """The caller of `request`; `Unauthorized` when credentials are missing or invalid."""
    token = credential(request)
    if token is None:
        raise Unauthorized(f"authentication required; {_HOW}")
    return authenticator_of(request.app).principal(token)


async def authenticate_async(request: Request) -> Principal:
    """`authenticate` for async code: a key verified moments ago costs no thread hop."""
    # Only a database lookup or a JWKS fetch goes to a worker thread.
    token = credential(request)
    if token is not None:
        hit = authenticator_of(request.app).cached(token)
        if hit is not None:
            return hit
    return await run_in_threadpool(authenticate, request)


async def _principal(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    _key: Annotated[str | None, Depends(_key_scheme)],
) -> Principal:
    return await authenticate_async(request)


PrincipalDep = Annotated[Principal, Depends(_principal)]


async def _actor(principal: PrincipalDep) -> str:
    return principal.actor


# What services record as the actor of events and steward decisions.
ActorDep = Annotated[str, Depends(_actor)]


def requires(*scopes: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting callers that hold every one of `scopes` (403 naming the rest)."""
    needed = tuple(scopes)

    async def check(principal: PrincipalDep) -> Principal:
        missing = [s.value for s in needed if not principal.has(s)]
        if missing:
            challenge = f'Bearer error="insufficient_scope", scope="{" ".join(missing)}"'
            raise Forbidden(
                f"this needs the {' and '.join(missing)} scope; {principal.actor!r} lacks it",
                headers={"WWW-Authenticate": challenge},
            )
        return principal

    check.__name__ = f"requires_{'_'.join(s.value for s in needed) or 'auth'}"
    _SCOPE_CHECKS[check] = needed
    return check


def declares_scope(dependant: Dependant) -> bool:
    """Whether a route (or any dependency of it) checks scopes with `requires`."""
    if dependant.call is not None and dependant.call in _SCOPE_CHECKS:
        return True
    return any(declares_scope(sub) for sub in dependant.dependencies)


async def secure_by_default(request: Request, principal: PrincipalDep) -> None:
    """Router-wide guard: credentials always, and `read` unless the route chose its scopes.

    Every feature router is mounted behind this, so a route whose author forgot `requires`
    is still closed to anonymous callers and to keys without `read`.
    """
    route = request.scope.get("route")
    if route is not None and _chose_scope(route):
        return
    await _require_read(principal)


_require_read = requires(Scope.READ)


def _chose_scope(route: Any) -> bool:
    # Computed once per route (routes are unhashable, so it is kept on the route itself).
    chose: bool | None = getattr(route, "_mdm_chose_scope", None)
    if chose is None:
        dependant = getattr(route, "dependant", None)
        chose = isinstance(dependant, Dependant) and declares_scope(dependant)
        route._mdm_chose_scope = chose
    return chose
