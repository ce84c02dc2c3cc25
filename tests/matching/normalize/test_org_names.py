"""Organisation names: clean core, legal form and regional label."""

from __future__ import annotations

import pytest

from matching.normalize import OrgName, normalize_org_name
from tests.matching.normalize.orgs import parsed_org


@pytest.mark.parametrize(
    "raw",
    [
        "ACME Corp.",
        "Acme Corporation Inc",
        "ACME - EMEA",
        "The Acme Company",
        "Acme, Inc.",
        "ACME INCORPORATED",
        "Acme L.L.C.",
        "Acme Ltd (UK)",
        "Acme \u2013 APAC",
        "Acme North America Inc.",
        "acme co., ltd.",
        "Acme GmbH & Co. KG",
        "Acme (Pty) Ltd",
        "Acme Pty. Ltd.",
        "Acme S.A.",
        "ACME SAS",
        "Acme S.r.l.",
        "Acme S.p.A.",
        "Acme B.V.",
        "Acme N.V.",
        "Acme Oyj",
        "Acme AB (publ)",
        "Acme A/S",
        "Acme ApS",
        "Acme K.K.",
        "Acme Sp. z o.o.",
        "Acme S.A. de C.V.",
        "Acme Pvt. Ltd.",
        "Acme Pte. Ltd.",
        "Acme Sdn. Bhd.",
        "Acme Aktiengesellschaft",
        "Acme Gesellschaft mit beschränkter Haftung",
        "Acme Limited",
        "ACME PLC",
        "Acme Public Limited Company",
        "Acme LLP",
        "Acme ULC",
        "Acme - Deutschland",
        "Acme Deutschland GmbH",
        "Acme (Germany)",
        "Acme, The",
        "acme  the",
        "Acme & Co.",
        "Acme SE",
        "ACME",
    ],
)
def test_variants_of_one_company_share_the_clean_name(raw: str) -> None:
    assert parsed_org(raw).clean == "acme"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Müller & Söhne GmbH", "Mueller and Soehne"),
        ("Müller und Söhne", "MUELLER & SOEHNE KG"),
        ("Société Générale S.A.", "Societe Generale"),
        ("Société Générale", "SOCIETE GENERALE SA"),
        ("AT&T Labs", "AT & T Laboratories"),
        ("AT&T Labs", "AT&T Laboratory"),
        ("IBM Almaden Research Center", "IBM Almaden Research Centre"),
        ("IBM Almaden Research Center", "I.B.M. Almaden Res. Ctr."),
        ("Acme International", "ACME Intl."),
        ("Acme International Ltd", "Acme Int'l Limited"),
        ("Acme Technologies", "Acme Tech"),
        ("Acme Manufacturing", "Acme Mfg."),
        ("Acme Services", "Acme Svcs"),
        ("Acme Brothers", "Acme Bros."),
        ("Acme Association", "Acme Assn."),
        ("Acme Consulting", "Acme Consultants"),
        ("Acme Holdings", "Acme Holding"),
        ("Acme Group", "Acme Grp"),
        ("Acme Company Services", "Acme Co. Services"),
        ("Smith & Sons", "Smith and Sons"),
        ("Johnson&Johnson", "Johnson & Johnson"),
        ("P&G", "P & G"),
        ("H&M", "H & M"),
        ("Amazon.com, Inc.", "Amazon Corp."),
        ("McDonald's Corporation", "McDonalds Corp"),
        ("J. P. Morgan & Co.", "JP Morgan"),
        ("St. Jude Medical", "Saint Jude Medical Inc"),
        ("Arizona State Univ.", "Arizona State University"),
        ("Düsseldorf Consulting", "Duesseldorf Consulting"),
        ("Zürich Versicherung", "Zurich Versicherung"),
        ("Nestlé S.A.", "NESTLE"),
        ("Škoda Auto a.s.", "Skoda Auto"),
        ("Ørsted A/S", "Orsted"),
        ("Łukasiewicz Sp. z o.o.", "Lukasiewicz"),
        ("\u041e\u041e\u041e \u0420\u043e\u043c\u0430\u0448\u043a\u0430", "Romashka"),
        ("Acme Corp \u2013 EMEA", "ACME CORPORATION (EMEA)"),
        ("ING Groep N.V.", "ING Group"),
        ("Arizona State University, Arizona", "Arizona State Univ."),
        ("The Chinese University of Hong Kong, Hong Kong, China", "Chinese Univ. of Hong Kong"),
        ("Aalborg University, Denmark", "Aalborg Univ."),
        ("Hewlett-Packard Enterprise", "Hewlett Packard Enterprise Company"),
        ("Amazon Web Services EMEA SARL", "Amazon Web Services, Inc."),
        ("Microsoft Deutschland GmbH", "Microsoft Corporation"),
        ("Siemens Schweiz AG", "Siemens AG Österreich"),
    ],
)
def test_spellings_of_one_name_compare_equal(left: str, right: str) -> None:
    assert parsed_org(left).clean == parsed_org(right).clean


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Acme", "Apex"),
        ("Acme Consulting", "Acme Manufacturing"),
        ("Bank of America", "Bank of England"),
        ("Air France", "Air India"),
    ],
)
def test_different_names_stay_different(left: str, right: str) -> None:
    assert parsed_org(left).clean != parsed_org(right).clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("GmbH", "gmbh"),
        ("Ltd.", "ltd"),
        ("The Company", "co"),
        ("Limited", "limited"),
        ("UK", "uk"),
        ("EMEA", "emea"),
        ("The", "the"),
        ("Inc. (UK)", "inc"),
    ],
)
def test_a_name_that_is_only_a_legal_form_or_label_keeps_its_words(raw: str, clean: str) -> None:
    assert parsed_org(raw).clean == clean


@pytest.mark.parametrize("raw", [None, "", "   ", "!!!", "-", "()"])
def test_no_name_gives_none(raw: str | None) -> None:
    assert normalize_org_name(raw) is None


@pytest.mark.parametrize(
    ("raw", "clean", "legal_form"),
    [
        ("トヨタ自動車", "トヨタ自動車", None),
        ("トヨタ自動車株式会社", "トヨタ自動車", "co_ltd"),
        ("株式会社 トヨタ", "トヨタ", "co_ltd"),
        ("\u3231トヨタ", "トヨタ", "co_ltd"),
        ("阿里巴巴集团控股有限公司", "阿里巴巴集团控股", "co_ltd"),
        ("삼성전자 주식회사", "삼성전자", "corp"),
        ("株式会社", "株式会社", None),
    ],
)
def test_a_name_in_an_untransliterated_script_keeps_its_letters(
    raw: str, clean: str, legal_form: str | None
) -> None:
    org = parsed_org(raw)
    assert (org.clean, org.legal_form) == (clean, legal_form)


def test_tokens_are_the_clean_name_split() -> None:
    org = parsed_org("The Acme Consulting Group GmbH - EMEA")
    assert org == OrgName(
        raw="The Acme Consulting Group GmbH - EMEA",
        clean="acme consulting group",
        tokens=("acme", "consulting", "group"),
        legal_form="gmbh",
        region="emea",
    )


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Älvsborg AB", "Aelvsborg AB"),
        ("Österreichische Post AG", "Oesterreichische Post"),
        ("Valrinova Software L.L.C.", "Valrinova SW"),
        ("Godo Kaisha Takumi", "Takumi G.K."),
        ("Kaltatek Facilities Management Ltd", "KALTATEK Facilities Mgt"),
        ("Pelline Holdings - APAC", "Pelline Hldgs Republic of Singapore"),
    ],
)
def test_more_spellings_of_one_name_compare_equal(left: str, right: str) -> None:
    assert parsed_org(left).clean == parsed_org(right).clean


@pytest.mark.parametrize(
    "raw",
    [
        "Acme Inc. d/b/a Roadrunner Supplies",
        "Acme Inc DBA Roadrunner",
        "Acme Ltd (formerly Apex Ltd)",
        "Acme Ltd t/a Acme Consulting, trading as Acme Consulting",
        "Acme Limited trading as Roadrunner",
        "Acme Corp. (f/k/a Apex Corp.)",
        "Acme GmbH (vormals Apex GmbH)",
    ],
)
def test_the_name_before_a_trade_or_former_name_is_kept(raw: str) -> None:
    assert parsed_org(raw).clean == "acme"


def test_a_name_that_starts_with_a_marker_word_keeps_it() -> None:
    assert parsed_org("Formerly Known Bakery").clean == "formerly known bakery"
