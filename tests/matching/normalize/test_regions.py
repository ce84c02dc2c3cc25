"""Regional labels: which trailing words name an office rather than a company."""

from __future__ import annotations

import pytest

from matching.normalize.regions import could_end_region, place_label, region_label


@pytest.mark.parametrize(
    ("phrase", "separated", "remaining", "label"),
    [
        ("emea", False, 1, "emea"),
        ("asia pacific", False, 1, "apac"),
        ("north america", False, 1, "north_america"),
        ("deutschland", False, 1, "de"),
        ("uk", False, 1, "uk"),
        ("france", True, 1, "fr"),
        ("france", False, 1, None),
        ("france", False, 2, "fr"),
        ("united kingdom", True, 1, "uk"),
        ("bra", True, 1, "br"),
        ("bra", False, 2, None),
        ("de", True, 1, "de"),
        ("sa", True, 1, None),
        ("co", True, 1, None),
        ("delaware", True, 1, "us"),
        ("ontario", True, 1, "ca"),
        ("london", True, 1, None),
        ("consulting", True, 1, None),
    ],
)
def test_region_label_truth_table(
    phrase: str, separated: bool, remaining: int, label: str | None
) -> None:
    assert region_label(phrase, separated=separated, remaining=remaining) == label


@pytest.mark.parametrize(
    ("phrase", "label"),
    [
        ("munchen", "munich"),
        ("london", "london"),
        ("new york", "us"),
        ("stockholm", "stockholm"),
        ("emea", "emea"),
        ("germany", "de"),
        ("consulting", None),
        ("holdings", None),
    ],
)
def test_place_label_knows_regions_countries_and_major_cities(
    phrase: str, label: str | None
) -> None:
    assert place_label(phrase) == label


@pytest.mark.parametrize(
    ("word", "can_end"), [("emea", True), ("germany", True), ("usa", True), ("acme", False)]
)
def test_only_words_that_end_a_label_are_looked_up(word: str, can_end: bool) -> None:
    assert could_end_region(word) is can_end
