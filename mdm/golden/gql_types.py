"""One GraphQL type per golden entity: its typed attributes and its relations, both ways."""

from __future__ import annotations

import strawberry

from mdm.api.gql_context import gql_field
from mdm.entities import EntityType
from mdm.golden import queries
from mdm.golden.gql_attributes import amount_field, date_field, text_field
from mdm.golden.gql_base import GoldenRecord, Info, reference, referring, register


@register(EntityType.CUSTOMER)
@strawberry.type(description="A golden customer: one client across CRM, PSA and ERP.")
class Customer(GoldenRecord):
    name = text_field("name")
    legal_name = text_field("legal_name")
    legal_form = text_field("legal_form", "The client's legal form (`gmbh`, `ltd`...)")
    street = text_field("street")
    city = text_field("city")
    postal_code = text_field("postal_code")
    region = text_field("region")
    country = text_field("country", "ISO 3166 alpha-2")
    phone = text_field("phone", "E.164 where it parsed")
    email = text_field("email")
    website = text_field("website")
    domain = text_field("domain")
    tax_id = text_field("tax_id", "Masked without the steward scope")
    currency = text_field("currency")
    legal_entity = text_field("legal_entity", "Our billing subsidiary that serves the client")

    @gql_field(description="The parent company, for a subsidiary")
    async def parent(self, info: Info) -> Customer | None:
        return await reference(self, info, "parent_golden_id", Customer)

    @gql_field(description="Its subsidiaries")
    async def children(self, info: Info) -> list[Customer]:
        return await referring(self, info, queries.SUBSIDIARIES, Customer)

    @gql_field(description="Its contracts")
    async def contracts(self, info: Info) -> list[Contract]:
        return await referring(self, info, queries.CUSTOMER_CONTRACTS, Contract)

    @gql_field(description="Its projects")
    async def projects(self, info: Info) -> list[Project]:
        return await referring(self, info, queries.CUSTOMER_PROJECTS, Project)


@register(EntityType.CONTRACT)
@strawberry.type(description="A golden contract: MSA, SOW or change order.")
class Contract(GoldenRecord):
    number = text_field("number")
    name = text_field("name")
    contract_type = text_field("contract_type", "`MSA`, `SOW` or `change_order`")
    start_date = date_field("start_date")
    end_date = date_field("end_date")
    value = amount_field("value", "Masked without the finance scope")
    currency = text_field("currency")
    billing_terms = text_field("billing_terms")
    rate_card = text_field("rate_card", "Masked without the finance scope")
    opportunity_ref = text_field("opportunity_ref")
    legal_entity = text_field("legal_entity")

    @gql_field(description="The customer it is with")
    async def customer(self, info: Info) -> Customer | None:
        return await reference(self, info, "customer_golden_id", Customer)

    @gql_field(description="The contract it falls under (an SOW's MSA)")
    async def parent(self, info: Info) -> Contract | None:
        return await reference(self, info, "parent_golden_id", Contract)

    @gql_field(description="The contracts under it (an MSA's SOWs and change orders)")
    async def children(self, info: Info) -> list[Contract]:
        return await referring(self, info, queries.CONTRACT_CHILDREN, Contract)

    @gql_field(description="The projects delivered under it")
    async def projects(self, info: Info) -> list[Project]:
        return await referring(self, info, queries.CONTRACT_PROJECTS, Project)


@register(EntityType.PROJECT)
@strawberry.type(description="A golden project: delivery of work for a customer.")
class Project(GoldenRecord):
    name = text_field("name")
    code = text_field("code")
    start_date = date_field("start_date")
    end_date = date_field("end_date")
    budget = amount_field("budget", "Masked without the finance scope")
    currency = text_field("currency")
    billing_method = text_field("billing_method")
    project_manager = text_field("project_manager")
    project_status = text_field("status", "The project's own status in its source systems")
    opportunity_ref = text_field("opportunity_ref")
    legal_entity = text_field("legal_entity")

    @gql_field(description="The customer it is for")
    async def customer(self, info: Info) -> Customer | None:
        return await reference(self, info, "customer_golden_id", Customer)

    @gql_field(description="The contract it is delivered under")
    async def contract(self, info: Info) -> Contract | None:
        return await reference(self, info, "contract_golden_id", Contract)


NODE_TYPES = [Customer, Contract, Project]
