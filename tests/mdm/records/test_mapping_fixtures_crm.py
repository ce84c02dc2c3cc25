"""CRM fixtures (Salesforce, HubSpot): a native API page becomes exactly these canonical rows."""

from __future__ import annotations

import json
from pathlib import Path

from mdm.records.mapping import load_mapping

FIXTURES = Path(__file__).parent / "fixtures"


def canonical_rows(system: str, entity_type: str) -> list[dict[str, str]]:
    """Unwrap the fixture page and map every record."""
    mapping = load_mapping(system)
    page = json.loads((FIXTURES / system / f"{entity_type}.json").read_text(encoding="utf-8"))
    return [mapping.to_canonical(entity_type, r) for r in mapping.records(entity_type, page)]


def test_salesforce_accounts_map_compound_address_custom_fields_and_deletes() -> None:
    assert canonical_rows("salesforce", "customers") == [
        {
            "source_system": "salesforce",
            "source_id": "0017Q00000aBcDeQAK",
            "name": "Nordwind Logistik GmbH",
            "legal_name": "Nordwind Logistik GmbH",
            "street": "Am Sandtorkai 38",
            "city": "Hamburg",
            "postal_code": "20457",
            "country": "DE",
            "phone": "+49 40 3070 5500",
            "email": "rechnungen@nordwind-logistik.de",
            "website": "www.nordwind-logistik.de",
            "tax_id": "DE 811 907 980",
            "currency": "EUR",
            "legal_entity": "Meridian Consulting GmbH",
            "netsuite_id": "4821",
        },
        {
            "source_system": "salesforce",
            "source_id": "0017Q00000aBcEfQAL",
            "name": "Acme Corp - EMEA",
            "currency": "GBP",
            "parent_source_id": "0017Q00000ZyXwVQAT",
        },
        {
            "source_system": "salesforce",
            "source_id": "0017Q00000aBcGhQAM",
            "name": "Brightside Retail Inc.",
            "legal_name": "Brightside Retail, Inc.",
            "street": "500 W 2nd St, Suite 1900",
            "city": "Austin",
            "postal_code": "78701",
            "region": "TX",
            "country": "US",
            "phone": "(512) 555-0147",
            "email": "ap@brightsideretail.com",
            "website": "https://brightsideretail.com",
            "currency": "USD",
            "legal_entity": "Meridian Consulting Inc.",
            "netsuite_id": "5107",
            "deleted": "true",
        },
    ]


def test_salesforce_contracts_chain_msa_sow_and_change_order() -> None:
    assert canonical_rows("salesforce", "contracts") == [
        {
            "source_system": "salesforce",
            "source_id": "8007Q000002KmNpQAK",
            "number": "00000112",
            "name": "Nordwind MSA 2024",
            "customer_source_id": "0017Q00000aBcDeQAK",
            "contract_type": "MSA",
            "start_date": "2024-01-01",
            "end_date": "2026-12-31",
            "currency": "EUR",
            "billing_terms": "Net 30",
            "rate_card": "EU Standard 2024",
            "legal_entity": "Meridian Consulting GmbH",
        },
        {
            "source_system": "salesforce",
            "source_id": "8007Q000002KmOqQAK",
            "number": "00000127",
            "name": "SOW 3 - Warehouse Analytics",
            "customer_source_id": "0017Q00000aBcDeQAK",
            "contract_type": "SOW",
            "parent_source_id": "8007Q000002KmNpQAK",
            "start_date": "2025-02-03",
            "end_date": "2025-09-30",
            "value": "184500",
            "currency": "EUR",
            "opportunity_ref": "0067Q00000Fh3kLQAR",
            "billing_terms": "Net 45",
            "legal_entity": "Meridian Consulting GmbH",
        },
        {
            "source_system": "salesforce",
            "source_id": "8007Q000002KmPrQAK",
            "number": "00000131",
            "customer_source_id": "0017Q00000aBcDeQAK",
            "contract_type": "change_order",
            "parent_source_id": "8007Q000002KmOqQAK",
            "start_date": "2025-06-01",
            "value": "12250.5",
            "currency": "EUR",
        },
    ]


def test_hubspot_companies_map_properties_parent_and_archived() -> None:
    assert canonical_rows("hubspot", "customers") == [
        {
            "source_system": "hubspot",
            "source_id": "18230918422",
            "name": "Harbour & Finch Ltd",
            "street": "12 Hatton Garden, Floor 3",
            "city": "London",
            "postal_code": "EC1N 8LS",
            "country": "United Kingdom",
            "phone": "020 7946 0321",
            "website": "https://www.harbourfinch.co.uk",
            "tax_id": "GB 123 4567 89",
            "salesforce_id": "0017Q00000bQrStQAK",
        },
        {
            # An empty `address` and a personal-mail domain: the domain is kept, ingest judges it.
            "source_system": "hubspot",
            "source_id": "18230918507",
            "name": "Harbour and Finch (Manchester)",
            "website": "gmail.com",
            "parent_source_id": "18230918422",
        },
        {
            "source_system": "hubspot",
            "source_id": "17004521390",
            "name": "Tulp Data B.V.",
            "street": "Keizersgracht 62",
            "city": "Amsterdam",
            "postal_code": "1015 CS",
            "region": "Noord-Holland",
            "country": "Netherlands",
            "phone": "+31 20 794 1180",
            "website": "tulpdata.nl",
            "tax_id": "NL853740523B01",
            "deleted": "true",
        },
    ]
