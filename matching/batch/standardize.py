"""Standardize step for the batch path: every standardizer once per distinct raw value.

Records repeat their values (one city, country or legal form for thousands of records), so the
standardizers run on `pd.factorize`'s distinct values only, and features come out as codes into
distinct prepared values. Country-dependent standardizers (phone, postcode, tax id, the local
reading of a legal form) run once per distinct (value, country) pair. Many distinct values are
split into chunks for a process pool, so every core works. `Prepared.to_frame()` is exactly
`matching.prepare.prepare(records, settings)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_not
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.batch.standardizers import (
    MIN_PARALLEL,
    Job,
    Memo,
    Pending,
    Recalled,
    Runner,
)
from matching.collector import collector_paused
from matching.config import FieldSpec, MatchSettings
from matching.normalize import local_legal_form
from matching.prepare import IN_COUNTRY, LEGAL_FORM_SUFFIX, clean_raw

__all__ = ["Column", "Memo", "Prepared", "first_present", "prepare_distinct"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """One prepared feature: `values[codes[i]]` is record i's value, code -1 where it is None.

    Values are distinct: equal codes mean equal values and the other way round.
    """

    codes: IntArray
    values: list[str]

    def to_array(self) -> npt.NDArray[np.object_]:
        """The value of every record (an object array), None where missing."""
        lookup = np.array([*self.values, None], dtype=object)
        return lookup[self.codes]

    def to_list(self) -> list[str | None]:
        """The value of every record, None where missing."""
        return list(self.to_array())


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """Every prepared feature as a `Column`, in the column order of `prepare()`."""

    columns: Mapping[str, Column]
    size: int

    def __getitem__(self, name: str) -> Column:
        return self.columns[name]

    def to_frame(self) -> pd.DataFrame:
        """The frame `prepare()` returns: one row per record, dtype object, None where unknown."""
        data = {name: column.to_array() for name, column in self.columns.items()}
        return pd.DataFrame(data, index=range(self.size), dtype=object)


# --- codes ---------------------------------------------------------------------------------


def _lookup(codes: IntArray, table: npt.ArrayLike) -> IntArray:
    """`table[codes]`, with -1 kept for missing codes."""
    return np.append(np.asarray(table, dtype=np.int64), -1)[codes]


def _factorize_objects(values: npt.NDArray[np.object_], *, plain: bool) -> tuple[IntArray, Any]:
    """`pd.factorize` that tells apart strings differing after a NUL.

    pandas factorizes an array of nothing but strings as C strings, which end at a NUL: "a"
    and "a\\0b" would share a code. One None sends it to its table of Python objects, which is
    exact, and barely slower where strings lie scattered in memory (records built in this
    process); `plain` values, known to hold no NUL, are factorized as they are.
    """
    if plain:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), uniques
    codes, uniques = pd.factorize(np.append(values, [None]), use_na_sentinel=True)
    return np.asarray(codes[:-1], dtype=np.int64), uniques


def _has_nul(values: Sequence[object]) -> bool:
    """Whether the strings hold a NUL; False when not all are strings (pandas then uses its table
    of objects anyway). One join and one search in C, cheaper than telling them apart by the
    table of objects where the strings lie together in memory (outputs of one standardizer)."""
    try:
        return "\0" in "".join(values)  # type: ignore[arg-type]
    except TypeError:
        return False


def _factorize(values: Sequence[object], *, scan: bool = True) -> tuple[IntArray, list[Any]]:
    """Codes into distinct values (None is missing: -1), and the distinct values; `scan` looks
    for a NUL first (see `_factorize_objects`)."""
    plain = scan and not _has_nul(values)
    codes, uniques = _factorize_objects(np.asarray(values, dtype=object), plain=plain)
    return codes, uniques.tolist()


def _cleaned(cells: pd.Series) -> tuple[IntArray, list[str]]:
    """Codes of raw cells into their distinct values read by `clean_raw` (-1 for None)."""
    raw = cells.to_numpy()
    if raw.dtype != object:  # numbers, dates: `clean_raw` reads what `tolist` gives
        return _factorize([clean_raw(v) for v in cells.tolist()], scan=False)
    codes, distinct = _factorize_objects(raw, plain=False)
    uniques: list[str] = distinct.tolist()  # a list: Python walks it faster than an array
    missing = raw[codes < 0]
    # factorize merges 1 with 1.0 and drops pd.NA, which `clean_raw` reads as "1.0" and "<NA>"
    if not (set(map(type, uniques)) <= {str} and set(map(type, missing)) <= {type(None), float}):
        return _factorize([clean_raw(v) for v in cells.tolist()], scan=False)
    # stripped once per distinct value; `strip` returns the very value when it has no padding
    cleaned = list(map(str.strip, uniques))
    padded = np.fromiter(map(is_not, cleaned, uniques), bool, len(cleaned))
    table = _merged(cleaned, uniques, np.flatnonzero(padded).tolist())
    kept = table == np.arange(len(table))
    if kept.all():  # most columns: nothing padded, nothing blank
        return codes, cleaned
    renumbered = np.where(table >= 0, (np.cumsum(kept) - 1)[table], -1)
    return _lookup(codes, renumbered), [cleaned[i] for i in np.flatnonzero(kept).tolist()]


def _merged(cleaned: list[str], uniques: list[str], padded: list[int]) -> IntArray:
    """For each stripped value the position of its first equal (itself, mostly), -1 if blank.

    Only a padded value can meet another: " Acme" strips to "Acme", which may be there too.
    """
    table = np.arange(len(cleaned))
    if padded:
        first = dict(zip(uniques, range(len(uniques)), strict=True))
        for i in padded:
            table[i] = first.setdefault(cleaned[i], i)
        blank = first.get("")
    else:
        blank = uniques.index("") if "" in uniques else None
    if blank is not None:
        table[table == blank] = -1
    return table


def first_present(records: pd.DataFrame, columns: tuple[str, ...]) -> Column:
    """Codes of the first non-blank of `columns` per record into its distinct raw values."""
    codes = np.full(len(records), -1, dtype=np.int64)
    values: list[str] = []
    index: dict[str, int] = {}
    for name in (c for c in columns if c in records.columns):
        rows = np.flatnonzero(codes < 0)
        if len(rows) == 0:
            break
        whole = len(rows) == len(codes)
        part_codes, part_values = _cleaned(records[name] if whole else records[name].iloc[rows])
        if not values:
            codes[rows], values = part_codes, part_values
            continue
        # a value already met in an earlier column keeps its code; the others are new
        index = index or dict(zip(values, range(len(values)), strict=True))
        table = np.fromiter(map(index.get, part_values, repeat(-1)), np.int64, len(part_values))
        new = table < 0
        table[new] = np.arange(len(values), len(values) + int(new.sum()))
        values.extend(compress(part_values, new))
        index.update(zip(compress(part_values, new), table[new].tolist(), strict=True))
        codes[rows] = _lookup(part_codes, table)
    return Column(codes, values)


def _column(codes: IntArray, outputs: Sequence[object]) -> Column:
    """Records' codes into distinct outputs, given each record's code into `outputs`."""
    output_codes, values = _factorize(outputs)
    return Column(_lookup(codes, output_codes), values)


def _pairs(raw: Column, country: Column | None) -> tuple[IntArray, list[str], list[str | None]]:
    """Codes into distinct (raw, country) pairs, and the pairs' values and countries."""
    if country is None:
        return raw.codes, raw.values, [None] * len(raw.values)
    width = len(country.values) + 1
    present = raw.codes >= 0
    keys, distinct = pd.factorize(raw.codes[present] * width + country.codes[present] + 1)
    codes = np.full(len(raw.codes), -1, dtype=np.int64)
    codes[present] = keys
    countries = [*country.values, None]
    values, places = np.divmod(distinct, width)  # a pair's raw value, 1 + its country's code
    return (
        codes,
        list(map(raw.values.__getitem__, values.tolist())),
        list(map(countries.__getitem__, (places - 1).tolist())),  # -1: the None at the end
    )


# --- fields --------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Field:
    """A field waiting for its job: records' codes into the job's inputs."""

    spec: FieldSpec
    codes: IntArray
    country: Column | None
    pending: Pending | Recalled
    done: dict[str, Column] | None = None

    def columns(self) -> dict[str, Column]:
        """The field's prepared column(s), from its job's outputs (read once)."""
        if self.done is not None:
            return self.done
        outputs, name = self.pending.result(), self.spec.name
        self.done = {name: _column(self.codes, outputs[0])}
        if self.spec.standardizer == "org_name":
            forms = _legal_forms(self.codes, outputs[1], self.country)
            self.done[name + LEGAL_FORM_SUFFIX] = forms
        return self.done


def _legal_forms(names: IntArray, forms: Sequence[str | None], country: Column | None) -> Column:
    """Legal forms as the record's country reads them, once per distinct (form, country) pair.

    `names` are the records' codes into the distinct raw names, `forms` their legal forms.
    """
    form_codes, form_values = _factorize(forms)
    form = Column(_lookup(names, form_codes), form_values)
    codes, values, countries = _pairs(form, country)
    return _column(codes, [local_legal_form(v, c) for v, c in zip(values, countries, strict=True)])


def _submit(spec: FieldSpec, raw: Column, country: Column | None, runner: Runner) -> _Field:
    codes, values, countries = raw.codes, raw.values, None
    if spec.standardizer in IN_COUNTRY:  # once per distinct (value, country) pair
        codes, values, countries = _pairs(raw, country)
    return _Field(spec, codes, country, runner.submit(Job(spec.standardizer, values, countries)))


def _reading_order(specs: list[FieldSpec], country_field: str | None) -> list[int]:
    """Positions of `specs` in the order to read them: `prepare()`'s, except that the fields after
    the last one writing the country field, which all read the same countries, start with
    those read from one column: they are quicker to read, so the workers start sooner."""
    writers = [i for i, spec in enumerate(specs) if country_field in _names(spec)]
    rest = range(writers[-1] + 1 if writers else 0, len(specs))
    return [*range(rest.start), *sorted(rest, key=lambda i: len(specs[i].columns) > 1)]


def _in_prepare_order(fields: list[_Field]) -> dict[str, Column]:
    """Columns in `prepare()`'s order: a name's first use; its value: the last field's."""
    last = {name: waiting for waiting in fields for name in _names(waiting.spec)}
    columns: dict[str, Column | None] = dict.fromkeys(last)
    for waiting in fields:
        if any(last[name] is waiting for name in _names(waiting.spec)):
            for name, column in waiting.columns().items():
                if last[name] is waiting:
                    columns[name] = column
    return {name: column for name, column in columns.items() if column is not None}


def _names(spec: FieldSpec) -> list[str]:
    if spec.standardizer == "org_name":
        return [spec.name, spec.name + LEGAL_FORM_SUFFIX]
    return [spec.name]


def prepare_distinct(
    records: pd.DataFrame,
    settings: MatchSettings,
    workers: int = 2,
    *,
    min_parallel: int = MIN_PARALLEL,
    start_method: str | None = None,
    memo: Memo | None = None,
) -> Prepared:
    """Prepared features as codes into distinct values; `to_frame()` equals `prepare()`.

    Standardizes in `workers` processes once there are `min_parallel` distinct inputs, started
    by `start_method` ("fork" where the platform has it, else the platform's default; a program
    running threads may prefer "forkserver" or "spawn"). A `memo` answers the inputs an
    earlier call with it met.
    """
    # countries first: phones, postcodes and tax ids are read in their record's country
    specs = sorted(settings.fields, key=lambda f: f.standardizer != "country")
    countries: dict[str, Column] = {}
    fields: dict[int, _Field] = {}
    with collector_paused(), Runner(workers, min_parallel, start_method, memo) as runner:
        for i in _reading_order(specs, settings.country_field):
            country = countries.get(settings.country_field) if settings.country_field else None
            fields[i] = _submit(specs[i], first_present(records, specs[i].columns), country, runner)
            if settings.country_field in _names(specs[i]):  # later fields read it: wait for it
                countries.update(fields[i].columns())
        columns = _in_prepare_order([fields[i] for i in range(len(specs))])
    if settings.parent_field and settings.parent_field not in columns:
        columns[settings.parent_field] = first_present(records, (settings.parent_field,))
    return Prepared(columns, len(records))
