"""Side-by-side comparison of a candidate pair: fields with differences, the engine's weights,
and each record's relatives (its customer's contracts and projects in every system)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as columns
from sqlmodel import Session, col

from mdm.auth.masking import mask
from mdm.auth.principal import Principal
from mdm.entities import EntityType
from mdm.golden.attributes import attribute_names
from mdm.records.models import ContractRecord, ProjectRecord, RecordStatus, SourceRecord
from mdm.resolution.candidates import CandidateView, candidate
from mdm.stewardship.masking import MASKED

MAX_RELATIVES = 12


@dataclass(frozen=True)
class FieldRow:
    """One attribute of both records; `differs` when both have it and they disagree."""

    name: str
    a: str
    b: str
    differs: bool
    one_sided: bool


@dataclass(frozen=True)
class WeightBar:
    """One comparison's weight: positive speaks for a match, negative against."""

    name: str
    level: str
    weight: float
    width: float  # percent of the strongest weight's bar


@dataclass(frozen=True)
class Relative:
    """A contract or project of a record's customer, as one system holds it."""

    kind: str
    system: str
    source_id: str
    name: str
    amount: str
    golden_id: str | None


@dataclass(frozen=True)
class Comparison:
    """Everything the comparison page shows about one candidate."""

    view: CandidateView
    fields: list[FieldRow]
    bars: list[WeightBar]
    match_weight: float
    rule: str
    relatives_a: dict[str, list[Relative]]
    relatives_b: dict[str, list[Relative]]


def comparison(session: Session, candidate_id: int, principal: Principal) -> Comparison:
    """The comparison of one candidate as `principal` may see it."""
    view = candidate(session, candidate_id)
    entity = view.entity_type
    shown_a = _shown(entity, view.a.values, principal)
    shown_b = _shown(entity, view.b.values, principal)
    fields = [
        _row(name, shown_a.get(name, ""), shown_b.get(name, ""))
        for name in attribute_names(entity)
        if shown_a.get(name) or shown_b.get(name)
    ]
    explanation: dict[str, Any] = view.explanation
    return Comparison(
        view=view,
        fields=fields,
        bars=bars(explanation),
        match_weight=float(explanation.get("match_weight") or 0.0),
        rule=str(explanation.get("rule") or ""),
        relatives_a=relatives(session, entity, view.a.key.record_id, principal),
        relatives_b=relatives(session, entity, view.b.key.record_id, principal),
    )


def _shown(entity: EntityType, values: dict[str, str], principal: Principal) -> dict[str, str]:
    masked = mask(entity, values, principal)
    return {k: MASKED if k in masked.masked else str(v) for k, v in masked.values.items()}


def _row(name: str, a: str, b: str) -> FieldRow:
    one_sided = bool(a) != bool(b)
    differs = bool(a and b) and a.strip().casefold() != b.strip().casefold()
    return FieldRow(name, a, b, differs, one_sided)


def bars(explanation: dict[str, Any]) -> list[WeightBar]:
    """The stored explanation's comparisons as signed bars, strongest first."""
    raw = explanation.get("comparisons") or {}
    items = [
        (str(name), str(part.get("level", "")), float(part.get("weight") or 0.0))
        for name, part in raw.items()
        if isinstance(part, dict)
    ]
    strongest = max((abs(w) for _, _, w in items), default=0.0) or 1.0
    return [
        WeightBar(name, level, weight, round(abs(weight) / strongest * 100, 1))
        for name, level, weight in sorted(items, key=lambda i: -abs(i[2]))
    ]


def relatives(
    session: Session, entity: EntityType, record_id: int, principal: Principal
) -> dict[str, list[Relative]]:
    """Contracts and projects of the record's customer, per system (the record's own customer
    golden record across every system it is known in)."""
    customers = _customer_keys(session, entity, record_id)
    if not customers:
        return {}
    found: dict[str, list[Relative]] = {}
    for kind, table, amount_name in (
        ("contract", ContractRecord, "value"),
        ("project", ProjectRecord, "budget"),
    ):
        label = table.number if table is ContractRecord else table.name
        query = (
            columns(
                col(SourceRecord.source_system),
                col(SourceRecord.source_id),
                col(SourceRecord.golden_id),
                col(label),
                col(getattr(table, amount_name)),
                col(table.customer_source_id),
            )
            .join(table, col(table.source_record_id) == col(SourceRecord.id))
            .where(
                col(SourceRecord.status) == RecordStatus.ACTIVE.value,
                col(table.customer_source_id).in_(sorted({sid for _, sid in customers})),
            )
            .order_by(col(SourceRecord.source_system), col(SourceRecord.source_id))
        )
        visible = mask(EntityType(kind), {amount_name: 1}, principal).masked == frozenset()
        for system, sid, golden, name, amount, customer in session.execute(query):
            if (system, customer) not in customers:
                continue
            shown = ("" if amount is None else str(amount)) if visible else MASKED
            rows = found.setdefault(system, [])
            if len(rows) < MAX_RELATIVES:
                rows.append(Relative(kind, system, sid, str(name or ""), shown, golden))
    return dict(sorted(found.items()))


def _customer_keys(session: Session, entity: EntityType, record_id: int) -> set[tuple[str, str]]:
    """(system, source id) of every member of the record's customer golden record."""
    record = session.get(SourceRecord, record_id)
    if record is None:
        return set()
    golden = record.golden_id
    if entity != EntityType.CUSTOMER:
        table = ContractRecord if entity == EntityType.CONTRACT else ProjectRecord
        typed = session.get(table, record_id)
        customer_id = getattr(typed, "customer_source_id", None)
        if not customer_id:
            return set()
        query = columns(col(SourceRecord.golden_id)).where(
            col(SourceRecord.entity_type) == EntityType.CUSTOMER.value,
            col(SourceRecord.source_system) == record.source_system,
            col(SourceRecord.source_id) == customer_id,
        )
        golden = session.execute(query).scalar()
        if golden is None:
            return {(record.source_system, customer_id)}
    members = columns(col(SourceRecord.source_system), col(SourceRecord.source_id)).where(
        col(SourceRecord.golden_id) == golden,
        col(SourceRecord.status) == RecordStatus.ACTIVE.value,
    )
    return {(system, sid) for system, sid in session.execute(members)}
