"""Read the columnar store (:mod:`salesnb.data.store`): whole tables with pyarrow, one region through DuckDB.

Each process opens one DuckDB connection with a memory limit and a thread count of its own
(``$SALESNB_DUCKDB_MEMORY``, default ``1GB``; ``$SALESNB_DUCKDB_THREADS``, default 1: a batch runs one
kernel per core already) and the time zone pinned to UTC, so no setting of the machine reaches the numbers.
Results come back through Arrow (much faster than DuckDB's own pandas conversion on text columns) and are
cast to the schema written with the table, so every frame has the dtypes, row order and index the loader
gave it: the Dataset read back is the Dataset that was written. Whole tables (what a kernel reads) skip
DuckDB: pyarrow reads them as fast, and DuckDB's allocator would keep the read's memory afterwards.
"""

from __future__ import annotations

import ctypes
import os
import sys
import weakref
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Dataset, Mapping
from .dates import all_month_ends
from .messages import from_json
from .store import HIDDEN, MANIFEST, default_root, read_manifest, store_dir

MEMORY_ENV = "SALESNB_DUCKDB_MEMORY"
THREADS_ENV = "SALESNB_DUCKDB_THREADS"
_CONNECTION: list = []  # this process's one connection, opened on first use
_STORED: weakref.WeakKeyDictionary[Dataset, tuple[Path, list[str], dict]] = weakref.WeakKeyDictionary()
_KEYED = ("orders", "customers", "reps")  # what :func:`order_keys` answers from: a dataset's own must be untouched


def _threads() -> int:
    """Threads a read may use: ``$SALESNB_DUCKDB_THREADS``, default 1 (a batch runs one kernel per core)."""
    return int(os.environ.get(THREADS_ENV) or 1)


def connect():
    """The process's one DuckDB connection: memory limit and threads from the environment, time zone UTC."""
    if not _CONNECTION:
        import duckdb

        memory = os.environ.get(MEMORY_ENV) or "1GB"
        threads = _threads()
        con = duckdb.connect(config={"memory_limit": memory, "threads": threads})
        con.execute("SET TimeZone = 'UTC'")  # the bundled icu extension: zoned values never follow the machine
        # no progress-bar setting: inside a Jupyter kernel DuckDB refuses any change to it without ipywidgets,
        # and it draws nothing there on its own
        _CONNECTION.append(con)
    return _CONNECTION[0]


def read_table(path: Path, *, region: str | None = None) -> pd.DataFrame:
    """One stored table as the loader gave it; with ``region``, only that region's rows and the shared ones.

    A region query skips the row groups of other regions (the file is sorted by region); the rows keep
    their loaded order and the index is renumbered from 0, as for a table loaded with only those rows.
    A whole table is read by pyarrow and put back in order by its ``_row`` numbers: as fast as DuckDB's
    ``ORDER BY`` and without the memory DuckDB's allocator keeps after the read (about 350 MiB at a million
    order lines, in every kernel).
    """
    import pyarrow.parquet as pq

    stored = pq.read_schema(path)
    schema = stored
    for name in HIDDEN:
        schema = schema.remove(schema.get_field_index(name))
    if region is None:
        table = pq.read_table(path, use_threads=_threads() > 1)
        rows = table.column("_row").to_numpy()
        order = np.empty_like(rows)
        order[rows] = np.arange(len(rows), dtype=rows.dtype)  # the stored rows are a permutation of 0..n-1
        return table.drop_columns(list(HIDDEN)).take(order).cast(schema).to_pandas()
    query = "SELECT * FROM read_parquet($path)"
    params: dict[str, str] = {"path": str(path)}
    if region is not None:
        query += " WHERE _region = $region OR _region IS NULL"
        params["region"] = region
    relation = connect().sql(query + " ORDER BY _row", params=params)  # the loaded order (cheaper than an Arrow take)
    table = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()  # DuckDB < 1.4
    table = table.drop_columns(list(HIDDEN))
    return table.cast(schema).to_pandas()


def load_store(folder: Path, manifest: dict, *, region: str | None = None, tables: list[str] | None = None) -> Dataset:
    """The Dataset kept in a store folder (whole, or the tables named / one region's rows of each)."""
    names = [name for name in manifest["order"] if tables is None or name in tables]
    frames = {name: read_table(folder / f"{name}.parquet", region=region) for name in names}
    ds = Dataset(
        frames,
        source=manifest["source"],
        present_columns={name: frozenset(cols) for name, cols in manifest["present_columns"].items()},
        mapping=Mapping(**manifest["mapping"]),
        parse_problems=[from_json(p) for p in manifest["parse_problems"]],
        unparsed_rows={(t, c): np.asarray(rows, dtype=dtype) for t, c, rows, dtype in manifest["unparsed_rows"]},
        ignored=tuple(manifest["ignored"]),
        warnings=[from_json(w) for w in manifest["warnings"]],
        excluded=dict(manifest.get("excluded", {})),
        zero_orders=dict(manifest.get("zero_orders", {})),
        covered_through=manifest.get("covered_through", manifest.get("zero_orders_through")),
        copied_cost=dict(manifest.get("copied_cost", {})),
    )
    if region is None:  # the whole data is in the folder: order_keys may answer for it
        loaded = {name: weakref.ref(frames[name]) if name in frames else None for name in _KEYED}
        _STORED[ds] = (folder, list(manifest["order"]), loaded)
    release_arrow_memory()  # each table's read, reorder and cast left freed Arrow memory behind
    return ds


def release_arrow_memory() -> None:
    """Hand the memory Arrow's allocator keeps after frees back to the system.

    pandas' text columns live in Arrow buffers; Arrow's allocator (mimalloc or jemalloc) keeps freed pages for
    later allocations instead of returning them, so a kernel that read a large store, or made and dropped large
    frames, keeps their high-water mark resident (about 80 MiB after reading a million order lines).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def release_freed_memory() -> None:
    """Hand every freed page back to the system: Arrow's pool (:func:`release_arrow_memory`) and glibc's heap.

    numpy's arrays live on glibc's heap, text columns in Arrow's pool: two allocators that never reuse each other's
    free pages. Freed frames (an angle's derived tables, let go by :func:`~salesnb.data.facts.forget_derived`)
    otherwise stay resident in the one while the next angle grows the other: at a million order lines 150 MiB
    less after the first angle of a report scope. ``malloc_trim`` exists on glibc only (not musl, not macOS).
    """
    release_arrow_memory()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            pass


def open_store(
    source: str | os.PathLike,
    mapping: str | os.PathLike | None = None,
    *,
    root: str | os.PathLike | None = None,
    region: str | None = None,
    tables: list[str] | None = None,
    refresh: bool = False,
) -> Dataset:
    """The source's dataset from its store, ingesting it first when there is no whole store of this version.

    ``refresh`` ingests the source again whatever is stored (a database: its signature is only its URL, so
    its content may have changed). A store that cannot be read is deleted and rebuilt from the source.
    """
    from .cache import source_signature
    from .ingest import ingest

    signature = source_signature(source, mapping)
    folder = store_dir(root or default_root(), signature)
    for attempt in (1, 2):
        manifest = None if refresh and attempt == 1 else read_manifest(folder, signature)
        if manifest is None:
            folder = ingest(source, mapping, signature, root or default_root(), replace=refresh)
            manifest = read_manifest(folder, signature)
        try:
            return load_store(folder, manifest, region=region, tables=tables)
        except Exception:  # noqa: BLE001 - a damaged file of any kind: rebuild once, then let it raise
            if attempt == 2:
                raise
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    raise AssertionError("unreachable")


def planning_dataset(
    source: str | os.PathLike, mapping: str | os.PathLike | None = None, root: str | os.PathLike | None = None
) -> Dataset:
    """What ``salesnb run`` plans its reports from, with the source ingested into the store first.

    The first run of a data version loads and validates it (a bad source fails here, before anything is
    written) and writes the store; every run then reads back no table: periods and regions are read from the
    stored orders' columns (:func:`order_keys`), so the main process holds no order table, neither to plan
    nor while the kernels work. A database source is ingested afresh by every run (only its URL is signed)
    and read whole: its fingerprint hashes every table.
    """
    database = "://" in os.fspath(source)
    tables = None if database else []
    return open_store(source, mapping, root=root, tables=tables, refresh=database)


def stored_tables(ds: Dataset, names: tuple[str, ...]) -> Dataset | None:
    """The tables ``names`` of a run's plan (:func:`planning_dataset`, holding none) read back from its store.

    ``None`` for a dataset not planned from a store, one holding its orders, or one whose orders are not all dated
    a month's last day (:func:`every_month_end`): what the stored keys cannot answer for a monthly summary (its
    partial last month: :mod:`.partial_month`), read back only for one.
    """
    entry = _STORED.get(ds)
    if entry is None or "orders" in ds.tables:
        return None
    import json

    folder, stored, _ = entry
    if "orders" not in stored or not every_month_end(folder / "orders.parquet"):
        return None
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return load_store(folder, manifest, tables=[name for name in names if name in stored])


def every_month_end(path: Path) -> bool:
    """Whether every dated order of a stored orders file is its month's last day (a monthly summary's rows).

    Only the date column is read, so a plan of ten million order lines holds no order table to tell.
    """
    import pyarrow.parquet as pq

    return all_month_ends(pq.read_table(path, columns=["order_date"]).column("order_date").to_pandas())


@dataclass
class OrderKeys:
    """What the orders say about periods and regions, read from the store without loading the orders.

    ``keys``: one row per region named by an order (``customer_id`` and ``rep_id`` missing) and one per customer
    and rep of an order without a region (``region`` missing), in the loader's dtypes; ``dates``: the earliest and
    latest order date (none without dated orders); ``customers`` and ``reps``: their ``customer_id``/``rep_id``
    and ``region`` (``None`` without the table); ``months``: how many orders each month with any has.
    :func:`salesnb.data.facts.order_regions` turns the keys into region names.
    """

    keys: pd.DataFrame
    dates: pd.Series
    customers: pd.DataFrame | None
    months: dict[str, int] = field(default_factory=dict)  # orders per ``YYYY-MM`` with any
    reps: pd.DataFrame | None = None
    days: dict[pd.Timestamp, int] = field(default_factory=dict)  # orders per day with any (a cut last day's test)


def order_keys(ds: Dataset) -> OrderKeys | None:
    """The order keys of a dataset loaded whole from the store, read batch by batch; ``None`` for another one.

    Only the orders' ``region``, ``customer_id``, ``rep_id`` and ``order_date`` columns are read, a row group at
    a time, so planning a run holds no order table. A dataset whose orders, customers or reps frame was replaced
    since it was loaded is not answered for: its frames, not the store, are the data.
    """
    entry = _STORED.get(ds)
    if entry is None:
        return None
    folder, names, loaded = entry
    for name, ref in loaded.items():
        frame = ds.tables.get(name)
        if (frame is None) != (ref is None) or (ref is not None and ref() is not frame):
            return None
    if "orders" not in names:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    file = pq.ParquetFile(folder / "orders.parquet")
    columns = [c for c in ("region", "customer_id", "rep_id", "order_date") if c in file.schema_arrow.names]
    keyed = [c for c in ("customer_id", "rep_id") if c in columns]
    dtypes = file.schema_arrow.empty_table().select(columns).to_pandas().dtypes  # the loader's dtypes
    regions, unnamed, dates, months, days = [], [], [], Counter(), Counter()
    for batch in file.iter_batches(columns=columns, use_threads=False):
        missing = pc.is_null(batch.column("region"))
        regions.append(pc.unique(pc.drop_null(batch.column("region"))).to_pandas())
        unnamed.append(batch.select(keyed).filter(missing).to_pandas().drop_duplicates())
        arrow_dates = pc.drop_null(batch.column("order_date"))
        counted = pc.value_counts(pc.add(pc.multiply(pc.year(arrow_dates), 100), pc.month(arrow_dates)))
        months.update(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)))
        daily = pc.value_counts(pc.floor_temporal(arrow_dates, unit="day"))
        days.update(dict(zip(daily.field("values").to_pandas(), daily.field("counts").to_pylist(), strict=True)))
        if len(arrow_dates):
            span = pc.min_max(arrow_dates)
            dates.extend(pa.array([span["min"], span["max"]]).to_pandas())
    named = pd.concat([pd.Series([], dtype=object), *regions]).drop_duplicates()
    without = pd.concat([pd.DataFrame(columns=keyed), *unnamed], ignore_index=True).drop_duplicates()
    keys = pd.concat([pd.DataFrame({"region": named.to_numpy(dtype=object)}), without], ignore_index=True)
    keys = keys.astype({c: dtypes[c] for c in ("region", *keyed)})
    found = pd.Series(dates, dtype=object).dropna()
    first_last = pd.Series([found.min(), found.max()] if len(found) else [], dtype=dtypes["order_date"])
    customers_of, reps_of = (_regions_of(folder, name, key) if name in names else None for name, key in _KEYS_OF)
    labels = {f"{m // 100:04d}-{m % 100:02d}": int(n) for m, n in sorted(months.items())}
    return OrderKeys(keys, first_last, customers_of, labels, reps_of, dict(days))


_KEYS_OF = (("customers", "customer_id"), ("reps", "rep_id"))  # whose region an order without one takes, in turn


def _regions_of(folder: Path, name: str, key: str) -> pd.DataFrame:
    """Two columns of a stored table, ``key`` and ``region``; row order does not matter to a lookup by key."""
    import pyarrow.parquet as pq

    path = folder / f"{name}.parquet"
    wanted = pq.read_schema(path).empty_table().select([key, "region"]).to_pandas().dtypes
    return pq.read_table(path, columns=[key, "region"], use_threads=False).to_pandas().astype(wanted.to_dict())


def stored_rows(ds: Dataset) -> int | None:
    """Rows over all tables of the store a dataset was loaded from (its manifest); ``None`` for another one."""
    import json

    entry = _STORED.get(ds)
    if entry is None:
        return None
    try:
        manifest = json.loads((entry[0] / "manifest.json").read_text(encoding="utf-8"))
        return sum(int(table["rows"]) for table in manifest["tables"].values())
    except (OSError, ValueError, KeyError, TypeError):
        return None
