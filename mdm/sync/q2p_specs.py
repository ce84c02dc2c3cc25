"""What quote-to-project sends: the customer and project records, built from the deal and
the hub's golden customer and contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from mdm.connectors.ports import CustomerSpec, ProjectSpec
from mdm.errors import NotFound
from mdm.sync.models import SyncDeal
from mdm.sync.xrefs import contract_of_opportunity, customer_facts


def project_key(opportunity_id: str) -> str:
    """The project's external id in the PSA and the ERP alike."""
    return f"opp_{opportunity_id}"


def load_deal(session: Session, opportunity_id: str) -> SyncDeal:
    """The deal row of an opportunity (`NotFound` when the poller never recorded it)."""
    deal = session.exec(select(SyncDeal).where(SyncDeal.opportunity_id == opportunity_id)).first()
    if deal is None:
        raise NotFound(f"no won deal for opportunity {opportunity_id}")
    return deal


def customer_spec(session: Session, golden_id: str) -> CustomerSpec:
    """The golden customer as a PSA or ERP customer, its golden id the external id."""
    facts = customer_facts(session, golden_id)
    return CustomerSpec(
        external_id=golden_id,
        name=facts.name,
        country=facts.country,
        currency=facts.currency,
        legal_entity=facts.legal_entity,
        tax_id=facts.tax_id,
    )


def project_spec(session: Session, deal: SyncDeal, customer_ref: str) -> ProjectSpec:
    """The project shell: the deal's name, amount, currency and billing method, the dates of
    its golden contract (else from the close date), under the target's own customer id."""
    terms = contract_of_opportunity(session, deal.opportunity_id)
    start = _date(terms.start_date if terms else None)
    if start is None and deal.won_at is not None:
        start = deal.won_at.date()
    budget = None if deal.amount_cents is None else Decimal(deal.amount_cents) / 100
    return ProjectSpec(
        external_id=project_key(deal.opportunity_id),
        name=deal.name,
        customer_ref=customer_ref,
        start=start,
        end=_date(terms.end_date if terms else None),
        budget=budget,
        currency=deal.currency,
        billing_method=deal.billing_method,
        opportunity_ref=deal.opportunity_id,
    )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:  # a golden value kept raw: the project simply has no date
        return None
