"""Record ids in each product's real format, minted deterministically from counters."""

from __future__ import annotations

import random
import string
from typing import Final

BASE62: Final = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX: Final = string.ascii_uppercase + "012345"

# Salesforce key prefixes: Account, Opportunity, Contract, and the org's custom Project__c object.
SF_ACCOUNT: Final = "001"
SF_OPPORTUNITY: Final = "006"
SF_CONTRACT: Final = "800"
SF_PROJECT: Final = "a0P"
SF_POD: Final = "5J"  # the org's instance id, the same on every record of the org


def salesforce_suffix(id15: str) -> str:
    """The 3-character case-safe suffix that turns a 15-char Salesforce id into its 18-char form."""
    out = []
    for chunk in range(3):
        part = id15[chunk * 5 : chunk * 5 + 5]
        bits = sum(1 << i for i, ch in enumerate(part) if ch.isupper())
        out.append(_SUFFIX[bits])
    return "".join(out)


def salesforce_id(prefix: str, number: int) -> str:
    """An 18-char Salesforce id: key prefix, pod, reserved 0, base-62 record number, suffix."""
    digits = []
    for _ in range(9):
        number, rem = divmod(number, 62)
        digits.append(BASE62[rem])
    id15 = f"{prefix}{SF_POD}0{''.join(reversed(digits))}"
    return id15 + salesforce_suffix(id15)


class Minter:
    """Hands out increasing ids with random gaps, as records created by other users leave them."""

    def __init__(self, rng: random.Random, start: int, max_gap: int) -> None:
        self._rng = rng
        self._next = start
        self._max_gap = max_gap

    def take(self) -> int:
        """The next id number."""
        value = self._next
        self._next += self._rng.randint(1, self._max_gap)
        return value


class SystemIds:
    """Every id sequence of the three systems, in one place so generation order fixes them."""

    def __init__(self, rng: random.Random) -> None:
        # Salesforce record numbers start deep in the base-62 space of a mature org.
        self.sf_account = Minter(rng, 62**5 * 3 + 1_000, 40)
        self.sf_opportunity = Minter(rng, 62**5 * 5 + 7_000, 25)
        self.sf_contract = Minter(rng, 62**5 * 2 + 300, 30)
        self.sf_project = Minter(rng, 62**4 * 7 + 90, 8)
        # Kantata ids are plain integers per object type.
        self.kantata_client = Minter(rng, 3_104_200, 60)
        self.kantata_workspace = Minter(rng, 24_100_000, 400)
        self.kantata_contract = Minter(rng, 880_000, 30)
        self.kantata_time = Minter(rng, 512_000_000, 900)
        self.kantata_expense = Minter(rng, 61_200_000, 300)
        self.kantata_milestone = Minter(rng, 301_500_000, 500)
        # NetSuite: customers and jobs share the entity sequence; transactions have their own.
        self.netsuite_entity = Minter(rng, 1_180, 9)
        self.netsuite_transaction = Minter(rng, 40_210, 60)

    def crm_account(self) -> str:
        """Salesforce Account id."""
        return salesforce_id(SF_ACCOUNT, self.sf_account.take())

    def crm_opportunity(self) -> str:
        """Salesforce Opportunity id."""
        return salesforce_id(SF_OPPORTUNITY, self.sf_opportunity.take())

    def crm_contract(self) -> str:
        """Salesforce Contract id."""
        return salesforce_id(SF_CONTRACT, self.sf_contract.take())

    def crm_project(self) -> str:
        """Salesforce custom Project__c id."""
        return salesforce_id(SF_PROJECT, self.sf_project.take())

    def psa(self, kind: str) -> str:
        """Kantata id of `kind` (client, workspace, contract, time, expense, milestone)."""
        minter: Minter = getattr(self, f"kantata_{kind}")
        return str(minter.take())

    def erp_entity(self) -> str:
        """NetSuite entity internal id (customer or job)."""
        return str(self.netsuite_entity.take())

    def erp_transaction(self) -> str:
        """NetSuite transaction internal id (sales order / contract)."""
        return str(self.netsuite_transaction.take())
