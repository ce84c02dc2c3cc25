"""Engine factory, the one naming convention, and the one session scope."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, Row, Table, create_engine, event
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session, SQLModel

from mdm import wal_checkpoint, writer_queue
from mdm.errors import InvalidInput
from mdm.settings import Settings

T = TypeVar("T")

# One naming convention so constraint names are identical on SQLite and PostgreSQL and
# Alembic batch mode can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def create_db_engine(settings: Settings) -> Engine:
    """Build the engine for the configured database; nothing connects until first use."""
    if settings.is_sqlite:
        return _sqlite_engine(settings)
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        pool_pre_ping=True,
        # The hub's statements are short OLTP queries; JIT compilation, triggered by a stale
        # cost estimate, once added 10-200 ms to a 0.5 ms job claim.
        connect_args={"options": "-c jit=off"},
    )
    event.listen(engine, "before_cursor_execute", _refuse_nul)
    return engine


def _is_file(url: URL) -> bool:
    """Whether a SQLite URL names a plain database file path (not memory, which has no log, nor
    a `file:` URI, whose options only the driver reads)."""
    plain = bool(url.database) and url.database != ":memory:" and "uri" not in url.query
    return plain and url.query.get("mode") != "memory"


def _refuse_nul(
    _conn: Any, _cursor: Any, _sql: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    # PostgreSQL text cannot hold NUL: say so as bad input (4xx) instead of a driver error (500).
    for row in parameters if executemany else [parameters]:
        values = row.values() if isinstance(row, Mapping) else row or ()
        if any(_has_nul(v) for v in values):
            raise InvalidInput("text cannot contain NUL (\\x00) characters")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    # a list bound as one array parameter (blocking keys looked up per key)
    return isinstance(value, list | tuple) and any(
        isinstance(v, str) and "\x00" in v for v in value
    )


def _sqlite_engine(settings: Settings) -> Engine:
    url = make_url(settings.database_url)
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={
            "check_same_thread": False,
            "timeout": settings.sqlite_busy_timeout_ms / 1000,
        },
    )
    busy_ms = settings.sqlite_busy_timeout_ms
    background = _is_file(url)
    if background:
        path = str(Path(url.database or "").expanduser().absolute())
        wal_checkpoint.attach(engine, path, busy_ms)
        writer_queue.attach(engine, path, busy_ms)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take control
        # of it so SQLAlchemy's BEGIN (see _on_begin) is what the database sees.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if background:  # a thread copies the log (see mdm.wal_checkpoint); this is a backstop
            cursor.execute(f"PRAGMA wal_autocheckpoint={wal_checkpoint.BACKSTOP_PAGES}")
        # 64 MiB of page cache per connection (the default is 2 MiB): resolve on ingest seeks
        # the blocking-key and record indexes all over a database of hundreds of MB.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers ask for BEGIN IMMEDIATE (see `session_scope(write=True)`): they take the write
        # lock up front and queue on the busy timeout, instead of failing when a read-then-write
        # transaction finds the snapshot it read is stale.
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


@contextmanager
def session_scope(
    engine: Engine, *, write: bool = False, dry_run: bool = False
) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises (or on a dry run).

    `write=True` marks a unit that will write: on SQLite it starts with BEGIN IMMEDIATE.
    """
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if write else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise


# Ids per IN list: well under every database's limit on a statement's parameters.
IN_CHUNK = 500


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """`items` in slices small enough for an IN list."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert many rows as one Core executemany, bypassing the ORM's per-row bookkeeping.

    The ORM's bulk insert spends more time per row than the database does; resolve-on-ingest
    writes thousands of rows a batch (see `execute_many`). Pending ORM changes are flushed first,
    as the ORM's own autoflush would (not inside `no_autoflush`), so rows may refer to objects
    added earlier.
    """
    if not rows:
        return
    execute_many(flushed_connection(session), _insert_of(model.__table__), rows)  # type: ignore[attr-defined]


@cache
def _insert_of(table: Table) -> Executable:
    # built once per table: the statement keys execute_many's cache of compiled forms
    return table.insert()


# Many rows in few statements. SQLAlchemy handles each row of an executemany in Python
# (parameter dictionaries, bind processors, bookkeeping); on SQLite that costs as much as the
# database's own work. On SQLite a statement is compiled once per set of row keys and each row
# goes to the driver as a tuple, through only the bind processors its columns have (dates and
# JSON to text, as SQLAlchemy would). Statements needing more (defaults computed per row,
# expanding parameters, results to convert) and other databases take SQLAlchemy's own path.

_NOTHING = object()
# Compiled forms kept per dialect; past this many a caller builds statements per call (a
# misuse the docstrings warn of) and the cache starts over rather than grow without bound.
_MAX_PLANS = 256


def execute_many(
    connection: Connection,
    statement: Executable,
    rows: list[dict[str, Any]],
) -> None:
    """`connection.execute(statement, rows)`, storing the same values, with less work per row.

    The statement keys a cache of compiled forms: pass one built once, not a new one per call.
    """
    if not rows:
        return
    plan = _plan(connection.dialect, statement, tuple(sorted(rows[0])), False)
    params = plan.tuples(rows) if plan is not None else None
    if plan is None or params is None:
        connection.execute(statement, rows)
    else:
        connection.exec_driver_sql(plan.sql, params)


def insert_returning(
    connection: Connection,
    statement: Executable,
    rows: list[dict[str, Any]],
) -> list[Row[*tuple[Any, ...]]]:
    """`connection.execute(statement, rows).all()` for an INSERT .. RETURNING: the returned
    rows, in no particular order.

    On SQLite the rows go in as one multi-row VALUES statement (as SQLAlchemy's own
    "insertmanyvalues" does, in the same order), unless a returned column's value would need
    converting. The statement keys the cache of compiled forms, as in `execute_many`.
    """
    if not rows:
        return []
    plan = _plan(connection.dialect, statement, tuple(sorted(rows[0])), True)
    params = plan.tuples(rows) if plan is not None else None
    if plan is None or params is None:
        return list(connection.execute(statement, rows).all())
    found: list[Row[*tuple[Any, ...]]] = []
    # the dialect's own limits, as SQLAlchemy's insertmanyvalues batches the same rows
    dialect = connection.dialect
    per_statement = min(
        dialect.insertmanyvalues_page_size,
        dialect.insertmanyvalues_max_parameters // plan.width,
    )
    for start in range(0, len(params), per_statement):
        chunk = params[start : start + per_statement]
        flat = tuple(chain.from_iterable(chunk))
        found += connection.exec_driver_sql(plan.with_rows(len(chunk)), flat).all()
    return found


@dataclass(frozen=True, slots=True)
class _Plan:
    """A compiled statement and how to turn its dict rows into the driver's tuples."""

    sql: str
    width: int  # parameters per row
    get: Callable[[Mapping[str, Any]], tuple[Any, ...]]  # the values in the statement's order
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, bind processor)

    def tuples(self, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]] | None:
        """The rows as the driver takes them, or None if one lacks a key of the first (for
        SQLAlchemy to report as it would)."""
        get, convert = self.get, self.convert
        try:
            values = [get(row) for row in rows]
        except KeyError:
            return None
        if not convert:
            return values
        # rows of a batch often share one value object (a timestamp taken once): converted once
        last: list[tuple[object, object]] = [(_NOTHING, None)] * len(convert)
        out = []
        for row in values:
            converted = list(row)
            for n, (position, process) in enumerate(convert):
                value = converted[position]
                seen, done = last[n]
                if value is not seen:
                    done = process(value)
                    last[n] = (value, done)
                converted[position] = done
            out.append(tuple(converted))
        return out

    def with_rows(self, count: int) -> str:
        """The statement with `count` rows in its one VALUES clause."""
        head, tail = self.sql.split(_values(self.width))
        return head + " VALUES " + ", ".join([_group(self.width)] * count) + tail


def _group(width: int) -> str:
    return "(" + ", ".join(["?"] * width) + ")"


def _values(width: int) -> str:
    return " VALUES " + _group(width)


_PlanKey = tuple[Executable, tuple[str, ...], bool]
# per dialect (the processors are its own), statement, set of keys and use; None: not plain
_PLANS: WeakKeyDictionary[Dialect, dict[_PlanKey, _Plan | None]] = WeakKeyDictionary()


def _plan(
    dialect: Dialect,
    statement: Executable,
    keys: tuple[str, ...],
    returning: bool,
) -> _Plan | None:
    plans = _PLANS.setdefault(dialect, {})
    key = (statement, keys, returning)
    try:
        return plans[key]
    except KeyError:
        if len(plans) >= _MAX_PLANS:
            plans.clear()
        try:
            plan = _compile_plan(dialect, statement, keys, returning)
        except AttributeError:
            # the compiled form's internals read here are SQLAlchemy's own, not its API: if a
            # release renames one, SQLAlchemy's path serves instead
            plan = None
        plans[key] = plan
        return plan


def _compile_plan(
    dialect: Dialect, statement: Executable, keys: tuple[str, ...], returning: bool
) -> _Plan | None:
    if dialect.name != "sqlite" or not isinstance(statement, ClauseElement):
        return None
    try:
        # as Connection.execute compiles it for a list of rows with these keys
        compiled = statement.compile(
            dialect=dialect, column_keys=list(keys), for_executemany=not returning
        )
    except SQLAlchemyError:
        return None  # SQLAlchemy will raise it again, as it would have
    if not isinstance(compiled, SQLCompiler) or not _plain(compiled, returning):
        return None
    names = compiled.positiontup
    if not names or not set(names) <= set(keys):
        return None  # a value bound in the statement itself, not taken from the rows
    if returning and compiled.string.count(_values(len(names))) != 1:
        return None
    processors = compiled._bind_processors
    return _Plan(
        compiled.string,
        len(names),
        _getter(names),
        tuple((i, processors[n]) for i, n in enumerate(names) if n in processors),  # type: ignore[misc]
    )


def _getter(names: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    if len(names) > 1:
        return itemgetter(*names)
    one = itemgetter(names[0])
    return lambda row: (one(row),)


def _plain(compiled: SQLCompiler, returning: bool) -> bool:
    """Values go to the driver as they are, each through at most its type's bind processor,
    and (`returning`) an INSERT's returned values come back as the driver gives them."""
    if returning:
        returns = bool(compiled.isinsert and compiled.returning) and not any(
            column.type._cached_result_processor(compiled.dialect, None) is not None
            for column in compiled.returning or ()
        )
    else:
        returns = not compiled.implicit_returning and not compiled.returning
    return bool(
        returns
        and compiled.positional
        and not compiled.insert_prefetch
        and not compiled.update_prefetch
        and not compiled.literal_execute_params
        and not compiled.post_compile_params
        and not compiled.escaped_bind_names
        and compiled._insertmanyvalues is None
    )


def flushed_connection(session: Session) -> Connection:
    """The session's connection, for plain Core statements (no ORM row handling), with the
    pending changes flushed first as the ORM's autoflush would before its own statements."""
    if session.autoflush:
        session.flush()
    return session.connection()


def expire_loaded(
    session: Session, model: type[SQLModel], ids: set[Any], names: list[str] | None = None
) -> None:
    """Expire what loaded objects of `model` with these ids hold of columns (all, or `names`)
    just written past the ORM, so a later read sees the database. The identity key is
    (class, (id,), token): no attribute is read (or loaded) to find them."""
    for state in list(session.identity_map.all_states()):
        key, loaded = state.key, state.obj()
        if key is not None and key[0] is model and key[1][0] in ids and loaded is not None:
            session.expire(loaded, names)
