"""Ingest once: a validated dataset written as a columnar store (one parquet file per table) in the cache.

The first use of a data version parses and validates the source once and writes every table as a parquet
file, keyed by the source's signature (:func:`~salesnb.data.cache.source_signature`, plus the version of the
data layer's code). Every later kernel and run reads the store (:mod:`salesnb.data.store_read`) instead of
re-reading CSV files or unpickling the whole dataset. A large folder of CSV files is streamed into the
store block by block instead of being loaded whole (:mod:`salesnb.data.ingest`): the same store, in bounded memory.

Layout: ``<root>/<key>/{manifest.json, <table>.parquet ...}``. Rows carry two hidden columns: ``_row`` (the
row's position in the loaded table, so a read gives the exact same frame back) and ``_region`` (the region
the row belongs to: its own, its order's, customer's, deal's or rep's; null when it is shared, such as the
product catalogue or a company target). Tables are sorted by (``_region``, date) and written in row groups of
:data:`ROW_GROUP_ROWS`, so a query for one region skips the other regions' groups. The manifest holds
what the frames cannot (present columns, parse notes, warnings, the mapping, the source label); it is
written last and the folder is moved into place in one rename, so a store is either whole or absent.

Where: ``--store DIR`` (``salesnb run``), else ``$SALESNB_STORE``, else ``$XDG_CACHE_HOME/salesnb/store``
(``~/.cache/salesnb/store``); a batch run's kernels are pointed at it through ``$SALESNB_READ_STORE`` (set
it yourself to have notebooks opened by hand read the store too). A store whose files are missing,
truncated or unreadable is rebuilt, never trusted; when a source changes, its older stores are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import DATE, TABLES, TIMESTAMP
from .dataset import Dataset, Mapping
from .messages import lines_json

STORE_ENV = "SALESNB_STORE"  # where stores live (a user setting)
READ_ENV = "SALESNB_READ_STORE"  # set (to a store root) in a batch run's kernels: load datasets from the store
MANIFEST = "manifest.json"
FORMAT = 2  # bump when the layout changes: older stores are then rebuilt
ROW_GROUP_ROWS = 65_536  # small enough that one region of a large table spans whole groups of its own
HIDDEN = ("_region", "_row")
_OWN_REGION = ("orders", "customers", "reps", "leads", "opportunities", "targets", "marketing_spend")


def default_root() -> Path:
    """The store folder when none is named: ``$SALESNB_STORE``, else ``$XDG_CACHE_HOME/salesnb/store``."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "salesnb" / "store"


def _code_version() -> str:
    """Hash of the data layer's code: a change in parsing or validation must not be served a stale store."""
    from .. import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def store_key(signature: str) -> str:
    """Folder name of the store of a source signature (also changes with the format and the data code)."""
    return hashlib.sha256(f"{signature}:{FORMAT}:{_code_version()}".encode()).hexdigest()[:20]


def store_dir(root: str | os.PathLike, signature: str) -> Path:
    """The folder the store of ``signature`` lives in under ``root`` (it may not exist yet)."""
    return Path(root) / store_key(signature)


def read_manifest(folder: Path, signature: str) -> dict | None:
    """The manifest of a whole, matching store, or ``None`` (absent, partial, corrupt, other data)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("signature") != signature:
        return None
    for name, info in manifest.get("tables", {}).items():
        path = folder / f"{name}.parquet"
        if not path.is_file() or path.stat().st_size != info.get("bytes"):
            return None
    return manifest


def _row_regions(ds: Dataset) -> dict[str, pd.Series]:
    """The region each row of each table belongs to (null: shared by every region), aligned with the rows."""
    from . import facts

    own = {name: ds.tables[name]["region"] for name in _OWN_REGION if name in ds.tables and name != "orders"}
    if ds.has("orders"):
        order_facts = facts.order_facts(ds)
        own["orders"] = order_facts["region"]
        by_order = pd.Series(order_facts["region"].to_numpy(), index=order_facts["order_id"].to_numpy())
    links = {"order_id": by_order if ds.has("orders") else None}
    for key, table in (("customer_id", "customers"), ("opportunity_id", "opportunities"), ("rep_id", "reps")):
        if table in ds.tables:
            frame = ds.tables[table].drop_duplicates(key)
            links[key] = pd.Series(frame["region"].to_numpy(), index=frame[key].to_numpy())
    via = {"order_lines": "order_id", "returns": "order_id", "invoices": "customer_id", "tickets": "customer_id"}
    via |= {"surveys": "customer_id", "stage_events": "opportunity_id", "activities": "rep_id"}
    regions = {}
    for name, frame in ds.tables.items():
        if name in own:
            regions[name] = own[name]
        elif name in via and links.get(via[name]) is not None:
            regions[name] = frame[via[name]].map(links[via[name]])
        else:
            regions[name] = pd.Series(pd.NA, index=frame.index, dtype="str")
    return regions


def _sort_column(name: str, frame: pd.DataFrame) -> str | None:
    """The table's first date or timestamp column: the second sort key after the region."""
    dated = [c.name for c in TABLES[name].columns if c.kind in (DATE, TIMESTAMP) and c.name in frame.columns]
    return dated[0] if dated else None


def _write_table(name: str, frame: pd.DataFrame, region: pd.Series, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(_uniform(frame), preserve_index=False)  # its pandas metadata gives the dtypes back
    table = table.append_column("_region", pa.array(region.astype("str"), type=pa.string(), from_pandas=True))
    table = table.append_column("_row", pa.array(np.arange(len(frame), dtype=np.int64)))
    date = _sort_column(name, frame)
    keys = [("_region", "ascending")] + ([(date, "ascending")] if date else []) + [("_row", "ascending")]
    table = table.sort_by(keys)
    pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS, compression="zstd")


MIXED = ("mixed", "mixed-integer", "mixed-integer-float")  # pandas' names for an object column of several types


def _uniform(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column of mixed types (an Excel column of text and numbers) as text; else ``frame``.

    A workbook's free-text column (规格: ``1085*906`` beside ``10835801096``, 交货日期: dates beside ``11/22,12/25``)
    comes out of the reader as Python objects of several types, which parquet cannot store in one column.
    Read back, such a column is text: the value as the sheet shows it, an empty cell still empty.
    """
    mixed = [c for c in frame.columns if frame[c].dtype == object and pd.api.types.infer_dtype(frame[c]) in MIXED]
    if not mixed:
        return frame
    return frame.assign(**{c: frame[c].map(str, na_action="ignore").astype(object) for c in mixed})


def _manifest(ds: Dataset, signature: str, folder: Path) -> dict:
    from . import facts

    return manifest(
        signature,
        folder,
        source=ds.source,
        rows={name: len(frame) for name, frame in ds.tables.items()},
        present=ds.present_columns,
        mapping=ds.mapping,
        parse_problems=ds.parse_problems,
        unparsed=ds.unparsed_rows,
        ignored=ds.ignored,
        warnings=ds.warnings,
        regions=facts.regions(ds) if ds.has("orders") else [],
        excluded=ds.excluded,
        zero_orders=ds.zero_orders,
        covered_through=ds.covered_through,
        copied_cost=ds.copied_cost,
    )


def manifest(
    signature: str,
    folder: Path,
    *,
    source: str,
    rows: dict[str, int],
    present: dict[str, frozenset[str]],
    mapping: Mapping,
    parse_problems: list[str],
    unparsed: dict[tuple[str, str], np.ndarray],
    ignored: tuple[str, ...],
    warnings: list[str],
    regions: list[str],
    excluded: dict[str, int] | None = None,
    zero_orders: dict[str, int] | None = None,
    covered_through: str | None = None,
    copied_cost: dict[str, dict] | None = None,
) -> dict:
    """The manifest of the tables written to ``folder`` (``rows``: table -> row count, in the Dataset's order)."""
    return {
        "format": FORMAT,
        "signature": signature,
        "source": source,
        "origin": _origin(source),
        "order": list(rows),  # the tables' order in the Dataset (the JSON keys below are sorted)
        "tables": {
            name: {"rows": count, "bytes": (folder / f"{name}.parquet").stat().st_size} for name, count in rows.items()
        },
        "present_columns": {name: sorted(cols) for name, cols in present.items()},
        "mapping": dataclasses.asdict(mapping),
        "parse_problems": lines_json(parse_problems),
        "unparsed_rows": [
            [table, column, np.asarray(positions).tolist(), str(np.asarray(positions).dtype)]
            for (table, column), positions in unparsed.items()
        ],
        "ignored": list(ignored),
        "warnings": lines_json(warnings),
        "regions": regions,
        "excluded": dict(excluded or {}),
        "zero_orders": dict(zero_orders or {}),
        "covered_through": covered_through,
        "copied_cost": dict(copied_cost or {}),
    }


def write_store(ds: Dataset, signature: str, root: str | os.PathLike, *, replace: bool = False) -> Path:
    """Write ``ds`` as the store of ``signature`` under ``root``, atomically; return its folder.

    A whole store already there (another process was first) is kept unless ``replace`` (a database, whose
    signature is its URL alone, is written afresh by each run). Older stores of the same source are removed.
    """

    def fill(tmp: Path) -> dict:
        regions = _row_regions(ds)
        for name, frame in ds.tables.items():
            _write_table(name, frame, regions[name], tmp / f"{name}.parquet")
        return _manifest(ds, signature, tmp)

    return publish(root, signature, ds.source, fill, replace=replace)


def publish(
    root: str | os.PathLike, signature: str, source: str, fill: Callable[[Path], dict], *, replace: bool = False
) -> Path:
    """Have ``fill(folder)`` write a store's tables and return its manifest, then move the folder into place.

    The tables and the manifest go to a temporary folder beside the target, which is then renamed into
    place: a reader sees the whole store or none, and the temporary folder is removed whatever happens
    (an exception from ``fill`` leaves nothing behind). Returns the store's folder.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = store_dir(root, signature)
    if not replace and read_manifest(target, signature) is not None:
        return target
    tmp = root / f".tmp-{target.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        written = fill(tmp)
        (tmp / MANIFEST).write_text(json.dumps(written, ensure_ascii=False, sort_keys=True, indent=1), "utf-8")
        if target.exists():  # partial or corrupt: replaced, never trusted
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(tmp, target)
        except OSError:  # another process moved its copy in first
            if read_manifest(target, signature) is None:
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _remove_older(root, target, _origin(source))
    return target


def _origin(source: str) -> str:
    """The source as one name whatever the working folder: a folder's absolute path, a URL as given."""
    return source if "://" in source or not source else str(Path(source).resolve())


def _remove_older(root: Path, keep: Path, origin: str) -> None:
    """Delete the stores of earlier versions of the same source: one version per source stays on disk."""
    for folder in root.iterdir():
        if folder == keep or not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and origin and manifest.get("origin") == origin:
            shutil.rmtree(folder, ignore_errors=True)
