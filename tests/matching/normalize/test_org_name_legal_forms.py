"""Legal forms in organisation names: detected, canonical, kept apart from the name."""

from __future__ import annotations

import pytest

from tests.matching.normalize.orgs import parsed_org


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
    org = parsed_org(raw)
    assert (org.legal_form, org.clean) == (legal_form, "acme")


def test_gmbh_and_ltd_are_different_legal_forms_of_the_same_name() -> None:
    gmbh, ltd = parsed_org("Acme GmbH"), parsed_org("Acme Ltd")
    assert gmbh.clean == ltd.clean == "acme"
    assert gmbh.legal_form != ltd.legal_form


def test_a_legal_form_in_brackets_is_not_read_as_a_country_code() -> None:
    org = parsed_org("Acme (SA)")
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
    org = parsed_org(raw)
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
    org = parsed_org(raw)
    assert (org.clean, org.legal_form) == (clean, None)
