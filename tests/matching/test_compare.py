"""Comparison levels: truth tables per kind; a missing value is never disagreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import JaroWinkler

from matching.compare import (
    EXACT_LEVEL,
    FUZZY_TOKEN_MIN_LENGTH,
    FUZZY_TOKEN_SIMILARITY,
    NULL_LEVEL,
    _spellings,
    compare,
    levels_for,
    name_similarity,
    token_similarity,
    token_weights,
)
from matching.config import ComparisonSpec

EXACT = ComparisonSpec("c", "c", "exact")
STRING = ComparisonSpec("c", "c", "string", (0.95, 0.85))
DATE = ComparisonSpec("c", "c", "date", (0.875, 0.75))
NUMBER = ComparisonSpec("c", "c", "number", (0.95,))
DAYS = ComparisonSpec("c", "c", "days", (3, 31))
NAME = ComparisonSpec("c", "c", "name", (0.9, 0.6, 0.3))

WEIGHTS = token_weights(
    [
        "kowalczyk consulting",
        "nowak consulting",
        "smith consulting",
        "jones consulting",
        "acme consulting",
        "acme systems",
        "globex",
        "initech",
        "umbrella consulting",
    ]
)


@pytest.mark.parametrize(
    ("spec", "left", "right", "level"),
    [
        (EXACT, "DE", "DE", EXACT_LEVEL),
        (EXACT, "DE", "FR", 2),
        (EXACT, None, "FR", NULL_LEVEL),
        (EXACT, "DE", None, NULL_LEVEL),
        (EXACT, None, None, NULL_LEVEL),
        (STRING, "martha", "martha", EXACT_LEVEL),
        (STRING, "martha", "marhta", 2),  # Jaro-Winkler 0.961
        (STRING, "dixon", "dicksonx", 4),
        (STRING, "smith", None, NULL_LEVEL),
        (DATE, "19560409", "19560409", EXACT_LEVEL),
        (DATE, "19560409", "19560490", 3),  # two digits differ: 0.75
        (DATE, "19560409", "19560408", 2),  # one digit differs: 0.875
        (DATE, "19560409", "20011231", 4),
        (DAYS, "20240109", "20240109", EXACT_LEVEL),
        (DAYS, "20241231", "20250101", 2),  # one day apart across a year end
        (DAYS, "20240109", "20240112", 2),  # three days: still the closest level
        (DAYS, "20240109", "20240113", 3),
        (DAYS, "20240301", "20240131", 3),  # 30 days, although many digits differ
        (DAYS, "20231209", "20240309", 4),  # a follow-on phase three months later
        (DAYS, "20240109", "20241301", 4),  # no such date: disagreement, not missing
        (DAYS, None, "20240109", NULL_LEVEL),
        (NUMBER, "1000", "1000", EXACT_LEVEL),
        (NUMBER, "1000", "980", 2),
        (NUMBER, "1000", "500", 3),
        (NUMBER, None, "500", NULL_LEVEL),
        (NAME, "acme consulting", "acme consulting", EXACT_LEVEL),
        (NAME, "acme consulting", "acme", 2),
        (NAME, "kowalczyk consulting", "kowalczyk", 2),
        (NAME, "smith consulting", "jones consulting", 5),
        (NAME, "globex", "initech", 5),
        (NAME, None, "globex", NULL_LEVEL),
    ],
)
def test_level_truth_table(
    spec: ComparisonSpec, left: str | None, right: str | None, level: int
) -> None:
    assert levels_for(spec, [left], [right], WEIGHTS).tolist() == [level]


def test_days_levels_are_labelled_by_the_most_days_apart_they_allow() -> None:
    assert DAYS.level_labels() == ("null", "exact", "<=3", "<=31", "else")


def test_dwayne_duane_is_just_under_the_looser_string_threshold() -> None:
    # Jaro-Winkler("dwayne", "duane") = 0.84: one level looser than 0.85, i.e. "else"
    assert levels_for(STRING, ["dwayne"], ["duane"]).tolist() == [STRING.n_levels - 1]


def test_shared_rare_token_weighs_more_than_shared_common_token() -> None:
    rare = name_similarity("kowalczyk consulting", "kowalczyk systems", WEIGHTS)
    common = name_similarity("kowalczyk consulting", "nowak consulting", WEIGHTS)
    assert rare > common


def test_rare_tokens_have_higher_weight_than_common_ones() -> None:
    assert WEIGHTS["kowalczyk"] > WEIGHTS["consulting"]


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("acme consulting", "acme consulting", 1.0, 1.0),
        ("globex", "initech", 0.0, 0.0),
        ("umbrella consulting", "umbrela consulting", 0.9, 1.0),  # typo in a long rare token
        ("acme systems", "acme", 0.6, 0.9),
    ],
)
def test_name_similarity_truth_table(a: str, b: str, low: float, high: float) -> None:
    assert low <= name_similarity(a, b, WEIGHTS) <= high


@pytest.mark.parametrize(
    ("a", "b", "similarity"),
    [
        ("media", "medi", 0.9),  # a field cut short
        ("group", "grou", 0.9),
        ("ijdustries", "ind", 0.94),  # a typo'd spelling of the alias "ind" (industries)
        ("ind", "ijdustries", 0.94),
        ("umbrella", "umbrela", 0.975),
        ("bau", "sys", 0.0),
        ("ab", "abc", 0.0),  # too short to judge
        ("acme", "acne", 0.0),  # a typo in a short word is another word
    ],
)
def test_token_similarity_truth_table(a: str, b: str, similarity: float) -> None:
    assert token_similarity(a, b) == pytest.approx(similarity, abs=0.005)


def test_distinct_words_on_both_sides_count_less_than_one_name_inside_the_other() -> None:
    # "acme consulting" / "acme systems": sister companies; "acme" / "acme systems": a brand
    sisters = name_similarity("acme consulting", "acme systems", WEIGHTS)
    brand = name_similarity("acme", "acme systems", WEIGHTS)
    assert sisters < brand
    assert sisters < NAME.thresholds[1]


def test_null_level_labels_and_level_count_follow_the_thresholds() -> None:
    assert STRING.level_labels() == ("null", "exact", ">=0.95", ">=0.85", "else")
    assert STRING.n_levels == 5


def test_compare_builds_a_level_matrix_for_candidate_pairs() -> None:
    prepared = pd.DataFrame({"c": ["de", "de", None, "fr"]}, dtype=object)
    left = np.array([0, 0, 1], np.int64)
    right = np.array([1, 2, 3], np.int64)
    matrix = compare(prepared, left, right, (EXACT,))
    assert matrix[:, 0].tolist() == [EXACT_LEVEL, NULL_LEVEL, 2]


def _plain_reading(a: str, b: str) -> float:
    """`token_similarity` as first written: every alias spelling of either token tried."""
    spelled = _spellings()

    def plain(x: str, y: str) -> float:
        short, long_ = sorted((x, y), key=len)
        if len(short) < 3:
            return 0.0
        if long_.startswith(short):
            return FUZZY_TOKEN_SIMILARITY
        if len(long_) < FUZZY_TOKEN_MIN_LENGTH:
            return 0.0
        return float(JaroWinkler.normalized_similarity(x, y))

    best = max((plain(x, s) for x, y in ((a, b), (b, a)) for s in spelled.get(y, ())), default=0.0)
    return max(best, plain(a, b))


def test_token_similarity_equals_its_plain_reading_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    spelled = _spellings()
    aliases = sorted(spelled)[:40] + [s for k in sorted(spelled)[:40] for s in spelled[k]]
    words = ["acme", "acne", "ac", "group", "grou", "gruop", "industries", "ind", "nordwind"]
    words += ["".join(rng.choice(list("abcdeinorst"), rng.integers(1, 9))) for _ in range(150)]
    pool = aliases + words
    for _ in range(20_000):
        a, b = (pool[i] for i in rng.integers(0, len(pool), 2))
        assert token_similarity(a, b) == _plain_reading(a, b)
