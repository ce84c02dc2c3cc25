"""Read a canonical CSV file into ingest rows; a bad header rejects the whole file up front."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.records import columns
from mdm.records.service import RecordInput

# Stop pathological files (one 2 GB "cell") before they reach memory-hungry code.
csv.field_size_limit(10 * 1024 * 1024)


def read_csv(path: Path, entity: EntityType) -> list[RecordInput]:
    """Every data row of a canonical CSV file, each tagged with its line for the quarantine."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    return parse_csv(text, entity, origin=path.name)


def parse_csv(text: str, entity: EntityType, origin: str = "csv") -> list[RecordInput]:
    """Parse CSV text; raise `InvalidInput` listing every header problem."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{origin}: empty file; a header row is required") from None
    except csv.Error as exc:
        raise InvalidInput(f"{origin}: unreadable CSV header: {exc}") from exc
    check_header(header, entity, origin)
    return list(_rows(reader, header, origin))


def check_header(header: list[str], entity: EntityType, origin: str) -> None:
    """Unknown, duplicate or missing mandatory columns make the file unusable."""
    problems = []
    unknown = columns.unknown_columns(header, entity.plural)
    if unknown:
        allowed = ", ".join(columns.COLUMNS[entity.plural])
        problems.append(
            f"unknown column(s) {', '.join(unknown)}; {entity.plural} files take {allowed}, "
            "`deleted` and `<system>_id` cross-reference columns"
        )
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        problems.append(f"duplicate column(s) {', '.join(duplicates)}")
    for group in columns.MANDATORY_VALUES[entity.plural]:
        if not any(c in header for c in group):
            problems.append(f"missing mandatory column {' or '.join(group)}")
    if problems:
        raise InvalidInput(f"{origin}: " + "; ".join(problems), extra={"problems": problems})


def _rows(reader: Any, header: list[str], origin: str) -> Iterator[RecordInput]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(f"{origin}: line {reader.line_num}: {exc}") from exc
        if not any(c.strip() for c in cells):
            continue  # blank line
        where = f"{origin}:{reader.line_num}"
        row = dict(zip(header, cells, strict=False))
        if len(cells) != len(header):
            problem = f"row has {len(cells)} cells but the header has {len(header)}"
            yield RecordInput(row, origin=where, problem=problem)
        else:
            yield RecordInput(row, origin=where)
