"""Blocking on prepared columns gives the pairs blocking the prepared frame gives."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from matching.batch.columns import block_prepared, prepared_columns
from matching.blocking import Candidates, block
from matching.config import MatchSettings
from matching.prepare import prepare
from matching.presets import customers, projects
from tests.matching.index.records import generated_customers, seed_customers, seed_projects

DATA_SETS: dict[str, tuple[Callable[[], pd.DataFrame], Callable[[], MatchSettings]]] = {
    "seed_customers": (seed_customers, customers),
    "generated_2k": (lambda: generated_customers(2000), customers),
    "seed_projects": (seed_projects, projects),
    # generated customers read as children of their country: many parents, big blocks
    "generated_2k_as_children": (
        lambda: generated_customers(2000).assign(customer_golden_id=lambda f: f["country"]),
        projects,
    ),
}


def _same(found: Candidates, expected: Candidates) -> None:
    assert found.left.tolist() == expected.left.tolist()
    assert found.right.tolist() == expected.right.tolist()
    assert found.pairs_per_rule == expected.pairs_per_rule


@pytest.mark.parametrize("name", sorted(DATA_SETS))
@pytest.mark.parametrize("link_only", [False, True])
def test_blocking_prepared_columns_equals_blocking_the_prepared_frame(
    name: str, link_only: bool
) -> None:
    load, settings_of = DATA_SETS[name]
    records, settings = load().reset_index(drop=True), settings_of()
    sources = records["source_system"].tolist() if link_only else None
    columns = prepared_columns(records, settings, workers=1)
    expected = block(
        prepare(records, settings),
        settings.blocking,
        sources=sources,
        parent_field=settings.parent_field,
    )
    _same(block_prepared(columns, len(records), settings, sources=sources), expected)
    probes = np.random.default_rng(1).random(len(records)) < 0.2
    keep = probes[expected.left] | probes[expected.right]
    found = block_prepared(columns, len(records), settings, sources=sources, probes=probes)
    assert found.left.tolist() == expected.left[keep].tolist()
    assert found.right.tolist() == expected.right[keep].tolist()
