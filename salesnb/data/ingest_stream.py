"""The streaming half of :mod:`.ingest`: CSV blocks through the loader's steps, then DuckDB across tables.

Stage 1, each table on its own (several at once, in worker processes, for a large source): pyarrow reads
the CSV in blocks of about :data:`BLOCK_BYTES` (every column as text, the same empty markers as pandas); each
block is tidied, renamed and parsed by the loader's own functions and its rows checked by
:func:`~salesnb.data.validation.row_problems`, then appended to a staging Arrow file with its row number.
Stage 2, DuckDB (``memory_limit`` :data:`MEMORY`, 2 threads, spilling to the staging folder): duplicate ids,
the targets' grain and every reference are checked, then each table is joined to the region its rows belong
to, sorted by (region, date, row) and written in :data:`~salesnb.data.store.ROW_GROUP_ROWS`-row groups with
the schema pandas would give it.

Anything the data has to report raises :class:`NotStreamable`, and :func:`.ingest.ingest` loads the source
whole instead, so that every message is the loader's own.
"""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import store, validation
from .column_words import named_column
from .consistency import TOTAL_TOLERANCE
from .contract import DATE, PERIOD, TABLES, TIMESTAMP
from .copied_cost import COST_TOLERANCE, is_copy
from .currency import CURRENCY_NAMES
from .dataset import Dataset, Mapping
from .facts import UNKNOWN
from .loading import _contract_frame, _tidy
from .messages import Message
from .parsing import MISSING_MARKERS, coerce_table
from .spellings import SEGMENT_COLUMNS, sql_spelling_key
from .store import _sort_column, manifest

BLOCK_BYTES = 16 * 2**20  # CSV bytes per block: a few hundred thousand rows, ~100 MiB as pandas frames
PARALLEL_BYTES = 64 * 2**20  # CSV bytes from which tables are staged in parallel processes (a few blocks each)
STAGE_PROCESSES = 4  # at most this many (one per core the process may use)
CHILD_BYTES = BLOCK_BYTES  # smaller tables are staged in this process meanwhile: a child's start costs more
MEMORY = "512MB"  # DuckDB's limit for the cross-table work; it spills beyond (at 1GB a 10 M ingest peaked at 2 GiB)
NA_VALUES = list(MISSING_MARKERS)  # what the whole-table loader reads as empty (not "NA": a real code in text)
# Values every block parses alike: a date in any other shape (10/5/2026 ...) is read with the whole column's
# day/month order, a month in another shape may be read as a date: such data goes to the whole-table loader.
_ISO = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$"
_MONTH = r"^\d{4}-\d{2}$"
_REGION_VIA = {"order_lines": "order_id", "returns": "order_id", "invoices": "customer_id", "tickets": "customer_id"}
_REGION_VIA |= {"surveys": "customer_id", "stage_events": "opportunity_id", "activities": "rep_id"}
_OWN_REGION = ("customers", "reps", "leads", "opportunities", "targets", "marketing_spend")


class NotStreamable(Exception):
    """The source has something to report (or a shape the stream does not read): load it whole."""


@dataclass
class Staged:
    """One table staged as parquet: its file, columns, present contract columns, rows and pandas schema."""

    path: Path
    columns: list[str]
    present: frozenset[str]
    rows: int
    schema: pa.Schema


def fill_store(plan, signature: str, folder: Path) -> dict:
    """Write the store's tables of ``plan`` (an :class:`.ingest.StreamPlan`) into ``folder``; return the manifest."""
    stage = folder / ".stage"
    stage.mkdir()
    try:
        staged = stage_tables(plan.files, plan.names, stage)
        _release()
        con = _connect(stage, staged)
        try:
            _check(con, staged)
            for name in staged:
                _write(con, name, staged, folder / f"{name}.parquet")
            regions = [r for (r,) in con.execute(f"SELECT DISTINCT r FROM ({_order_regions(staged)})").fetchall()]
        finally:
            con.close()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return manifest(
        signature,
        folder,
        source=plan.source,
        rows={name: table.rows for name, table in staged.items()},
        present={name: table.present for name, table in staged.items()},
        mapping=plan.names,
        parse_problems=[],
        unparsed={},
        ignored=tuple(plan.ignored),
        warnings=[],
        regions=sorted(r for r in regions if r is not None and r != UNKNOWN),
    )


def _release() -> None:
    """Give the blocks' freed memory back to the system before DuckDB takes its share (pandas leaves it held)."""
    import ctypes
    import gc

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed arenas otherwise
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def _header(path: Path) -> list[str]:
    """The CSV's header row; a header pandas would read differently (repeated or empty names) is not streamed."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise NotStreamable(f"{path.name}: {exc}") from exc
    if not header or len(set(header)) < len(header) or any(not name.strip() for name in header):
        raise NotStreamable(f"{path.name}: header")
    if named_column(pd.DataFrame(columns=header), CURRENCY_NAMES):  # :mod:`.currency`: checked and converted there
        raise NotStreamable(f"{path.name}: a currency column")
    return header


def _blocks(path: Path, header: list[str]):
    """The file's rows in blocks, every column as text (``str`` dtype), empty markers as NA, as pandas reads it."""
    import pyarrow.csv as pcsv

    reader = pcsv.open_csv(
        path,
        read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=True,
            null_values=NA_VALUES,
            quoted_strings_can_be_null=True,
        ),
    )
    for batch in reader:
        if list(batch.schema.names) != header:
            raise NotStreamable(f"{path.name}: columns")
        yield batch.to_pandas()


def _same_everywhere(name: str, frame, names: Mapping) -> None:
    """Raise unless every date and month of the block is in the one shape that parses alike in any block."""
    table = TABLES[name]
    for column in frame.columns:
        spec = table.column(column)
        if spec is None or spec.kind not in (DATE, TIMESTAMP, PERIOD):
            continue
        if spec.kind != PERIOD and names.date_format(name, column):
            raise NotStreamable(f"{name}.{column}: declared format")
        values = pc.unique(pa.array(frame[column].array, type=pa.string(), from_pandas=True)).drop_null()
        pattern = _MONTH if spec.kind == PERIOD else _ISO
        if len(values) and not pc.all(pc.match_substring_regex(values, pattern)).as_py():
            raise NotStreamable(f"{name}.{column}: not ISO")


def stage_table(name: str, path: Path, names: Mapping, stage: Path) -> Staged:
    """Read, parse and check table ``name`` from ``path`` block by block into ``stage/<name>.arrow``."""
    header = _header(path)
    out, writer, schema, present, rows = stage / f"{name}.arrow", None, None, frozenset(), 0
    where = Message("where_table", name=name)  # the table a repeated column name is reported in
    try:
        for raw in _blocks(path, header):
            frame, found, *_ = _contract_frame(name, _tidy(raw, where, whole_file=False), names, path.name)
            _same_everywhere(name, frame, names)
            typed, present, problems, _ = coerce_table(name, frame, names)
            block = Dataset({name: typed}, present_columns={name: present}, mapping=names)
            if found or problems or validation.row_problems(block, name):
                raise NotStreamable(f"{name}: problems")
            table = pa.Table.from_pandas(typed, preserve_index=False)
            if schema is None:
                schema = table.schema
                writer = pa.ipc.new_file(out, schema.append(pa.field("_row", pa.int64())))
            elif not table.schema.equals(schema, check_metadata=True):
                raise NotStreamable(f"{name}: the blocks' types differ")
            row = pa.array(range(rows, rows + len(typed)), type=pa.int64())
            writer.write_table(table.append_column("_row", row))
            rows += len(typed)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:  # a row pandas splits otherwise, a non-UTF-8 byte ...
        raise NotStreamable(f"{path.name}: {exc}") from exc
    finally:
        if writer is not None:
            writer.close()
    if schema is None:  # a header and no rows: the loader reports it (or keeps an empty table)
        raise NotStreamable(f"{name}: no rows")
    return Staged(out, list(schema.names), present, rows, schema)


def stage_tables(files: dict[str, Path], names: Mapping, stage: Path) -> dict[str, Staged]:
    """Stage every table (:func:`stage_table`), several at once in worker processes when the source is large.

    Staging is pandas work, one core per table: at ten million order lines it was half of the ingest's time on
    one core while the other idled. Tables are independent, so up to one child process per core stages them,
    each its share of the bytes (:mod:`.stage_processes`); each writes its own staging file, byte for byte what one
    process writes. A table with something to report raises :class:`NotStreamable` from its process as from
    this one. Sources under :data:`PARALLEL_BYTES`, and tables under :data:`CHILD_BYTES` while the children run,
    stay in this process: starting a process (a second of imports) would cost more than it saves.
    """
    processes = min(STAGE_PROCESSES, len(files), _cores())
    if processes < 2 or sum(path.stat().st_size for path in files.values()) < PARALLEL_BYTES:
        return {name: stage_table(name, path, names, stage) for name, path in files.items()}
    from .stage_processes import stage_in_processes

    here = [name for name, path in files.items() if path.stat().st_size < CHILD_BYTES]
    return stage_in_processes(files, names, stage, processes, here=here, stage_here=stage_table)


def _cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _connect(stage: Path, staged: dict[str, Staged]):
    """A DuckDB connection with a memory limit, 2 threads, spilling into ``stage``; each staged table by name."""
    import duckdb
    import pyarrow.dataset as pds

    con = duckdb.connect(config={"memory_limit": MEMORY, "threads": 2, "temp_directory": str(stage / "spill")})
    for name, table in staged.items():
        con.register(name, pds.dataset(table.path, format="ipc"))  # scanned in batches, never read whole
    return con


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _check(con, staged: dict[str, Staged]) -> None:
    """What spans rows and tables: orders, unique ids, targets' grain, no repeated lines or orders of 0, references."""
    if staged["orders"].rows == 0:
        raise NotStreamable("orders: empty")
    if "order_lines" not in staged and "amount" not in staged["orders"].present:  # :func:`.validation.no_revenue`
        raise NotStreamable("no revenue: neither orders.amount nor order lines")
    queries = []
    for name, table in staged.items():
        key = TABLES[name].key
        if key and key in table.present:
            queries.append(f"SELECT 1 FROM {name} WHERE {_q(key)} IS NOT NULL GROUP BY {_q(key)} HAVING count(*) > 1")
        for column, target in TABLES[name].references.items():
            target_key = TABLES[target].key
            if column in table.present and target in staged and target_key in staged[target].present:
                queries.append(
                    f"SELECT 1 FROM {name} t ANTI JOIN {target} k ON t.{_q(column)} = k.{_q(target_key)} "
                    f"WHERE t.{_q(column)} IS NOT NULL"
                )
    if "order_lines" in staged:  # :func:`.consistency.identical_rows`: a line repeating another is said
        every = ", ".join(_q(c) for c in staged["order_lines"].columns)
        queries.append(f"SELECT 1 FROM order_lines GROUP BY {every} HAVING count(*) > 1")
    if "order_lines" in staged:  # :func:`.zero_orders.drop_zero_orders`: every line priced, summing to 0
        queries.append(
            "SELECT 1 FROM order_lines GROUP BY order_id "
            "HAVING count(quantity * unit_price) = count(*) AND sum(quantity * unit_price) = 0"
        )
    elif "amount" in staged["orders"].present:
        queries.append("SELECT 1 FROM orders WHERE amount = 0")
    if "targets" in staged:
        grain = ", ".join(_q(c) for c in validation.TARGET_GRAIN)
        queries.append(f"SELECT 1 FROM targets WHERE period IS NOT NULL GROUP BY {grain} HAVING count(*) > 1")
    for query in queries:
        if con.execute(query + " LIMIT 1").fetchone() is not None:
            raise NotStreamable("a duplicate id, a repeated target or line, an order of 0, or a broken reference")
    for column in SEGMENT_COLUMNS:  # :func:`.spellings.one_spelling`: Clothing and CLOTHING, merged by the loader
        parts = [f"SELECT {_q(column)} v FROM {name}" for name, table in staged.items() if column in table.present]
        if parts:  # the distinct values first, each spelled once (not the regex over every row of every table)
            distinct = f"SELECT DISTINCT v FROM ({' UNION ALL '.join(parts)})"
            seen, keys = con.execute(
                f"SELECT count(v), count(DISTINCT {sql_spelling_key('v', column)}) FROM ({distinct})"
            ).fetchall()[0]
            if seen != keys:
                raise NotStreamable(f"{column}: spellings differing in case or a generic word")
    if "amount" in staged["orders"].present and "order_lines" in staged:  # :func:`.consistency.amount_disagreement`
        amount, lines = con.execute(
            "SELECT sum(o.amount), sum(l.v) FROM orders o JOIN (SELECT order_id, sum(quantity * unit_price) v "
            "FROM order_lines GROUP BY order_id) l ON o.order_id = l.order_id WHERE o.amount IS NOT NULL"
        ).fetchall()[0]
        if amount is not None and lines is not None and abs(lines - amount) >= TOTAL_TOLERANCE * max(abs(amount), 1):
            raise NotStreamable("orders.amount against the order lines")
    if "order_lines" in staged and _copied_cost(con, staged):
        raise NotStreamable("a cost copying the amount")


def _copied_cost(con, staged: dict[str, Staged]) -> bool:
    """:func:`.copied_cost.drop_copied_cost`'s test: the lines' own cost, else their product's, is the amount."""
    own = "unit_cost" in staged["order_lines"].present
    close = f"count(*) FILTER (WHERE abs(c - l.unit_price) <= {COST_TOLERANCE} * l.unit_price)"
    sources = [("l.unit_cost", "", "TRUE")] if own else []
    if "products" in staged and "unit_cost" in staged["products"].present:
        join = " JOIN products p ON l.product_id = p.product_id"
        sources.append(("p.unit_cost", join, "l.unit_cost IS NULL" if own else "TRUE"))
    for cost, join, kept in sources:
        query = f"SELECT count(*), {close} FROM (SELECT {cost} c, l.unit_price FROM order_lines l{join} WHERE {kept}) l"
        lines, copies = con.execute(f"{query} WHERE c IS NOT NULL AND l.unit_price > 0").fetchall()[0]
        if is_copy(int(lines), int(copies)):
            return True
    return False


def _order_regions(staged: dict[str, Staged]) -> str:
    """Each order's region as the facts read it: its own, else its customer's, else its rep's, else unknown."""
    unknown = UNKNOWN.replace("'", "''")
    joins, regions = [], ["o.region"]
    for name, key, alias in (("customers", "customer_id", "c"), ("reps", "rep_id", "r")):
        if name in staged and key in staged["orders"].columns and "region" in staged[name].columns:
            joins.append(f" LEFT JOIN {name} {alias} ON o.{key} = {alias}.{key}")
            regions.append(f"{alias}.region")
    return f"SELECT o.order_id AS k, coalesce({', '.join(regions)}, '{unknown}') AS r FROM orders o" + "".join(joins)


def _region_query(name: str, table: Staged, staged: dict[str, Staged]) -> str:
    """The table's rows with their ``_region`` (as :func:`~salesnb.data.store._row_regions`), sorted for the store."""
    columns = ", ".join(f"t.{_q(c)}" for c in table.columns)
    join, region = "", "NULL::VARCHAR"
    if name == "orders":
        join, region = f" LEFT JOIN ({_order_regions(staged)}) l ON t.order_id = l.k", "l.r"
    elif name in _OWN_REGION:
        region = "t.region"
    elif name in _REGION_VIA:
        key = _REGION_VIA[name]
        link = {"order_id": "orders", "customer_id": "customers", "opportunity_id": "opportunities", "rep_id": "reps"}
        source = link[key]
        if source in staged:
            inner = _order_regions(staged) if key == "order_id" else f"SELECT {key} AS k, region AS r FROM {source}"
            join, region = f" LEFT JOIN ({inner}) l ON t.{_q(key)} = l.k", "l.r"
    date = _sort_column(name, _Columns(table.columns))
    order = "_region ASC NULLS LAST" + (f", {_q(date)} ASC NULLS LAST" if date else "") + ", _row ASC"
    return f"SELECT {columns}, {region} AS _region, t._row FROM {name} t{join} ORDER BY {order}"


class _Columns:
    """Just enough of a frame for :func:`~salesnb.data.store._sort_column`: its ``columns``."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns


def _write(con, name: str, staged: dict[str, Staged], out: Path) -> None:
    """Write the sorted table in whole row groups with the schema the whole-table path writes."""
    import pyarrow.parquet as pq

    table = staged[name]
    schema = table.schema.append(pa.field("_region", pa.string())).append(pa.field("_row", pa.int64()))
    reader = con.sql(_region_query(name, table, staged))
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        pending, held = [], 0
        for batch in reader.to_arrow_reader(store.ROW_GROUP_ROWS):
            pending.append(pa.Table.from_batches([batch]).cast(schema))
            held += batch.num_rows
            if held >= store.ROW_GROUP_ROWS:
                joined = pa.concat_tables(pending)
                whole = held - held % store.ROW_GROUP_ROWS
                writer.write_table(joined.slice(0, whole), row_group_size=store.ROW_GROUP_ROWS)
                pending, held = [joined.slice(whole)], held - whole
        if held:
            writer.write_table(pa.concat_tables(pending), row_group_size=store.ROW_GROUP_ROWS)
