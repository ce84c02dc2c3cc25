"""ISO 4217 minor units: how many decimals an amount in each currency may have.

The flows keep money as integer hundredths (`amount_cents`) whatever the currency, so one column
type and one sum serve every currency. A currency's own minor unit decides how an amount is
rounded and printed: JPY has none, so a JPY amount is a whole number of yen (a multiple of 100
hundredths) and prints as `"1234"`; USD has cents and prints as `"12.50"`. A currency with more
decimals than hundredths can hold (BHD has fils, thousandths of a dinar) cannot be kept at all:
configuration refuses it rather than rounding its amounts away.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

STORED_DIGITS = 2  # amounts are stored as hundredths
DEFAULT_DIGITS = 2  # ISO 4217's usual minor unit, and the one assumed for an unlisted code

# ISO 4217's list one (current currencies): every code whose minor unit is not two digits.
_NO_MINOR_UNIT = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THOUSANDTHS = "BHD IQD JOD KWD LYD OMR TND"
_TEN_THOUSANDTHS = "CLF UYW"
_DIGITS: dict[str, int] = {
    **dict.fromkeys(_NO_MINOR_UNIT.split(), 0),
    **dict.fromkeys(_THOUSANDTHS.split(), 3),
    **dict.fromkeys(_TEN_THOUSANDTHS.split(), 4),
}


def minor_digits(currency: str | None) -> int:
    """The decimals an amount in `currency` has (2 for an unknown or missing code)."""
    return _DIGITS.get(currency or "", DEFAULT_DIGITS)


def storable(currency: str) -> str:
    """`currency` itself when hundredths can hold its amounts; else a ValueError saying why."""
    digits = minor_digits(currency)
    if digits > STORED_DIGITS:
        raise ValueError(
            f"{currency} has {digits} decimals (ISO 4217), but amounts are kept in hundredths:"
            f" billing in {currency} would round its amounts"
        )
    return currency


def round_to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to `currency`'s minor unit (whole yen, cents)."""
    return amount.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)


def to_hundredths(amount: Decimal, currency: str) -> int:
    """`amount` rounded half-up to `currency`'s minor unit, as hundredths (in one rounding, so
    JPY 0.4995 is 0 yen, not 0.50 and then 1 yen)."""
    storable(currency)
    return int(round_to_minor_unit(amount, currency).scaleb(STORED_DIGITS))


def amount_text(hundredths: int, currency: str | None) -> str:
    """Stored hundredths as decimal text with `currency`'s decimals (`123400` JPY → `"1234"`,
    `1250` USD → `"12.50"`). An amount finer than its currency allows (a JPY deal amount with
    fractions, as the CRM gave it) keeps its two decimals: a printed figure never hides a
    difference by rounding it."""
    value = Decimal(hundredths).scaleb(-STORED_DIGITS)
    shown = value.quantize(Decimal(1).scaleb(-minor_digits(currency)))
    if shown != value:
        shown = value.quantize(Decimal(1).scaleb(-STORED_DIGITS))
    return str(shown)
