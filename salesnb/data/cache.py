"""Load a dataset once and reuse it: within a kernel, and across the kernels of one batch run.

Parsing and validating the raw files is the most expensive step of a report that is not analysis.
``salesnb run`` validates the data once and writes it to the columnar store (:mod:`salesnb.data.store`);
its kernels find the store through :data:`~salesnb.data.store.READ_ENV` and read it through DuckDB
(:mod:`salesnb.data.store_read`); every kernel keeps what it loaded in memory for its next reports. Entries
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


def load_dataset_cached(source: str | os.PathLike, mapping: str | os.PathLike | None = None) -> Dataset:
    """:func:`~salesnb.data.loading.load_dataset`, but each unchanged source is parsed and validated only once."""
    signature = source_signature(source, mapping)
    ds = _MEMORY.get(signature)
    if ds is None:
        if os.environ.get(READ_ENV):  # a batch run's kernel (or a user who asks for it): read the columnar store
            from .store_read import open_store

            ds = open_store(source, mapping, root=os.environ[READ_ENV])
        else:
            ds = load_dataset(source, mapping=mapping or None)
        while len(_MEMORY) >= _MEMORY_LIMIT:
            _MEMORY.pop(next(iter(_MEMORY)))
        _MEMORY[signature] = ds
    return ds


def clear() -> None:
    """Forget every dataset held in memory."""
    _MEMORY.clear()
