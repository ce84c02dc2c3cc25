"""Truth tables for the generator's building blocks: checksums, ids, noise, phones."""

from __future__ import annotations

import random
import re

import pytest
from rapidfuzz.distance import DamerauLevenshtein

from seeds.generator.countries import BY_CODE
from seeds.generator.ids import salesforce_id, salesforce_suffix
from seeds.generator.noise import abbreviate, strip_accents, transliterate, typo
from seeds.generator.phones import STYLES, e164, format_phone
from seeds.generator.taxids import (
    GENERATORS,
    abn_is_valid,
    gb_vat_is_valid,
    gstin_check_char,
    luhn_check_digit,
    tax_id,
)


@pytest.mark.parametrize(
    ("abn", "valid"),
    [("51 824 753 556", True), ("51824753556", True), ("51 824 753 557", False), ("123", False)],
)
def test_abn_checksum(abn: str, valid: bool) -> None:
    assert abn_is_valid(abn) is valid


@pytest.mark.parametrize(
    ("vat", "valid"), [("GB980780684", True), ("GB 980 7806 84", True), ("GB980780685", False)]
)
def test_uk_vat_mod97(vat: str, valid: bool) -> None:
    assert gb_vat_is_valid(vat) is valid


@pytest.mark.parametrize(("payload", "digit"), [("7992739871", 3), ("73282932", 0), ("0", 0)])
def test_luhn_check_digit(payload: str, digit: int) -> None:
    assert luhn_check_digit(payload) == digit


def test_gstin_check_character_of_a_published_gstin() -> None:
    assert gstin_check_char("27AAPFU0939F1Z") == "V"


SHAPES = {
    "US": r"\d{2}-\d{7}",
    "CA": r"\d{9}RT0001",
    "BR": r"\d{2}\.\d{3}\.\d{3}/0001-\d{2}",
    "GB": r"GB\d{3} \d{4} \d{2}",
    "DE": r"DE\d{9}",
    "FR": r"FR\d{11}",
    "NL": r"NL\d{9}B01",
    "CH": r"CHE-\d{3}\.\d{3}\.\d{3} MWST",
    "ES": r"ES[AB]\d{8}",
    "IT": r"IT\d{11}",
    "SE": r"SE\d{10}01",
    "AU": r"\d{2} \d{3} \d{3} \d{3}",
    "IN": r"\d{2}[A-Z]{3}C[A-Z]\d{4}[A-Z]1Z[0-9A-Z]",
    "SG": r"\d{9}[A-Z]",
    "JP": r"T\d{13}",
}


@pytest.mark.parametrize("country", sorted(GENERATORS))
def test_tax_ids_have_the_country_shape(country: str) -> None:
    rng = random.Random(country)
    for _ in range(50):
        assert re.fullmatch(SHAPES[country], tax_id(rng, country, "KA"))


def test_generated_checksummed_ids_validate() -> None:
    rng = random.Random(5)
    assert all(abn_is_valid(tax_id(rng, "AU", "")) for _ in range(200))
    assert all(gb_vat_is_valid(tax_id(rng, "GB", "")) for _ in range(200))
    for _ in range(200):
        gstin = tax_id(rng, "IN", "MH")
        assert gstin.startswith("27")
        assert gstin_check_char(gstin[:14]) == gstin[14]


def test_salesforce_suffix_of_a_documented_id() -> None:
    assert salesforce_suffix("001A0000006Vm9r") == "IAC"


def test_salesforce_ids_are_distinct_and_ordered_by_record_number() -> None:
    ids = [salesforce_id("001", n) for n in (1, 61, 62, 62**3, 62**5)]
    assert ids == sorted(ids)
    assert all(len(i) == 18 and i.startswith("0015J0") for i in ids)


@pytest.mark.parametrize(
    ("text", "stripped", "transliterated"),
    [
        ("Müller", "Muller", "Mueller"),
        ("Weißenburg", "Weissenburg", "Weissenburg"),
        ("São Paulo", "Sao Paulo", "Sao Paulo"),
        ("Skärgård", "Skargard", "Skaergard"),
        ("Société", "Societe", "Societe"),
        ("Acme", "Acme", "Acme"),
    ],
)
def test_accent_folding(text: str, stripped: str, transliterated: str) -> None:
    assert strip_accents(text) == stripped
    assert transliterate(text) == transliterated


def test_a_typo_is_one_keyboard_slip_and_spares_the_first_letter() -> None:
    rng = random.Random(3)
    outs = [typo(rng, "Nordwind Logistik") for _ in range(300)]
    assert all(DamerauLevenshtein.distance(o, "Nordwind Logistik") <= 1 for o in outs)
    assert all(o[0] == "N" for o in outs)
    # swapping two equal letters is the only slip that leaves the text as it was
    assert sum(o != "Nordwind Logistik" for o in outs) > 280


@pytest.mark.parametrize(
    ("name", "choices"),
    [
        ("Acme International", {"Acme Intl", "Acme Int'l", "Acme Intl."}),
        ("Smith and Sons", {"Smith & Sons"}),
        ("Plain Name", {"Plain Name"}),
    ],
)
def test_abbreviations_use_the_known_aliases(name: str, choices: set[str]) -> None:
    rng = random.Random(1)
    assert {abbreviate(rng, name) for _ in range(30)} == choices


@pytest.mark.parametrize("code", ["US", "GB", "DE", "FR", "JP", "SG", "IT"])
def test_every_phone_style_keeps_the_same_digits(code: str) -> None:
    country = BY_CODE[code]
    city = country.cities[0]
    nsn = city.area + "5550123456"[: country.nsn_length - len(city.area)]
    rng = random.Random(0)
    for style in STYLES:
        written = format_phone(rng, country, nsn, len(city.area), style)
        digits = re.sub(r"\D", "", re.split(r" (?:ext\.?|x|Ext\.)", written)[0])
        assert digits.endswith(nsn[-7:]), (style, written)
    assert e164(country, nsn) == f"+{country.calling_code}{nsn}"
