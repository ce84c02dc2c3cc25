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
from collections.abc import Iterable

from sqlalchemy import select as columns
from sqlmodel import Session, col

from mdm.records.models import ContractRecord, ProjectRecord, RecordStatus, SourceRecord

_AMOUNTS = ((ContractRecord, ContractRecord.value), (ProjectRecord, ProjectRecord.budget))


def record_amounts(session: Session) -> dict[int, float]:
    """Money per active source record: its own value or budget, or its children's for a customer."""
    own: dict[int, float] = {}
    by_customer: dict[tuple[str, str], float] = defaultdict(float)
    for table, amount in _AMOUNTS:
        query = (
            columns(
                col(SourceRecord.id),
                col(SourceRecord.source_system),
                col(table.customer_source_id),
                col(amount),
            )
            .join(table, col(table.source_record_id) == col(SourceRecord.id))
            .where(col(SourceRecord.status) == RecordStatus.ACTIVE.value, col(amount).is_not(None))
        )
        for record_id, system, customer, value in session.execute(query):
            own[record_id] = float(value)
            if customer:
                by_customer[(system, customer)] += float(value)
    own.update(_customers(session, by_customer))
    return own


def _customers(session: Session, by_customer: dict[tuple[str, str], float]) -> dict[int, float]:
    if not by_customer:
        return {}
    systems = sorted({system for system, _ in by_customer})
    query = columns(
        col(SourceRecord.id), col(SourceRecord.source_system), col(SourceRecord.source_id)
    ).where(
        col(SourceRecord.entity_type) == "customer",
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
        col(SourceRecord.source_system).in_(systems),
    )
    found: dict[int, float] = {}
    for record_id, system, source_id in session.execute(query):
        amount = by_customer.get((system, source_id))
        if amount:
            found[record_id] = amount
    return found


def golden_amounts(session: Session, golden_ids: Iterable[str]) -> dict[str, float]:
    """Money per golden record: its heaviest active member's amount."""
    wanted = set(golden_ids)
    amounts = record_amounts(session)
    query = columns(col(SourceRecord.id), col(SourceRecord.golden_id)).where(
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
        col(SourceRecord.golden_id).is_not(None),
    )
    found: dict[str, float] = defaultdict(float)
    for record_id, golden_id in session.execute(query):
        if golden_id in wanted and record_id in amounts:
            found[golden_id] = max(found[golden_id], amounts[record_id])
    return dict(found)


def weight(amount: float) -> float:
    """How much an amount raises a candidate's priority: 1 for nothing, +1 per factor of ten."""
    # Logarithmic, so one huge contract does not bury every other uncertain pair.
    return 1.0 + math.log10(1.0 + max(amount, 0.0))
