"""Running the standardizers over distinct inputs: in-process, on a process pool, or from a memo.

`prepare_distinct` hands each field's distinct inputs to a `Runner` as a `Job`; the runner
answers at once for small inputs, and on a process pool (every core) for many. A `Memo` kept
by a caller that prepares the same records again and again answers the inputs it has met.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import is_, itemgetter
from types import TracebackType
from typing import Any

from matching.normalize.org_names import clean_and_legal_form, normalize_org_name
from matching.prepare import IN_COUNTRY_ONCE, SIMPLE, SIMPLE_ONCE

# Below this many distinct values in all, a pool costs more than it saves.
MIN_PARALLEL = 20_000
CHUNK = 10_000


@dataclass(frozen=True, slots=True, eq=False)
class Job:
    """Distinct inputs of one standardizer; `countries` is set for country-dependent ones."""

    standardizer: str
    values: list[str]
    countries: list[str | None] | None
    cached: bool = False  # read through the normalizers' caches (see `_READ_BY_CALLER`)


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


# The standardizers whose new inputs a memo's caller has mostly read already, through the
# normalizers' caches: resolve on ingest validates a record's website (and e-mail address)
# before matching reads its domain from them, as it does its name (see `_org_names`).
_READ_BY_CALLER = {"domain": SIMPLE["domain"]}


def run_chunk(job: Job) -> list[list[Any]]:
    """Standardize one chunk (in a worker process, or in-process for small inputs): one list
    of outputs per prepared feature (two for an organisation name)."""
    if job.standardizer == "org_name":
        return _org_names(job.values, cached=job.cached)
    if job.countries is not None:
        read = IN_COUNTRY_ONCE[job.standardizer]
        return [[read(v, c) for v, c in zip(job.values, job.countries, strict=True)]]
    convert = SIMPLE_ONCE[job.standardizer]
    if job.cached:
        convert = _READ_BY_CALLER.get(job.standardizer, convert)
    return [list(map(convert, job.values))]


def _chunks(job: Job) -> Iterator[Job]:
    for start in range(0, len(job.values), CHUNK):
        countries = None if job.countries is None else job.countries[start : start + CHUNK]
        yield Job(job.standardizer, job.values[start : start + CHUNK], countries, job.cached)


@dataclass(slots=True, eq=False)
class Pending:
    """A submitted job: its chunks' futures, or nothing yet when it runs in-process."""

    job: Job
    futures: list[Future[list[list[Any]]]] = field(default_factory=list)

    def result(self) -> list[list[Any]]:
        """The job's outputs (once: the futures let go of them)."""
        if not self.futures:
            return run_chunk(self.job)
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
        # standardizer -> country (None for a standardizer that reads none) -> input -> answer:
        # a table per country keys by the value itself, where a (value, country) pair would be
        # a tuple built and hashed per input
        self._tables: dict[str, defaultdict[str | None, Table]] = {}

    def submit(self, job: Job, send: Callable[[Job], Pending]) -> Recalled:
        """Send only the inputs not met before; the rest come from the table."""
        tables = self._tables.setdefault(job.standardizer, defaultdict(dict))
        if sum(map(len, tables.values())) + len(job.values) > self._limit:
            tables.clear()
        # Tens of thousands of inputs a call, nearly all met before: the lookups stay in C (map).
        where: Table | list[Table]
        if job.countries is None:
            where = tables[None]
            known = list(map(where.get, job.values, repeat(_MISSING)))
        else:
            where = list(map(tables.__getitem__, job.countries))
            known = list(map(dict.get, where, job.values, repeat(_MISSING)))
        todo = _missing(known)
        countries = None if job.countries is None else [job.countries[i] for i in todo]
        unknown = Job(job.standardizer, [job.values[i] for i in todo], countries, cached=True)
        return Recalled(_outputs(job.standardizer), job.values, known, todo, send(unknown), where)


# a memo's answers for one standardizer (and country): the output of an input, or a tuple of
# its outputs for a standardizer with several
Table = dict[str, Any]
_MISSING: Any = object()  # not met yet (None is an answer)


def _missing(known: list[Any]) -> list[int]:
    """Positions of the inputs not met; one search in C finds that there are none, mostly."""
    if _MISSING not in known:  # compares by identity: no answer equals a new object
        return []
    return list(compress(range(len(known)), map(is_, known, repeat(_MISSING))))


@dataclass(slots=True, eq=False)
class Recalled:
    """A job answered partly from a memo and partly by the standardizers."""

    width: int  # outputs per input
    values: list[str]
    known: list[Any]  # answers as the memo keeps them; _MISSING where `todo` points
    todo: list[int]
    pending: Pending
    tables: Table | list[Table]  # the table of every input, or of each input

    def result(self) -> list[list[Any]]:
        """The job's outputs, in the order of its inputs."""
        if self.todo:
            outputs = self.pending.result()
            fresh = outputs[0] if self.width == 1 else list(zip(*outputs, strict=True))
            tables = self.tables
            for i, out in zip(self.todo, fresh, strict=True):
                table = tables if isinstance(tables, dict) else tables[i]
                self.known[i] = table[self.values[i]] = out
            self.todo = []
        if self.width == 1:  # the answers are the outputs
            return [self.known]
        return [list(map(itemgetter(k), self.known)) for k in range(self.width)]


def _outputs(standardizer: str) -> int:
    return 2 if standardizer == "org_name" else 1


class Runner:
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
        self._unsent: list[Pending] = []
        self._waiting = 0

    def submit(self, job: Job) -> Pending | Recalled:
        if self._memo is not None:
            return self._memo.submit(job, self._send)
        return self._send(job)

    def _send(self, job: Job) -> Pending:
        pending = Pending(job)
        self._unsent.append(pending)
        self._waiting += len(job.values)
        if self._pool is None and self._workers > 1 and self._waiting >= self._min_parallel:
            context = multiprocessing.get_context(self._start_method or _default_start_method())
            self._pool = ProcessPoolExecutor(self._workers, context, initializer=gc.disable)
        if self._pool is not None:
            for unsent in self._unsent:
                unsent.futures = [self._pool.submit(run_chunk, c) for c in _chunks(unsent.job)]
            self._unsent = []
        return pending

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=kind is not None)


def _default_start_method() -> str | None:
    # fork shares the tables this process has built (countries, legal forms): a second faster
    # at 200,000 records than spawn or forkserver, where each worker builds its own
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else None
