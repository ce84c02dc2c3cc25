"""Standardize step for the batch path: every standardizer once per distinct raw value.

Records repeat their values (one city, country or legal form for thousands of records), so the
standardizers run on `pd.factorize`'s distinct values only, and features come out as codes into
distinct prepared values. Country-dependent standardizers (phone, postcode, tax id, the local
reading of a legal form) run once per distinct (value, country) pair. Many distinct values are
split into chunks for a process pool, so every core works. `Prepared.to_frame()` is exactly
`matching.prepare.prepare(records, settings)`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.config import FieldSpec, MatchSettings
from matching.normalize import local_legal_form, normalize_org_name
from matching.prepare import IN_COUNTRY, LEGAL_FORM_SUFFIX, SIMPLE, clean_raw

IntArray = npt.NDArray[np.int64]
# Below this many distinct values in all, a pool costs more than it saves.
MIN_PARALLEL = 20_000
CHUNK = 10_000


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """One prepared feature: `values[codes[i]]` is record i's value, code -1 where it is None.

    Values are distinct: equal codes mean equal values and the other way round.
    """

    codes: IntArray
    values: list[str]

    def to_list(self) -> list[str | None]:
        """The value of every record, None where missing."""
        lookup = np.array([*self.values, None], dtype=object)
        return list(lookup[self.codes])


@dataclass(frozen=True, slots=True, eq=False)
class Prepared:
    """Every prepared feature as a `Column`, in the column order of `prepare()`."""

    columns: Mapping[str, Column]
    size: int

    def __getitem__(self, name: str) -> Column:
        return self.columns[name]

    def to_frame(self) -> pd.DataFrame:
        """The frame `prepare()` returns: one row per record, dtype object, None where unknown."""
        data = {name: column.to_list() for name, column in self.columns.items()}
        return pd.DataFrame(data, index=range(self.size), dtype=object)


@dataclass(frozen=True, slots=True, eq=False)
class _Job:
    """Distinct inputs of one standardizer; `countries` is set for country-dependent ones."""

    standardizer: str
    values: list[str]
    countries: list[str | None] | None


def _org_name(raw: str) -> tuple[str | None, str | None]:
    name = normalize_org_name(raw)
    return (None, None) if name is None else (name.clean or None, name.legal_form)


def _run_chunk(job: _Job) -> list[Any]:
    """Standardize one chunk (runs in a worker process, or in-process for small inputs)."""
    if job.standardizer == "org_name":
        return [_org_name(v) for v in job.values]
    if job.countries is not None:
        read = IN_COUNTRY[job.standardizer]
        return [read(v, c) for v, c in zip(job.values, job.countries, strict=True)]
    convert = SIMPLE[job.standardizer]
    return [convert(v) for v in job.values]


def _chunks(job: _Job, size: int) -> Iterator[_Job]:
    for start in range(0, len(job.values), size):
        countries = None if job.countries is None else job.countries[start : start + size]
        yield _Job(job.standardizer, job.values[start : start + size], countries)


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork shares the standardizers' tables already built here; spawn rebuilds them per worker
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _run_jobs(jobs: Sequence[_Job], workers: int, min_parallel: int) -> list[list[Any]]:
    """Outputs of every job, chunked across `workers` processes when there are many values."""
    total = sum(len(job.values) for job in jobs)
    if workers <= 1 or total < min_parallel:
        return [_run_chunk(job) for job in jobs]
    for job in jobs:  # build the lazily loaded tables once, before the workers fork
        _run_chunk(_Job(job.standardizer, job.values[:1], job.countries and job.countries[:1]))
    chunks = [list(_chunks(job, CHUNK)) for job in jobs]
    with ProcessPoolExecutor(workers, mp_context=_pool_context()) as pool:
        done = iter(pool.map(_run_chunk, [c for job_chunks in chunks for c in job_chunks]))
        return [[out for _ in job_chunks for out in next(done)] for job_chunks in chunks]


def _clean_codes(column: pd.Series) -> tuple[IntArray, list[str | None]]:
    """Codes of a raw column into its distinct cleaned values (`clean_raw`), -1 for missing."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    missing = column.to_numpy()[codes < 0]
    # factorize merges 1 with 1.0 and drops pd.NA, which `clean_raw` reads as "1.0" and "<NA>"
    if set(map(type, uniques)) <= {str} and set(map(type, missing)) <= {type(None), float}:
        return codes, [clean_raw(u) for u in uniques]
    cleaned = pd.Series([clean_raw(v) for v in column.tolist()], dtype=object)
    codes, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def _lookup(codes: IntArray, table: IntArray) -> IntArray:
    """`table[codes]`, with -1 kept for missing codes."""
    return np.append(table, -1).astype(np.int64)[codes]


def _compact(codes: IntArray, values: Sequence[str]) -> tuple[IntArray, list[str]]:
    """Codes renumbered over the values records use, in order of first use."""
    present = codes >= 0
    used, distinct = pd.factorize(codes[present])
    out = np.full(len(codes), -1, dtype=np.int64)
    out[present] = used
    return out, [values[i] for i in distinct]


def first_present(records: pd.DataFrame, columns: tuple[str, ...]) -> Column:
    """Codes of the first non-blank of `columns` per record into its distinct raw values."""
    codes = np.full(len(records), -1, dtype=np.int64)
    index: dict[str, int] = {}
    for name in (c for c in columns if c in records.columns):
        column_codes, values = _clean_codes(records[name])
        table = [-1 if v is None else index.setdefault(v, len(index)) for v in values]
        mapped = _lookup(column_codes, np.asarray(table, dtype=np.int64))
        codes = np.where(codes < 0, mapped, codes)
    if len(columns) > 1:  # a value only ever hidden behind an earlier column is not used
        return Column(*_compact(codes, list(index)))
    return Column(codes, list(index))


def _factorized(codes: IntArray, outputs: Sequence[object]) -> Column:
    """Records' codes into distinct outputs, given each record's code into `outputs`."""
    out_codes, uniques = pd.factorize(np.asarray(outputs, dtype=object), use_na_sentinel=True)
    return Column(_lookup(codes, np.asarray(out_codes, np.int64)), [str(u) for u in uniques])


def _pairs(raw: Column, country: Column | None) -> tuple[IntArray, list[str], list[str | None]]:
    """Codes into distinct (raw, country) pairs, and the pairs' values and countries."""
    if country is None:
        return raw.codes, raw.values, [None] * len(raw.values)
    width = len(country.values) + 1
    present = raw.codes >= 0
    keys, distinct = pd.factorize(raw.codes[present] * width + country.codes[present] + 1)
    codes = np.full(len(raw.codes), -1, dtype=np.int64)
    codes[present] = keys
    lookup = [*country.values, None]
    values = [raw.values[k // width] for k in distinct.tolist()]
    countries = [lookup[k % width - 1] for k in distinct.tolist()]
    return codes, values, countries


@dataclass(frozen=True, slots=True, eq=False)
class _Field:
    """A field waiting for its job's outputs: record codes into the job's inputs."""

    spec: FieldSpec
    codes: IntArray
    country: Column | None


def _job(spec: FieldSpec, raw: Column, country: Column | None) -> tuple[_Field, _Job]:
    if spec.standardizer in IN_COUNTRY:
        codes, values, countries = _pairs(raw, country)
        return _Field(spec, codes, country), _Job(spec.standardizer, values, countries)
    return _Field(spec, raw.codes, country), _Job(spec.standardizer, raw.values, None)


def _legal_forms(names: IntArray, forms: list[str | None], country: Column | None) -> Column:
    """Legal forms as the record's country reads them, once per distinct (form, country) pair.

    `names` are the records' codes into the distinct raw names, `forms` their legal forms.
    """
    form_codes, form_values = pd.factorize(np.asarray(forms, dtype=object), use_na_sentinel=True)
    form = Column(_lookup(names, np.asarray(form_codes, np.int64)), list(form_values))
    codes, values, countries = _pairs(form, country)
    return _factorized(
        codes, [local_legal_form(v, c) for v, c in zip(values, countries, strict=True)]
    )


def _columns(field: _Field, outputs: list[Any]) -> dict[str, Column]:
    """The prepared column(s) of one field from its job's outputs."""
    spec = field.spec
    if spec.standardizer != "org_name":
        return {spec.name: _factorized(field.codes, outputs)}
    clean, forms = zip(*outputs, strict=True) if outputs else ((), ())
    return {
        spec.name: _factorized(field.codes, clean),
        spec.name + LEGAL_FORM_SUFFIX: _legal_forms(field.codes, list(forms), field.country),
    }


def prepare_distinct(
    records: pd.DataFrame,
    settings: MatchSettings,
    workers: int = 2,
    *,
    min_parallel: int = MIN_PARALLEL,
) -> Prepared:
    """Prepared features as codes into distinct values; `to_frame()` equals `prepare()`.

    Runs in `workers` processes when there are at least `min_parallel` distinct inputs.
    """
    columns: dict[str, Column | None] = {}
    waiting: list[tuple[_Field, _Job]] = []
    # countries first: phones, postcodes and tax ids are read in their record's country
    for spec in sorted(settings.fields, key=lambda f: f.standardizer != "country"):
        country = columns.get(settings.country_field) if settings.country_field else None
        field, job = _job(spec, first_present(records, spec.columns), country)
        if settings.country_field in _names(spec):  # later fields read it: resolve it now
            columns.update(_columns(field, _run_jobs([job], workers, min_parallel)[0]))
            continue
        columns.update(dict.fromkeys(_names(spec)))  # keep prepare()'s column order
        waiting.append((field, job))
    outputs = _run_jobs([job for _, job in waiting], workers, min_parallel)
    for (field, _), out in zip(waiting, outputs, strict=True):
        columns.update(_columns(field, out))
    if settings.parent_field and settings.parent_field not in columns:
        columns[settings.parent_field] = first_present(records, (settings.parent_field,))
    return Prepared(_resolved(columns), len(records))


def _names(spec: FieldSpec) -> list[str]:
    if spec.standardizer == "org_name":
        return [spec.name, spec.name + LEGAL_FORM_SUFFIX]
    return [spec.name]


def _resolved(columns: dict[str, Column | None]) -> dict[str, Column]:
    out = {name: column for name, column in columns.items() if column is not None}
    if len(out) != len(columns):  # pragma: no cover - every waiting field is filled above
        raise RuntimeError("a prepared feature was never computed")
    return out
