"""Run every case of the bad-input corpus (``data_cases.py``, ``usage_cases.py``) through the ``salesnb`` command line.

Every case asserts its exit status, that its message names what is wrong, that no traceback reaches the user,
and that a failing command wrote or changed nothing: not the data, not the mapping or configuration files, not
the reports already in ``--out``. Cases call ``salesnb.cli.main`` in-process (what ``python -m salesnb`` runs,
an uncaught exception counting as a traceback); those marked ``subprocess`` run the real command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesnb import cli

from .build import existing_outputs, snapshot, write_case
from .case import Case
from .data_cases import DATA_CASES
from .usage_cases import USAGE_CASES

CASES: list[Case] = [*DATA_CASES, *USAGE_CASES]

REPO = Path(__file__).resolve().parents[2]
TRACEBACK = "Traceback (most recent call last)"


def _params() -> list:
    marks = {c.id: [pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [] for c in CASES}
    return [pytest.param(c, id=c.id, marks=marks[c.id]) for c in CASES]


def _in_process(argv: list[str], capfd) -> tuple[int, str]:
    try:
        status = cli.main(argv)
    except SystemExit as exc:  # argparse: usage errors and --help
        status = exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:  # what the console script would show as a traceback
        captured = capfd.readouterr()
        return -1, f"{captured.out}{captured.err}\n{TRACEBACK}\n{type(exc).__name__}: {exc}"
    captured = capfd.readouterr()
    return status, captured.out + captured.err


def _as_subprocess(argv: list[str]) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"}  # this checkout's salesnb
    result = subprocess.run(
        [sys.executable, "-m", "salesnb", *argv], capture_output=True, text=True, cwd=REPO, env=env, timeout=600
    )
    return result.returncode, result.stdout + result.stderr


def test_the_corpus_is_large_and_covers_every_kind_of_bad_input():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    kinds = {i.split("-")[0] for i in ids}
    wanted = {"encoding", "date", "number", "id", "table", "column", "type", "mapping", "config", "argument"}
    assert wanted | {"hostile", "corrupt"} <= kinds
    assert {c.status for c in CASES} == {0, 1, 2}


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: Case, tmp_path: Path, capfd) -> None:
    data = write_case(tmp_path, case.edits, case.files)
    existing_outputs(tmp_path)
    out = tmp_path / "out"
    argv = [a.format(data=data, out=out, tmp=tmp_path) for a in case.argv]
    before = snapshot(tmp_path)

    status, output = _as_subprocess(argv) if case.subprocess else _in_process(argv, capfd)

    assert TRACEBACK not in output, output
    assert status == case.status, output
    missing = [word for word in case.says if word not in output]
    assert not missing, f"the message should name {missing}:\n{output}"
    after = snapshot(tmp_path)
    if status != 0 or argv[0] != "run":
        assert after == before, "a failing command (or validate) must write or change nothing"
    else:  # a run writes its reports into --out and nowhere else
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed and all(k == "out" or k.startswith("out/") for k in changed), sorted(changed)
        assert before["out/2026-09/华东/overview.html"] == after["out/2026-09/华东/overview.html"]
    if case.check:
        case.check(tmp_path, output)
