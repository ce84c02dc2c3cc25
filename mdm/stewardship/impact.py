"""Business impact of a golden record: the money riding on getting it right.

A contract weighs its value and a project its budget; a customer weighs the contracts and
projects its source records carry in their own systems. A golden record weighs as much as
its heaviest member: CRM and ERP often hold the same contract, so summing across systems
would count it twice. Amounts in different currencies are added as numbers: the result only
ranks the queue, it is never shown as money.
"""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import select as columns
from sqlmodel import Session, col

from mdm.records.models import ContractRecord, ProjectRecord, RecordStatus, SourceRecord

_AMOUNTS = ((ContractRecord, ContractRecord.value), (ProjectRecord, ProjectRecord.budget))


def golden_amounts(session: Session) -> dict[str, float]:
    """Money per golden record with any: its heaviest active member's amount."""
    # Core statements on the session's connection: thousands of plain tuples, no ORM rows.
    connection = session.connection()
    found: dict[str, float] = defaultdict(float)
    by_customer: dict[tuple[str, str], float] = defaultdict(float)
    for table, amount in _AMOUNTS:
        query = (
            columns(
                col(SourceRecord.golden_id),
                col(SourceRecord.source_system),
                col(table.customer_source_id),
                col(amount),
            )
            .join(table, col(table.source_record_id) == col(SourceRecord.id))
            .where(col(SourceRecord.status) == RecordStatus.ACTIVE.value, col(amount).is_not(None))
        )
        for golden_id, system, customer, value in connection.execute(query):
            money = float(value or 0)
            if golden_id:
                found[golden_id] = max(found[golden_id], money)
            if customer:
                by_customer[(system, customer)] += money
    if by_customer:
        _add_customers(session, by_customer, found)
    return dict(found)


def _add_customers(
    session: Session, by_customer: dict[tuple[str, str], float], found: dict[str, float]
) -> None:
    query = columns(
        col(SourceRecord.golden_id), col(SourceRecord.source_system), col(SourceRecord.source_id)
    ).where(
        col(SourceRecord.entity_type) == "customer",
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
        col(SourceRecord.source_system).in_(sorted({system for system, _ in by_customer})),
    )
    for golden_id, system, source_id in session.connection().execute(query):
        amount = by_customer.get((system, source_id))
        if amount and golden_id:
            found[golden_id] = max(found[golden_id], amount)


def weight(amount: float) -> float:
    """How much an amount raises a candidate's priority: 1 for nothing, +1 per factor of ten."""
    # Logarithmic, so one huge contract does not bury every other uncertain pair.
    return 1.0 + math.log10(1.0 + max(amount, 0.0))
