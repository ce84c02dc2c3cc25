"""Streets and cities."""

from __future__ import annotations

import pytest

from matching.normalize import normalize_city, normalize_street


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("123 Main Street", "123 Main St."),
        ("123 Main Street", "123 MAIN ST"),
        ("Hauptstraße 5", "Hauptstrasse 5"),
        ("Hauptstraße 5", "Hauptstr. 5"),
        ("Hauptstraße 5", "HAUPTSTR 5"),
        ("Müllerstraße 12", "Muellerstr. 12"),
        ("Berliner Straße 1", "Berliner Str. 1"),
        ("12224 Ventura Blvd.", "12224 Ventura Boulevard"),
        ("5th Avenue 1", "5th Ave 1"),
        ("10 Downing Road", "10 Downing Rd."),
        ("Suite 200, 1 Market St", "Ste. 200, 1 Market Street"),
        ("1 Market St #200", "1 Market St Unit 200"),
        ("P.O. Box 123", "PO Box 123"),
        ("Postfach 12", "PO Box 12"),
        ("1 North Main Street", "1 N. Main St"),
        ("St. Mary's Road 4", "Saint Marys Road 4"),
        ("Rue de la Paix 1", "rue de la paix 1"),
        ("Avenue des Champs-Élysées 10", "Av. des Champs Elysees 10"),
        ("854 7th Ave.", "854 Seventh Avenue"),
        ("1110 3rd Ave. at 65th St.", "1110 Third Avenue"),
        ("2450 Broadway between 90th and 91st Sts.", "2450 Broadway"),
        ("2 Harrison St. near Hudson St.", "2 Harrison Street"),
        ("57 Jane St. off Hudson St.", "57 Jane St"),
        ("7 Claude La.", "7 Claude Lane"),
        ("12 Twelfth Street", "12 12th St"),
        ("21 Twentieth Street", "21 20th St"),
        ("Avenida Paulista 1000", "Av. Paulista 1000"),
        ("Calle Mayor 5", "C/ Mayor 5"),
        ("Corso Buenos Aires 3", "C.so Buenos Aires 3"),
        ("Kungsgatan 12", "Kungsg. 12"),
        ("Sveavägen 44", "Sveav. 44"),
        ("Kalverstraat 92", "Kalverstr. 92"),
        ("10 Kings Terrace", "10 Kings Tce"),
        ("Rua Augusta 100", "R. Augusta 100"),
    ],
)
def test_street_spellings_agree(left: str, right: str) -> None:
    assert normalize_street(left) == normalize_street(right)


@pytest.mark.parametrize(
    ("raw", "street"),
    [
        ("123 Main Street", "123 main st"),
        ("Hauptstraße 5", "hauptstr 5"),
        ("Suite 200, 1 Market Street", "ste 200 1 market st"),
        ("Apartment 4B, 12 Elm Lane", "apt 4b 12 elm ln"),
        ("2nd Floor, 1 High St", "2nd fl 1 high st"),
        ("St. Mary's Road", "saint marys rd"),
        ("435 s. la cienega blv.", "435 s la cienega blvd"),
        ("Marienplatz 1", "marienplatz 1"),
        ("435 La Cienega Blvd", "435 la cienega blvd"),
        ("101 Second Street", "101 2nd st"),
        ("1 First Avenue", "1 1st ave"),
        ("11 Eleventh Ave", "11 11th ave"),
    ],
)
def test_street_truth_table(raw: str, street: str) -> None:
    assert normalize_street(raw) == street


def test_main_street_and_main_strasse_stay_apart() -> None:
    assert normalize_street("Main Street 1") != normalize_street("Main Straße 1")


@pytest.mark.parametrize("raw", [None, "", "  ", "---"])
def test_empty_street_is_none(raw: str | None) -> None:
    assert normalize_street(raw) is None


@pytest.mark.parametrize(
    ("raw", "city"),
    [
        ("St. Louis", "saint louis"),
        ("Saint Louis", "saint louis"),
        ("ST LOUIS", "saint louis"),
        ("Frankfurt am Main", "frankfurt am main"),
        ("Frankfurt a. M.", "frankfurt am main"),
        ("Frankfurt/Main", "frankfurt am main"),
        ("München", "munich"),
        ("Muenchen", "munich"),
        ("Munich", "munich"),
        ("80331 München", "munich"),
        ("Köln", "cologne"),
        ("Zürich", "zurich"),
        ("Zurich", "zurich"),
        ("Genève", "geneva"),
        ("Den Haag", "the hague"),
        ("NYC", "new york"),
        ("New York City", "new york"),
        ("Sankt Gallen", "saint gallen"),
        ("St. Gallen", "saint gallen"),
        ("Saint-Denis", "saint denis"),
        ("Ft. Worth", "fort worth"),
        ("São Paulo", "sao paulo"),
        ("Paris 8", "paris"),
        ("Kraków", "krakow"),
        ("W. Hollywood", "west hollywood"),
        ("West Hollywood", "west hollywood"),
        ("N. Vancouver", "north vancouver"),
        ("Mt. Vernon", "mount vernon"),
        ("Bâle", "basel"),
        ("Berne", "bern"),
        ("SF", "san francisco"),
        ("S. Paulo", "sao paulo"),
        ("Bangalore", "bengaluru"),
        ("Bombay", "mumbai"),
        ("Malmö", "malmo"),
        ("Malmoe", "malmo"),
        ("Göteborg", "gothenburg"),
        ("Goeteborg", "gothenburg"),
        ("Frankfurt", "frankfurt am main"),
        ("'s-Gravenhage", "the hague"),
        ("Zuerich", "zurich"),
        ("Montréal", "montreal"),
        ("Austin, TX", "austin"),
        ("Toronto, ON, Canada", "toronto"),
        ("Paris, France", "paris"),
        (", Berlin", "berlin"),
    ],
)
def test_city_truth_table(raw: str, city: str) -> None:
    assert normalize_city(raw) == city


@pytest.mark.parametrize("raw", [None, "", " ", "-"])
def test_empty_city_is_none(raw: str | None) -> None:
    assert normalize_city(raw) is None
