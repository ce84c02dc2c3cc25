"""Postal codes."""

from __future__ import annotations

import pytest

from matching.normalize import normalize_postcode


@pytest.mark.parametrize(
    ("raw", "country", "postcode"),
    [
        ("sw1a 1aa", None, "SW1A1AA"),
        ("SW1A 1AA", "GB", "SW1A1AA"),
        ("sw1a1aa", "United Kingdom", "SW1A1AA"),
        ("EC1A 1BB", "GB", "EC1A1BB"),
        ("M1 1AE", "GB", "M11AE"),
        ("D-80331", None, "80331"),
        ("D-80331", "DE", "80331"),
        ("80331", "DE", "80331"),
        ("01067", "DE", "01067"),
        ("12345-6789", "US", "12345"),
        ("12345-6789", None, "12345"),
        ("123456789", "US", "12345"),
        ("94105", "US", "94105"),
        ("2134", "US", "02134"),
        ("K1A 0B1", "CA", "K1A0B1"),
        ("1012 AB", "NL", "1012AB"),
        ("NL-1012 AB", "NL", "1012AB"),
        ("CH-8001", "CH", "8001"),
        ("A-1010", "AT", "1010"),
        ("F-75008", "FR", "75008"),
        ("75008", "FR", "75008"),
        ("00-950", "PL", "00950"),
        ("100-0001", "JP", "1000001"),
        ("2000", "AU", "2000"),
        ("01310-100", "BR", "01310100"),
        ("D02 X285", "IE", "D02X285"),
        ("560001", "IN", "560001"),
        ("8001", None, "8001"),
        ("ab12 3cd", "XX", "AB123CD"),
        ("1067", "DE", "01067"),
        ("150", "Italia", "00150"),
        ("8058", "ES", "08058"),
        ("18966", "SG", "018966"),
        ("800", "AU", "0800"),
        ("1310100", "BR", "01310100"),
        ("1310-100", "BR", "01310100"),
        ("600001", "JP", "0600001"),
    ],
)
def test_postcode_truth_table(raw: str, country: str | None, postcode: str) -> None:
    assert normalize_postcode(raw, country) == postcode


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        (None, None),
        ("", "DE"),
        ("  ", None),
        ("803", "DE"),
        ("800", "CH"),
        ("803311", "DE"),
        ("ABCDE", "DE"),
        ("SW1A", "GB"),
        ("1234", "NL"),
        ("12345", "GB"),
        ("n/a", None),
        ("ABC", None),
    ],
)
def test_invalid_postcode_is_none(raw: str | None, country: str | None) -> None:
    assert normalize_postcode(raw, country) is None
