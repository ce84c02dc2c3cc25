"""Truth table of quote-to-project's commercial-terms checks (pure: no database)."""

from __future__ import annotations

import pytest

from mdm.sync.config import load_sync_config
from mdm.sync.validation import DealTerms, problems

OK = {
    "opportunity_id": "0065J00005001ouQAA",
    "golden_customer_id": "cus_01",
    "billing_method": "time_and_materials",
    "legal_entity": "DE01",
    "currency": "EUR",
    "golden_contract_id": None,
    "rate_card": "EMEA Standard 2025",
}


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({}, []),
        ({"golden_customer_id": None}, ["unresolved_account"]),
        ({"billing_method": None}, ["missing_billing_method"]),
        ({"billing_method": ""}, ["missing_billing_method"]),
        ({"legal_entity": None}, ["missing_legal_entity"]),
        ({"legal_entity": "XX01"}, ["unknown_legal_entity"]),
        ({"currency": "USD"}, ["currency_mismatch"]),
        ({"currency": None}, ["currency_mismatch"]),
        ({"legal_entity": "NL01", "currency": "SEK"}, []),  # NL01 also bills Sweden in SEK
        ({"legal_entity": "NL01", "currency": "NOK"}, ["currency_mismatch"]),
        ({"billing_method": "fixed_fee"}, ["missing_contract"]),
        ({"billing_method": "milestone"}, ["missing_contract"]),
        ({"billing_method": "fixed_fee", "golden_contract_id": "con_01"}, []),
        ({"billing_method": "retainer"}, []),  # billed from milestones, but needs no contract
        ({"rate_card": None}, ["missing_rate_card"]),  # time is priced by a rate card
        ({"rate_card": ""}, ["missing_rate_card"]),
        ({"rate_card": None, "billing_method": "retainer"}, []),  # milestones carry amounts
        ({"rate_card": None, "billing_method": "fixed_fee", "golden_contract_id": "con_01"}, []),
        (
            {"golden_customer_id": None, "legal_entity": None, "billing_method": "milestone"},
            ["unresolved_account", "missing_legal_entity", "missing_contract"],
        ),
        (
            {"golden_customer_id": None, "billing_method": None, "rate_card": None},
            ["unresolved_account", "missing_billing_method"],
        ),
    ],
)
def test_each_missing_or_contradictory_term_is_one_reason(
    changes: dict[str, str | None], reasons: list[str]
) -> None:
    terms = DealTerms(**(OK | changes))  # type: ignore[arg-type]
    found = problems(terms, load_sync_config())
    assert [p.reason for p in found] == reasons
    assert all(p.detail for p in found)


def test_an_entity_bills_in_its_other_currency_only_when_configured() -> None:
    config = load_sync_config()
    swedish = config.entity("NL01", "SEK")
    assert swedish is not None
    assert (swedish.currency, swedish.tax_code) == ("SEK", "NL-BTW21")
    assert config.entity("NL01", "NOK") == config.entity("NL01")
