"""The mapping engine: envelopes, ids, composite keys, deletes and payloads it cannot map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mdm.errors import InvalidInput
from mdm.records.mapping import MappingError, SystemMapping, load_mapping, mapping_problems
from mdm.records.mapping_schema import MappingFile


def build(entity: dict[str, Any], entity_type: str = "customers") -> SystemMapping:
    """A one-entity mapping built in memory, through the same schema as the shipped files."""
    spec = MappingFile.model_validate(
        {"system": "acme", "role": "crm", "product": "Acme", "entities": {entity_type: entity}}
    )
    return SystemMapping(system="acme", role="crm", product="Acme", spec=spec)


ACCOUNT = {
    "Id": "0017Q00000aBcDeQAK",
    "Name": "Nordwind",
    "IsDeleted": False,
}


@pytest.mark.parametrize(
    "response",
    [
        {"totalSize": 1, "done": True, "records": [ACCOUNT]},  # query page
        [ACCOUNT],  # a bare list
        ACCOUNT,  # GET of one record
    ],
)
def test_records_unwrap_a_page_a_bare_list_or_one_object(response: Any) -> None:
    assert load_mapping("salesforce").records("customers", response) == [ACCOUNT]


def test_an_empty_page_has_no_records() -> None:
    page = {"totalSize": 0, "done": True, "records": []}
    assert load_mapping("salesforce").records("customers", page) == []


def test_a_page_of_non_objects_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="record 1 of the page is not an object"):
        load_mapping("hubspot").records("customers", {"results": [{"id": "1"}, "2"]})


def test_kantata_result_missing_from_its_map_is_a_mapping_error() -> None:
    page = {"count": 1, "results": [{"key": "workspaces", "id": "5"}], "workspaces": {}}
    with pytest.raises(MappingError, match="workspaces/5"):
        load_mapping("kantata").records("projects", page)


@pytest.mark.parametrize(
    ("system", "entity_type", "payload", "field"),
    [
        ("salesforce", "customers", {"Name": "Nordwind"}, "'Id'"),
        ("hubspot", "customers", {"properties": {"name": "Tulp"}}, "'id'"),
        ("netsuite", "projects", {"id": None, "companyName": "X"}, "'id'"),
        (
            "dynamics365",
            "customers",
            {"dataAreaId": "usmf", "OrganizationName": "Contoso"},
            "'dataAreaId' / 'CustomerAccount'",
        ),
    ],
)
def test_a_payload_without_its_id_raises_naming_the_field(
    system: str, entity_type: str, payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(MappingError, match="source_id") as caught:
        load_mapping(system).to_canonical(entity_type, payload)
    assert field in caught.value.detail


def test_a_mapping_error_is_invalid_input() -> None:
    assert issubclass(MappingError, InvalidInput)


def test_a_composite_key_never_keeps_half_a_key() -> None:
    mapping = load_mapping("dynamics365")
    row = mapping.to_canonical(
        "projects", {"dataAreaId": "usmf", "ProjectID": "00000430", "CustomerAccount": ""}
    )
    assert (row["source_id"], "customer_source_id" in row) == ("usmf|00000430", False)


def test_an_entity_type_the_system_lacks_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="hubspot maps no projects"):
        load_mapping("hubspot").to_canonical("projects", {"id": "1"})


def test_an_unknown_system_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="no mapping for system 'sap'"):
        load_mapping("sap")


def test_a_path_that_holds_an_object_is_a_mapping_error_naming_the_column() -> None:
    mapping = build({"object": "Account", "source_id": "Id", "fields": {"city": "BillingAddress"}})
    with pytest.raises(MappingError, match="city: 'BillingAddress' holds an object"):
        mapping.to_canonical("customers", {"Id": "1", "BillingAddress": {"city": "Hamburg"}})


@pytest.mark.parametrize(
    ("is_deleted", "expected"),
    [(True, {"deleted": "true"}), (False, {}), (None, {}), ("TRUE", {"deleted": "true"})],
)
def test_deleted_is_emitted_only_when_the_rule_holds(
    is_deleted: Any, expected: dict[str, str]
) -> None:
    row = load_mapping("salesforce").to_canonical(
        "customers", {"Id": "001A", "Name": "N", "IsDeleted": is_deleted}
    )
    assert {k: v for k, v in row.items() if k == "deleted"} == expected


def test_any_of_several_deleted_conditions_deletes() -> None:
    mapping = build(
        {
            "object": "client",
            "source_id": "id",
            "deleted": [
                {"path": "status", "equals": ["Deleted", "Merged"]},
                {"path": "archived", "equals": True},
            ],
            "fields": {"name": "name"},
        }
    )
    extras: list[dict[str, Any]] = [{"status": "merged"}, {"archived": True}, {"status": "Active"}]
    rows = [mapping.to_canonical("customers", {"id": i, **x}) for i, x in enumerate(extras)]
    assert [row.get("deleted") for row in rows] == ["true", "true", None]


def test_numeric_ids_and_values_become_text() -> None:
    mapping = build(
        {
            "object": "job",
            "source_id": "id",
            "fields": {"name": "title", "budget": {"path": "amount", "transforms": ["number"]}},
        },
        "projects",
    )
    assert mapping.to_canonical("projects", {"id": 6120, "title": "X", "amount": 1.5e5}) == {
        "source_system": "acme",
        "source_id": "6120",
        "name": "X",
        "budget": "150000",
    }


def test_first_of_skips_values_the_transforms_blank_out() -> None:
    mapping = build(
        {
            "object": "x",
            "source_id": "id",
            "fields": {
                "name": {"first_of": ["a", "b", "c"], "transforms": ["strip"]},
                "website": {"join": ["a", "b", "c"], "sep": "/"},
            },
        }
    )
    row = mapping.to_canonical("customers", {"id": "1", "a": "   ", "b": "B", "c": "C"})
    assert (row["name"], row["website"]) == ("B", "B/C")


def test_mapping_is_loaded_once_and_shared() -> None:
    assert load_mapping("kantata") is load_mapping("kantata")


def test_shipped_files_are_data_only(tmp_path: Path) -> None:
    """yaml.safe_load refuses python tags, so a mapping cannot smuggle code in."""
    path = tmp_path / "acme.yaml"
    path.write_text("system: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    [problem] = mapping_problems(path)
    assert "not valid YAML" in problem
