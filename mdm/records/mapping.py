"""Source-system mappings as data: `mdm/mappings/<system>.yaml` turns native payloads into rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mdm.records.columns import EntityType
from mdm.records.mapping_engine import MappingError, evaluate, is_deleted, unwrap
from mdm.records.mapping_schema import EntityMapping, MappingFile, column_problems

__all__ = [
    "EntityType",
    "MappingError",
    "SystemMapping",
    "available_systems",
    "load_mapping",
    "mapping_problems",
]


@dataclass(frozen=True)
class SystemMapping:
    """One source system's mapping: native payloads of its objects to canonical rows."""

    system: str
    role: str
    product: str
    spec: MappingFile = field(repr=False, compare=False)

    def entity_types(self) -> tuple[str, ...]:
        """The entity types this system holds, in file order."""
        return tuple(self.spec.entities)

    def _entity(self, entity_type: str) -> EntityMapping:
        entity = next((e for t, e in self.spec.entities.items() if t == entity_type), None)
        if entity is None:
            held = ", ".join(self.entity_types())
            raise MappingError(f"{self.system} maps no {entity_type} (it maps {held})")
        return entity

    def records(self, entity_type: str, response: Any) -> list[dict[str, Any]]:
        """Unwrap one API response page into its native records."""
        return [dict(r) for r in unwrap(self._entity(entity_type).envelope, response)]

    def to_canonical(self, entity_type: str, payload: Mapping[str, Any]) -> dict[str, str]:
        """One canonical row: only present values, all as text, keyed by canonical column."""
        entity = self._entity(entity_type)
        if not isinstance(payload, Mapping):
            raise MappingError(f"a {self.system} {entity_type} payload must be a JSON object")
        source_id = evaluate(entity.source_id, payload, "source_id")
        if source_id is None:
            raise MappingError(
                f"source_id: the {self.system} {entity.object} payload has no {_describe(entity)}"
            )
        row = {"source_system": self.system, "source_id": source_id}
        for column, rule in entity.fields.items():
            value = evaluate(rule, payload, column)
            if value is not None:
                row[column] = value
        if is_deleted(entity.deleted, payload):
            row["deleted"] = "true"
        return row


def _describe(entity: EntityMapping) -> str:
    rule = entity.source_id
    if rule.path is not None:
        return f"'{rule.path}'"
    paths = rule.first_of or rule.join or rule.template_paths()
    return " / ".join(f"'{p}'" for p in paths)


def _mapping_dir() -> Path:
    return Path(str(resources.files("mdm") / "mappings"))


def available_systems() -> list[str]:
    """The systems with a shipped mapping file, sorted."""
    return sorted(p.stem for p in _mapping_dir().glob("*.yaml"))


@lru_cache(maxsize=32)
def load_mapping(system: str) -> SystemMapping:
    """The shipped mapping of a system; `MappingError` when there is none or it is broken."""
    if system not in available_systems():
        known = ", ".join(available_systems())
        raise MappingError(f"no mapping for system '{system}' (known: {known})")
    path = _mapping_dir() / f"{system}.yaml"
    problems = mapping_problems(path)
    if problems:
        raise MappingError(f"mapping {path.name} is invalid: " + "; ".join(problems))
    spec = MappingFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    return SystemMapping(system=spec.system, role=spec.role, product=spec.product, spec=spec)


def mapping_problems(path: Path) -> list[str]:
    """Every problem in a mapping file; an empty list means it is valid."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return [f"{path}: cannot read: {exc.strerror or exc}"]
    except yaml.YAMLError as exc:
        return [f"{path.name}: not valid YAML: {' '.join(str(exc).split())}"]
    if not isinstance(data, dict):
        return [f"{path.name}: a mapping file is a YAML mapping with system, role, product"]
    problems = column_problems(data)
    try:
        spec = MappingFile.model_validate(data)
    except ValidationError as exc:
        return [_problem(error) for error in exc.errors()] + problems
    if spec.system != path.stem:
        problems.append(f"system: '{spec.system}' must equal the file name '{path.stem}'")
    return problems


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(top)"
    kind, message = error["type"], str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "unknown key"
    elif kind == "missing":
        message = "required key is missing"
    return f"{where}: {message}"
