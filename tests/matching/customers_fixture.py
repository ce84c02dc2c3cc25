"""A small customer file with known duplicates, shared by the pipeline and CLI tests."""

from __future__ import annotations

import pandas as pd

COLUMNS = ["source_system", "source_id", "name", "street", "city", "postal_code", "country"]
COLUMNS += ["phone", "email", "website", "tax_id"]

# entity -> rows; each row: system, name, street, city, postcode, country, phone, email, web, tax
ENTITIES: dict[str, list[tuple[str, ...]]] = {
    "kowalczyk": [
        (
            "crm",
            "Kowalczyk Consulting Sp. z o.o.",
            "ul. Prosta 20",
            "Warszawa",
            "00-850",
            "PL",
            "+48 22 123 45 67",
            "biuro@kowalczyk.pl",
            "",
            "",
        ),
        (
            "erp",
            "KOWALCZYK CONSULTING",
            "Prosta 20",
            "Warsaw",
            "00850",
            "Poland",
            "22 123 45 67",
            "",
            "https://www.kowalczyk.pl",
            "",
        ),
    ],
    "acme_de": [
        (
            "crm",
            "Acme GmbH",
            "Hauptstrasse 5",
            "Berlin",
            "10115",
            "DE",
            "+49 30 1234567",
            "info@acme.de",
            "",
            "DE123456789",
        ),
        (
            "psa",
            "ACME GmbH - EMEA",
            "Hauptstr. 5",
            "Berlin",
            "10115",
            "Germany",
            "030 1234567",
            "",
            "acme.de",
            "DE 123 456 789",
        ),
        (
            "erp",
            "Acme Gesellschaft mit beschränkter Haftung",
            "Hauptstraße 5",
            "Berlin",
            "10115",
            "DE",
            "",
            "",
            "www.acme.de",
            "DE123456789",
        ),
    ],
    "acme_uk": [
        (
            "crm",
            "Acme Ltd",
            "1 High Street",
            "London",
            "SW1A 1AA",
            "GB",
            "+44 20 7946 0000",
            "sales@acme.co.uk",
            "",
            "",
        ),
        (
            "erp",
            "ACME Limited",
            "1 High St",
            "London",
            "SW1A1AA",
            "United Kingdom",
            "020 7946 0000",
            "",
            "acme.co.uk",
            "",
        ),
    ],
    "globex": [
        (
            "crm",
            "Globex Corporation",
            "500 Main Street",
            "Springfield",
            "62701",
            "US",
            "+1 217 555 0100",
            "",
            "globex.com",
            "12-3456789",
        ),
        (
            "psa",
            "Globex Corp.",
            "500 Main St",
            "Springfield",
            "62701",
            "USA",
            "(217) 555-0100",
            "it@globex.com",
            "",
            "",
        ),
    ],
    "initech": [
        (
            "crm",
            "Initech Inc",
            "4120 Freidrich Lane",
            "Austin",
            "78744",
            "US",
            "+1 512 555 0199",
            "",
            "initech.com",
            "",
        ),
    ],
    "umbrella": [
        (
            "erp",
            "Umbrella Consulting Partners",
            "12 Rue de Rivoli",
            "Paris",
            "75001",
            "FR",
            "+33 1 42 00 00 00",
            "",
            "umbrella-partners.fr",
            "",
        ),
        (
            "crm",
            "Umbrela Consulting Partners",
            "12 rue de Rivoli",
            "Paris",
            "75001",
            "France",
            "01 42 00 00 00",
            "",
            "",
            "",
        ),
    ],
    "nowak": [
        (
            "crm",
            "Nowak Consulting",
            "ul. Długa 3",
            "Kraków",
            "31-147",
            "PL",
            "+48 12 400 00 00",
            "",
            "nowak-consulting.pl",
            "",
        ),
    ],
    "stark": [
        (
            "psa",
            "Stark Industries",
            "10880 Malibu Point",
            "Malibu",
            "90265",
            "US",
            "+1 310 555 0147",
            "",
            "stark.com",
            "",
        ),
        (
            "erp",
            "Stark Industries Inc.",
            "10880 Malibu Pt",
            "Malibu",
            "90265",
            "US",
            "310-555-0147",
            "",
            "www.stark.com",
            "",
        ),
    ],
    "wayne": [
        (
            "crm",
            "Wayne Enterprises",
            "1007 Mountain Drive",
            "Gotham",
            "10001",
            "US",
            "+1 212 555 0111",
            "",
            "wayne.com",
            "",
        ),
    ],
    "tyrell": [
        (
            "crm",
            "Tyrell Corporation",
            "2019 Off-World Ave",
            "Los Angeles",
            "90012",
            "US",
            "+1 213 555 0188",
            "",
            "tyrell.com",
            "",
        ),
        (
            "psa",
            "The Tyrell Corp",
            "2019 Off World Avenue",
            "Los Angeles",
            "90012",
            "US",
            "",
            "",
            "tyrell.com",
            "",
        ),
    ],
}


def customer_frame() -> tuple[pd.DataFrame, dict[str, str]]:
    """Canonical customer rows and the true entity of every source id."""
    rows, truth = [], {}
    for entity, variants in ENTITIES.items():
        for k, (system, *values) in enumerate(variants):
            source_id = f"{entity}-{k}"
            rows.append([system, source_id, *values])
            truth[source_id] = entity
    return pd.DataFrame(rows, columns=COLUMNS), truth
