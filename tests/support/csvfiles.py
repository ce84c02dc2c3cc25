"""Small canonical CSV files for tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from mdm.records.columns import CUSTOMER_REQUIRED

CUSTOMER_HEADER = list(CUSTOMER_REQUIRED)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    """Write a CSV file and return its path."""
    path.write_text(csv_text(header, rows), encoding="utf-8")
    return path


def customer(
    source_id: str,
    name: str,
    *,
    system: str = "crm",
    country: str = "DE",
    phone: str = "+49 89 1234567",
    tax_id: str = "",
) -> list[str]:
    """A customer row in CUSTOMER_HEADER order."""
    return [
        system,
        source_id,
        name,
        "Leopoldstr. 10",
        "München",
        "80802",
        country,
        phone,
        "info@example.de",
        "https://www.example.de",
        tax_id,
    ]
