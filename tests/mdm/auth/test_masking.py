"""Masking: financial values need `finance`, customer tax ids `steward`; the rest is shown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mdm.auth.masking import mask, mask_native, required_scope
from mdm.auth.principal import Principal, Scope
from mdm.entities import EntityType


def _as(*scopes: Scope) -> Principal:
    return Principal(actor="tester", scopes=frozenset(scopes), via="key")


CONTRACT = {"number": "C-1", "value": Decimal("1000.00"), "rate_card": "2026 EU", "currency": "EUR"}
CUSTOMER = {"name": "Acme GmbH", "tax_id": "DE123456789", "country": "DE"}
PROJECT = {"name": "Rollout", "budget": Decimal("50000"), "currency": "EUR"}


def test_reader_sees_no_contract_value_or_rate_card() -> None:
    shown = mask(EntityType.CONTRACT, CONTRACT, _as(Scope.READ))
    assert shown.values == {**CONTRACT, "value": None, "rate_card": None}
    assert shown.masked == {"value", "rate_card"}


def test_finance_reader_sees_contract_money() -> None:
    shown = mask(EntityType.CONTRACT, CONTRACT, _as(Scope.READ, Scope.FINANCE))
    assert shown.values == CONTRACT
    assert shown.masked == frozenset()


def test_project_budget_needs_finance_even_for_a_steward() -> None:
    shown = mask(EntityType.PROJECT, PROJECT, _as(Scope.STEWARD))
    assert shown.values["budget"] is None
    assert shown.masked == {"budget"}


@pytest.mark.parametrize(
    ("scopes", "visible"),
    [
        ((Scope.READ,), False),
        ((Scope.READ, Scope.FINANCE), False),
        ((Scope.STEWARD,), True),
        ((Scope.ADMIN,), True),
    ],
)
def test_customer_tax_id_is_for_stewards(scopes: tuple[Scope, ...], visible: bool) -> None:
    shown = mask(EntityType.CUSTOMER, CUSTOMER, _as(*scopes))
    assert (shown.values["tax_id"] == "DE123456789") is visible
    assert ("tax_id" in shown.masked) is not visible
    assert shown.values["name"] == "Acme GmbH"


def test_an_empty_sensitive_value_is_reported_masked_too() -> None:
    # Otherwise "masked" would tell a reader which customers have a tax id.
    shown = mask(EntityType.CUSTOMER, {"name": "Acme", "tax_id": None}, _as(Scope.READ))
    assert shown.masked == {"tax_id"}


@pytest.mark.parametrize(
    ("attribute", "scope"),
    [
        ("rate", Scope.FINANCE),
        ("bill_rate", Scope.FINANCE),
        ("hourly_rates_eur", Scope.FINANCE),
        ("corporate_name", None),
        ("name", None),
    ],
)
def test_any_rate_of_any_entity_is_financial(attribute: str, scope: Scope | None) -> None:
    for entity in EntityType:
        assert required_scope(entity, attribute) == scope


def test_native_payload_is_withheld_unless_every_sensitive_attribute_is_visible() -> None:
    native = {"Id": "001", "Tax_Number__c": "DE1"}
    withheld = mask_native(EntityType.CUSTOMER, native, _as(Scope.STEWARD))
    assert withheld.values == {}
    assert withheld.masked == {"native"}
    shown = mask_native(EntityType.CUSTOMER, native, _as(Scope.STEWARD, Scope.FINANCE))
    assert shown.values == native
    assert shown.masked == frozenset()
