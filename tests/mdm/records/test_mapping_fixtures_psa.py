"""PSA fixtures (Certinia, Kantata): a native API page becomes exactly these canonical rows."""

from __future__ import annotations

from tests.mdm.records.test_mapping_fixtures_crm import canonical_rows


def test_certinia_accounts_take_vat_and_trading_currency_from_certinia_accounting() -> None:
    assert canonical_rows("certinia", "customers") == [
        {
            "source_system": "certinia",
            "source_id": "0015J00000pLmNoQAC",
            "name": "Nordwind Logistik",
            "street": "Am Sandtorkai 38",
            "city": "Hamburg",
            "postal_code": "20457",
            "country": "Deutschland",
            "phone": "040 30705500",
            "website": "nordwind-logistik.de",
            "tax_id": "DE811907980",
            "currency": "EUR",
            "salesforce_id": "0017Q00000aBcDeQAK",
        },
        {
            # No trading currency: the record currency stands in.
            "source_system": "certinia",
            "source_id": "0015J00000pLmQrQAC",
            "name": "Brightside Retail",
            "currency": "USD",
        },
    ]


def test_certinia_projects_map_account_opportunity_billing_type_and_manager() -> None:
    assert canonical_rows("certinia", "projects") == [
        {
            "source_system": "certinia",
            "source_id": "a2D5J000000bKxYUAU",
            "name": "Nordwind - Warehouse Analytics",
            "code": "PRJ-002417",
            "customer_source_id": "0015J00000pLmNoQAC",
            "start_date": "2025-02-03",
            "end_date": "2025-09-30",
            "budget": "184500",
            "currency": "EUR",
            "opportunity_ref": "0067Q00000Fh3kLQAR",
            "billing_method": "time_and_materials",
            "project_manager": "Lena Vogt",
            "status": "In Progress",
        },
        {
            # Inactive (not yet started) is not deleted.
            "source_system": "certinia",
            "source_id": "a2D5J000000bKyZUAU",
            "name": "Brightside POS rollout (phase 2)",
            "code": "PRJ-002431",
            "customer_source_id": "0015J00000pLmQrQAC",
            "currency": "USD",
            "billing_method": "fixed_fee",
            "status": "Planned",
        },
        {
            # Without the relationship name the manager falls back to the Contact id.
            "source_system": "certinia",
            "source_id": "a2D5J000000bKzAUAU",
            "name": "Nordwind - Discovery (duplicate)",
            "code": "PRJ-002418",
            "customer_source_id": "0015J00000pLmNoQAC",
            "start_date": "2025-01-06",
            "end_date": "2025-01-31",
            "budget": "9800",
            "currency": "EUR",
            "opportunity_ref": "0067Q00000Fh3kLQAR",
            "billing_method": "milestone",
            "project_manager": "0035J00000Qw1ErUAL",
            "status": "Canceled",
            "deleted": "true",
        },
    ]


def test_kantata_client_groups_carry_their_salesforce_external_reference() -> None:
    assert canonical_rows("kantata", "customers") == [
        {
            "source_system": "kantata",
            "source_id": "88104",
            "name": "Nordwind Logistik GmbH",
            "salesforce_id": "0017Q00000aBcDeQAK",
        },
        {"source_system": "kantata", "source_id": "88131", "name": "Harbour & Finch"},
    ]


def test_kantata_workspaces_follow_results_order_and_resolve_side_loaded_records() -> None:
    assert canonical_rows("kantata", "projects") == [
        {
            # Two groups: only the client (company) group is the customer.
            "source_system": "kantata",
            "source_id": "31770215",
            "name": "Nordwind Logistik - Warehouse Analytics",
            "customer_source_id": "88104",
            "start_date": "2025-02-03",
            "end_date": "2025-09-30",
            "budget": "184500.5",
            "currency": "EUR",
            "opportunity_ref": "0067Q00000Fh3kLQAR",
            "project_manager": "Lena Vogt",
            "status": "In Progress",
        },
        {
            "source_system": "kantata",
            "source_id": "31770388",
            "name": "Internal - Bench enablement",
            "currency": "USD",
            "status": "Not Started",
        },
        {
            # Archived is a finished project, not a deleted one.
            "source_system": "kantata",
            "source_id": "30125547",
            "name": "Harbour & Finch - CRM Health Check",
            "customer_source_id": "88131",
            "start_date": "2024-07-15",
            "end_date": "2024-08-30",
            "budget": "18000",
            "currency": "GBP",
            "status": "Completed",
        },
    ]
