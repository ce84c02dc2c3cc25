"""The Salesforce sandbox's sObjects: fields and their types, external-id fields, record ids.

Record ids are Salesforce-shaped: a 3-character key prefix (`001` Account, `006` Opportunity,
`800` Contract), a pod and a base-62 serial make the case-sensitive 15-character id, and a
3-character checksum of its upper-case letters makes the 18-character id every API answer uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

API = "/services/data/v61.0"
FieldType = Literal["id", "string", "number", "date", "datetime", "bool", "ref"]

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
# Minted ids use their own pod, so they never collide with the seeded (exported) ids.
_POD = "8Q0"
SYSTEM_FIELDS: dict[str, FieldType] = {
    "Id": "id",
    "CreatedDate": "datetime",
    "LastModifiedDate": "datetime",
    "SystemModstamp": "datetime",
    "IsDeleted": "bool",
}


@dataclass(frozen=True)
class SObject:
    """One object type: its key prefix, writable fields, external ids and lookups."""

    name: str
    prefix: str
    fields: dict[str, FieldType]
    external_ids: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    read_only: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)

    def field_type(self, name: str) -> FieldType | None:
        """The type of a field (system fields included), None when the object has no such."""
        return SYSTEM_FIELDS.get(name) or self.fields.get(name)


def _strings(*names: str) -> dict[str, FieldType]:
    return dict.fromkeys(names, "string")


ACCOUNT = SObject(
    "Account",
    "001",
    {
        **_strings("Name", "BillingStreet", "BillingCity", "BillingPostalCode", "BillingState"),
        **_strings("BillingCountry", "Phone", "Website", "CurrencyIsoCode", "Email__c"),
        **_strings("Tax_Id__c", "Legal_Name__c", "Legal_Entity__c", "Hub_Golden_Id__c"),
        "ParentId": "ref",
        # The receivables summary the hub writes from the ERP (write_payment_summary).
        "Hub_Open_Receivables__c": "number",
        "Hub_Paid_Receivables__c": "number",
        "Hub_Overdue_Receivables__c": "number",
        "Hub_Receivables_Currency__c": "string",
        "Hub_Receivables_As_Of__c": "datetime",
    },
    external_ids=("Hub_Golden_Id__c",),
    required=("Name",),
    references={"ParentId": "Account"},
)
OPPORTUNITY = SObject(
    "Opportunity",
    "006",
    {
        **_strings("Name", "StageName", "CurrencyIsoCode", "Type", "Billing_Method__c"),
        **_strings("Legal_Entity__c", "Owner_Name__c"),
        "AccountId": "ref",
        "ContractId": "ref",
        "Amount": "number",
        "Probability": "number",
        "CloseDate": "date",
        "IsClosed": "bool",
        "IsWon": "bool",
    },
    required=("Name", "StageName", "CloseDate"),
    read_only=("IsClosed", "IsWon"),
    references={"AccountId": "Account", "ContractId": "Contract"},
)
CONTRACT = SObject(
    "Contract",
    "800",
    {
        **_strings("ContractNumber", "Name", "Status", "CurrencyIsoCode", "Contract_Type__c"),
        **_strings("Billing_Terms__c", "Rate_Card__c", "Legal_Entity__c", "Hub_Golden_Id__c"),
        "AccountId": "ref",
        "Parent_Contract__c": "ref",
        "Opportunity__c": "ref",
        "StartDate": "date",
        "EndDate": "date",
        "ContractTerm": "number",
        "Contract_Value__c": "number",
    },
    external_ids=("Hub_Golden_Id__c",),
    required=("AccountId",),
    references={
        "AccountId": "Account",
        "Parent_Contract__c": "Contract",
        "Opportunity__c": "Opportunity",
    },
)
# A custom object holding one ERP invoice's status on its account, upserted by the hub.
INVOICE_STATUS = SObject(
    "Invoice_Status__c",
    "a1I",
    {
        **_strings("Name", "Hub_Invoice_Id__c", "Status__c", "CurrencyIsoCode"),
        "Account__c": "ref",
        "Total__c": "number",
        "Remaining__c": "number",
        "Due_Date__c": "date",
    },
    external_ids=("Hub_Invoice_Id__c",),
    required=("Account__c",),
    references={"Account__c": "Account"},
)
OBJECTS: dict[str, SObject] = {o.name: o for o in (ACCOUNT, OPPORTUNITY, CONTRACT, INVOICE_STATUS)}


def checksum(id15: str) -> str:
    """The 3-character suffix that makes a 15-character id case-insensitively unique."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(id15[start : start + 5]) if "A" <= char <= "Z")
        suffix += _SUFFIX[bits]
    return suffix


def mint_id(prefix: str, serial: int) -> str:
    """The 18-character id of the `serial`-th record minted with this key prefix."""
    digits = ""
    while serial:
        serial, rest = divmod(serial, 62)
        digits = _BASE62[rest] + digits
    id15 = prefix + _POD + digits.rjust(9, "0")
    return id15 + checksum(id15)


def to18(record_id: str) -> str:
    """An id in its 18-character form (Salesforce accepts either)."""
    return record_id + checksum(record_id) if len(record_id) == 15 else record_id


def sf_datetime(value: datetime) -> str:
    """A datetime the way the REST API writes it: `2024-05-01T12:00:00.000+0000`."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def type_error(kind: FieldType, value: Any) -> bool:
    """True when a JSON value cannot be stored in a field of this type."""
    if value is None:
        return False
    if kind == "number":
        return isinstance(value, bool) or not isinstance(value, int | float)
    if kind == "bool":
        return not isinstance(value, bool)
    if kind == "date":
        return not isinstance(value, str) or not _parses(date.fromisoformat, value)
    if kind == "datetime":
        return not isinstance(value, str) or not _parses(datetime.fromisoformat, value)
    return not isinstance(value, str)


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
