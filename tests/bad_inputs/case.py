"""One case of the bad-input corpus, and the two command lines the cases start from.

Each :class:`Case` builds a small dataset from ``tests/tiny.py`` (edits of its tables, files written verbatim),
runs one ``salesnb`` command and states the exit status (0 the data is acceptable, 1 invalid data, 2 wrong
usage) and the words the message must hold (the table, column, argument or value at fault). The runner in
``test_corpus.py`` adds the checks every case shares: no traceback, and nothing written or changed anywhere
in the case's folder when the command fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .build import Edit, Files

Check = Callable[[Path, str], None]  # extra assertions: the case folder and the command's whole output


@dataclass(frozen=True)
class Case:
    """One bad input: how to build it, the command (``{data}``, ``{out}``, ``{tmp}`` filled in), the answer."""

    id: str
    argv: tuple[str, ...]
    status: int
    says: tuple[str, ...] = ()
    edits: tuple[Edit, ...] = ()
    files: tuple[Files, ...] = ()
    check: Check | None = None
    xfail: str = ""  # a known bug: where it lies and what is wrong (strict: the case must fail today)
    subprocess: bool = False  # run ``python -m salesnb`` instead of calling ``salesnb.cli.main`` in-process


V = ("validate", "--data", "{data}")


def R(*extra: str) -> tuple[str, ...]:  # noqa: N802 - reads as the command it builds
    """A cheap ``run``: the overview of one region, one worker, into the case's ``out/`` (existing reports)."""
    common = ("--angle", "overview", "--region", "华东", "--jobs", "1", "--out", "{out}", "--quiet")
    return ("run", "--data", "{data}", *common, *extra)
