"""The caller of a request: an actor with scopes, proven by an API key or a JWT.

Scopes are `read`, `ingest`, `steward`, `admin` and `finance`. Two implications, and only
these: `admin` implies every scope, and `steward` implies `read` (a steward reviews what they
can see). `ingest` does not imply `read`, so a loader's key cannot read the hub back, and
`finance` only unmasks financial values: it grants no reading on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from mdm.errors import InvalidInput


class Scope(StrEnum):
    """What a credential allows."""

    READ = "read"
    INGEST = "ingest"
    STEWARD = "steward"
    ADMIN = "admin"
    FINANCE = "finance"


_NAMES = frozenset(s.value for s in Scope)

# The scopes each scope brings along besides itself (admin: all of them).
IMPLIES: dict[Scope, frozenset[Scope]] = {
    Scope.ADMIN: frozenset(Scope),
    Scope.STEWARD: frozenset({Scope.READ}),
}


def effective(scopes: Iterable[Scope]) -> frozenset[Scope]:
    """The scopes granted, with everything they imply."""
    granted = set(scopes)
    for scope in list(granted):
        granted |= IMPLIES.get(scope, frozenset())
    return frozenset(granted)


def parse_scopes(text: str | Iterable[str]) -> frozenset[Scope]:
    """Scopes from `read,steward` (or a list); an unknown name is a clear `InvalidInput`."""
    names = text.split(",") if isinstance(text, str) else list(text)
    cleaned = [n.strip().lower() for n in names if n.strip()]
    unknown = sorted({n for n in cleaned if n not in _NAMES})
    if unknown:
        allowed = ", ".join(s.value for s in Scope)
        raise InvalidInput(f"unknown scope(s) {', '.join(unknown)}; expected some of {allowed}")
    if not cleaned:
        raise InvalidInput("at least one scope is needed")
    return frozenset(Scope(n) for n in cleaned)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: `actor` is the key's name or the JWT's subject."""

    actor: str
    scopes: frozenset[Scope]
    via: str  # "key" or "jwt"

    def has(self, scope: Scope) -> bool:
        """Whether the caller holds `scope`, directly or by implication."""
        return scope in effective(self.scopes)
