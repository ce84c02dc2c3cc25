"""The token index behind search: what finds a candidate, and how the work stays bounded."""

from __future__ import annotations

import pytest

from mdm.golden import search_index
from mdm.golden.search_index import TokenIndex


def _index(*names: str) -> TokenIndex:
    index = TokenIndex()
    for i, name in enumerate(names):
        index.put(f"g{i}", [(name.title(), name)])
    return index


def _found(index: TokenIndex, query: str, first: int = 5) -> list[str]:
    return [s.label for s in index.search(query, first, 60.0)]


def test_equal_prefix_and_typo_close_tokens_find_a_name() -> None:
    index = _index("senolmont distribucion", "falline engineering", "nordwind logistik")
    assert _found(index, "senolmont distribucion", 1) == ["Senolmont Distribucion"]
    assert _found(index, "senol", 1) == ["Senolmont Distribucion"]
    assert _found(index, "nordwnd logistik", 1) == ["Nordwind Logistik"]
    assert _found(index, "qqqq zzzz") == []


def test_re_indexing_and_dropping_take_effect() -> None:
    index = _index("acme", "globex")
    index.put("g0", [("Initech", "initech")])
    assert _found(index, "acme") == []
    assert _found(index, "initech") == ["Initech"]
    index.drop("g1")
    assert _found(index, "globex") == []
    assert len(index) == 1


def test_rare_tokens_win_when_candidates_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "MAX_CANDIDATES", 5)
    index = _index(*[f"firm{i:02d} consulting" for i in range(40)], "acme consulting")
    assert _found(index, "acme consulting", 1) == ["Acme Consulting"]
    assert len(_found(index, "consulting", 50)) <= 5
