"""Writing the output folder: atomic files, one clear error when the folder cannot be written.

Every file a run writes goes to a temporary name in its own folder and is moved into place, so a run
killed at any moment leaves each page either whole or absent; the temporaries it may leave are swept by
the next run.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..data.messages import Message
from ..errors import OutputFolderError, ParameterError

PROBE = ".salesnb-write-check"
WORKBOOK = "findings.xlsx"  # every report's findings and figures, for Excel (:mod:`.workbook`)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


_SHARED_MODE = 0o666 & ~_umask()  # read once at import: os.umask is process-wide, not thread-safe


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file in the same folder and an atomic rename.

    The file gets the permissions any new file would (``0o666`` less the umask), not the private
    ``0o600`` of a temporary file: reports are made to be shared.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _SHARED_MODE)
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def output_errors(out: Path) -> Iterator[None]:
    """Turn a failed write under ``out`` (no permission, disk full, read-only) into one error naming ``out``."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputFolderError(Message("error_out_unwritable", out=str(out), reason=reason)) from None


def check_not_a_file(out: Path) -> None:
    """Refuse ``--out`` naming an existing file: a usage error, told before any data is read."""
    if out.exists() and not out.is_dir():
        raise ParameterError(Message("error_out_is_file", out=str(out)))


def prepare_output(out: Path) -> None:
    """Check that ``out`` is a folder salesnb can write, before any report runs; sweep stale temporary files.

    ``out`` (or a part of its path) being an existing file is a usage error (:class:`ParameterError`); a
    folder without permission or space is an :class:`OutputFolderError`. Temporary files left by a run that
    was killed while writing are removed.
    """
    check_not_a_file(out)
    try:
        with output_errors(out):
            out.mkdir(parents=True, exist_ok=True)
            write_atomic(out / PROBE, "")
            (out / PROBE).unlink()
    except OutputFolderError:
        if any(parent.exists() and not parent.is_dir() for parent in out.parents):
            raise ParameterError(Message("error_out_part_is_file", out=str(out))) from None
        raise
    for stale in [*out.glob(".*.tmp"), *out.glob("*/*/.*.tmp")]:
        with contextlib.suppress(OSError):
            stale.unlink()


def read_json(path: Path, default: Any) -> Any:
    """A JSON file the run wrote, or ``default`` when it is missing or unreadable (a report that failed)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def report_folders(out_dir: Path) -> list[Path]:
    """The report folders of an output folder (``<period>/<region>``), sorted by path."""
    return sorted(p for p in out_dir.glob("*/*") if p.is_dir() and not p.name.startswith("."))
