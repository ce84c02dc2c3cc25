"""Countries to ISO 3166-1 alpha-2."""

from __future__ import annotations

import pytest

from matching.normalize import normalize_country
from matching.normalize._iso3166 import ISO_3166_1


@pytest.mark.parametrize(
    ("raw", "alpha2"),
    [
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("GERMANY", "DE"),
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Federal Republic of Germany", "DE"),
        ("Allemagne", "DE"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("Spain", "ES"),
        ("ESP", "ES"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("GB", "GB"),
        ("GBR", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("US", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        ("Holland", "NL"),
        ("The Netherlands", "NL"),
        ("Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("Switzerland", "CH"),
        ("Österreich", "AT"),
        ("Oesterreich", "AT"),
        ("Italia", "IT"),
        ("France", "FR"),
        ("Sverige", "SE"),
        ("Norge", "NO"),
        ("Danmark", "DK"),
        ("Suomi", "FI"),
        ("Polska", "PL"),
        ("Brasil", "BR"),
        ("México", "MX"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("North Korea", "KP"),
        ("Russia", "RU"),
        ("Россия", "RU"),
        ("UAE", "AE"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Viet Nam", "VN"),
        ("Taiwan", "TW"),
        ("Hong Kong", "HK"),
        ("St. Lucia", "LC"),
        ("Saint Lucia", "LC"),
        ("Bolivia, Plurinational State of", "BO"),
        ("Kosovo", "XK"),
        ("EL", "GR"),
        ("  japan  ", "JP"),
        ("GER", "DE"),
        ("Bharat", "IN"),
        ("Nippon", "JP"),
        ("Aust.", "AU"),
        ("République française", "FR"),
        ("Republic of Singapore", "SG"),
        ("Kanada", "CA"),
        ("Svizzera", "CH"),
    ],
)
def test_country_truth_table(raw: str, alpha2: str) -> None:
    assert normalize_country(raw) == alpha2


@pytest.mark.parametrize("raw", [None, "", "  ", "XX", "Atlantis", "Europe", "EMEA", "123"])
def test_unknown_country_is_none(raw: str | None) -> None:
    assert normalize_country(raw) is None


@pytest.mark.parametrize("row", ISO_3166_1.splitlines())
def test_every_iso_country_round_trips_by_code_and_name(row: str) -> None:
    alpha2, alpha3, name, *_ = row.split("|")
    assert {normalize_country(alpha2), normalize_country(alpha3), normalize_country(name)} == {
        alpha2
    }
