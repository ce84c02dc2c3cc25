"""Text folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.normalize import fold_text
from matching.normalize.text import collapse_digraphs


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Müller", "muller"),
        ("Straße", "strasse"),
        ("Ørsted", "orsted"),
        ("Łódź", "lodz"),
        ("Société Générale", "societe generale"),
        ("Æon Œuvre", "aeon oeuvre"),
        ("São Paulo", "sao paulo"),
        ("Þór Ðiðrik", "thor didrik"),
        ("İstanbul", "istanbul"),
        ("ﬁnance", "finance"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),  # noqa: RUF001
        ("Москва", "moskva"),
        ("Αθήνα", "athina"),
        ("Санкт-Петербург", "sankt peterburg"),
        ("  Acme,   Inc. ", "acme inc"),
        ("AT&T", "at t"),
        ("O'Reilly", "o reilly"),
        ("a\u2013b\u2014c", "a b c"),
        ("", ""),
        (None, ""),
        ("!!!", ""),
        ("株式会社", ""),
    ],
)
def test_fold_text_truth_table(raw: str | None, folded: str) -> None:
    assert fold_text(raw) == folded


@pytest.mark.parametrize(
    ("word", "collapsed"),
    [
        ("mueller", "muller"),
        ("soehne", "sohne"),
        ("baecker", "backer"),
        ("duesseldorf", "dusseldorf"),
        ("muenchen", "munchen"),
        ("koeln", "koln"),
        ("blue", "blue"),
        ("queen", "queen"),
        ("league", "league"),
        ("poe", "poe"),
        ("neue", "neue"),
        ("aerospace", "arospace"),
        ("aeon", "aeon"),
        ("aelvsborg", "alvsborg"),
        ("oesterreich", "osterreich"),
        ("muller", "muller"),
    ],
)
def test_german_digraphs_collapse_inside_words_only(word: str, collapsed: str) -> None:
    assert collapse_digraphs(word) == collapsed


@given(st.text())
def test_fold_text_output_is_squashed_lower_ascii(raw: str) -> None:
    folded = fold_text(raw)
    assert folded.isascii()
    assert folded == folded.lower().strip()
    assert "  " not in folded
    assert all(ch.isalnum() or ch == " " for ch in folded)


@given(st.text())
def test_fold_text_is_idempotent(raw: str) -> None:
    assert fold_text(fold_text(raw)) == fold_text(raw)


@given(st.text(alphabet="abcdeghlmnoqsu", max_size=12))
def test_collapse_digraphs_is_idempotent(word: str) -> None:
    assert collapse_digraphs(collapse_digraphs(word)) == collapse_digraphs(word)
