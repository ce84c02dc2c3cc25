"""Regional, country and city labels in organisation names: removed only when they are labels."""

from __future__ import annotations

import pytest

from tests.matching.normalize.orgs import parsed_org


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("ACME - EMEA", "emea"),
        ("Acme EMEA", "emea"),
        ("Acme \u2013 APAC", "apac"),
        ("Acme — Asia Pacific", "apac"),
        ("Acme (UK)", "uk"),
        ("Acme UK Ltd", "uk"),
        ("Acme Ltd (United Kingdom)", "uk"),
        ("Acme North America", "north_america"),
        ("Acme Americas", "americas"),
        ("Acme DACH", "dach"),
        ("Acme Nordics", "nordics"),
        ("Acme Benelux B.V.", "benelux"),
        ("Acme Deutschland", "de"),
        ("Acme Deutschland GmbH", "de"),
        ("Acme (Germany)", "de"),
        ("Acme - France", "fr"),
        ("Acme, Switzerland", "ch"),
        ("Acme (US)", "us"),
        ("Acme USA Inc", "us"),
        ("Acme LATAM", "latam"),
        ("Acme, Inc. (Delaware)", "us"),
        ("Acme (Ontario) Inc.", "ca"),
        ("Acme, Hong Kong, China", "cn"),
        ("Acme", None),
    ],
)
def test_regional_label_is_removed_and_canonical(raw: str, region: str | None) -> None:
    org = parsed_org(raw)
    assert (org.region, org.clean) == (region, "acme")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Air France", "air france"),
        ("Bank of America", "bank of america"),
        ("University of Europe", "univ of europe"),
        ("Deutsche Bank", "deutsche bank"),
        ("Telecom Italia", "telecom italia"),
        ("Walmart de México", "walmart de mexico"),
        ("Microsoft Ireland Operations Limited", "microsoft ireland operations"),
        ("Washington University", "washington univ"),
        ("Commonwealth Bank of Australia", "commonwealth bank of australia"),
    ],
)
def test_a_country_that_is_part_of_the_name_stays(raw: str, clean: str) -> None:
    assert parsed_org(raw).clean == clean


@pytest.mark.parametrize(
    ("raw", "clean", "legal_form", "region"),
    [
        ("Bellasys GmbH & Co. KG München", "bellasys", "gmbh_co_kg", "munich"),
        ("Halandex Handel AB (publ) Stockholm", "halandex handel", "ab", "stockholm"),
        ("Acme AG Zürich", "acme", "ag", "zurich"),
        ("Acme Ltd London", "acme", "ltd", "london"),
        ("Acme Inc. New York", "acme", "inc", "us"),
        ("Acme Inc. Boston", "acme", "inc", "boston"),
        ("Acme Ltd Consulting", "acme ltd consulting", None, None),
        ("Acme Co Berlin", "acme co berlin", None, None),
    ],
)
def test_a_city_after_the_legal_form_is_a_label(
    raw: str, clean: str, legal_form: str | None, region: str | None
) -> None:
    org = parsed_org(raw)
    assert (org.clean, org.legal_form, org.region) == (clean, legal_form, region)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Acme - London", "acme london"),
        ("University of California, San Diego", "univ of california san diego"),
        ("University of California, Los Angeles", "univ of california los angeles"),
    ],
)
def test_a_city_set_apart_by_punctuation_stays_in_the_name(raw: str, clean: str) -> None:
    assert parsed_org(raw).clean == clean


@pytest.mark.parametrize(
    ("raw", "clean", "region"),
    [
        ("Pelline Holdings Republic of Singapore", "pelline holding", "sg"),
        ("Summit Energy Group United States of America", "summit energy group", "us"),
        ("Bellasys Bau Federal Republic of Germany", "bellasys bau", "de"),
        ("Bellasys Software Deutschland", "bellasys software", "de"),
        ("Bellasys Software Italia", "bellasys software", "it"),
        ("Torisoldex Farmaceutici SPA (ITA)", "torisoldex farmaceutici", "it"),
        ("Istline Logistica Ltda. (BRA)", "istline logistics", "br"),
        ("Cantabrico Tecnologia G.K. - Jpn", "cantabrico tecnologia", "jp"),
        ("Jarrah Energy - APJ", "jarrah energy", "apac"),
        ("Acme NA", "acme", "north_america"),
        ("Air France", "air france", None),
        ("Coal India", "coal india", None),
        ("Air New Zealand", "air new zealand", None),
    ],
)
def test_country_labels_need_punctuation_or_two_words_of_name(
    raw: str, clean: str, region: str | None
) -> None:
    org = parsed_org(raw)
    assert (org.clean, org.region) == (clean, region)
