"""Stage a large source's tables side by side, one child Python process per table, up to one per core.

A child is started as ``python -m salesnb.data.stage_processes TASK``: it reads its table's task (a pickle in
the staging folder), runs :func:`~salesnb.data.ingest_stream.stage_table` and writes back the staged table or
the exception it raised. Not :mod:`multiprocessing`: its spawned children re-run the caller's main script, so
a script without a ``__main__`` guard that opens a report would start the ingest again in every child; and a
forked child of a process running pyarrow's or DuckDB's threads can hang.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding salesnb: what the children import


def stage_in_processes(
    files: dict[str, Path],
    names: object,
    stage: Path,
    processes: int,
    *,
    here: Sequence[str] = (),
    stage_here: Callable[..., object] | None = None,
) -> dict:
    """Each table of ``files`` staged by a child process, ``processes`` at a time (largest files first).

    The tables named in ``here`` are staged meanwhile in this process by ``stage_here`` (the same signature as
    :func:`~salesnb.data.ingest_stream.stage_table`). Returns table -> staged table in the order of ``files``;
    the first table's exception (in that order) is raised here as its process raised it.
    """
    children = sorted((name for name in files if name not in here), key=lambda name: -files[name].stat().st_size)
    with ThreadPoolExecutor(processes) as pool:
        futures = {name: pool.submit(_stage_in_child, name, files[name], names, stage) for name in children}
        try:
            local = {name: stage_here(name, files[name], names, stage) for name in files if name in here}
            return {name: local[name] if name in local else futures[name].result() for name in files}
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise


def _stage_in_child(name: str, path: Path, names: object, stage: Path) -> object:
    task, result = stage / f".{name}.task", stage / f".{name}.result"
    task.write_bytes(pickle.dumps((name, path, names, stage, result)))
    paths = [str(_PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-m", "salesnb.data.stage_processes", str(task)], env=env, capture_output=True, text=True
    )
    if not result.is_file():
        raise RuntimeError(f"staging table {name} stopped (exit {done.returncode}): {done.stderr[-2000:]}")
    staged, error = pickle.loads(result.read_bytes())
    if error is not None:
        raise error
    return staged


def _child(task: Path) -> None:
    """Stage the task's table; write ``(staged, None)`` or ``(None, the exception)`` to its result file."""
    from .ingest_stream import stage_table

    name, path, names, stage, result = pickle.loads(task.read_bytes())
    try:
        outcome = (stage_table(name, path, names, stage), None)
    except Exception as exc:  # handed to the parent, which decides (NotStreamable: load the source whole)
        outcome = (None, exc)
    try:
        data = pickle.dumps(outcome)
    except Exception:  # an exception that does not pickle: its text
        data = pickle.dumps((None, RuntimeError(f"staging table {name}: {outcome[1]!r}")))
    result.write_bytes(data)


if __name__ == "__main__":
    _child(Path(sys.argv[1]))
