"""Scopes and their implications: admin implies all, steward implies read, nothing else."""

from __future__ import annotations

import pytest

from mdm.auth.principal import Principal, Scope, effective, parse_scopes
from mdm.errors import InvalidInput

# (granted, asked) -> allowed: the whole truth table of the implication rule.
IMPLIED = {
    Scope.ADMIN: set(Scope),
    Scope.STEWARD: {Scope.STEWARD, Scope.READ},
    Scope.READ: {Scope.READ},
    Scope.INGEST: {Scope.INGEST},
    Scope.FINANCE: {Scope.FINANCE},
}


@pytest.mark.parametrize("granted", list(Scope))
@pytest.mark.parametrize("asked", list(Scope))
def test_principal_has_exactly_the_implied_scopes(granted: Scope, asked: Scope) -> None:
    principal = Principal(actor="someone", scopes=frozenset({granted}), via="key")
    assert principal.has(asked) is (asked in IMPLIED[granted])


def test_effective_scopes_are_the_union_of_each_grant() -> None:
    assert effective({Scope.STEWARD, Scope.FINANCE}) == {Scope.STEWARD, Scope.READ, Scope.FINANCE}


def test_parse_scopes_accepts_commas_spaces_and_case() -> None:
    assert parse_scopes(" Read, steward ,") == {Scope.READ, Scope.STEWARD}


@pytest.mark.parametrize("text", ["read,superuser", "", " , "])
def test_parse_scopes_refuses_unknown_or_empty(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_scopes(text)


def test_unknown_scope_error_names_it_and_the_choices() -> None:
    with pytest.raises(InvalidInput, match=r"unknown scope\(s\) superuser; expected some of read"):
        parse_scopes("read,superuser")
