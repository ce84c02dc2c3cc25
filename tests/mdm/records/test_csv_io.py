"""Canonical CSV: a bad header rejects the file with every problem; ragged rows are quarantined."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdm.entities import EntityType
from mdm.errors import InvalidInput
from mdm.records.csv_io import parse_csv, read_csv
from tests.support.csvfiles import CUSTOMER_HEADER, csv_text, customer

CUSTOMERS = EntityType.CUSTOMER


def test_rows_come_back_keyed_by_header_with_their_line() -> None:
    text = csv_text(CUSTOMER_HEADER, [customer("1", "Acme GmbH"), customer("2", "Beta AG")])
    rows = parse_csv(text, CUSTOMERS, origin="c.csv")
    assert [r.cells["name"] for r in rows] == ["Acme GmbH", "Beta AG"]
    assert [r.origin for r in rows] == ["c.csv:2", "c.csv:3"]


def test_column_order_is_free_and_optional_columns_may_be_absent() -> None:
    (row,) = parse_csv("name,source_id,source_system\nAcme,1,crm\n", CUSTOMERS)
    assert row.cells == {"name": "Acme", "source_id": "1", "source_system": "crm"}


def test_cross_reference_and_deleted_columns_are_accepted() -> None:
    (row,) = parse_csv("source_system,source_id,name,crm_id,deleted\nerp,9,A,001,true\n", CUSTOMERS)
    assert row.cells["crm_id"] == "001"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("source_system,source_id,name,colour", "unknown column(s) colour"),
        ("source_system,source_id,street", "missing mandatory column name"),
        ("source_system,name", "missing mandatory column source_id"),
        ("source_system,source_id,name,name", "duplicate column(s) name"),
    ],
)
def test_bad_header_rejects_the_whole_file(header: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_csv(f"{header}\ncrm,1,Acme,x\n", CUSTOMERS)
    assert message in caught.value.detail


def test_contracts_need_number_or_name() -> None:
    (row,) = parse_csv("source_system,source_id,number\ncrm,1,MSA-1\n", EntityType.CONTRACT)
    assert row.cells["number"] == "MSA-1"
    with pytest.raises(InvalidInput, match="number or name"):
        parse_csv("source_system,source_id,value\ncrm,1,10\n", EntityType.CONTRACT)


def test_every_header_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_csv("source_system,colour,colour\n", CUSTOMERS)
    assert len(caught.value.extra["problems"]) == 4


def test_ragged_row_is_kept_with_a_problem_not_dropped() -> None:
    rows = parse_csv("source_system,source_id,name\ncrm,1,Acme,extra\ncrm,2\n", CUSTOMERS)
    assert [r.problem for r in rows] == [
        "row has 4 cells but the header has 3",
        "row has 2 cells but the header has 3",
    ]


def test_blank_lines_are_skipped_and_quoted_newlines_kept() -> None:
    rows = parse_csv('source_system,source_id,name\n\ncrm,1,"Acme\nGroup"\n\n', CUSTOMERS)
    assert [r.cells["name"] for r in rows] == ["Acme\nGroup"]


def test_empty_file_and_non_utf8_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="empty file"):
        parse_csv("", CUSTOMERS)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("source_system,source_id,name\ncrm,1,Müller\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_csv(latin, CUSTOMERS)
    with pytest.raises(InvalidInput, match="no such file"):
        read_csv(tmp_path / "missing.csv", CUSTOMERS)


def test_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffsource_system,source_id,name\ncrm,1,Acme\n".encode())
    (row,) = read_csv(path, CUSTOMERS)
    assert row.cells["source_system"] == "crm"
