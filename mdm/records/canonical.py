"""The canonical model as the API shows it: typed values of one source record, per entity type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from mdm.entities import EntityType


class _Values(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CustomerValues(_Values):
    """A customer: who the client is, where, and which of our legal entities serves it."""

    name: str
    legal_name: str | None = None
    legal_form: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    domain: str | None = None
    tax_id: str | None = None
    currency: str | None = None
    legal_entity: str | None = None
    parent_source_id: str | None = None


class ProjectValues(_Values):
    """A project: the delivery of work for a customer, usually under a contract."""

    name: str
    code: str | None = None
    customer_source_id: str | None = None
    contract_source_id: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    budget: Decimal | None = None
    currency: str | None = None
    billing_method: str | None = None
    project_manager: str | None = None
    status: str | None = None
    opportunity_ref: str | None = None
    legal_entity: str | None = None


class ContractValues(_Values):
    """A contract: MSA, SOW or change order, with its commercial terms."""

    number: str | None = None
    name: str | None = None
    customer_source_id: str | None = None
    contract_type: str | None = None
    parent_source_id: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    value: Decimal | None = None
    currency: str | None = None
    billing_terms: str | None = None
    rate_card: str | None = None
    opportunity_ref: str | None = None
    legal_entity: str | None = None


CanonicalValues = CustomerValues | ProjectValues | ContractValues
VALUE_SCHEMAS: dict[EntityType, type[CanonicalValues]] = {
    EntityType.CUSTOMER: CustomerValues,
    EntityType.PROJECT: ProjectValues,
    EntityType.CONTRACT: ContractValues,
}
