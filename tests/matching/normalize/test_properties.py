"""Properties every field normaliser keeps, whatever it is given."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.normalize import (
    normalize_city,
    normalize_country,
    normalize_email_domain,
    normalize_phone,
    normalize_postcode,
    normalize_street,
    normalize_tax_id,
    normalize_website_domain,
)

_COUNTRIES = st.sampled_from([None, "US", "GB", "DE", "FR", "NL", "CH", "AU", "IN", "JP", "BR"])
_PHONE_TEXT = st.text(alphabet="0123456789 +()-./xext", max_size=25)
_CODE_TEXT = st.text(alphabet="0123456789ABCDEFGHUWXZ -./", max_size=18)
_ONE_ARG: list[Callable[[str | None], str | None]] = [
    normalize_city,
    normalize_street,
    normalize_country,
    normalize_website_domain,
]


@pytest.mark.parametrize("normalise", _ONE_ARG, ids=lambda f: f.__name__)
@given(raw=st.text(max_size=40))
def test_normalising_a_normalised_value_changes_nothing(
    normalise: Callable[[str | None], str | None], raw: str
) -> None:
    once = normalise(raw)
    if once is not None:
        assert normalise(once) == once


@given(raw=_PHONE_TEXT, country=_COUNTRIES)
def test_a_phone_is_e164_or_none(raw: str, country: str | None) -> None:
    phone = normalize_phone(raw, country)
    if phone is not None:
        assert phone[0] == "+"
        assert phone[1:].isdigit()
        assert 7 <= len(phone) <= 16
        assert normalize_phone(phone) == phone


@given(raw=_CODE_TEXT, country=_COUNTRIES)
def test_postcode_and_tax_id_are_compact_upper_case_and_stable(
    raw: str, country: str | None
) -> None:
    for normalise in (normalize_postcode, normalize_tax_id):
        value = normalise(raw, country)
        if value is not None:
            assert value == value.upper()
            assert value.isalnum()
            assert normalise(value, country) == value


@given(local=st.from_regex(r"[a-z0-9._+-]{1,12}", fullmatch=True), raw=st.text(max_size=30))
def test_an_email_domain_is_the_website_domain_of_its_host(local: str, raw: str) -> None:
    domain = normalize_email_domain(f"{local}@{raw}")
    if domain is not None:
        assert normalize_website_domain(domain) == domain


@given(raw=st.text(alphabet="ab@<>.;, c", max_size=20))
def test_any_text_with_an_at_sign_gives_a_domain_or_none(raw: str) -> None:
    domain = normalize_email_domain(raw)
    assert domain is None or normalize_website_domain(domain) == domain
