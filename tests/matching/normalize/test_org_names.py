"""Organisation names: clean core, legal form and regional label."""

from __future__ import annotations

import pytest

from matching.normalize import OrgName, normalize_org_name


def _org(raw: str) -> OrgName:
    org = normalize_org_name(raw)
    assert org is not None
    return org


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
    assert _org(raw).clean == "acme"


@pytest.mark.parametrize(
    ("raw", "legal_form"),
    [
        ("Acme GmbH", "gmbh"),
        ("Acme Ltd", "ltd"),
        ("Acme Ltd.", "ltd"),
        ("Acme Limited", "ltd"),
        ("Acme Inc", "inc"),
        ("Acme Incorporated", "inc"),
        ("Acme Corp", "corp"),
        ("Acme Corporation", "corp"),
        ("Acme Corporation Inc", "inc"),
        ("Acme LLC", "llc"),
        ("Acme L.L.C.", "llc"),
        ("Acme Limited Liability Company", "llc"),
        ("Acme plc", "plc"),
        ("Acme Public Limited Company", "plc"),
        ("Acme LLP", "llp"),
        ("Acme LP", "lp"),
        ("Acme GmbH & Co. KG", "gmbh_co_kg"),
        ("Acme GmbH und Co KG", "gmbh_co_kg"),
        ("Acme GmbH & Co KG", "gmbh_co_kg"),
        ("Acme & Co. KG", "kg"),
        ("Acme AG", "ag"),
        ("Acme Aktiengesellschaft", "ag"),
        ("Acme Gesellschaft mit beschränkter Haftung", "gmbh"),
        ("Acme Gesellschaft mit beschraenkter Haftung", "gmbh"),
        ("Acme Ges.m.b.H.", "gmbh"),
        ("Acme KGaA", "kgaa"),
        ("Acme SE", "se"),
        ("Acme S.A.", "sa"),
        ("Acme SA", "sa"),
        ("Acme Sociedad Anónima", "sa"),
        ("Acme Société Anonyme", "sa"),
        ("Acme S.A.S.", "sas"),
        ("Acme SARL", "sarl"),
        ("Acme S.à r.l.", "sarl"),
        ("Acme S.r.l.", "srl"),
        ("Acme SRL", "srl"),
        ("Acme S.p.A.", "spa"),
        ("Acme B.V.", "bv"),
        ("Acme NV", "nv"),
        ("Acme Pty Ltd", "pty_ltd"),
        ("Acme Proprietary Limited", "pty_ltd"),
        ("Acme (Pty) Ltd", "pty_ltd"),
        ("Acme Private Limited", "pvt_ltd"),
        ("Acme Pvt Ltd", "pvt_ltd"),
        ("Acme Pte Ltd", "pvt_ltd"),
        ("Acme Oy", "oy"),
        ("Acme Oyj", "oyj"),
        ("Acme AB", "ab"),
        ("Acme Aktiebolag", "ab"),
        ("Acme AS", "as"),
        ("Acme A/S", "as"),
        ("Acme ASA", "asa"),
        ("Acme ApS", "aps"),
        ("Acme KK", "co_ltd"),
        ("Acme K.K.", "co_ltd"),
        ("Acme Kabushiki Kaisha", "co_ltd"),
        ("Kabushiki Kaisha Acme", "co_ltd"),
        ("Acme Co., Ltd.", "co_ltd"),
        ("Acme Company Limited", "co_ltd"),
        ("Acme Co.", "co"),
        ("The Acme Company", "co"),
        ("Acme S.L.", "sl"),
        ("Acme Lda", "ltda"),
        ("Acme Limitada", "ltda"),
        ("Acme P/L", "pty_ltd"),
        ("Acme Ltda", "ltda"),
        ("Acme Sp. z o.o.", "sp_zoo"),
        ("Acme S.A. de C.V.", "sa_de_cv"),
        ("Acme ULC", "ulc"),
        ("Acme P.C.", "pc"),
        ("Acme s.r.o.", "sro"),
        ("Acme Kft.", "kft"),
        ("Acme d.o.o.", "doo"),
        ("Acme Sdn Bhd", "sdn_bhd"),
        ("PT Acme Tbk", "tbk"),
        ("PT Acme", "pt"),
        ("Acme", None),
        ("Acme Ltd (UK)", "ltd"),
        ("Acme SA/NV", "sa"),
        ("Acme spol. s r.o.", "sro"),
        ("Acme Ltd. \u015eti.", "ltd"),
        ("Acme A.\u015e.", "as"),
        ("Acme S.A.P.I. de C.V.", "sa_de_cv"),
        ("Acme S. de R.L. de C.V.", "s_de_rl"),
        ("Acme UG (haftungsbeschränkt) & Co. KG", "kg"),
        ("Acme UG (haftungsbeschränkt)", "ug"),
        ("Acme OÜ", "ou"),
        ("Acme UAB", "uab"),
        ("Acme PJSC", "jsc"),
        ("Acme FZ-LLC", "fz"),
        ("Acme Public Company Limited", "pcl"),
        ("Acme (OPC) Pvt Ltd", "pvt_ltd"),
        ("Acme gGmbH", "gmbh"),
        ("Acme eG", "eg"),
        ("Acme sp.z o.o.", "sp_zoo"),
        ("Acme S.à.r.l.", "sarl"),
        ("Acme Sàrl", "sarl"),
        ("Acme DAC", "dac"),
        ("OOO Acme", "ooo"),
        ("TOV Acme", "tov"),
        ("Acme PartG mbB", "partg"),
        ("Acme CC", "cc"),
        ("Acme S.A.C.", "sac"),
        ("Acme HB", "hb"),
        ("Acme Ky", "ky"),
        ("Acme d.d.", "dd"),
        ("Acme EOOD", "ood"),
        ("Acme Sp. j.", "sp_k"),
        ("Acme S.r.l.s.", "srl"),
        ("Acme GmbH i.L.", "gmbh"),
        ("Acme GmbH i. G.", "gmbh"),
        ("Acme Ltd (in liquidation)", "ltd"),
        ("Acme Limited - In Administration", "ltd"),
        ("Acme AG Wirtschaftsprüfungsgesellschaft", "ag"),
        ("Acme GmbH Steuerberatungsgesellschaft", "gmbh"),
    ],
)
def test_legal_form_is_detected_and_canonical(raw: str, legal_form: str | None) -> None:
    org = _org(raw)
    assert (org.legal_form, org.clean) == (legal_form, "acme")


def test_gmbh_and_ltd_are_different_legal_forms_of_the_same_name() -> None:
    gmbh, ltd = _org("Acme GmbH"), _org("Acme Ltd")
    assert gmbh.clean == ltd.clean == "acme"
    assert gmbh.legal_form != ltd.legal_form


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
    org = _org(raw)
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
    assert _org(raw).clean == clean


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
    assert _org(left).clean == _org(right).clean


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
    assert _org(left).clean != _org(right).clean


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
    assert _org(raw).clean == clean


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
    org = _org(raw)
    assert (org.clean, org.legal_form) == (clean, legal_form)


def test_tokens_are_the_clean_name_split() -> None:
    org = _org("The Acme Consulting Group GmbH - EMEA")
    assert org == OrgName(
        raw="The Acme Consulting Group GmbH - EMEA",
        clean="acme consulting group",
        tokens=("acme", "consulting", "group"),
        legal_form="gmbh",
        region="emea",
    )


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
    org = _org(raw)
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
    assert _org(raw).clean == clean


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
    org = _org(raw)
    assert (org.clean, org.region) == (clean, region)


def test_a_legal_form_in_brackets_is_not_read_as_a_country_code() -> None:
    org = _org("Acme (SA)")
    assert (org.clean, org.legal_form, org.region) == ("acme", "sa", None)


@pytest.mark.parametrize(
    ("raw", "legal_form"),
    [
        ("Eldex Incorported", "inc"),
        ("Cantabrico Tecnologia Corporatoon", "corp"),
        ("Acme Limted", "ltd"),
        ("Acme Aktiengesellschft", "ag"),
        ("Acme Ltdd", "ltd"),
        ("Acme GmbbH", "gmbh"),
        ("ACME CORPO4ATION", "corp"),
    ],
)
def test_a_legal_form_with_one_typo_is_still_recognised(raw: str, legal_form: str) -> None:
    org = _org(raw)
    assert org.legal_form == legal_form
    assert org.clean in {"eldex", "cantabrico tecnologia", "acme"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Barclays Corporate", "barclays corporate"),
        ("Acme Crop", "acme crop"),
        ("Acme SAP", "acme sap"),
        ("Pizza Inn", "pizza inn"),
        ("Acme Sass", "acme sass"),
        ("Acme ABB", "acme abb"),
    ],
)
def test_a_real_word_near_a_legal_form_stays(raw: str, clean: str) -> None:
    org = _org(raw)
    assert (org.clean, org.legal_form) == (clean, None)


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
    assert _org(left).clean == _org(right).clean


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
    assert _org(raw).clean == "acme"


def test_a_name_that_starts_with_a_marker_word_keeps_it() -> None:
    assert _org("Formerly Known Bakery").clean == "formerly known bakery"
