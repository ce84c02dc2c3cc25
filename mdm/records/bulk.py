"""Turn a bulk request body into ingest rows; envelope rules are enforced before any write."""

from __future__ import annotations

import json
from typing import Any

from mdm.entities import EntityType
from mdm.errors import InvalidInput, MalformedRequest, PayloadTooLarge
from mdm.records.mapping import MappingError, load_mapping
from mdm.records.service import RecordInput

MAX_RECORDS = 10_000


def parse_body(body: bytes, entity: EntityType, system: str | None) -> list[RecordInput]:
    """Canonical rows (`system` None) or one system's native records, as ingest inputs."""
    try:
        document = json.loads(body, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise MalformedRequest(f"request body is not valid JSON: {exc}") from exc
    if system is None:
        records = _canonical_records(document)
        _check_count(records)
        return [RecordInput(r, origin=f"record {i}") for i, r in enumerate(records)]
    return _native_inputs(document, entity, system)


def _reject_constant(name: str) -> None:
    # Python's json reads NaN and Infinity, but JSON has no such values and no database
    # JSON column stores them.
    raise ValueError(f"{name} is not a JSON value")


def _canonical_records(document: Any) -> list[dict[str, Any]]:
    records = document.get("records") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise InvalidInput('body must be a JSON array of records or {"records": [...]}')
    _check_count(records)
    bad = [i for i, r in enumerate(records) if not isinstance(r, dict)]
    if bad:
        raise InvalidInput(f"records must be JSON objects; not at index {bad[:20]}")
    return records


def _native_inputs(document: Any, entity: EntityType, system: str) -> list[RecordInput]:
    try:
        mapping = load_mapping(system)
    except (FileNotFoundError, KeyError, MappingError) as exc:
        raise InvalidInput(f"no mapping for system {system!r}: {exc}") from exc
    if entity.plural not in mapping.entity_types():
        raise InvalidInput(f"the {system} mapping has no {entity.plural}")
    try:
        natives = mapping.records(entity.plural, document)
    except MappingError as exc:
        raise InvalidInput(f"not a {system} {entity.plural} payload: {exc}") from exc
    _check_count(natives)
    return [_map_one(mapping, entity, native, i) for i, native in enumerate(natives)]


def _map_one(mapping: Any, entity: EntityType, native: Any, index: int) -> RecordInput:
    origin = f"record {index}"
    if not isinstance(native, dict):
        return RecordInput({}, origin=origin, problem="native record is not a JSON object")
    try:
        cells = mapping.to_canonical(entity.plural, native)
    except MappingError as exc:
        # Keep it: a record the mapping cannot read is quarantined, never dropped.
        return RecordInput({"source_system": mapping.system}, native, origin, problem=str(exc))
    return RecordInput(cells, native, origin)


def _check_count(records: list[Any]) -> None:
    if len(records) > MAX_RECORDS:
        raise PayloadTooLarge(f"{len(records)} records; at most {MAX_RECORDS} per request")
