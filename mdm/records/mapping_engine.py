"""Evaluate mapping rules against one native payload, and unwrap API response pages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mdm.errors import InvalidInput
from mdm.records import mapping_transforms as tx
from mdm.records.mapping_paths import render_scalar, resolve
from mdm.records.mapping_schema import Condition, Envelope, FieldRule, Step

_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")


class MappingError(InvalidInput):
    """A native payload that cannot be mapped; the message names the field."""

    code = "mapping_error"


def _scalar(payload: Any, path: str, column: str) -> str | None:
    """The text at `path`, None when absent or blank; an object instead of a value is an error."""
    value = resolve(payload, path)
    if value is None:
        return None
    if isinstance(value, Mapping | list):
        kind = "an object" if isinstance(value, Mapping) else "a list"
        raise MappingError(f"{column}: '{path}' holds {kind}, not a value; map a field inside it")
    text = render_scalar(value)
    return text if text.strip() else None


def _source(rule: FieldRule, payload: Any, column: str) -> str | None:
    if rule.path is not None:
        return _scalar(payload, rule.path, column)
    if rule.join is not None:
        parts = [v for p in rule.join if (v := _scalar(payload, p, column)) is not None]
        return rule.sep.join(parts) if parts else None
    return _fill_template(rule.template or "", payload, column)


def _fill_template(template: str, payload: Any, column: str) -> str | None:
    """Interpolate every `{path}`; any missing part makes the whole value absent.

    All-or-nothing matters for composite keys: `usmf|` must never pass for an id.
    """
    values: dict[str, str] = {}
    for path in _TEMPLATE_FIELD.findall(template):
        value = _scalar(payload, path, column)
        if value is None:
            return None
        values[path] = value
    return _TEMPLATE_FIELD.sub(lambda m: values[m.group(1)], template)


def _apply(step: Step, value: str) -> str | None:
    match step.name:
        case "strip":
            return tx.strip(value)
        case "lower":
            return tx.lower(value)
        case "upper":
            return tx.upper(value)
        case "date":
            return tx.to_iso_date(value, step.formats)
        case "number":
            return tx.to_number(value, step.divide_by)
        case _:
            return tx.map_value(value, step.table)


def _clean(rule: FieldRule, value: str | None) -> str | None:
    for step in rule.transforms:
        if value is None:
            break
        value = _apply(step, value)
    return value if value is None or value.strip() else None


def evaluate(rule: FieldRule, payload: Any, column: str) -> str | None:
    """The canonical text one rule yields for a payload, or None when absent."""
    if rule.first_of is not None:
        # Each candidate goes through the transforms, so a value they blank out (Dynamics'
        # 1900-01-01 "no date") falls through to the next path.
        candidates = (_clean(rule, _scalar(payload, p, column)) for p in rule.first_of)
        return next((v for v in candidates if v is not None), None)
    return _clean(rule, _source(rule, payload, column))


def is_deleted(conditions: tuple[Condition, ...], payload: Any) -> bool:
    """True when any deleted condition holds."""
    for condition in conditions:
        value = resolve(payload, condition.path)
        if value is None or isinstance(value, Mapping | list):
            continue
        if render_scalar(value).casefold() in {v.casefold() for v in condition.equals}:
            return True
    return False


def unwrap(envelope: Envelope, response: Any) -> list[Mapping[str, Any]]:
    """The native records in one API response page."""
    if envelope.normalized:
        return _normalized(envelope, response)
    node = response
    if envelope.path is not None and isinstance(response, Mapping):
        found = resolve(response, envelope.path)
        # Without the envelope key the response is one record (`GET .../Account/001…`).
        node = response if found is None and envelope.path not in response else found
    if node is None:
        return []
    items = node if isinstance(node, list) else [node]
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise MappingError(f"record {index} of the page is not an object")
    return items


def _normalized(envelope: Envelope, response: Any) -> list[Mapping[str, Any]]:
    """Kantata's normalised JSON: `results` lists `{key, id}` pointing into top-level maps."""
    if not isinstance(response, Mapping):
        raise MappingError("a normalised response is an object with 'results'")
    refs = resolve(response, envelope.path or "results") or []
    if not isinstance(refs, list):
        raise MappingError(f"'{envelope.path}' of a normalised response must be a list")
    records: list[Mapping[str, Any]] = []
    for ref in refs:
        key, rid = (ref.get("key"), ref.get("id")) if isinstance(ref, Mapping) else (None, None)
        table = response.get(key) if isinstance(key, str) else None
        record = table.get(str(rid)) if isinstance(table, Mapping) else None
        if not isinstance(record, Mapping):
            raise MappingError(f"result {key}/{rid} is not in the response")
        records.append(_inline(record, envelope.include, response))
    return records


def _inline(
    record: Mapping[str, Any], include: Mapping[str, str], response: Mapping[str, Any]
) -> dict[str, Any]:
    """Copy side-loaded records next to the ids that reference them."""
    out = dict(record)
    for id_field, collection in include.items():
        ids = record.get(id_field)
        table = response.get(collection)
        if not isinstance(table, Mapping):
            continue
        if isinstance(ids, list):
            out[collection] = [table[str(i)] for i in ids if str(i) in table]
        elif ids is not None and str(ids) in table:
            out[collection] = table[str(ids)]
    return out
