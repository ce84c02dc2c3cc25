"""The generator's output: reproducible, in the contract's shape, complete and consistent."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from seeds import SEEDS_DIR, write_seeds
from seeds.generator.ids import salesforce_suffix
from tests.seeds.files import ENTITIES, SYSTEMS, header, key, read, records, truth

# DESIGN.md "Contracts -> Canonical CSV", written out here so the test checks the contract itself.
CANONICAL = {
    "customers": "source_system,source_id,name,street,city,postal_code,country,phone,email,"
    "website,tax_id,legal_name,region,currency,legal_entity,parent_source_id",
    "contracts": "source_system,source_id,number,name,customer_source_id,contract_type,"
    "parent_source_id,start_date,end_date,value,currency,opportunity_ref,billing_terms,"
    "rate_card,legal_entity",
    "projects": "source_system,source_id,name,customer_source_id,code,start_date,end_date,budget,"
    "currency,opportunity_ref,contract_source_id,billing_method,project_manager,status,"
    "legal_entity",
}


def _committed() -> list[Path]:
    return sorted([*SEEDS_DIR.glob("data/*/*.csv"), *SEEDS_DIR.glob("truth/*.csv")])


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    written = write_seeds(tmp_path)
    relative = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert relative == sorted(str(p.relative_to(SEEDS_DIR)) for p in _committed())
    for name in relative:
        assert (tmp_path / name).read_bytes() == (SEEDS_DIR / name).read_bytes(), name


def test_another_random_seed_gives_other_data(tmp_path: Path) -> None:
    write_seeds(tmp_path, seed=1)
    committed = (SEEDS_DIR / "data/crm/customers.csv").read_bytes()
    assert (tmp_path / "data/crm/customers.csv").read_bytes() != committed


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("entity", ENTITIES)
def test_every_file_has_exactly_the_contract_columns(entity: str, system: str) -> None:
    columns = header(f"data/{system}/{entity}.csv")
    canonical = CANONICAL[entity].split(",")
    assert columns[: len(canonical)] == canonical
    extra = columns[len(canonical) :]
    assert all(re.fullmatch(r"(crm|psa|erp)_id", c) and c != f"{system}_id" for c in extra)


@pytest.mark.parametrize("entity", ENTITIES)
def test_every_source_record_appears_in_the_truth_exactly_once(entity: str) -> None:
    keys = [key(r) for r in records(entity)]
    truth_keys = [key(r) for r in read(f"truth/{entity}.csv")]
    assert len(set(keys)) == len(keys)
    assert sorted(keys) == sorted(truth_keys)
    assert all(r["source_system"] in SYSTEMS for r in records(entity))


def test_the_scale_is_a_few_hundred_customers_in_about_a_thousand_records() -> None:
    entities = read("truth/customer_entities.csv")
    assert 300 <= len(entities) <= 400
    assert 800 <= len(records("customers")) <= 1100
    in_one_system = [e for e in entities if len(e["systems"].split()) == 1]
    assert len(in_one_system) >= 30
    countries = {e["country"] for e in entities}
    wanted = ["US", "GB", "DE", "FR", "NL", "CH", "AU", "IN", "SG", "JP", "ES", "IT", "SE", "CA"]
    assert countries >= {*wanted, "BR"}


def _ids(relative: str, column: str) -> set[str]:
    return {r[column] for r in read(relative)}


@pytest.mark.parametrize("system", SYSTEMS)
def test_customer_references_resolve_in_the_same_system(system: str) -> None:
    customers = _ids(f"data/{system}/customers.csv", "source_id")
    contracts = _ids(f"data/{system}/contracts.csv", "source_id")
    for row in read(f"data/{system}/customers.csv"):
        assert row["parent_source_id"] in customers | {""}
    for row in read(f"data/{system}/contracts.csv"):
        assert row["customer_source_id"] in customers
        assert row["parent_source_id"] in contracts | {""}
    for row in read(f"data/{system}/projects.csv"):
        assert row["customer_source_id"] in customers
        assert row["contract_source_id"] in contracts | {""}


def test_flow_records_point_at_records_of_their_system() -> None:
    accounts = _ids("data/crm/customers.csv", "source_id")
    assert _ids("data/crm/opportunities.csv", "account_source_id") <= accounts
    workspaces = _ids("data/psa/projects.csv", "source_id")
    for name in ("time_entries", "expenses", "milestones"):
        assert _ids(f"data/psa/{name}.csv", "project_source_id") <= workspaces


def test_won_opportunities_are_the_ones_contracts_refer_to() -> None:
    won = {r["source_id"] for r in read("data/crm/opportunities.csv") if r["stage"] == "Closed Won"}
    refs = {r["opportunity_ref"] for r in read("data/crm/contracts.csv")} - {""}
    assert refs <= won


def test_contracts_nest_msa_then_sow_then_change_order() -> None:
    allowed = {"SOW": {"MSA"}, "change_order": {"SOW"}, "MSA": set()}
    for system in SYSTEMS:
        rows = {r["source_id"]: r for r in read(f"data/{system}/contracts.csv")}
        for row in rows.values():
            assert row["contract_type"] in allowed
            if row["parent_source_id"]:
                assert (
                    rows[row["parent_source_id"]]["contract_type"] in allowed[row["contract_type"]]
                )


def test_billing_methods_are_the_canonical_four() -> None:
    methods = Counter(r["billing_method"] for r in records("projects"))
    assert set(methods) == {"time_and_materials", "fixed_fee", "milestone", "retainer"}


@pytest.mark.parametrize("entity", ["contracts", "projects"])
def test_records_of_one_true_contract_or_project_belong_to_one_true_customer(entity: str) -> None:
    customer_of = truth("customers")
    owners: dict[str, set[str]] = {}
    for row in records(entity):
        true_customer = customer_of[(row["source_system"], row["customer_source_id"])]
        owners.setdefault(truth(entity)[key(row)], set()).add(true_customer)
    assert all(len(found) == 1 for found in owners.values())


@pytest.mark.parametrize(
    ("relative", "prefix"),
    [
        ("data/crm/customers.csv", "001"),
        ("data/crm/contracts.csv", "800"),
        ("data/crm/opportunities.csv", "006"),
        ("data/crm/projects.csv", "a0P"),
    ],
)
def test_crm_ids_are_18_char_salesforce_ids_with_a_valid_suffix(relative: str, prefix: str) -> None:
    for row in read(relative):
        sf_id = row["source_id"]
        assert re.fullmatch(prefix + r"[0-9A-Za-z]{15}", sf_id)
        assert salesforce_suffix(sf_id[:15]) == sf_id[15:]


@pytest.mark.parametrize("system", ["psa", "erp"])
def test_psa_and_erp_ids_are_numeric(system: str) -> None:
    for entity in ENTITIES:
        assert all(r["source_id"].isdigit() for r in read(f"data/{system}/{entity}.csv"))


@pytest.mark.parametrize("entity", ["contracts", "projects"])
def test_dates_are_iso_and_start_before_end(entity: str) -> None:
    for row in records(entity):
        start = date.fromisoformat(row["start_date"])
        if row["end_date"]:
            assert date.fromisoformat(row["end_date"]) >= start
