"""Mapping files: every shipped one is valid; each kind of broken one gets a clear problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mdm.records.mapping import available_systems, load_mapping, mapping_problems
from mdm.records.mappings_cli import app

SHIPPED = Path(__file__).resolve().parents[3] / "mdm" / "mappings"
SYSTEMS = ["certinia", "dynamics365", "hubspot", "kantata", "netsuite", "salesforce"]


def minimal() -> dict[str, Any]:
    """A small valid mapping to break one way at a time."""
    return {
        "system": "acme",
        "role": "crm",
        "product": "Acme CRM",
        "entities": {
            "customers": {
                "object": "Account",
                "envelope": "records",
                "source_id": "Id",
                "deleted": {"path": "IsDeleted", "equals": True},
                "fields": {"name": {"path": "Name", "transforms": ["strip"]}},
            }
        },
    }


def write(tmp_path: Path, data: dict[str, Any], name: str = "acme") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_six_products_are_shipped() -> None:
    assert available_systems() == SYSTEMS


@pytest.mark.parametrize("system", SYSTEMS)
def test_shipped_mapping_has_no_problems(system: str) -> None:
    assert mapping_problems(SHIPPED / f"{system}.yaml") == []


@pytest.mark.parametrize(
    ("system", "role", "entity_types"),
    [
        ("salesforce", "crm", ("customers", "contracts")),
        ("hubspot", "crm", ("customers",)),
        ("certinia", "psa", ("customers", "projects")),
        ("kantata", "psa", ("customers", "projects")),
        ("netsuite", "erp", ("customers", "projects")),
        ("dynamics365", "erp", ("customers", "projects")),
    ],
)
def test_each_system_declares_its_role_and_the_entities_it_really_holds(
    system: str, role: str, entity_types: tuple[str, ...]
) -> None:
    mapping = load_mapping(system)
    assert (mapping.system, mapping.role, mapping.entity_types()) == (system, role, entity_types)


def test_minimal_mapping_is_valid(tmp_path: Path) -> None:
    assert mapping_problems(write(tmp_path, minimal())) == []


def test_unknown_canonical_field_is_named(tmp_path: Path) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["vat"] = "VAT__c"
    assert mapping_problems(write(tmp_path, data)) == [
        "entities.customers.fields.vat: unknown canonical field 'vat' for customers"
    ]


def test_field_of_another_entity_type_is_unknown(tmp_path: Path) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["budget"] = "Budget__c"
    assert mapping_problems(write(tmp_path, data)) == [
        "entities.customers.fields.budget: unknown canonical field 'budget' for customers"
    ]


def test_cross_reference_columns_are_canonical(tmp_path: Path) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["netsuite_id"] = "NetSuite_Id__c"
    assert mapping_problems(write(tmp_path, data)) == []


def test_engine_filled_columns_cannot_be_mapped(tmp_path: Path) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["deleted"] = "IsDeleted"
    assert mapping_problems(write(tmp_path, data)) == [
        "entities.customers.fields.deleted: 'deleted' is filled by the engine, not mapped"
    ]


def test_unknown_transform_is_named_with_the_known_ones(tmp_path: Path) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["name"]["transforms"] = ["strip", "titlecase"]
    assert mapping_problems(write(tmp_path, data)) == [
        "entities.customers.fields.name.transforms: unknown transform 'titlecase'; "
        "known: strip, lower, upper, date, number, map"
    ]


def test_missing_source_id_rule_is_reported(tmp_path: Path) -> None:
    data = minimal()
    del data["entities"]["customers"]["source_id"]
    assert mapping_problems(write(tmp_path, data)) == [
        "entities.customers.source_id: required key is missing"
    ]


def test_bad_yaml_is_reported_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text("system: acme\nentities: [customers\n", encoding="utf-8")
    [problem] = mapping_problems(path)
    assert problem.startswith("acme.yaml: not valid YAML:")
    assert "line 3" in problem


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"role": "billing"},
            "role: Input should be 'crm', 'psa' or 'erp'",
        ),
        (
            {"system": "other"},
            "system: 'other' must equal the file name 'acme'",
        ),
        (
            {"entities": {"opportunities": minimal()["entities"]["customers"]}},
            "entities.opportunities.[key]: Input should be 'customers', 'projects' or 'contracts'",
        ),
        (
            {"colour": "blue"},
            "colour: unknown key",
        ),
    ],
)
def test_top_level_mistakes_are_reported(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    assert mapping_problems(write(tmp_path, minimal() | change)) == [problem]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (
            {"path": "Name", "first_of": ["A", "B"]},
            "a field rule needs exactly one of path, first_of, template, join",
        ),
        ({"template": "no fields"}, "template 'no fields' names no {field}"),
        ({"path": "a..b"}, "bad path 'a..b': cannot read segment ''"),
        ({"path": "Name", "transforms": [{"map": {}}]}, "transform 'map' needs a non-empty"),
        ({"path": "Name", "transforms": [{"date": {"zone": "UTC"}}]}, "takes no parameter zone"),
        ({"path": "Name", "eval": "1+1"}, "eval: unknown key"),
        ({"path": "N", "transforms": [{"number": {"divide_by": 0}}]}, "greater than 0"),
    ],
)
def test_bad_field_rules_are_reported(tmp_path: Path, rule: dict[str, Any], problem: str) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["name"] = rule
    [reported] = mapping_problems(write(tmp_path, data))
    assert reported.startswith("entities.customers.fields.name")
    assert problem in reported


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = minimal()
    del data["product"]
    data["entities"]["customers"]["fields"]["name"]["transforms"] = ["shout"]
    assert len(mapping_problems(write(tmp_path, data))) == 2


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    [problem] = mapping_problems(tmp_path / "nowhere.yaml")
    assert "cannot read" in problem


def test_check_prints_ok_for_a_shipped_mapping() -> None:
    result = CliRunner().invoke(app, ["check", str(SHIPPED / "dynamics365.yaml")])
    assert (result.exit_code, result.output) == (0, "ok\n")


def test_check_prints_each_problem_and_exits_1(tmp_path: Path) -> None:
    data = minimal()
    data["entities"]["customers"]["fields"]["vat"] = "VAT__c"
    del data["entities"]["customers"]["source_id"]
    result = CliRunner().invoke(app, ["check", str(write(tmp_path, data))])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "entities.customers.source_id: required key is missing",
        "entities.customers.fields.vat: unknown canonical field 'vat' for customers",
    ]
