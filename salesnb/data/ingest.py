"""Ingest once, in bounded memory: a large CSV folder streamed into the columnar store block by block.

:func:`ingest` is what :func:`~salesnb.data.store_read.open_store` calls when a source has no store yet. A
small source, a database, Excel or parquet files, a flat export (several tables from one file) and computed
columns take the whole-table path (:func:`~salesnb.data.loading.load_dataset` then
:func:`~salesnb.data.store.write_store`). A folder of CSV files larger than :data:`STREAM_BYTES` is streamed
(:mod:`.ingest_stream`): blocks of rows read by pyarrow go through the loader's own steps (``_tidy``, the
mapping, :func:`~salesnb.data.parsing.coerce_table`, the row checks of :mod:`.validation`), and DuckDB, with a
memory limit and a spill folder, does what spans tables and rows (duplicate ids, references, each row's
region, the sort by region and date). The store read back is the store the whole-table path writes.

One loader semantics: whenever the data has anything to say (a value that does not parse, a date that is not
ISO, a broken reference, a duplicate id, a row the CSV reader cannot split, a file that is not UTF-8), the
stream is abandoned and the whole-table path loads the source, so the problems, warnings and errors are
exactly today's. Streaming is a fast path for clean data, never a second set of rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import loading
from .dataset import Mapping
from .delimited import separator, title_lines
from .loading import CSV_ENCODINGS, FILE_SUFFIXES, UNREADABLE_SUFFIXES, _matching_files
from .mapping import load_mapping
from .store import publish, read_manifest, store_dir, write_store

STREAM_BYTES = 256 * 2**20  # CSV folders at least this large are streamed (the sample is ~20 MB; 1 M lines ~420 MB)
_UTF8 = ("", "utf-8", "utf-8-sig", "utf_8")


def ingest(
    source: str | os.PathLike,
    mapping: str | os.PathLike | None,
    signature: str,
    root: str | os.PathLike,
    *,
    replace: bool = False,
    stream_bytes: int = STREAM_BYTES,
) -> Path:
    """Write the store of ``source`` under ``root`` (unless a whole one is there) and return its folder.

    Streams a large clean CSV folder (see the module doc), else loads and validates the source whole; a bad
    source raises the loader's own error (:class:`DataSourceError`, :class:`DataValidationError`, ...).
    """
    target = store_dir(root, signature)
    if not replace and read_manifest(target, signature) is not None:
        return target
    plan = stream_plan(source, mapping, stream_bytes)
    if plan is not None:
        from .ingest_stream import NotStreamable, fill_store

        try:
            fill = lambda tmp: fill_store(plan, signature, tmp)  # noqa: E731
            return publish(root, signature, plan.source, fill, replace=replace)
        except NotStreamable:
            pass  # the data has something to report: the whole-table loader says it, word for word
    ds = loading.load_dataset(source, mapping=mapping or None)
    return write_store(ds, signature, root, replace=replace)


class StreamPlan:
    """A CSV folder that may be streamed: table -> file, the other files, the mapping, the source label."""

    def __init__(self, source: str, files: dict[str, Path], ignored: list[str], names: Mapping) -> None:
        self.source, self.files, self.ignored, self.names = source, files, ignored, names


def stream_plan(source: str | os.PathLike, mapping: object, stream_bytes: int = STREAM_BYTES) -> StreamPlan | None:
    """The plan to stream ``source``, or ``None`` when the whole-table path must load it.

    Streamed: a folder whose contract tables are all UTF-8 ``.csv`` files, one file per table, no computed
    column and no excluded rows in the mapping, and at least ``stream_bytes`` of them. A mapping that cannot be
    read is left to the whole-table path too, which names the problem.
    """
    text = os.fspath(source)
    folder = Path(text)
    if "://" in text or not folder.is_dir():
        return None
    try:
        names = load_mapping(mapping or None)
    except Exception:  # noqa: BLE001 - reported by load_dataset, in its words
        return None
    if (
        names.encoding not in _UTF8
        or names.exclude
        or names.rows
        or names.joined
        or any(names.computed(t) for t in names.columns)
    ):
        return None
    if names.currency or "order_count" in names.columns.get("orders", {}):  # :mod:`.currency`, :mod:`.summaries`
        return None
    every = sorted(folder.iterdir())
    if any(p.suffix.lower() in UNREADABLE_SUFFIXES for p in every):  # may be a table the loader names as such
        return None
    files = [p for p in every if p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith("~$")]
    from .contract import TABLES

    chosen: dict[str, Path] = {}
    for table in TABLES:
        candidates = _matching_files(files, names.table_name(table))
        if len(candidates) > 1:
            return None
        if candidates:
            chosen[table] = candidates[0]
    paths = list(chosen.values())
    if "orders" not in chosen or len(set(paths)) < len(paths) or any(p.suffix.lower() != ".csv" for p in paths):
        return None
    if any(
        name not in chosen and names.tables[name] for name in names.tables
    ):  # a mapped table the folder lacks: reported by validation
        return None
    if sum(p.stat().st_size for p in paths) < stream_bytes:
        return None
    if any(separator(p, CSV_ENCODINGS[0]) != "," for p in paths):  # semicolons, tabs: the loader's reader
        return None
    if any(title_lines(p, CSV_ENCODINGS[0]) for p in paths):  # a title above the header: the loader's reader
        return None
    ignored = [p.name for p in files if p not in paths]
    return StreamPlan(text, chosen, ignored, names)


assert CSV_ENCODINGS[0] == "utf-8-sig", "the stream reads UTF-8 (with or without BOM): the loader's first try"
