"""Check one canonical row: keys, mandatory values, lengths; every problem reported at once."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import inspect as sa_inspect

from mdm.entities import EntityType
from mdm.records import columns
from mdm.records.models import RECORD_TABLES
from mdm.records.values import Parsed, parse_cells, parsers_for

_SYSTEM = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n", ""}
MAX_CELL = 2000
_LONGEST_SYSTEM = 64  # the width of the column a cross-reference's system lands in


@dataclass(frozen=True)
class ValidRow:
    """A row fit for the canonical model."""

    source_system: str
    source_id: str
    deleted: bool
    cells: dict[str, str]  # the row as kept in the version: trimmed, empty cells dropped
    xrefs: dict[str, str]  # system -> id in that system
    parsed: Parsed
    content_hash: str


@dataclass(frozen=True)
class InvalidRow:
    """A row that goes to quarantine, with every reason."""

    source_system: str | None
    source_id: str | None
    cells: dict[str, Any]
    reasons: list[str]


def clean_cells(raw: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Trim text, drop empty cells, render numbers; nested values are reasons to reject."""
    cells: dict[str, str] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if type(value) is str:  # nearly every cell: skip the checks below
            text = value.strip()
        elif value is None:
            continue
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int | float | str):
            text = str(value).strip()
        else:
            problems.append(f"{key}: must be text, got {type(value).__name__}")
            continue
        if text:
            cells[str(key)] = text
    return cells, problems


@dataclass(frozen=True, slots=True)
class _Rule:
    """What validation needs to know of one column name of one entity type."""

    known: bool
    limit: int  # the longest value that fits where the cell lands
    xref: str | None  # the system a cross-reference column names


class _Rules(dict[str, _Rule]):
    """Rules of an entity type's column names, worked out once per name, not once per cell,
    and what it takes from the column contract (read once, not per row)."""

    def __init__(self, entity: EntityType) -> None:
        super().__init__()
        self.entity = entity
        self.name = entity.value
        self.columns = columns.COLUMNS[entity.plural]
        self.mandatory = columns.MANDATORY_VALUES[entity.plural]
        self.parsers = parsers_for(self.name, self.columns)
        # The contract's columns and the deletion flag: no cross-reference among them (a
        # `<system>_id` column of the contract is none).
        self.standard = frozenset((*self.columns, columns.DELETED_COLUMN))
        # Names met that no reason speaks against (known, any system they name short enough):
        # a row of such names, nearly every row, needs no check of its names per cell.
        self.fine: set[str] = set()

    def __missing__(self, column: str) -> _Rule:
        kind = self.entity.plural
        limits = column_limits(self.entity)
        # Cross-reference ids land in a 255-wide column; other cells only in the JSON version.
        limit = limits.get(column, 255 if column.endswith("_id") else MAX_CELL)
        xref = columns.xref_system(column) if columns.is_xref_column(column, kind) else None
        rule = _Rule(columns.is_known_column(column, kind), limit, xref)
        if len(self) < 4096:  # the names come from the input: keep the memo bounded
            self[column] = rule
            if rule.known and (xref is None or len(xref) <= _LONGEST_SYSTEM):
                self.fine.add(column)
        return rule


@cache
def _rules(entity: EntityType) -> _Rules:
    return _Rules(entity)


def validate_row(entity: EntityType, raw: Mapping[str, Any]) -> ValidRow | InvalidRow:
    """Validate one canonical row of `entity`."""
    cells, reasons = clean_cells(raw)
    rules = _rules(entity)
    if "source_system" in cells:
        cells["source_system"] = cells["source_system"].lower()
    fine = rules.fine.issuperset(cells)  # then no reason speaks against a name
    if not fine:
        reasons += [f"{c}: unknown column" for c in cells if not rules[c].known]
    deleted = _deleted_flag(cells, reasons)
    reasons += _missing_values(rules.mandatory, cells, deleted)
    reasons += _bad_lengths(cells, rules)
    if not fine:
        reasons += [
            f"{c}: a cross-reference column must name a system of at most 64 characters"
            for c in cells
            if (xref := rules[c].xref) is not None and len(xref) > _LONGEST_SYSTEM
        ]
    system, source_id = cells.get("source_system"), cells.get("source_id")
    if system and not _SYSTEM.match(system):
        reasons.append("source_system: use letters, digits, '_', '.' or '-' (at most 64)")
    if reasons or system is None or source_id is None:
        return InvalidRow(system, source_id, dict(raw), reasons)
    xrefs = {} if rules.standard.issuperset(cells) else _xrefs(cells, rules)
    parsed = parse_cells(cells, rules.parsers)
    return ValidRow(system, source_id, deleted, cells, xrefs, parsed, content_hash(cells))


def _xrefs(cells: dict[str, str], rules: _Rules) -> dict[str, str]:
    return {x: v for c, v in cells.items() if (x := rules[c].xref) is not None}


def _deleted_flag(cells: dict[str, str], reasons: list[str]) -> bool:
    flag = cells.pop(columns.DELETED_COLUMN, "").lower()
    if flag in _TRUE:
        cells[columns.DELETED_COLUMN] = "true"
        return True
    if flag not in _FALSE:
        reasons.append(f"deleted: must be true or false, got {flag!r}")
    return False


def _missing_values(
    mandatory: tuple[tuple[str, ...], ...], cells: dict[str, str], deleted: bool
) -> list[str]:
    reasons = []
    for group in mandatory:
        if deleted and group[0] not in columns.KEY_COLUMNS:
            continue  # a deletion only needs the key
        for column in group:
            if cells.get(column):
                break
        else:
            reasons.append(f"{' or '.join(group)}: required")
    return reasons


@cache
def column_limits(entity: EntityType) -> dict[str, int]:
    """Widths of the columns a row's cells land in; a longer value would not fit."""
    limits = {"source_system": 64, "source_id": 255}
    for column in sa_inspect(RECORD_TABLES[entity]).columns:
        length = getattr(column.type, "length", None)
        if length:
            limits[column.name] = length
    return limits


# C0 control characters other than tab, line feed and carriage return
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _bad_lengths(cells: dict[str, str], rules: _Rules) -> list[str]:
    # One search over the whole row (joined by a line feed, which is allowed) finds nearly
    # every row clean; only a row with a control character is searched cell by cell.
    control = _CONTROL.search("\n".join(cells.values())) is not None
    reasons = []
    for column, value in cells.items():
        limit = rules[column].limit
        if len(value) > limit:
            reasons.append(f"{column}: longer than {limit} characters")
        if control and _CONTROL.search(value):
            reasons.append(f"{column}: contains control characters")
    return reasons


# One encoder for every row: `json.dumps` with options builds a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(cells: Mapping[str, str]) -> str:
    """Identical rows hash identically whatever their column order."""
    return hashlib.sha256(_CANONICAL.encode(cells).encode()).hexdigest()


def bare_deletion(entity: EntityType, system: str, source_id: str) -> ValidRow:
    """The row that soft-deletes a record and keeps its last values."""
    row = validate_row(entity, {"source_system": system, "source_id": source_id, "deleted": "true"})
    assert isinstance(row, ValidRow), row  # a key and the flag are always valid
    return row
