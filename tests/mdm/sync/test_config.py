"""The flows' configuration: the shipped legal entities load; a currency hundredths cannot hold
(three decimals) is refused with a clear error rather than rounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdm.errors import InvalidInput
from mdm.sync.config import load_sync_config
from mdm.sync.currencies import minor_digits

ENTITIES = """
default_legal_entity: US01
legal_entities:
  US01: {currency: USD, tax_code: US-EXEMPT, subsidiary: "1"}
  %s
"""


def _config_file(tmp_path: Path, entity: str) -> str:
    path = tmp_path / "legal_entities.yaml"
    path.write_text(ENTITIES % entity, encoding="utf-8")
    return str(path)


def test_the_shipped_legal_entities_load_and_japan_bills_whole_yen() -> None:
    config = load_sync_config()
    japan = config.entity("JP01")
    assert japan is not None
    assert (japan.currency, minor_digits(japan.currency)) == ("JPY", 0)


@pytest.mark.parametrize(
    "entity",
    [
        "BH01: {currency: BHD, tax_code: BH-VAT10, subsidiary: '20'}",
        "KW01: {currency: KWD, tax_code: KW-NONE, subsidiary: '21'}",
        # also a currency billed for some clients only: it would be copied in unchecked
        "AE01: {currency: AED, tax_code: AE-VAT5, subsidiary: '22', also_bills_in: [OMR]}",
    ],
)
def test_a_legal_entity_billing_in_three_decimals_is_refused(tmp_path: Path, entity: str) -> None:
    path = _config_file(tmp_path, entity)
    with pytest.raises(InvalidInput, match=r"[A-Z]{3} has 3 decimals \(ISO 4217\)") as raised:
        load_sync_config(path)
    assert path in str(raised.value)
    assert "kept in hundredths" in str(raised.value)


def test_a_legal_entity_billing_in_yen_and_won_loads(tmp_path: Path) -> None:
    path = _config_file(
        tmp_path, "JP02: {currency: JPY, tax_code: JP-CT10, subsidiary: '30', also_bills_in: [KRW]}"
    )
    entity = load_sync_config(path).entity("JP02", "KRW")
    assert entity is not None
    assert entity.currency == "KRW"
