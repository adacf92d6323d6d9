"""Load a dataset once and reuse it: within a kernel, and across the kernels of one batch run.

Parsing and validating the raw files is the most expensive step of a report that is not analysis.
``salesnb run`` validates the data once and writes it to the columnar store (:mod:`salesnb.data.store`);
its kernels find the store through :data:`~salesnb.data.store.READ_ENV` and read it through DuckDB
(:mod:`salesnb.data.store_read`); a notebook opened by hand on a large source goes through the default store
as well (:func:`store_root_for`); every kernel keeps what it loaded in memory for its next reports. Entries
are keyed by a *signature* of the source (file names, sizes and modification times, plus the mapping), so an
edited file is re-read, never served stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .database import masked_url
from .dataset import Dataset
from .loading import FILE_SUFFIXES, load_dataset
from .store import READ_ENV

_MEMORY: dict[str, Dataset] = {}
_MEMORY_LIMIT = 2  # datasets kept per process; a batch run uses one


def _file_stats(folder: Path) -> list[tuple[str, int, int]]:
    stats = []
    paths = [folder] if folder.is_file() else sorted(folder.iterdir()) if folder.is_dir() else []  # a file: itself
    for path in paths:
        if path.suffix.lower() in FILE_SUFFIXES and path.is_file():
            st = path.stat()
            stats.append((path.name, st.st_size, st.st_mtime_ns))
    return stats


def source_signature(source: str | os.PathLike, mapping: str | os.PathLike | None = None) -> str:
    """A short hash that changes whenever the data files or the mapping file change.

    Folders are signed by their data files' names, sizes and modification times; database URLs by the
    URL alone with its password masked (a database cannot be signed cheaply, so a snapshot of one is trusted
    for one run; the runner hands its kernels the masked URL, which finds the same store).
    """
    text = os.fspath(source)
    parts: dict[str, object] = {"source": masked_url(text)}
    if "://" not in text:
        folder = Path(text).resolve()
        parts = {"source": str(folder), "files": _file_stats(folder)}
    if mapping:
        mapping_path = Path(mapping)
        parts["mapping"] = (
            hashlib.sha256(mapping_path.read_bytes()).hexdigest() if mapping_path.is_file() else str(mapping)
        )
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


def store_root_for(source: str | os.PathLike) -> str | None:
    """Where a load of ``source`` reads the columnar store from, or ``None`` to load the source itself.

    A batch run's kernel (or a user who asks for it) names the store in :data:`~salesnb.data.store.READ_ENV`.
    Otherwise a folder or file of at least :data:`~salesnb.data.ingest.STREAM_BYTES` of data goes through the
    default store too (:func:`~salesnb.data.store.default_root`): a notebook opened by hand on a large export
    ingests it once, in bounded memory, and every later open reads the store back (at ten million order lines
    about a third of the memory and a fifth of the time of parsing and validating it whole again). Small
    sources and databases are loaded directly: writing a store would cost them more than it saves.
    """
    if os.environ.get(READ_ENV):
        return os.environ[READ_ENV]
    text = os.fspath(source)
    if "://" in text:
        return None
    from .ingest import STREAM_BYTES
    from .store import default_root

    data_bytes = sum(size for _, size, _ in _file_stats(Path(text)))
    return str(default_root()) if data_bytes >= STREAM_BYTES else None


def load_dataset_cached(source: str | os.PathLike, mapping: str | os.PathLike | None = None) -> Dataset:
    """:func:`~salesnb.data.loading.load_dataset`, but each unchanged source is parsed and validated only once.

    Within a process the dataset is kept in memory; across processes through the columnar store where
    :func:`store_root_for` names one. A store that cannot be written (a read-only cache folder) is skipped.
    """
    signature = source_signature(source, mapping)
    ds = _MEMORY.get(signature)
    if ds is None:
        root = store_root_for(source)
        if root is not None:
            from .store_read import open_store

            try:
                ds = open_store(source, mapping, root=root)
            except OSError:  # the store's folder cannot be written or read: the source itself is still there
                if os.environ.get(READ_ENV):
                    raise
        if ds is None:
            ds = load_dataset(source, mapping=mapping or None)
        while len(_MEMORY) >= _MEMORY_LIMIT:
            _MEMORY.pop(next(iter(_MEMORY)))
        _MEMORY[signature] = ds
    return ds


def clear() -> None:
    """Forget every dataset held in memory."""
    _MEMORY.clear()
