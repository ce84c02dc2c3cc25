"""The index answers like `dedupe`: same candidates, same scores, same decisions."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.index import MatchIndex
from matching.prepare import prepare
from tests.matching.index.reference import (
    Case,
    assert_index_equals_batch,
    assert_same,
    deduped,
    keys_of,
    mixed,
    tight,
    unrounded,
    unrounded_for_last,
)

CASES = ["customers_case", "projects_case"]
# every record under the presets; every third under the variants, to keep the suite quick
STRIDE = {"preset": 1, "tight": 3, "mixed": 3}


def _case(request: pytest.FixtureRequest, name: str, caps: str) -> Case:
    case: Case = request.getfixturevalue(name)
    if caps == "tight":
        return Case(case.records, tight(case.settings), case.model)
    if caps == "mixed":
        return Case(case.records, mixed(case.settings), case.model)
    return case


@pytest.mark.parametrize("caps", ["preset", "tight", "mixed"])
@pytest.mark.parametrize("name", CASES)
def test_every_indexed_record_is_scored_as_dedupe_scores_it(
    request: pytest.FixtureRequest, name: str, caps: str
) -> None:
    case = _case(request, name, caps)
    index = MatchIndex.build(case.records, case.settings, case.model)
    rows = list(range(0, len(case.records), STRIDE[caps]))
    compared = assert_index_equals_batch(index, case.records, case, rows)
    assert compared > len(rows)


@pytest.mark.parametrize("caps", ["preset", "tight", "mixed"])
@pytest.mark.parametrize("name", CASES)
def test_many_new_records_are_each_scored_as_if_added(
    request: pytest.FixtureRequest, name: str, caps: str
) -> None:
    case = _case(request, name, caps)
    held = list(range(1, len(case.records), 5 * STRIDE[caps]))
    base = case.records.drop(index=held).reset_index(drop=True)
    index = MatchIndex.build(base, case.settings, case.model)
    prepared, keys = prepare(base, case.settings), keys_of(base)
    paired = 0
    for i in held:
        record = case.records.loc[i].to_dict()
        # the batch path on the index's records and then the new one
        together = pd.concat([prepared, prepare(case.records.loc[[i]], case.settings)])
        key = keys_of(case.records.loc[[i]])[0]
        exact = unrounded_for_last(
            together.reset_index(drop=True), [*keys, key], case.settings, case.model
        )
        decisions = index.query(record)
        assert_same(decisions, exact)
        paired += bool(decisions)
    assert len(index) == len(base)
    assert paired >= len(held) // 2


@pytest.mark.parametrize("caps", ["preset", "tight"])
@pytest.mark.parametrize("name", CASES)
def test_a_new_record_is_scored_as_dedupe_scores_it_once_added(
    request: pytest.FixtureRequest, name: str, caps: str
) -> None:
    case = _case(request, name, caps)
    held = list(range(3, len(case.records), len(case.records) // 8))
    base = case.records.drop(index=held).reset_index(drop=True)
    index = MatchIndex.build(base, case.settings, case.model)
    paired = 0
    for i in held:
        # the batch path on the same records: the index's, then the new one last
        together = pd.concat([base, case.records.loc[[i]]], ignore_index=True)
        key = keys_of(together)[-1]
        exact = unrounded(together, case.settings, case.model).get(key, {})
        shown = deduped(together, case.settings, case.model).get(key, {})
        record = case.records.loc[i].to_dict()
        decisions = index.query(record)
        assert_same(decisions, exact, shown)
        assert key not in index
        paired += bool(decisions)
    assert len(index) == len(base)
    assert paired >= len(held) // 2


def test_query_leaves_the_index_as_it_was(customers_case: Case) -> None:
    records = customers_case.records
    index = MatchIndex.build(records.iloc[:-1], customers_case.settings, customers_case.model)
    newcomer = records.iloc[-1].to_dict()
    first = index.query(newcomer)
    assert index.query(newcomer) == first
    assert len(index) == len(records) - 1
    # the indexed records still answer for the records indexed, not for the newcomer too
    assert_index_equals_batch(index, records.iloc[:-1], customers_case, rows=list(range(50)))


def test_decisions_come_most_probable_first(customers_case: Case) -> None:
    index = MatchIndex.build(customers_case.records, customers_case.settings, customers_case.model)
    for record in customers_case.records.iloc[:100].to_dict("records"):
        chances = [d.probability for d in index.query(record)]
        assert chances == sorted(chances, reverse=True)
