"""Golden-to-golden references: a survived `parent_source_id` becomes the parent's golden id.

A source id only means something in the system that wrote it, so each reference is looked
up in the system of the record that supplied the attribute (its lineage).
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, col, select

from mdm.entities import EntityType
from mdm.golden.lineage_models import GoldenAttribute
from mdm.records.lookups import golden_ids_by_key
from mdm.records.models import SourceRecord

# (entity, attribute) -> (entity referred to, export column)
REFERENCES: dict[EntityType, dict[str, tuple[EntityType, str]]] = {
    EntityType.CUSTOMER: {"parent_source_id": (EntityType.CUSTOMER, "parent_golden_id")},
    EntityType.CONTRACT: {
        "customer_source_id": (EntityType.CUSTOMER, "customer_golden_id"),
        "parent_source_id": (EntityType.CONTRACT, "parent_golden_id"),
    },
    EntityType.PROJECT: {
        "customer_source_id": (EntityType.CUSTOMER, "customer_golden_id"),
        "contract_source_id": (EntityType.CONTRACT, "contract_golden_id"),
    },
}


def reference_columns(kind: EntityType) -> tuple[str, ...]:
    """The golden-id columns an entity's export adds."""
    return tuple(column for _target, column in REFERENCES[kind].values())


def golden_references(
    session: Session, kind: EntityType, golden_ids: list[str]
) -> dict[str, dict[str, str]]:
    """For each golden id, the golden ids its survived references point at."""
    wanted = REFERENCES[kind]
    query = (
        select(
            GoldenAttribute.golden_id,
            GoldenAttribute.name,
            GoldenAttribute.value,
            SourceRecord.source_system,
        )
        .join(SourceRecord, col(SourceRecord.id) == col(GoldenAttribute.source_record_id))
        .where(
            col(GoldenAttribute.golden_id).in_(golden_ids),
            col(GoldenAttribute.name).in_(list(wanted)),
        )
    )
    asked = list(session.exec(query))
    by_target: dict[EntityType, set[tuple[str, str]]] = defaultdict(set)
    for _gid, name, value, system in asked:
        by_target[wanted[name][0]].add((system, value))
    resolved = {
        target: golden_ids_by_key(session, target, keys) for target, keys in by_target.items()
    }
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for gid, name, value, system in asked:
        target, column = wanted[name]
        found = resolved[target].get((system, value))
        if found:
            out[gid][column] = found
    return out
