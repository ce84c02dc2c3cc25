"""Survivorship truth tables: each strategy, their order, overrides and lineage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mdm.entities import EntityType
from mdm.golden.survivorship import Member, Survived, default_rules, parse_rules, survive


def _member(rid: int, system: str, day: int, **values: str) -> Member:
    role = system if system in ("crm", "psa", "erp") else None
    return Member(rid, system, role, datetime(2025, 1, day, tzinfo=UTC), values)


CRM = _member(1, "crm", 3, name="ACME Corp", phone="+4989111", tax_id="DE1")
ERP = _member(2, "erp", 1, name="Acme Corporation", tax_id="DE123456789", street="Main St 1",
              city="Munich", postal_code="80331")  # fmt: skip
PSA = _member(3, "psa", 2, name="ACME Corp", phone="+4989222")


@pytest.mark.parametrize(
    ("strategies", "attribute", "expected"),
    [
        (
            [{"source_priority": ["erp", "crm"]}],
            "tax_id",
            Survived("DE123456789", 2, "source_priority"),
        ),
        ([{"source_priority": ["crm", "erp"]}], "tax_id", Survived("DE1", 1, "source_priority")),
        (["most_recent"], "phone", Survived("+4989111", 1, "most_recent")),
        (["most_complete"], "name", Survived("Acme Corporation", 2, "most_complete")),
        (["most_frequent"], "name", Survived("ACME Corp", 1, "most_frequent")),
        (
            [{"source_priority": ["hubspot"]}, "most_recent"],
            "name",
            Survived("ACME Corp", 1, "most_recent"),
        ),
    ],
)
def test_each_strategy_picks_its_value_and_names_its_source(
    strategies: list[object], attribute: str, expected: Survived
) -> None:
    rules = parse_rules({"default": strategies})
    assert survive([CRM, ERP, PSA], rules, [attribute])[attribute] == expected


def test_source_priority_matches_a_product_by_its_role() -> None:
    netsuite = Member(9, "netsuite", "erp", datetime(2024, 1, 1, tzinfo=UTC), {"tax_id": "X9"})
    rules = parse_rules({"default": [{"source_priority": ["erp"]}]})
    assert survive([CRM, netsuite], rules, ["tax_id"])["tax_id"] == Survived(
        "X9", 9, "source_priority"
    )


def test_most_frequent_ignores_case_and_spacing_and_breaks_ties_by_recency() -> None:
    a = _member(1, "crm", 1, city="new  york")
    b = _member(2, "erp", 2, city="New York")
    c = _member(3, "psa", 3, city="Brooklyn")
    chosen = survive([a, b, c], parse_rules({"default": ["most_frequent"]}), ["city"])["city"]
    assert chosen == Survived("New York", 2, "most_frequent")


def test_override_always_wins() -> None:
    chosen = survive([CRM, ERP], default_rules(EntityType.CUSTOMER), ["name"], {"name": "ACME SE"})
    assert chosen["name"] == Survived("ACME SE", None, "steward_override")


def test_missing_values_never_survive_and_absent_attributes_are_left_out() -> None:
    chosen = survive([CRM, PSA], default_rules(EntityType.CUSTOMER), ["street", "phone"])
    assert "street" not in chosen
    assert chosen["phone"].source_record_id == 1  # phone comes from the CRM first


def test_shipped_rules_take_tax_id_from_the_erp_and_phone_from_the_crm() -> None:
    chosen = survive([CRM, ERP, PSA], default_rules(EntityType.CUSTOMER), ["tax_id", "phone"])
    assert (chosen["tax_id"].source_record_id, chosen["phone"].source_record_id) == (2, 1)


def test_unknown_strategy_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown survivorship strategy"):
        parse_rules({"default": ["loudest"]})


def test_result_does_not_depend_on_member_order() -> None:
    rules = default_rules(EntityType.CUSTOMER)
    names = ["name", "tax_id", "phone", "street"]
    assert survive([CRM, ERP, PSA], rules, names) == survive([PSA, ERP, CRM], rules, names)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["SENOLMONT SA", "Senolmont S.A.", "senolmont sa"], "Senolmont S.A."),
        (["ACME GMBH", "Acme GmbH", "Acme GmbH", "Acme Gmbh"], "Acme GmbH"),
        (["ACME GMBH", "acme gmbh"], None),  # nothing well formed: the next strategy decides
        (["3M", "3M Company"], "3M Company"),
    ],
)
def test_well_formed_prefers_names_written_in_mixed_case(
    names: list[str], expected: str | None
) -> None:
    members = [_member(i, "crm", i + 1, name=n) for i, n in enumerate(names)]
    chosen = survive(members, parse_rules({"default": ["well_formed"]}), ["name"])
    if expected is None:
        assert chosen["name"].rule == "most_recent"
    else:
        assert (chosen["name"].value, chosen["name"].rule) == (expected, "well_formed")


@pytest.mark.parametrize(
    ("strategies", "expected_rule"),
    [
        ([{"source_priority": ["erp"]}, "most_frequent"], "most_frequent"),
        ([{"source_priority": ["hubspot", "crm"]}], "source_priority"),
        (["well_formed", "most_complete"], "most_complete"),  # "ACME CORP" is not well formed
        (["well_formed"], "most_recent"),
        ([{"source_priority": ["psa"]}], "most_recent"),
    ],
)
def test_a_single_holder_gets_the_rule_of_the_first_strategy_that_takes_it(
    strategies: list[object], expected_rule: str
) -> None:
    only = _member(7, "crm", 4, name="ACME CORP")
    # beside an older twin the general way runs, and must choose the same
    twin = _member(6, "crm", 1, name="ACME CORP")
    rules = parse_rules({"default": strategies})
    alone = survive([only], rules, ["name"])["name"]
    assert alone == Survived("ACME CORP", 7, expected_rule)
    assert survive([only, twin], rules, ["name"])["name"] == alone


@pytest.mark.parametrize("member", [CRM, ERP, PSA, _member(8, "hubspot", 5, name="acme corp")])
def test_a_lone_member_survives_as_it_would_beside_a_member_without_values(
    member: Member,
) -> None:
    # a golden record of one record takes a shorter way; a member holding nothing changes no
    # attribute's holders, so beside one the general way must choose the same
    blank = _member(99, "crm", 9)
    rules, names = default_rules(EntityType.CUSTOMER), [*member.values, "city", "tax_id"]
    overrides = {"city": "Berlin"}
    assert survive([member], rules, names, overrides) == survive(
        [member, blank], rules, names, overrides
    )


@pytest.mark.parametrize(
    ("cities", "expected"),
    [
        (["Munich", "München"], ("Munich", 1)),  # one vote each: the most recent
        (["New York", "new  york"], ("New York", 1)),  # agreeing: the most recent spelling
        (["Munich", "München", "München"], ("München", 2)),  # a majority beats recency
        (["Munich", "München", "munchen", "MÜNCHEN"], ("München", 2)),
    ],
)
def test_most_frequent_between_few_holders(cities: list[str], expected: tuple[str, int]) -> None:
    members = [_member(i + 1, "crm", 9 - i, city=c) for i, c in enumerate(cities)]
    chosen = survive(members, parse_rules({"default": ["most_frequent"]}), ["city"])["city"]
    assert (chosen.value, chosen.source_record_id) == expected


@pytest.mark.parametrize(
    "strategies",
    [
        ["well_formed", {"source_priority": ["erp"]}, "most_complete"],
        [{"source_priority": ["psa"]}, "well_formed", "well_formed"],
        [{"source_priority": ["hubspot", "erp"]}, "most_frequent"],
        ["well_formed"],
        [{"source_priority": ["crm"]}],
    ],
)
@pytest.mark.parametrize("name", ["ACME CORP", "Acme Corp", "3M", "acme"])
def test_a_lone_holder_takes_the_rule_the_general_way_names(
    strategies: list[object], name: str
) -> None:
    # lone holders take a rule worked out once per system; beside members without the
    # attribute, or with an older value of it, the general way must agree
    rules = parse_rules({"default": strategies})
    for system in ("crm", "erp", "psa", "hubspot", "netsuite"):
        role = "erp" if system == "netsuite" else None if system == "hubspot" else system
        only = Member(5, system, role, datetime(2025, 1, 5, tzinfo=UTC), {"name": name})
        blank = _member(6, "erp", 6, phone="+1")
        alone = survive([only], rules, ["name", "phone"])
        assert survive([only, blank], rules, ["name"]) == {"name": alone["name"]}
        lone_rule = alone["name"].rule
        twin = Member(4, system, role, datetime(2025, 1, 1, tzinfo=UTC), {"name": name})
        assert survive([twin, only], rules, ["name"])["name"].rule == lone_rule
