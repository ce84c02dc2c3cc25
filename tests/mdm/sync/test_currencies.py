"""ISO 4217 minor units truth tables: decimals per currency, rounding, and amounts as text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mdm.sync.currencies import amount_text, minor_digits, storable, to_hundredths


@pytest.mark.parametrize(
    ("currency", "digits"),
    [
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("USD", 2),
        ("EUR", 2),
        ("INR", 2),
        ("SEK", 2),
        ("BHD", 3),
        ("KWD", 3),
        ("OMR", 3),
        ("JOD", 3),
        ("TND", 3),
        ("CLF", 4),
        ("QQQ", 2),  # a code ISO 4217 does not list: two decimals
        (None, 2),
    ],
)
def test_minor_digits_follow_iso_4217(currency: str | None, digits: int) -> None:
    assert minor_digits(currency) == digits


@pytest.mark.parametrize(
    ("amount", "currency", "hundredths"),
    [
        ("11165.55", "JPY", 1_116_600),
        ("11165.49", "JPY", 1_116_500),
        ("0.4995", "JPY", 0),  # one rounding, not to 0.50 and then up
        ("-0.5", "JPY", -100),  # half-up is away from zero
        ("11165.555", "USD", 1_116_556),
        ("11165.554", "USD", 1_116_555),
        ("7", "KRW", 700),
    ],
)
def test_to_hundredths_rounds_half_up_to_the_minor_unit(
    amount: str, currency: str, hundredths: int
) -> None:
    assert to_hundredths(Decimal(amount), currency) == hundredths


@pytest.mark.parametrize("currency", ["BHD", "KWD", "OMR", "JOD", "TND", "CLF"])
def test_a_currency_finer_than_hundredths_cannot_be_stored(currency: str) -> None:
    with pytest.raises(ValueError, match=f"{currency} has [34] decimals"):
        storable(currency)
    with pytest.raises(ValueError, match="kept in hundredths"):
        to_hundredths(Decimal(1), currency)


@pytest.mark.parametrize(
    ("hundredths", "currency", "text"),
    [
        (123_400, "JPY", "1234"),
        (12_340_000, "JPY", "123400"),
        (0, "JPY", "0"),
        (-500, "KRW", "-5"),
        (1_250, "USD", "12.50"),
        (0, "EUR", "0.00"),
        (-1, "EUR", "-0.01"),
        (123_456, None, "1234.56"),
        # Finer than the currency allows (a CRM's JPY deal amount): shown, not rounded away.
        (123_456, "JPY", "1234.56"),
        (123_450, "JPY", "1234.50"),
    ],
)
def test_amount_text_uses_the_currency_decimals(
    hundredths: int, currency: str | None, text: str
) -> None:
    assert amount_text(hundredths, currency) == text
