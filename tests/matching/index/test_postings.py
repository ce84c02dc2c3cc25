"""Postings, token counts and name-token weights kept in place equal a count from scratch."""

from __future__ import annotations

import numpy as np
import pytest

from matching.blocking import Column, fixed_keys, token_postings
from matching.compare import token_weights
from matching.config import BlockingRule
from matching.index.postings import Postings, Rows, TokenCounts
from matching.index.scoring import name_weights
from matching.index.store import Probe

NAMES = ["acme nord", "acme sud", "zeta nord", None, "omega"]


def _counts(values: list[str | None]) -> tuple[TokenCounts, Rows]:
    rows = Rows(len(values))
    return TokenCounts(token_postings(Column.of(np.array(values, dtype=object))), rows), rows


def test_postings_follow_rows_leaving_and_joining_a_key() -> None:
    rows = Rows(4)
    values = np.array(["+41", "+41", "+42", "+41"], dtype=object)
    postings = Postings(fixed_keys(Column.of(values), BlockingRule("phone")), rows)
    assert (postings.count("+41"), postings.members("+41")) == (3, [0, 1, 3])
    postings.discard("+41", 1)  # row 1 is updated to +42
    rows.revised.add(1)
    postings.add("+42", 1)
    postings.add("+41", 4)  # a new row
    assert (postings.count("+41"), postings.members("+41")) == (3, [0, 3, 4])
    assert (postings.count("+42"), postings.members("+42")) == (2, [2, 1])
    postings.discard("+42", 1)
    assert (postings.count("+42"), postings.members("+42")) == (1, [2])
    assert (postings.count("+43"), postings.members("+43")) == (0, [])


@pytest.mark.parametrize(
    ("change", "rarest"),
    [
        ({}, 1),
        ({"zeta": -1, "sud": -1, "omega": -1}, 2),
        ({"zeta": 1, "sud": 1, "omega": 1}, 2),
        ({"zeta": 1, "sud": 1, "omega": 1, "new": 1}, 1),
        ({"zeta": -1, "sud": -1, "omega": -1, "acme": 1, "nord": 1}, 3),
        ({"zeta": -1, "sud": -1, "omega": -1, "acme": -1, "nord": -1}, 1),
    ],
)
def test_rarest_token_with_a_change_applied(change: dict[str, int], rarest: int | None) -> None:
    counts, _ = _counts(NAMES)  # acme 2, nord 2, sud 1, zeta 1, omega 1
    assert counts.rarest(change) == rarest


def test_no_token_left_no_rarest() -> None:
    counts, _ = _counts(["solo", None])
    assert (counts.rarest({}), counts.rarest({"solo": -1})) == (1, None)


def test_rarest_token_follows_adds_and_removals() -> None:
    counts, rows = _counts(NAMES)
    counts.discard(["acme", "sud"], 1)
    rows.revised.add(1)
    counts.discard(["nord", "zeta"], 2)
    rows.revised.add(2)
    assert counts.rarest({}) == 1
    counts.discard(["omega"], 4)
    rows.revised.add(4)
    assert (counts.rarest({}), counts.count("acme"), counts.count("nord")) == (1, 1, 1)
    counts.add(["acme", "nord"], 5)
    assert (counts.rarest({}), counts.count("acme")) == (2, 2)


@pytest.mark.parametrize("newcomer", ["acme nord", "acme gamma", "brand new words", None])
def test_name_weights_equal_weights_counted_with_the_record_added(newcomer: str | None) -> None:
    counts, _ = _counts(NAMES)
    probe = Probe(len(NAMES), {"name": newcomer})
    got = name_weights(counts, probe, "name", len(NAMES) + 1, [*NAMES, newcomer])
    want = token_weights([*NAMES, newcomer])
    assert dict(got) == dict(want)
    assert got.default == want.default


@pytest.mark.parametrize("replacement", ["acme nord", "omega sud", None])
def test_name_weights_equal_weights_counted_with_the_record_replaced(
    replacement: str | None,
) -> None:
    counts, _ = _counts(NAMES)
    probe = Probe(2, {"name": replacement}, stored={"name": NAMES[2]})
    changed = [*NAMES[:2], replacement, *NAMES[3:]]
    got = name_weights(counts, probe, "name", len(NAMES), changed)
    want = token_weights(changed)
    assert dict(got) == dict(want)
    assert got.default == want.default
