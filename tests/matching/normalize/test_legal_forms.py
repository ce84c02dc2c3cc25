"""Legal-form table: countries per form, and the table's own consistency."""

from __future__ import annotations

import pytest

from matching.normalize import legal_form_countries, normalize_country, normalize_org_name
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
        ("pte_ltd", {"SG"}, {"IN"}),
        ("sa", {"FR", "ES", "CH", "BE"}, {"GB"}),
        ("bv", {"NL", "BE"}, {"DE"}),
        ("kk", {"JP"}, {"CN"}),
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
