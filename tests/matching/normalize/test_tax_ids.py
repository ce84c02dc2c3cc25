"""Tax identifiers per country."""

from __future__ import annotations

import pytest

from matching.normalize import normalize_tax_id


@pytest.mark.parametrize(
    ("raw", "country", "tax_id"),
    [
        ("DE 123 456 789", None, "DE123456789"),
        ("DE123456789", "DE", "DE123456789"),
        ("de-123.456.789", None, "DE123456789"),
        ("123456789", "DE", "DE123456789"),
        ("123 456 789", "Germany", "DE123456789"),
        ("USt-IdNr.: DE 123456789", None, "DE123456789"),
        ("ATU12345678", None, "ATU12345678"),
        ("U12345678", "AT", "ATU12345678"),
        ("FR 40 303 265 045", None, "FR40303265045"),
        ("40303265045", "FR", "FR40303265045"),
        ("NL123456789B01", None, "NL123456789B01"),
        ("123456789B01", "NL", "NL123456789B01"),
        ("338271843B01", None, "NL338271843B01"),
        ("U12345678", None, "ATU12345678"),
        ("ESB12345678", None, "ESB12345678"),
        ("B12345678", "ES", "ESB12345678"),
        ("IT 12345678901", None, "IT12345678901"),
        ("0123.456.789", "BE", "BE0123456789"),
        ("123456789", "BE", "BE0123456789"),
        ("094 999 999", "GR", "EL094999999"),
        ("EL094999999", None, "EL094999999"),
        ("SE556036079301", None, "SE556036079301"),
        ("IE6388047V", None, "IE6388047V"),
        ("GB 123 4567 89", None, "GB123456789"),
        ("VAT No. GB 123456789", None, "GB123456789"),
        ("123 4567 89", "GB", "GB123456789"),
        ("GB123456789012", None, "GB123456789012"),
        ("GBGD001", None, "GBGD001"),
        ("12-3456789", "US", "123456789"),
        ("123456789", "US", "123456789"),
        ("EIN 12-3456789", None, "123456789"),
        ("51 824 753 556", "AU", "51824753556"),
        ("53 004 085 616", "AU", "53004085616"),
        ("ABN 51 824 753 556", None, "51824753556"),
        ("27AAPFU0939F1ZV", "IN", "27AAPFU0939F1ZV"),
        ("29 AAGCB 7383 J1Z4", "IN", "29AAGCB7383J1Z4"),
        ("CHE-116.281.710", None, "CHE116281710"),
        ("CHE-116.281.710 MWST", "CH", "CHE116281710"),
        ("CHE 109.322.551 TVA", None, "CHE109322551"),
        ("CHE116281710MWST", None, "CHE116281710"),
        ("101045789RT0001", "CA", "101045789RT0001"),
        ("10.148.409/0001-03", "BR", "10148409000103"),
        ("T1101213994213", "JP", "T1101213994213"),
        ("199502997K", "SG", "199502997K"),
        ("116.281.710", "CH", "CHE116281710"),
        ("12.345.678-9", "CL", "123456789"),
    ],
)
def test_tax_id_truth_table(raw: str, country: str | None, tax_id: str) -> None:
    assert normalize_tax_id(raw, country) == tax_id


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        (None, None),
        ("", "DE"),
        ("   ", None),
        ("---", None),
        ("DE12345", None),
        ("DE1234567890", None),
        ("12345", "DE"),
        ("ATU1234567", None),
        ("NL123456789", None),
        ("1234", "US"),
        ("00-1234567", "US"),
        ("51 824 753 557", "AU"),
        ("5182475355", "AU"),
        ("27AAPFU0939F1ZW", "IN"),
        ("27AAPFU0939F1Z", "IN"),
        ("CHE-100.000.000", None),
        ("123.456.789", "CH"),
        ("GB12345", None),
        ("n/a", None),
        ("ABC", None),
    ],
)
def test_clearly_invalid_tax_id_is_none(raw: str | None, country: str | None) -> None:
    assert normalize_tax_id(raw, country) is None


def test_prefixed_and_bare_vat_numbers_of_one_company_agree() -> None:
    assert normalize_tax_id("DE 123 456 789") == normalize_tax_id("123456789", "DE")


def test_an_explicit_prefix_wins_over_the_record_country() -> None:
    assert normalize_tax_id("ATU12345678", "DE") == "ATU12345678"
