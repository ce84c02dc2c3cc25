"""Quote-to-project's checks of a won deal's commercial terms, before anything is created.

Pure: the deal's terms and the configuration in, every problem out (one per reason, so the
exception queue shows all that is wrong at once). A deal with a problem stops there.
"""

from __future__ import annotations

from dataclasses import dataclass

from mdm.sync.config import SyncConfig

FLOW = "quote_to_project"
# Billed from milestones: the contract must say what they are worth.
CONTRACT_BILLED = frozenset({"fixed_fee", "milestone"})
# Billed from time: a rate card must say what an hour is worth (`rate_cards.py` finds it).
RATE_BILLED = frozenset({"time_and_materials"})


@dataclass(frozen=True)
class DealTerms:
    """What validation looks at: the deal's own fields and what the hub resolved for it."""

    opportunity_id: str
    golden_customer_id: str | None
    billing_method: str | None
    legal_entity: str | None
    currency: str | None
    golden_contract_id: str | None
    rate_card: str | None = None


@dataclass(frozen=True)
class Problem:
    """One reason a deal cannot go on, with what a person needs to fix it."""

    reason: str
    detail: str


def problems(terms: DealTerms, config: SyncConfig) -> list[Problem]:
    """Every reason the deal cannot become a project (empty: it can)."""
    found: list[Problem] = []
    if terms.golden_customer_id is None:
        found.append(Problem("unresolved_account", "the CRM account has no golden customer"))
    if not terms.billing_method:
        found.append(Problem("missing_billing_method", "the deal names no billing method"))
    found += _legal_entity(terms, config)
    if terms.billing_method in CONTRACT_BILLED and terms.golden_contract_id is None:
        detail = f"a {terms.billing_method} deal needs a contract naming the opportunity"
        found.append(Problem("missing_contract", detail))
    if terms.billing_method in RATE_BILLED and not terms.rate_card:
        detail = (
            f"a {terms.billing_method} deal needs a rate card: on its contract, the agreement "
            "above it, or the customer's MSA"
        )
        found.append(Problem("missing_rate_card", detail))
    return found


def _legal_entity(terms: DealTerms, config: SyncConfig) -> list[Problem]:
    if not terms.legal_entity:
        return [Problem("missing_legal_entity", "the deal names no legal entity")]
    # Looked up directly: `SyncConfig.entity` falls back to the default for a missing code.
    entity = config.legal_entities.get(terms.legal_entity)
    if entity is None:
        return [Problem("unknown_legal_entity", f"{terms.legal_entity} is not configured")]
    if not entity.bills_in(terms.currency):
        deal = terms.currency or "no currency"
        detail = f"deal in {deal}, {terms.legal_entity} bills in {entity.currency}"
        return [Problem("currency_mismatch", detail)]
    return []
