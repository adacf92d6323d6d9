"""Database sources: each contract table streamed in chunks into a parquet file, never whole in pandas.

A ``postgresql://user:password@host/db`` URL is read through psycopg 3 with ``COPY (SELECT * FROM t) TO STDOUT``
(CSV), parsed by Arrow's CSV reader chunk by chunk; any other SQLAlchemy URL (``sqlite:///sales.db`` ...) through a
streaming result (``stream_results``/``yield_per``). Either way a table goes through memory ``chunk_rows`` rows
at a time into ``<folder>/<table>.parquet`` (one row group per chunk); the loader then reads those files, and
the folder is itself a valid source with the same mapping. Every value is kept as text, as a CSV export would
give it (a date ``2026-01-05``, a number ``1234.50``, NULL as missing): the loader parses each contract column
by its kind, so a database and the folder it was loaded from give the same dataset. All tables are read in one
read-only snapshot (PostgreSQL: a repeatable-read transaction). The password is never printed: messages name
the URL with ``***``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataSourceError
from .contract import TABLES
from .dataset import Mapping

__all__ = ["CHUNK_ROWS", "Staged", "masked_url", "open_database", "stage_database"]

CHUNK_ROWS = 100_000  # rows in memory at once while a table is copied, and rows per parquet row group
POSTGRES_SCHEMES = ("postgresql", "postgres")  # with any driver suffix: postgresql+psycopg2:// is read by psycopg 3
HINT = "write it like sqlite:///path/to/sales.db or postgresql://user:password@host/dbname"


@dataclass
class Staged:
    """What :func:`stage_database` wrote: contract table -> (database table, parquet file), and the rest."""

    label: str  # the URL with its password hidden
    files: dict[str, tuple[str, Path]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # database tables that are no contract table


def masked_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (for messages about URLs that could not be parsed)."""
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)


def stage_database(url: str, mapping: Mapping, folder: Path, *, chunk_rows: int = CHUNK_ROWS) -> Staged:
    """Copy every contract table the database at ``url`` holds into ``folder`` as parquet, ``chunk_rows`` at a time.

    Tables are found by the mapping's names (exact, else ignoring case); a table several contract tables name
    (a flat export) is copied once. Raises :class:`DataSourceError` with one line (URL without password) when
    the server cannot be reached, the password is wrong or a table cannot be read.
    """
    with open_database(url) as source:
        names = source.tables()
        staged, written = Staged(source.label), {}
        for table in TABLES:
            found = _pick(names, mapping.table_name(table))
            if len(found) > 1:
                raise DataSourceError(f"table {table} matches several database tables: {', '.join(found)}")
            if found:
                name = found[0]
                if name not in written:
                    written[name] = _file_for(name, folder, written.values())
                    write_parquet(source.chunks(name, chunk_rows), source.columns(name), written[name])
                staged.files[table] = (name, written[name])
        staged.ignored = [n for n in names if n not in written]
    return staged


def write_parquet(chunks: Iterable[pa.Table], columns: list[str], path: Path) -> int:
    """Write text chunks into one parquet file (one row group each); returns the number of rows written."""
    schema = pa.schema([(name, pa.string()) for name in columns])
    rows = 0
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in chunks:
            writer.write_table(chunk.cast(schema), row_group_size=max(chunk.num_rows, 1))
            rows += chunk.num_rows
    return rows


def open_database(url: str) -> _Postgres | _SqlAlchemy:
    """A connected source for ``url`` (use it as a context manager): PostgreSQL through psycopg, else SQLAlchemy."""
    scheme = url.split("://", 1)[0].split("+", 1)[0].lower()
    return _Postgres(url) if scheme in POSTGRES_SCHEMES else _SqlAlchemy(url)


def _pick(names: list[str], wanted: str) -> list[str]:
    """Source names matching ``wanted`` exactly, else ignoring case."""
    exact = [n for n in names if n == wanted]
    return exact or [n for n in names if n.casefold() == wanted.casefold()]


def _file_for(name: str, folder: Path, taken: Iterable[Path]) -> Path:
    """``<table>.parquet``, so the folder is itself a source with the same mapping; odd characters replaced."""
    stem = re.sub(r"[^\w.-]", "_", name).lstrip(".")[:100] or "table"
    used = {p.stem.casefold() for p in taken}
    unique = stem if stem.casefold() not in used else f"{stem}~{len(used)}"
    return folder / f"{unique}.parquet"


def _reason(exc: BaseException, password: str | None) -> str:
    """The first non-empty line of a driver error, with the password (should a driver echo it) hidden."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    return text.replace(password, "***") if password else text


# --------------------------------------------------------------------------------------------------- PostgreSQL


class _Postgres(AbstractContextManager):
    """A PostgreSQL database read through psycopg 3 in one read-only repeatable-read transaction."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        try:
            parsed = sa.engine.make_url(url)
        except (sa.exc.ArgumentError, ValueError) as exc:
            raise DataSourceError(f"cannot use database URL {masked_url(url)} ({exc}); {HINT}") from exc
        self.label = parsed.render_as_string(hide_password=True)
        self._password = parsed.password
        query = {k: v if isinstance(v, str) else v[-1] for k, v in parsed.query.items()}
        self._params = {"connect_timeout": "10", "application_name": "salesnb", **query}
        self._params.update(
            {
                k: v
                for k, v in {"host": parsed.host, "port": parsed.port, "user": parsed.username}.items()
                if v not in (None, "")
            }
        )
        if parsed.password is not None:
            self._params["password"] = parsed.password
        if parsed.database:
            self._params["dbname"] = parsed.database
        self._params["client_encoding"] = "utf8"  # the CSV Arrow reads is UTF-8, whatever the database's encoding

    def __enter__(self) -> _Postgres:
        try:
            import psycopg
        except ImportError as exc:
            raise DataSourceError(
                f"reading {self.label} needs the PostgreSQL driver psycopg 3; pip install 'psycopg[binary]'"
            ) from exc
        self._error = psycopg.Error
        try:
            self._conn = psycopg.connect(**self._params)
            self._conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot for every table
            self._conn.read_only = True
            self._conn.execute("SET DateStyle TO ISO, YMD")  # dates as 2026-01-05, whatever the server's default
        except psycopg.Error as exc:
            raise self._failed(exc) from exc
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._conn.close()

    def _failed(self, exc: BaseException) -> DataSourceError:
        return DataSourceError(
            f"cannot read database {self.label}: {_reason(exc, self._password)}; check the URL, server and password"
        )

    def tables(self) -> list[str]:
        """Tables, views and foreign tables visible on the search path (set one with ``?options=-csearch_path=s``)."""
        query = """
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
              AND pg_catalog.pg_table_is_visible(c.oid)"""
        try:
            return sorted({row[0] for row in self._conn.execute(query)})
        except self._error as exc:
            raise self._failed(exc) from exc

    def columns(self, name: str) -> list[str]:
        from psycopg import sql

        try:
            cursor = self._conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(sql.Identifier(name)))
            return [column.name for column in cursor.description]
        except self._error as exc:
            raise self._failed(exc) from exc

    def chunks(self, name: str, rows: int) -> Iterator[pa.Table]:
        """The table as text, ``rows`` rows at a time: COPY's CSV rows gathered and parsed by Arrow per chunk."""
        import pyarrow.csv as pcsv
        from psycopg import sql

        columns = self.columns(name)
        statement = sql.SQL("COPY (SELECT * FROM {}) TO STDOUT (FORMAT csv)").format(sql.Identifier(name))
        options = (
            pcsv.ReadOptions(column_names=columns, use_threads=False),
            pcsv.ParseOptions(newlines_in_values=True),
            pcsv.ConvertOptions(  # NULL is an unquoted empty field, an empty text a quoted one
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                null_values=[""],
            ),
        )
        try:
            with self._conn.cursor() as cursor, cursor.copy(statement) as copy:
                text, count = bytearray(), 0
                for row in copy:  # one row per block: libpq hands COPY data over a whole row at a time
                    text += row
                    count += 1
                    if count == rows:
                        yield pcsv.read_csv(pa.py_buffer(text), *options)
                        text, count = bytearray(), 0
                if count:
                    yield pcsv.read_csv(pa.py_buffer(text), *options)
        except self._error as exc:
            raise self._failed(exc) from exc
        except pa.ArrowInvalid as exc:
            raise DataSourceError(f"cannot read table {name} of {self.label}: {_reason(exc, None)}") from exc


# --------------------------------------------------------------------------------------------------- SQLAlchemy


def _text(value: object) -> str | None:
    """A driver value as the text a CSV export would hold (NaN and NULL missing, dates ISO)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return None if value != value else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


class _SqlAlchemy(AbstractContextManager):
    """Any other SQLAlchemy URL, each table read through a streaming result ``rows`` rows at a time."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self._sa = sa
        try:
            self._engine = sa.create_engine(url)
        except ImportError as exc:
            raise DataSourceError(
                f"the database driver for {masked_url(url)} is not installed ({exc}); pip install it"
            ) from exc
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise DataSourceError(f"cannot use database URL {masked_url(url)} ({exc}); {HINT}") from exc
        self.label = self._engine.url.render_as_string(hide_password=True)
        self._password = self._engine.url.password
        database = self._engine.url.database or ""
        if (
            self._engine.url.get_backend_name() == "sqlite"
            and database not in ("", ":memory:")
            and not database.startswith("file:")
            and not Path(database).is_file()
        ):
            self._engine.dispose()
            raise DataSourceError(f"SQLite database file not found: {database}; {HINT}")

    def __enter__(self) -> _SqlAlchemy:
        try:
            self._conn = self._engine.connect()
            self._conn.begin()
        except self._sa.exc.SQLAlchemyError as exc:
            self._engine.dispose()
            raise self._failed(exc) from exc
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._conn.close()
        self._engine.dispose()

    def _failed(self, exc: BaseException) -> DataSourceError:
        return DataSourceError(
            f"cannot read database {self.label}: {_reason(exc, self._password)}; check the URL, server and password"
        )

    def tables(self) -> list[str]:
        try:
            inspector = self._sa.inspect(self._conn)
            names = set(inspector.get_table_names()) | set(inspector.get_view_names())
        except self._sa.exc.SQLAlchemyError as exc:
            raise self._failed(exc) from exc
        return sorted(n for n in names if not n.startswith("sqlite_"))  # SQLite's own bookkeeping tables

    def _select(self, name: str):  # noqa: ANN202 - a SQLAlchemy Select
        sa = self._sa
        return sa.select(sa.literal_column("*")).select_from(sa.table(name))  # no column types: raw driver values

    def columns(self, name: str) -> list[str]:
        try:
            return list(self._conn.execute(self._select(name).limit(0)).keys())
        except self._sa.exc.SQLAlchemyError as exc:
            raise self._failed(exc) from exc

    def chunks(self, name: str, rows: int) -> Iterator[pa.Table]:
        """The table as text, ``rows`` rows at a time from a streaming (server-side where possible) result."""
        try:
            result = self._conn.execution_options(stream_results=True, yield_per=rows).execute(self._select(name))
            columns = list(result.keys())
            for part in result.partitions():
                values = list(zip(*part, strict=True))
                yield pa.table(
                    {c: pa.array([_text(x) for x in v], pa.string()) for c, v in zip(columns, values, strict=True)}
                )
        except self._sa.exc.SQLAlchemyError as exc:
            raise self._failed(exc) from exc
