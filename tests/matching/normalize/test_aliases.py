"""Word aliases for organisation names."""

from __future__ import annotations

import pytest

from matching.normalize.aliases import ALIAS_GROUPS, alias_index, canonical_token
from matching.normalize.legal_forms import spelling_index


@pytest.mark.parametrize(
    ("word", "canonical"),
    [
        ("international", "intl"),
        ("intl", "intl"),
        ("technologies", "tech"),
        ("manufacturing", "mfg"),
        ("services", "svcs"),
        ("brothers", "bros"),
        ("association", "assn"),
        ("company", "co"),
        ("university", "univ"),
        ("laboratories", "lab"),
        ("und", "and"),
        ("acme", "acme"),
    ],
)
def test_aliases_map_both_ways_to_one_canonical_token(word: str, canonical: str) -> None:
    assert canonical_token(word) == canonical


@pytest.mark.parametrize("canonical", sorted(ALIAS_GROUPS))
def test_every_canonical_token_maps_to_itself(canonical: str) -> None:
    assert canonical_token(canonical) == canonical


def test_no_spelling_belongs_to_two_alias_groups() -> None:
    seen: dict[str, str] = {}
    for canonical, spellings in ALIAS_GROUPS.items():
        for spelling in (s.strip().replace(" ", "") for s in spellings.split(",")):
            assert seen.setdefault(spelling, canonical) == canonical, spelling


def test_legal_form_words_are_not_aliased_away_except_company() -> None:
    legal_words = {spelling[0] for spelling in spelling_index() if len(spelling) == 1}
    aliased = {word for word, canonical in alias_index().items() if word != canonical}
    assert aliased & legal_words <= {"company", "compagnie"}
