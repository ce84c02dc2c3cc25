"""A registrable domain reads as itself, so its free-mail test needs no second reading."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.normalize import (
    is_free_mail_domain,
    is_free_mail_registrable,
    normalize_email_domain,
    normalize_website_domain,
)
from tests.seeds.files import SYSTEMS, read

_LABELS = st.sampled_from(
    [
        *("www", "mail", "acme", "gmail", "yahoo", "co", "com", "uk", "de", "jp", "ne", "io"),
        *("xn--bcher-kva", "bücher", "-bad", "a" * 64, "123", "github", "", "WWW", "Acme"),
    ]
)
_HOSTS = st.lists(_LABELS, min_size=1, max_size=5).map(".".join)
_EMAILS = st.tuples(st.sampled_from(["", "jane", "mailto:", "a b"]), _HOSTS).map("@".join)
_URLS = st.tuples(st.sampled_from(["", "https://", "//", "http://u:p@"]), _HOSTS).map("".join)
_READERS: list[Callable[[str | None], str | None]] = [
    normalize_email_domain,
    normalize_website_domain,
]


def _seed_addresses() -> list[str]:
    rows = [row for system in SYSTEMS for row in read(f"data/{system}/customers.csv")]
    return sorted({v for row in rows for v in (row["email"], row["website"]) if v})


def _reads_as_itself(read: Callable[[str | None], str | None], raw: str) -> None:
    domain = read(raw)
    if domain is not None:
        assert normalize_website_domain(domain) == domain
        assert is_free_mail_registrable(domain) == is_free_mail_domain(domain)


@pytest.mark.parametrize("read", _READERS, ids=lambda f: f.__name__)
@given(raw=st.one_of(_EMAILS, _URLS, _HOSTS, st.text(max_size=30)))
def test_a_registrable_domain_reads_as_itself(
    read: Callable[[str | None], str | None], raw: str
) -> None:
    _reads_as_itself(read, raw)


def test_seed_addresses_read_as_themselves() -> None:
    addresses = _seed_addresses()
    assert len(addresses) > 300
    for raw in addresses:
        _reads_as_itself(normalize_email_domain if "@" in raw else normalize_website_domain, raw)


@pytest.mark.parametrize(
    ("domain", "free"),
    [("gmail.com", True), ("yahoo.co.uk", True), ("gmx.ch", True), ("acme.co.uk", False)],
)
def test_free_mail_registrable_domains(domain: str, free: bool) -> None:
    assert is_free_mail_registrable(domain) is free
