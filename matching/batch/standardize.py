"""Standardize step for the batch path: every standardizer once per distinct raw value.

Records repeat their values (one city, country or legal form for thousands of records), so the
standardizers run on `pd.factorize`'s distinct values only, and features come out as codes into
distinct prepared values. Country-dependent standardizers (phone, postcode, tax id, the local
reading of a legal form) run once per distinct (value, country) pair. Many distinct values are
split into chunks for a process pool, so every core works. `Prepared.to_frame()` is exactly
`matching.prepare.prepare(records, settings)`.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import is_not
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.config import FieldSpec, MatchSettings
from matching.normalize import local_legal_form
from matching.normalize.org_names import clean_and_legal_form, normalize_org_name
from matching.prepare import IN_COUNTRY, IN_COUNTRY_ONCE, LEGAL_FORM_SUFFIX, SIMPLE_ONCE, clean_raw

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


# --- running the standardizers -------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Job:
    """Distinct inputs of one standardizer; `countries` is set for country-dependent ones."""

    standardizer: str
    values: list[str]
    countries: list[str | None] | None
    cached: bool = False  # read organisation names through `normalize_org_name`'s cache


def _org_names(values: list[str], *, cached: bool) -> list[list[str | None]]:
    # as normalize_org_name reads them: clean names and legal forms. A batch run reads each
    # of a million names once, so it skips the cache; a memo's caller (resolve on ingest) meets
    # names its own validation has just read through the cache.
    if cached:
        orgs = [normalize_org_name(v) for v in values]
        clean = [(o.clean or None) if o else None for o in orgs]
        return [clean, [o.legal_form if o else None for o in orgs]]
    names = [clean_and_legal_form(v) or ("", None) for v in values]
    return [[name[0] or None for name in names], [name[1] for name in names]]


def _run_chunk(job: _Job) -> list[list[Any]]:
    """Standardize one chunk (in a worker process, or in-process for small inputs): one list
    of outputs per prepared feature (two for an organisation name)."""
    if job.standardizer == "org_name":
        return _org_names(job.values, cached=job.cached)
    if job.countries is not None:
        read = IN_COUNTRY_ONCE[job.standardizer]
        return [[read(v, c) for v, c in zip(job.values, job.countries, strict=True)]]
    convert = SIMPLE_ONCE[job.standardizer]
    return [[convert(v) for v in job.values]]


def _chunks(job: _Job) -> Iterator[_Job]:
    for start in range(0, len(job.values), CHUNK):
        countries = None if job.countries is None else job.countries[start : start + CHUNK]
        yield _Job(job.standardizer, job.values[start : start + CHUNK], countries, job.cached)


@dataclass(slots=True, eq=False)
class _Pending:
    """A submitted job: its chunks' futures, or nothing yet when it runs in-process."""

    job: _Job
    futures: list[Future[list[list[Any]]]] = field(default_factory=list)

    def result(self) -> list[list[Any]]:
        """The job's outputs (once: the futures let go of them)."""
        if not self.futures:
            return _run_chunk(self.job)
        futures, self.futures = self.futures, []
        chunks = [future.result() for future in futures]
        return [list(chain.from_iterable(part)) for part in zip(*chunks, strict=True)]


class Memo:
    """Standardized outputs by input, kept from one `prepare_distinct` call to the next.

    Resolve-on-ingest prepares the same neighbours batch after batch: with a memo only values
    it has not met are standardized. Each standardizer keeps at most `limit` inputs; past that
    its table starts again (a bound on memory, not an LRU: refilling is cheap).
    """

    def __init__(self, limit: int = 500_000) -> None:
        self._limit = limit
        self._tables: dict[str, dict[tuple[str, str | None], tuple[Any, ...]]] = {}

    def submit(self, job: _Job, send: Callable[[_Job], _Pending]) -> _Recalled:
        """Send only the inputs not met before; the rest come from the table."""
        table = self._tables.setdefault(job.standardizer, {})
        if len(table) + len(job.values) > self._limit:
            table.clear()
        keys = list(zip(job.values, job.countries or repeat(None), strict=False))
        known = [table.get(key) for key in keys]
        todo = [i for i, out in enumerate(known) if out is None]
        countries = None if job.countries is None else [job.countries[i] for i in todo]
        unknown = _Job(job.standardizer, [job.values[i] for i in todo], countries, cached=True)
        return _Recalled(_outputs(job.standardizer), keys, known, todo, send(unknown), table)


@dataclass(slots=True, eq=False)
class _Recalled:
    """A job answered partly from a memo and partly by the standardizers."""

    width: int  # outputs per input
    keys: list[tuple[str, str | None]]
    known: list[tuple[Any, ...] | None]
    todo: list[int]
    pending: _Pending
    table: dict[tuple[str, str | None], tuple[Any, ...]]

    def result(self) -> list[list[Any]]:
        """The job's outputs, in the order of its inputs."""
        fresh = self.pending.result() if self.todo else []
        for j, i in enumerate(self.todo):
            out = tuple(outputs[j] for outputs in fresh)
            self.known[i] = self.table[self.keys[i]] = out
        self.todo = []
        return [[out[k] for out in self.known if out is not None] for k in range(self.width)]


def _outputs(standardizer: str) -> int:
    return 2 if standardizer == "org_name" else 1


class _Runner:
    """Runs jobs in-process, or on a process pool once `min_parallel` distinct values wait.

    Jobs go to the workers as soon as they are known, so the workers standardize one field
    while this process factorizes the next.
    """

    def __init__(
        self, workers: int, min_parallel: int, start_method: str | None, memo: Memo | None = None
    ) -> None:
        self._memo = memo
        self._workers = workers
        self._min_parallel = min_parallel
        self._start_method = start_method
        self._pool: ProcessPoolExecutor | None = None
        self._unsent: list[_Pending] = []
        self._waiting = 0

    def submit(self, job: _Job) -> _Pending | _Recalled:
        if self._memo is not None:
            return self._memo.submit(job, self._send)
        return self._send(job)

    def _send(self, job: _Job) -> _Pending:
        pending = _Pending(job)
        self._unsent.append(pending)
        self._waiting += len(job.values)
        if self._pool is None and self._workers > 1 and self._waiting >= self._min_parallel:
            context = multiprocessing.get_context(self._start_method or _default_start_method())
            self._pool = ProcessPoolExecutor(self._workers, context, initializer=gc.disable)
        if self._pool is not None:
            for unsent in self._unsent:
                unsent.futures = [self._pool.submit(_run_chunk, c) for c in _chunks(unsent.job)]
            self._unsent = []
        return pending

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=kind is not None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, which would walk every million-item list again and
    again while they are built (the standardizers make no reference cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _default_start_method() -> str | None:
    # fork shares the tables this process has built (countries, legal forms): a second faster
    # at 200,000 records than spawn or forkserver, where each worker builds its own
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else None


# --- codes ---------------------------------------------------------------------------------


def _lookup(codes: IntArray, table: npt.ArrayLike) -> IntArray:
    """`table[codes]`, with -1 kept for missing codes."""
    return np.append(np.asarray(table, dtype=np.int64), -1)[codes]


def _factorize_objects(values: npt.NDArray[np.object_], *, scan: bool) -> tuple[IntArray, Any]:
    """`pd.factorize` that tells apart strings differing after a NUL.

    pandas factorizes an array of nothing but strings as C strings, which end at a NUL: "a"
    and "a\\0b" would share a code. One None sends it to its table of Python objects, which is
    exact, and barely slower where strings lie scattered in memory (records built in this
    process); `scan` first looks for a NUL instead, which is cheaper where they lie together.
    """
    if scan:
        try:
            cut = any("\0" in v for v in values)
        except TypeError:  # not only strings: pandas uses its table of objects anyway
            cut = False
        if not cut:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            return np.asarray(codes, dtype=np.int64), uniques
    codes, uniques = pd.factorize(np.append(values, [None]), use_na_sentinel=True)
    return np.asarray(codes[:-1], dtype=np.int64), uniques


def _factorize(values: Sequence[object], *, scan: bool = True) -> tuple[IntArray, list[Any]]:
    """Codes into distinct values (None is missing: -1), and the distinct values."""
    codes, uniques = _factorize_objects(np.asarray(values, dtype=object), scan=scan)
    return codes, list(uniques)


def _cleaned(cells: pd.Series) -> tuple[IntArray, list[str]]:
    """Codes of raw cells into their distinct values read by `clean_raw` (-1 for None)."""
    raw = cells.to_numpy()
    if raw.dtype != object:  # numbers, dates: `clean_raw` reads what `tolist` gives
        return _factorize([clean_raw(v) for v in cells.tolist()], scan=False)
    codes, uniques = _factorize_objects(raw, scan=False)
    missing = raw[codes < 0]
    # factorize merges 1 with 1.0 and drops pd.NA, which `clean_raw` reads as "1.0" and "<NA>"
    if not (set(map(type, uniques)) <= {str} and set(map(type, missing)) <= {type(None), float}):
        return _factorize([clean_raw(v) for v in cells.tolist()], scan=False)
    # stripped once per distinct value; `strip` returns the very value when it has no padding
    cleaned = [u.strip() for u in uniques]
    padded = np.fromiter(map(is_not, cleaned, uniques), bool, len(cleaned))
    table = _merged(cleaned, list(uniques), np.flatnonzero(padded).tolist())
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
        blanks = np.flatnonzero(np.asarray(uniques, dtype=object) == "")
        blank = int(blanks[0]) if len(blanks) else None
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
    pairs = distinct.tolist()
    return codes, [raw.values[k // width] for k in pairs], [countries[k % width - 1] for k in pairs]


# --- fields --------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Field:
    """A field waiting for its job: records' codes into the job's inputs."""

    spec: FieldSpec
    codes: IntArray
    country: Column | None
    pending: _Pending | _Recalled
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


def _submit(spec: FieldSpec, raw: Column, country: Column | None, runner: _Runner) -> _Field:
    codes, values, countries = raw.codes, raw.values, None
    if spec.standardizer in IN_COUNTRY:  # once per distinct (value, country) pair
        codes, values, countries = _pairs(raw, country)
    return _Field(spec, codes, country, runner.submit(_Job(spec.standardizer, values, countries)))


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
    with _collector_paused(), _Runner(workers, min_parallel, start_method, memo) as runner:
        for i in _reading_order(specs, settings.country_field):
            country = countries.get(settings.country_field) if settings.country_field else None
            fields[i] = _submit(specs[i], first_present(records, specs[i].columns), country, runner)
            if settings.country_field in _names(specs[i]):  # later fields read it: wait for it
                countries.update(fields[i].columns())
        columns = _in_prepare_order([fields[i] for i in range(len(specs))])
    if settings.parent_field and settings.parent_field not in columns:
        columns[settings.parent_field] = first_present(records, (settings.parent_field,))
    return Prepared(columns, len(records))
