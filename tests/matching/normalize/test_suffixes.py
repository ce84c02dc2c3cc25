"""The compact public-suffix table."""

from __future__ import annotations

import pytest

from matching.normalize.suffixes import MULTI_LABEL_SUFFIXES, registrable


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.acme.com", "acme.com"),
        ("mail.acme.co.uk", "acme.co.uk"),
        ("acme.co.uk", "acme.co.uk"),
        ("shop.acme.com.au", "acme.com.au"),
        ("a.b.acme.co.jp", "acme.co.jp"),
        ("acme.github.io", "acme.github.io"),
        ("acme.de", "acme.de"),
        ("co.uk", None),
        ("com", None),
        ("github.io", None),
    ],
)
def test_registrable_domain_is_one_label_under_the_public_suffix(
    host: str, domain: str | None
) -> None:
    assert registrable(host.split(".")) == domain


@pytest.mark.parametrize("suffix", ["co.uk", "com.au", "co.jp", "com.br", "co.nz", "co.in"])
def test_common_second_level_registries_are_known(suffix: str) -> None:
    assert suffix in MULTI_LABEL_SUFFIXES


def test_every_multi_label_suffix_has_two_labels() -> None:
    assert all(suffix.count(".") == 1 for suffix in MULTI_LABEL_SUFFIXES)
