"""The mapping file format, validated with pydantic: data only, a closed set of transforms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from mdm.records.columns import ENTITY_TYPES, EntityType, is_known_column
from mdm.records.mapping_paths import PathSyntaxError, parse_path

TRANSFORM_NAMES: Final = ("strip", "lower", "upper", "date", "number", "map")
SOURCE_KINDS: Final = ("path", "first_of", "template", "join")
_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
# Columns the engine fills itself: a mapping may not map them.
RESERVED: Final = frozenset({"source_system", "source_id", "deleted"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_path(path: str) -> str:
    try:
        parse_path(path)
    except PathSyntaxError as exc:
        raise ValueError(str(exc)) from None
    return path


class Step(_Strict):
    """One transform with its parameters."""

    name: Literal["strip", "lower", "upper", "date", "number", "map"]
    formats: tuple[str, ...] = ()
    divide_by: Decimal | None = Field(default=None, gt=0)
    table: dict[str, str] = Field(default_factory=dict)


def _step_from(raw: Any) -> Step:
    """Read `strip` or `{date: {formats: [...]}}` or `{map: {A: a}}` into a `Step`."""
    if isinstance(raw, str):
        name, params = raw, None
    elif isinstance(raw, dict) and len(raw) == 1:
        name, params = next(iter(raw.items()))
    else:
        raise ValueError(f"a transform is a name or a one-key mapping, not {raw!r}")
    if name not in TRANSFORM_NAMES:
        raise ValueError(f"unknown transform {name!r}; known: {', '.join(TRANSFORM_NAMES)}")
    if name == "map":
        if not isinstance(params, dict) or not params:
            raise ValueError("transform 'map' needs a non-empty value table")
        return Step(name="map", table={str(k): str(v) for k, v in params.items()})
    if params is None:
        return Step(name=name)
    if not isinstance(params, dict):
        raise ValueError(f"parameters of transform {name!r} must be a mapping")
    allowed = {"date": {"formats"}, "number": {"divide_by"}}.get(name, set())
    if extra := sorted(set(params) - allowed):
        raise ValueError(f"transform {name!r} takes no parameter {', '.join(extra)}")
    return Step.model_validate({"name": name, **params})


class FieldRule(_Strict):
    """Where a canonical value comes from (one source kind) and how it is cleaned."""

    path: str | None = None
    first_of: tuple[str, ...] | None = None
    template: str | None = None
    join: tuple[str, ...] | None = None
    sep: str = " "
    transforms: tuple[Step, ...] = ()

    @field_validator("path")
    @classmethod
    def _path_ok(cls, value: str | None) -> str | None:
        return None if value is None else _check_path(value)

    @field_validator("first_of", "join")
    @classmethod
    def _paths_ok(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and not value:
            raise ValueError("needs at least one path")
        return None if value is None else tuple(_check_path(p) for p in value)

    @field_validator("template")
    @classmethod
    def _template_ok(cls, value: str | None) -> str | None:
        if value is None:
            return None
        fields = _TEMPLATE_FIELD.findall(value)
        if not fields:
            raise ValueError(f"template {value!r} names no {{field}}")
        for field in fields:
            _check_path(field)
        return value

    @field_validator("transforms", mode="before")
    @classmethod
    def _steps(cls, value: Any) -> Any:
        if not isinstance(value, list):
            raise ValueError("transforms is a list")
        return tuple(_step_from(raw) for raw in value)

    @model_validator(mode="after")
    def _one_source(self) -> FieldRule:
        kinds = [k for k in SOURCE_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a field rule needs exactly one of {', '.join(SOURCE_KINDS)}")
        return self

    def template_paths(self) -> tuple[str, ...]:
        """The paths a template interpolates."""
        return tuple(_TEMPLATE_FIELD.findall(self.template or ""))


def _rule_from(raw: Any) -> Any:
    # A bare string is the common case: a path with no transform.
    return {"path": raw} if isinstance(raw, str) else raw


Rule = Annotated[FieldRule, BeforeValidator(_rule_from)]


class Condition(_Strict):
    """True when the value at `path` renders to one of `equals` (case-insensitive)."""

    path: str
    equals: tuple[str, ...]

    @field_validator("path")
    @classmethod
    def _path_ok(cls, value: str) -> str:
        return _check_path(value)

    @field_validator("equals", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        return tuple(("true" if v else "false") if isinstance(v, bool) else str(v) for v in values)


def _conditions_from(raw: Any) -> Any:
    return [raw] if isinstance(raw, dict) else raw


class Envelope(_Strict):
    """Where a page keeps its records: a path to a list (or none: a bare list or one object).

    `normalized` reads Kantata's shape: `results` holds `{key, id}` references into the
    top-level maps, and `include` inlines side-loaded records (`workspace_group_ids` ->
    `workspace_groups`) so paths can reach them.
    """

    path: str | None = None
    normalized: bool = False
    include: dict[str, str] = Field(default_factory=dict)

    @field_validator("path")
    @classmethod
    def _path_ok(cls, value: str | None) -> str | None:
        return None if value is None else _check_path(value)


def _envelope_from(raw: Any) -> Any:
    return {"path": raw} if raw is None or isinstance(raw, str) else raw


class EntityMapping(_Strict):
    """How one native object becomes canonical rows of one entity type."""

    object: str = Field(min_length=1)
    envelope: Annotated[Envelope, BeforeValidator(_envelope_from)] = Envelope()
    source_id: Rule
    deleted: Annotated[tuple[Condition, ...], BeforeValidator(_conditions_from)] = ()
    fields: dict[str, Rule]
    notes: str = ""


class MappingFile(_Strict):
    """A whole `mdm/mappings/<system>.yaml`."""

    system: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    role: Literal["crm", "psa", "erp"]
    product: str = Field(min_length=1)
    notes: str = ""
    entities: dict[EntityType, EntityMapping] = Field(min_length=1)


def column_problems(data: Mapping[str, Any]) -> list[str]:
    """Canonical-field problems, read from the raw file so they show beside schema errors."""
    problems = []
    entities = data.get("entities")
    for entity_type, entity in (entities if isinstance(entities, dict) else {}).items():
        fields = entity.get("fields") if isinstance(entity, dict) else None
        if entity_type not in ENTITY_TYPES or not isinstance(fields, dict):
            continue
        for column in fields:
            where = f"entities.{entity_type}.fields.{column}"
            if column in RESERVED:
                problems.append(f"{where}: '{column}' is filled by the engine, not mapped")
            elif not is_known_column(str(column), entity_type):
                problems.append(f"{where}: unknown canonical field '{column}' for {entity_type}")
    return problems
