"""The fast reading of common phone shapes answers exactly as `phonenumbers` does."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import phonenumbers
import pytest

from matching.normalize import normalize_country, normalize_phone
from matching.normalize.phones import e164_by_library
from matching.normalize.phones_fast import UNSURE, fast_e164
from seeds import SEEDS_DIR, generate_customers
from tests.seeds.files import read

_FORMATS = (
    phonenumbers.PhoneNumberFormat.E164,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.NATIONAL,
)
_TYPES = (
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.UAN,
)


def _mismatches(pairs: set[tuple[str, str | None]]) -> list[tuple[str, str | None, object]]:
    return [
        (raw, country, fast)
        for raw, country in sorted(pairs, key=lambda p: (p[0], p[1] or ""))
        if (fast := normalize_phone(raw, country)) != e164_by_library(raw, country)
    ]


def _seed_phones() -> set[tuple[str, str | None]]:
    rows = [
        row
        for system in ("crm", "psa", "erp")
        if (SEEDS_DIR / "data" / system / "customers.csv").exists()
        for row in read(f"data/{system}/customers.csv")
    ]
    return {(r["phone"], r["country"]) for r in rows if r["phone"]}


@cache
def _generated_phones() -> frozenset[tuple[str, str | None]]:
    rows = generate_customers(20_000, seed=1)
    return frozenset((r["phone"], r["country"]) for r in rows if r["phone"])


def test_seed_phones_read_the_same_in_their_country_and_in_others() -> None:
    phones = _seed_phones()
    assert len(phones) > 500
    others = {(raw, country) for raw, _ in phones for country in (None, "US", "DE", "IN")}
    assert _mismatches(phones | others) == []


def test_generated_phones_read_the_same() -> None:
    assert _mismatches(set(_generated_phones())) == []


def test_most_generated_phones_take_the_fast_reading() -> None:
    # the comparison above would pass if every number fell back to the library
    phones = _generated_phones()
    fast = [fast_e164(raw, normalize_country(country)) for raw, country in phones]
    assert sum(result is not UNSURE for result in fast) > 0.9 * len(phones)


def _written(region: str) -> Iterator[str]:
    """Every type's example number of `region`, written in each format and mistyped."""
    for kind in _TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        for style in _FORMATS:
            written = phonenumbers.format_number(number, style)
            yield written
            yield written[:-1]  # a digit short
            yield written + "7"  # a digit over
            yield written + " ext. 12"
        national = phonenumbers.national_significant_number(number)
        yield from (f"0{national}", f"00{national}", f"011 {national}", f"({national[:3]}) ")
        yield f"+{number.country_code}0{national}"  # a trunk zero after the country code


@pytest.mark.parametrize("region", sorted(phonenumbers.SUPPORTED_REGIONS))
def test_every_regions_numbers_read_the_same(region: str) -> None:
    written = set(_written(region))
    pairs = {(raw, country) for raw in written for country in (region, None, "US", "GB")}
    assert _mismatches(pairs) == []


@pytest.mark.parametrize(
    "raw",
    [
        "+1 800 FLOWERS",  # letters
        "020 7946 0958 extn 12",  # an extension label the fast reading does not know
        "020 7946 0958 x1234567",  # an extension too long to be sure of
        "020 7946 0958 #12",
        "+999 123 4567",  # no such calling code
        "12",  # two digits
        "+44 20 7946 0958 / 0959",
        "tel:+41-44-668-1800",
        "٠٢٠ ٧٩٤٦ ٠٩٥٨",  # Arabic-Indic digits
        "020\t7946 0958",
        "+" + "1" * 300,
    ],
)
def test_unusual_writing_is_left_to_the_library(raw: str) -> None:
    assert fast_e164(raw, "GB") is UNSURE
    assert normalize_phone(raw, "GB") == e164_by_library(raw, "GB")


@pytest.mark.parametrize(
    "raw",
    [
        "020 7946 0958 ext. 12",
        "020 7946 0958 Ext.12",
        "020 7946 0958 EXT 123456",
        "020 7946 0958 x12",
        "020 7946 0958x 12",
        "(020) 7946-0958 X9",
        "+44 20 7946 0958 ext 7",
        "0 x12",
    ],
)
def test_a_short_extension_is_dropped_as_the_library_drops_it(raw: str) -> None:
    if raw != "0 x12":  # too few digits before it: the library decides
        assert fast_e164(raw, "GB") is not UNSURE
    assert normalize_phone(raw, "GB") == e164_by_library(raw, "GB")


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("+44 20 7946 0958", None),
        ("(415) 555-2671", "US"),
        ("0044 20 7946 0958", "DE"),
        ("011 44 20 7946 0958", "US"),  # the US international prefix
        ("00 0 123 4567", "DE"),  # a zero after the prefix: not international
        ("+49 (0) 89 1234567", None),
        ("089 1234567", "de"),
        ("030 1234567", None),  # a national number without a country
        ("+1 (0) 0", None),
        ("11 1111 1111", "GB"),
        ("0", "GB"),
        ("000", "GB"),
        ("+800 1234 5678", None),  # a non-geographic calling code
        ("+7 495 123 45 67", None),  # one code, two regions
        ("9 11 1234 5678", "AR"),  # a national prefix rewritten by the transform rule
    ],
)
def test_edge_shapes_read_the_same(raw: str, country: str | None) -> None:
    assert normalize_phone(raw, country) == e164_by_library(raw, country)
