"""Stage a large source's tables side by side in child Python processes, one per core, each with its share.

A child is started as ``python -m salesnb.data.stage_processes TASK [TASK ...]``: for each task (a pickle in the
staging folder) in turn it runs :func:`~salesnb.data.ingest_stream.stage_table` and writes back the staged table
or the exception it raised. A child stages several tables: starting one (a Python with pandas, pyarrow and
salesnb imported) costs a few seconds, as much as staging a table of a million rows, so one child per table made
a 1 M-line source slower in two processes (16-18 s) than in one (6 s). Not :mod:`multiprocessing`: its spawned
children re-run the caller's main script, so a script without a ``__main__`` guard that opens a report would
start the ingest again in every child; and a forked child of a process running pyarrow's or DuckDB's threads can
hang.
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
    """The tables of ``files`` staged by ``processes`` child processes at once, each its share (:func:`shares`).

    The tables named in ``here`` are staged meanwhile in this process by ``stage_here`` (the same signature as
    :func:`~salesnb.data.ingest_stream.stage_table`). Returns table -> staged table in the order of ``files``;
    the first table's exception (in that order) is raised here as its process raised it.
    """
    children = [name for name in files if name not in here]
    groups = shares({name: files[name].stat().st_size for name in children}, processes)
    with ThreadPoolExecutor(max(len(groups), 1)) as pool:
        futures = [pool.submit(_stage_in_child, group, files, names, stage) for group in groups]
        try:
            local = {name: stage_here(name, files[name], names, stage) for name in files if name in here}
            outcomes = {name: outcome for future in futures for name, outcome in future.result().items()}
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    out = {}
    for name in files:  # in the order of files: the first table's exception is the one raised
        if name in local:
            out[name] = local[name]
            continue
        staged, error = outcomes[name]
        if error is not None:
            raise error
        out[name] = staged
    return out


def shares(sizes: dict[str, int], processes: int) -> list[list[str]]:
    """The tables split into at most ``processes`` groups of about equal bytes: largest first, each to the lightest."""
    groups: list[tuple[int, list[str]]] = [(0, []) for _ in range(min(processes, len(sizes)))]
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        k = min(range(len(groups)), key=lambda i: (groups[i][0], i))
        groups[k] = (groups[k][0] + sizes[name], [*groups[k][1], name])
    return [group for _, group in groups if group]


def _stage_in_child(group: list[str], files: dict[str, Path], names: object, stage: Path) -> dict[str, tuple]:
    """Stage ``group``'s tables in one child process: table -> (staged, None) or (None, its exception)."""
    tasks, results = [], {}
    for name in group:
        task, result = stage / f".{name}.task", stage / f".{name}.result"
        task.write_bytes(pickle.dumps((name, files[name], names, stage, result)))
        tasks.append(str(task))
        results[name] = result
    paths = [str(_PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-m", "salesnb.data.stage_processes", *tasks], env=env, capture_output=True, text=True
    )
    outcomes = {}
    for name, result in results.items():
        if not result.is_file():
            stopped = RuntimeError(f"staging table {name} stopped (exit {done.returncode}): {done.stderr[-2000:]}")
            outcomes[name] = (None, stopped)
        else:
            outcomes[name] = pickle.loads(result.read_bytes())
    return outcomes


def _child(tasks: list[Path]) -> None:
    """Stage each task's table in turn; write ``(staged, None)`` or ``(None, the exception)`` to its result file.

    A table that raises does not stop the others: the parent raises the first one's in the order of the files.
    """
    from .ingest_stream import stage_table

    for task in tasks:
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
    _child([Path(arg) for arg in sys.argv[1:]])
