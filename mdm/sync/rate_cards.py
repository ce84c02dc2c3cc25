"""Which rate card prices a deal's time: the deal's contract, the agreement above it, or the
customer's framework agreement.

A statement of work often leaves the rates to the MSA it is signed under, and time-and-materials
work is sometimes sold with no SOW at all under the customer's MSA. So the hub looks, in order:
1. the golden contract naming the opportunity;
2. its parent contracts (change order → SOW → MSA), nearest first;
3. the golden customer's MSAs with a rate card, the latest starting first.
Each step reads survived golden attributes, so the answer follows merges and stewards' fixes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from mdm.entities import EntityType
from mdm.exports.references import golden_references
from mdm.golden.queries import CUSTOMER_CONTRACTS, attributes_of, children_of
from mdm.sync.xrefs import ContractTerms

# Contract chains are short (MSA → SOW → change order); a cycle in bad data stops here.
MAX_CHAIN = 5
FROM_CONTRACT, FROM_PARENT, FROM_CUSTOMER_MSA = "contract", "parent contract", "customer MSA"


@dataclass(frozen=True)
class RateCard:
    """A rate card's name, the golden contract that carries it, and how it was found."""

    name: str
    contract_id: str
    found_on: str


def rate_card_of(
    session: Session, contract: ContractTerms | None, golden_customer_id: str | None
) -> RateCard | None:
    """The rate card that applies to a deal with this contract and customer (None: none)."""
    if contract is not None:
        if contract.rate_card:
            return RateCard(contract.rate_card, contract.golden_id, FROM_CONTRACT)
        inherited = _from_parents(session, contract.golden_id)
        if inherited is not None:
            return inherited
    return _from_customer_msa(session, golden_customer_id) if golden_customer_id else None


def _values(session: Session, golden_ids: list[str]) -> dict[str, dict[str, str]]:
    found = attributes_of(session, golden_ids)
    return {gid: {name: a.value for name, a in found.get(gid, {}).items()} for gid in golden_ids}


def _from_parents(session: Session, golden_id: str) -> RateCard | None:
    seen = {golden_id}
    current = golden_id
    for _ in range(MAX_CHAIN):
        refs = golden_references(session, EntityType.CONTRACT, [current]).get(current, {})
        parent = refs.get("parent_golden_id")
        if parent is None or parent in seen:
            return None
        seen.add(parent)
        name = _values(session, [parent])[parent].get("rate_card")
        if name:
            return RateCard(name, parent, FROM_PARENT)
        current = parent
    return None


def _from_customer_msa(session: Session, golden_customer_id: str) -> RateCard | None:
    contracts = children_of(session, CUSTOMER_CONTRACTS, [golden_customer_id])
    values = _values(session, contracts.get(golden_customer_id, []))
    msas = [
        (v.get("start_date") or "", gid, v["rate_card"])
        for gid, v in values.items()
        if v.get("contract_type") == "MSA" and v.get("rate_card")
    ]
    if not msas:
        return None
    _start, gid, name = max(msas)
    return RateCard(name, gid, FROM_CUSTOMER_MSA)
