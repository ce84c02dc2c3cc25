"""Legal-form table: countries per form, and the table's own consistency."""

from __future__ import annotations

import pytest

from matching.normalize import (
    legal_form_countries,
    local_legal_form,
    normalize_country,
    normalize_org_name,
)
from matching.normalize.legal_forms import LEGAL_FORMS, match_suffix, spelling_index


@pytest.mark.parametrize(
    ("code", "present", "absent"),
    [
        ("gmbh", {"DE", "AT", "CH"}, {"GB", "US"}),
        ("ltd", {"GB", "IE"}, {"DE"}),
        ("inc", {"US", "CA"}, {"DE"}),
        ("llc", {"US"}, {"GB"}),
        ("plc", {"GB"}, {"US"}),
        ("pty_ltd", {"AU", "ZA"}, {"GB"}),
        ("pvt_ltd", {"IN"}, {"GB"}),
        ("pvt_ltd", {"SG"}, {"GB"}),
        ("sa", {"FR", "ES", "CH", "BE"}, {"GB"}),
        ("bv", {"NL", "BE"}, {"DE"}),
        ("co_ltd", {"CN", "JP", "KR"}, {"DE"}),
        ("oy", {"FI"}, {"SE"}),
        ("ab", {"SE"}, {"NO"}),
        ("as", {"NO", "DK"}, {"SE"}),
        ("sp_zoo", {"PL"}, {"CZ"}),
        ("sa_de_cv", {"MX"}, {"ES"}),
        ("se", {"DE", "FR", "NL"}, {"US"}),
    ],
)
def test_legal_form_exists_in_its_countries_only(
    code: str, present: set[str], absent: set[str]
) -> None:
    countries = legal_form_countries(code)
    assert present <= countries
    assert not absent & countries


def test_unknown_legal_form_has_no_countries() -> None:
    assert legal_form_countries("nonsense") == frozenset()


def test_legal_forms_cover_at_least_fifteen_countries() -> None:
    countries = set().union(*(legal_form_countries(code) for code in LEGAL_FORMS))
    assert len(countries) >= 15


@pytest.mark.parametrize("code", sorted(LEGAL_FORMS))
def test_every_legal_form_lists_real_countries(code: str) -> None:
    assert legal_form_countries(code)
    assert all(normalize_country(c) == c for c in legal_form_countries(code))


@pytest.mark.parametrize("spelling", sorted(spelling_index()))
def test_every_spelling_is_found_at_the_end_of_a_name(spelling: tuple[str, ...]) -> None:
    found = match_suffix(("zenith", *spelling))
    assert found is not None
    code, size = found
    assert size == len(spelling)
    assert code == spelling_index()[spelling]


@pytest.mark.parametrize("code", sorted(LEGAL_FORMS))
def test_every_legal_form_is_recognised_after_a_name(code: str) -> None:
    first = LEGAL_FORMS[code][0].split(",")[0]
    org = normalize_org_name(f"Zenith {first}")
    assert org is not None
    assert (org.clean, org.legal_form) == ("zenith", code)


@pytest.mark.parametrize(
    ("raw", "country", "code"),
    [
        ("Zenith K.K.", "JP", "co_ltd"),
        ("Zenith Co., Ltd.", "JP", "co_ltd"),
        ("Zenith Corporation", "JP", "co_ltd"),
        ("Zenith Kabushiki Kaisha", None, "co_ltd"),
        ("Zenith G.K.", "JP", "llc"),
        ("Zenith LLC", "JP", "llc"),
        ("Zenith Co., Ltd.", "HK", "ltd"),
        ("Zenith LLC", "US", "llc"),
        ("Zenith Limited", "CN", "co_ltd"),
        ("Zenith Co., Ltd.", "CN", "co_ltd"),
        ("Zenith Private Limited", "SG", "pvt_ltd"),
        ("Zenith Pte. Ltd.", None, "pvt_ltd"),
        ("Zenith Private Limited", "IN", "pvt_ltd"),
        ("Zenith Corporation", "US", "inc"),
        ("Zenith Inc.", "US", "inc"),
        ("Zenith Ltd.", "CA", "inc"),
        ("Zenith Ltd.", "GB", "ltd"),
        ("Zenith Corporation", None, "corp"),
        ("Zenith Limited", None, "ltd"),
    ],
)
def test_english_renderings_mean_the_local_form_in_their_country(
    raw: str, country: str | None, code: str
) -> None:
    org = normalize_org_name(raw)
    assert org is not None
    assert local_legal_form(org.legal_form, country) == code


def test_no_legal_form_stays_none_in_any_country() -> None:
    assert local_legal_form(None, "JP") is None


@pytest.mark.parametrize(
    "variant",
    ["GmbH & Co. KG", "GmbH & Co KG", "GmbH u. Co. KG", "GmbH + Co. KG", "GmbH und Co. KG"],
)
def test_gmbh_co_kg_is_recognised_with_every_conjunction(variant: str) -> None:
    org = normalize_org_name(f"Zenith Bau {variant}")
    assert org is not None
    assert (org.clean, org.legal_form) == ("zenith bau", "gmbh_co_kg")
