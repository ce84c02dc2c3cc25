"""generate_customers: large synthetic sets with the same corruption model and their truth."""

from __future__ import annotations

from collections import Counter

import pytest

from seeds import generate_customers
from seeds.generator.schema import CUSTOMER


@pytest.mark.parametrize("n", [0, 1, 7, 2_000])
def test_it_returns_exactly_n_records(n: int) -> None:
    assert len(generate_customers(n, seed=3)) == n


def test_every_record_has_the_canonical_columns_a_crm_id_and_its_true_entity() -> None:
    rows = generate_customers(500, seed=3)
    assert all(list(r) == [*CUSTOMER, "crm_id", "entity_id"] for r in rows)
    assert all(r["entity_id"].startswith("cus-") and r["name"] for r in rows)


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    assert generate_customers(300, seed=9) == generate_customers(300, seed=9)
    assert generate_customers(300, seed=9) != generate_customers(300, seed=10)


def test_source_ids_are_unique_within_each_system() -> None:
    rows = generate_customers(3_000, seed=4)
    keys = Counter((r["source_system"], r["source_id"]) for r in rows)
    assert max(keys.values()) == 1


def test_records_of_one_entity_are_noisy_views_of_it() -> None:
    rows = generate_customers(3_000, seed=4)
    by_entity: dict[str, set[str]] = {}
    for row in rows:
        by_entity.setdefault(row["entity_id"], set()).add(row["name"])
    multi = [names for names in by_entity.values() if len(names) > 1]
    assert len(by_entity) < 0.6 * len(rows)  # most customers sit in more than one record
    assert len(multi) > 0.3 * len(by_entity)
    assert Counter(r["source_system"] for r in rows).keys() == {"crm", "psa", "erp"}
