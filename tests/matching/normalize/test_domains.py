"""E-mail and website domains, free-mail providers."""

from __future__ import annotations

import pytest

from matching.normalize import (
    is_free_mail_domain,
    normalize_email_domain,
    normalize_website_domain,
)


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("Jane.Doe@Mail.ACME.co.uk", "acme.co.uk"),
        ("jane@acme.com", "acme.com"),
        ("JANE@ACME.COM", "acme.com"),
        ("jane@sales.eu.acme.com", "acme.com"),
        ("Jane Doe <jane@acme.de>", "acme.de"),
        ("mailto:jane@acme.fr", "acme.fr"),
        ("  jane@acme.com.au ", "acme.com.au"),
        ("jane@acme.co.jp", "acme.co.jp"),
        ("jane@acme.com.br", "acme.com.br"),
        ("jane@mail.acme.co.nz", "acme.co.nz"),
        ("jane@acme.co.za", "acme.co.za"),
        ("jane@acme.com.cn", "acme.com.cn"),
        ("jane@cs.ox.ac.uk", "ox.ac.uk"),
        ("jane+crm@acme.io", "acme.io"),
        ("jane@müller.de", "xn--mller-kva.de"),
        ("jane@acme.com.", "acme.com"),
        ("jane@acme.com; john@acme.com", "acme.com"),
        ("jane@acme.de, accounts@acme-finance.de", "acme.de"),
        ("Jane Doe <mailto:jane@acme.es>", "acme.es"),
    ],
)
def test_email_domain_truth_table(raw: str, domain: str) -> None:
    assert normalize_email_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "jane",
        "jane@",
        "@acme.com",
        "jane@localhost",
        "jane@10.0.0.1",
        "jane@co.uk",
        "<no address> @",
    ],
)
def test_unreadable_email_is_none(raw: str | None) -> None:
    assert normalize_email_domain(raw) is None


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.acme.co.uk/about", "acme.co.uk"),
        ("http://acme.com", "acme.com"),
        ("acme.com", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("WWW.ACME.COM/", "acme.com"),
        ("https://shop.eu.acme.com:8443/x?y=1#z", "acme.com"),
        ("http://user:secret@acme.de/path", "acme.de"),
        ("acme.com.au/contact", "acme.com.au"),
        ("https://www.acme.co.jp", "acme.co.jp"),
        ("https://acme.github.io/site", "acme.github.io"),
        ("acme.myshopify.com", "acme.myshopify.com"),
        ("https://Müller.de", "xn--mller-kva.de"),
        ("acme.com.", "acme.com"),
        ("ftp://files.acme.org", "acme.org"),
        ("//cdn.acme.com/logo.png", "acme.com"),
        ("https://www.acme.co.uk.", "acme.co.uk"),
    ],
)
def test_website_domain_truth_table(raw: str, domain: str) -> None:
    assert normalize_website_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "acme",
        "www.acme",
        "http://",
        "https://localhost:8000",
        "http://192.168.1.1",
        "co.uk",
    ],
)
def test_unreadable_website_is_none(raw: str | None) -> None:
    assert normalize_website_domain(raw) is None


def test_email_and_website_of_one_company_agree() -> None:
    email = normalize_email_domain("j.doe@uk.acme.co.uk")
    assert email == normalize_website_domain("https://www.acme.co.uk/en-gb/")


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.de",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "icloud.com",
        "aol.com",
        "protonmail.com",
        "orange.fr",
        "libero.it",
        "mail.ru",
        "qq.com",
        "GMAIL.COM",
        "jane.doe@gmail.com",
        "mail.yahoo.com",
        "sunrise.ch",
        "telefonica.net",
        "docomo.ne.jp",
        "singnet.com.sg",
        "jane@internode.on.net",
        "bigpond.net.au",
    ],
)
def test_free_mail_domains_are_recognised(domain: str) -> None:
    assert is_free_mail_domain(domain)


@pytest.mark.parametrize(
    "domain", [None, "", "acme.com", "acme.co.uk", "google.com", "jane@acme.de", "mail"]
)
def test_company_domains_are_not_free_mail(domain: str | None) -> None:
    assert not is_free_mail_domain(domain)
