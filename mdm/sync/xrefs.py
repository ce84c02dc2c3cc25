"""The hub's answers the flows need: a CRM account's golden customer, a golden customer's ids
in each system, the golden contract of an opportunity and the terms on it.

Read through mdm.golden's queries (redirects followed, members with their status), so a deal
whose customer has been merged lands on the survivor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.golden.queries import (
    attributes_of,
    external_ids,
    golden_by_key,
    members_of_many,
    resolve_goldens,
)
from mdm.records.models import ContractRecord, RecordStatus, SourceRecord

CRM = "crm"  # the hub's source system for the CRM's records (a Salesforce id is its source id)
# When several golden contracts name one opportunity, the statement of work carries its terms.
CONTRACT_PREFERENCE = {"SOW": 0, "MSA": 1, "change_order": 2}


@dataclass(frozen=True)
class CustomerFacts:
    """What the ERP and the PSA are told about a golden customer."""

    golden_id: str
    name: str
    country: str | None
    currency: str | None
    legal_entity: str | None
    tax_id: str | None


@dataclass(frozen=True)
class ContractTerms:
    """The commercial terms of a golden contract."""

    golden_id: str
    contract_type: str | None
    start_date: str | None
    end_date: str | None
    value: str | None
    currency: str | None
    billing_terms: str | None
    rate_card: str | None
    legal_entity: str | None


def customer_of_account(session: Session, account_id: str) -> str | None:
    """The golden customer of a CRM account (merges followed), or None when unresolved."""
    golden = golden_by_key(session, EntityType.CUSTOMER, CRM, account_id)
    return golden.id if golden is not None else None


def ids_in(session: Session, golden_id: str, system: str) -> list[str]:
    """The golden customer's ids in `system` (its active members there), sorted."""
    members = members_of_many(session, [golden_id]).get(golden_id, [])
    return external_ids(members, system)


def customer_facts(session: Session, golden_id: str) -> CustomerFacts:
    """The golden customer's survived name, country, currency, legal entity and tax id."""
    found = attributes_of(session, [golden_id]).get(golden_id, {})

    def value(name: str) -> str | None:
        attribute = found.get(name)
        return attribute.value if attribute is not None else None

    return CustomerFacts(
        golden_id=golden_id,
        name=value("name") or golden_id,
        country=value("country"),
        currency=value("currency"),
        legal_entity=value("legal_entity"),
        tax_id=value("tax_id"),
    )


def contract_of_opportunity(session: Session, opportunity_id: str) -> ContractTerms | None:
    """The golden contract any of whose records names the opportunity (its 18- or 15-character
    id: the PSA and ERP keep the short form), preferring a statement of work."""
    forms = {opportunity_id, opportunity_id[:15]}
    query = (
        select(SourceRecord.golden_id)
        .join(ContractRecord, col(ContractRecord.source_record_id) == col(SourceRecord.id))
        .where(
            col(ContractRecord.opportunity_ref).in_(forms),
            col(SourceRecord.status) == RecordStatus.ACTIVE.value,
            col(SourceRecord.golden_id).is_not(None),
        )
    )
    stored = {gid for gid in session.exec(query) if gid is not None}
    goldens = sorted({ref.id for ref in resolve_goldens(session, stored).values()})
    if not goldens:
        return None
    terms = [_terms(golden_id, values) for golden_id, values in _attributes(session, goldens)]
    return min(
        terms, key=lambda t: (CONTRACT_PREFERENCE.get(t.contract_type or "", 3), t.golden_id)
    )


def _attributes(session: Session, goldens: list[str]) -> list[tuple[str, dict[str, str]]]:
    found = attributes_of(session, goldens)
    return [(gid, {k: a.value for k, a in found.get(gid, {}).items()}) for gid in goldens]


def _terms(golden_id: str, values: dict[str, str]) -> ContractTerms:
    return ContractTerms(
        golden_id=golden_id,
        contract_type=values.get("contract_type"),
        start_date=values.get("start_date"),
        end_date=values.get("end_date"),
        value=values.get("value"),
        currency=values.get("currency"),
        billing_terms=values.get("billing_terms"),
        rate_card=values.get("rate_card"),
        legal_entity=values.get("legal_entity"),
    )
