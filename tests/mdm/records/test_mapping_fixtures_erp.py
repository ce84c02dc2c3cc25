"""ERP fixtures (NetSuite, Dynamics 365 Finance): a native page becomes exactly these rows."""

from __future__ import annotations

from tests.mdm.records.test_mapping_fixtures_crm import canonical_rows


def test_netsuite_customers_read_the_default_billing_address_and_inactive_as_deleted() -> None:
    assert canonical_rows("netsuite", "customers") == [
        {
            "source_system": "netsuite",
            "source_id": "4821",
            "name": "Nordwind Logistik GmbH",
            "street": "Am Sandtorkai 38, 3. OG",
            "city": "Hamburg",
            "postal_code": "20457",
            "country": "DE",
            "phone": "+49 40 30705500",
            "email": "rechnungen@nordwind-logistik.de",
            "website": "http://www.nordwind-logistik.de",
            "tax_id": "DE811907980",
            "currency": "EUR",
            "legal_entity": "Meridian Group : Meridian Consulting GmbH",
            "salesforce_id": "0017Q00000aBcDeQAK",
        },
        {
            # No company name: the entity id is the only name NetSuite has.
            "source_system": "netsuite",
            "source_id": "4822",
            "name": "CUS-004822",
            "currency": "USD",
            "legal_entity": "Meridian Group : Meridian Consulting Inc.",
            "parent_source_id": "5107",
        },
        {
            "source_system": "netsuite",
            "source_id": "5107",
            "name": "Brightside Retail Inc.",
            "street": "500 W 2nd St, Suite 1900",
            "city": "Austin",
            "postal_code": "78701",
            "region": "TX",
            "country": "US",
            "phone": "512-555-0147",
            "email": "ap@brightsideretail.com",
            "website": "https://brightsideretail.com",
            "currency": "USD",
            "legal_entity": "Meridian Group : Meridian Consulting Inc.",
            "salesforce_id": "0017Q00000aBcGhQAM",
            "deleted": "true",
        },
    ]


def test_netsuite_jobs_link_the_parent_customer_and_map_billing_types() -> None:
    assert canonical_rows("netsuite", "projects") == [
        {
            "source_system": "netsuite",
            "source_id": "6120",
            "name": "Nordwind Warehouse Analytics",
            "code": "PRJ-2025-0031",
            "customer_source_id": "4821",
            "start_date": "2025-02-03",
            "end_date": "2025-09-30",
            "budget": "184500",
            "currency": "EUR",
            "opportunity_ref": "0067Q00000Fh3kLQAR",
            "billing_method": "time_and_materials",
            "project_manager": "Lena Vogt",
            "status": "In Progress",
            "legal_entity": "Meridian Group : Meridian Consulting GmbH",
        },
        {
            # The actual end date wins over the projected one.
            "source_system": "netsuite",
            "source_id": "6044",
            "name": "Brightside POS Rollout",
            "code": "PRJ-2024-0107",
            "customer_source_id": "5107",
            "start_date": "2024-05-06",
            "end_date": "2024-12-20",
            "currency": "USD",
            "billing_method": "milestone",
            "status": "Closed",
            "legal_entity": "Meridian Group : Meridian Consulting Inc.",
            "deleted": "true",
        },
    ]


def test_dynamics_customers_key_on_legal_entity_and_account_so_same_account_differs() -> None:
    assert canonical_rows("dynamics365", "customers") == [
        {
            "source_system": "dynamics365",
            "source_id": "usmf|US-001",
            "name": "Contoso Retail San Diego",
            "street": "123 Coffee Street, Suite 300",
            "city": "San Diego",
            "postal_code": "92101",
            "region": "CA",
            "country": "US",
            "phone": "619-555-0100",
            "email": "payables@contoso-retail.com",
            "website": "www.contoso-retail.com",
            "currency": "USD",
            "legal_entity": "USMF",
        },
        {
            "source_system": "dynamics365",
            "source_id": "demf|US-001",
            "name": "Contoso Europe GmbH",
            "street": "Leopoldstraße 18",
            "city": "München",
            "postal_code": "80802",
            "region": "BY",
            "country": "DE",
            "phone": "+49 89 1234560",
            "tax_id": "DE129273398",
            "currency": "EUR",
            "legal_entity": "DEMF",
        },
        {
            # OData sends empty strings for unset values: absent; the alias stands in for the name.
            "source_system": "dynamics365",
            "source_id": "gbsi|GB-0042",
            "name": "Harbour Finch",
            "legal_entity": "GBSI",
        },
    ]


def test_dynamics_projects_reference_customers_by_the_same_composite_key() -> None:
    assert canonical_rows("dynamics365", "projects") == [
        {
            # EndDate 1900-01-01 means unset: the projected end date stands in.
            "source_system": "dynamics365",
            "source_id": "usmf|00000421",
            "name": "Contoso SD - Store analytics",
            "code": "00000421",
            "customer_source_id": "usmf|US-001",
            "contract_source_id": "usmf|00000087",
            "start_date": "2025-01-20",
            "end_date": "2025-06-30",
            "billing_method": "time_and_materials",
            "status": "InProcess",
            "legal_entity": "USMF",
        },
        {
            "source_system": "dynamics365",
            "source_id": "demf|00000421",
            "name": "Contoso EU - ERP cutover",
            "code": "00000421",
            "customer_source_id": "demf|US-001",
            "contract_source_id": "demf|00000012",
            "start_date": "2025-04-01",
            "end_date": "2025-12-19",
            "billing_method": "fixed_fee",
            "status": "Created",
            "legal_entity": "DEMF",
        },
        {
            # An internal project: no customer, no contract, and a project type ingest will flag.
            "source_system": "dynamics365",
            "source_id": "usmf|00000430",
            "name": "Bench training FY25",
            "code": "00000430",
            "billing_method": "Internal",
            "status": "InProcess",
            "legal_entity": "USMF",
        },
    ]
