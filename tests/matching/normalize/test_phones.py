"""Phone numbers to E.164."""

from __future__ import annotations

import pytest

from matching.normalize import normalize_phone


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("+44 20 7946 0958", None, "+442079460958"),
        ("+44 (0)20 7946 0958", None, "+442079460958"),
        ("+44(0)2079460958", "GB", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("020-7946-0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", None, "+442079460958"),
        ("0044 20 7946 0958", "DE", "+442079460958"),
        ("020 7946 0958 ext. 123", "GB", "+442079460958"),
        ("020 7946 0958 x123", "GB", "+442079460958"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("415.555.2671", "US", "+14155552671"),
        ("415-555-2671 ext 12", "US", "+14155552671"),
        ("1-415-555-2671", "US", "+14155552671"),
        ("+1 (415) 555-2671", None, "+14155552671"),
        ("310/246-1501", "US", "+13102461501"),
        ("1-800-FLOWERS", "US", "+18003569377"),
        ("089 1234567", "DE", "+49891234567"),
        ("+49 (0) 89 1234567", None, "+49891234567"),
        ("+49 89 1234567-0", None, "+498912345670"),
        ("01 42 68 53 00", "FR", "+33142685300"),
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("020 7946 0958", "United Kingdom", "+442079460958"),
        ("020 7946 0958", "gb", "+442079460958"),
        ("tel: +41 44 668 18 00", None, "+41446681800"),
        ("001 617 780 7302", "US", "+16177807302"),
        ("0061 8 9769 0544", "AU", "+61897690544"),
        ("0081 92 585 9242", "JP", "+81925859242"),
        ("0055 21 8354 4703", "BR", "+552183544703"),
        ("0065 6673 4784", "SG", "+6566734784"),
    ],
)
def test_phone_truth_table(raw: str, country: str | None, e164: str) -> None:
    assert normalize_phone(raw, country) == e164


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        (None, None),
        ("", "GB"),
        ("   ", "US"),
        ("n/a", "US"),
        ("12", "US"),
        ("020 7946 0958", None),  # a national number without its country
        ("+44 12", None),
        ("+999 1234 5678", None),
        ("123456789012345678901", "US"),
        ("000", "DE"),
        ("12345", "DE"),
        ("0000000000", "DE"),
    ],
)
def test_unreadable_phone_is_none(raw: str | None, country: str | None) -> None:
    assert normalize_phone(raw, country) is None


def test_the_same_number_written_nationally_and_internationally_agrees() -> None:
    assert normalize_phone("030 1234567", "DE") == normalize_phone("+49 30 1234567")
