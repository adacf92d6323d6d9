"""Faults during a run: a cell past the time limit, a kernel that dies, an output folder that cannot be written,
``--out`` naming a file, and the run itself killed by SIGINT, SIGTERM or SIGKILL.

Each failing report keeps its error page and failed notebook and is listed in the index while the batch goes
on; a killed run leaves no process and no partial page behind, and the next run completes.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from cell_notebooks import write_notebook
from tiny import write_tiny

from salesnb import cli
from salesnb.batch import jobs as batch_jobs
from salesnb.batch import output, runner
from salesnb.errors import ParameterError

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
PERIOD = "2026-10"


@pytest.fixture
def faulty(tmp_path, monkeypatch) -> Path:
    """Notebooks that fail by the fault under test: market sleeps past the limit, product's kernel dies."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "market.ipynb", "x = 1", "import time\ntime.sleep(120)", "y = 2")
    write_notebook(folder / "product.ipynb", "import os\nos._exit(9)  # as the out-of-memory killer would end it")
    write_notebook(folder / "team.ipynb", "z = 3")
    monkeypatch.setattr(runner, "NOTEBOOK_DIR", folder)
    return folder


def test_timed_out_and_dead_reports_leave_a_trace_and_the_batch_goes_on(tmp_path, faulty):
    out = tmp_path / "out"
    summary = runner.run_reports(
        write_tiny(tmp_path / "tiny"),
        periods=[PERIOD],
        regions=["华东"],
        angles=[],
        out_dir=out,
        progress=False,
        jobs=1,
        cell_timeout=3,
    )
    assert [(j.angle, err.split(":")[0]) for j, err in summary.failed] == [
        ("market", "CellTimeoutError"),
        ("product", "DeadKernelError"),
    ]
    assert [j.angle for j in summary.done] == ["team"]  # a fresh kernel took over after each fault
    text = summary.text()
    assert "FAILED 2026-10 华东 market: CellTimeoutError" in text and "FAILED 2026-10 华东 product" in text

    folder = out / PERIOD / "华东"
    timed_out = nbformat.read(folder / "market.failed.ipynb", as_version=4)
    slow = next(i for i, c in enumerate(timed_out.cells) if "sleep" in c.source)
    assert [c.execution_count is not None for c in timed_out.cells[slow - 1 :]] == [True, True, False]
    assert timed_out.cells[slow].outputs[-1].ename == "CellTimeoutError"  # the cell that ran too long says so
    page = (folder / "market.error.html").read_text(encoding="utf-8")
    assert "time.sleep(120)" in page and "3 s" in page and "--cell-timeout" in page
    assert f"failing cell: <b>{slow + 1}</b>" in page
    died = (folder / "product.error.html").read_text(encoding="utf-8")
    assert "DeadKernelError" in died and "os._exit(9)" in died
    assert nbformat.read(folder / "product.failed.ipynb", as_version=4).cells[-1].outputs[-1].ename == "DeadKernelError"
    assert (folder / "team.html").is_file() and not (folder / "market.html").exists()

    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<span class="failed">') == 2
    assert "2026-10/华东/market.error.html" in index and "2026-10/华东/product.error.html" in index
    assert "2026-10/华东/team.html" in index


def test_cell_timeout_is_a_documented_option():
    help_text = cli._parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert "--cell-timeout SECONDS" in help_text and "600" in help_text
    assert "--cell-timeout" in (REPO / "README.md").read_text(encoding="utf-8")
    assert cli._parser().parse_args(["run"]).cell_timeout == 600


def _run_cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["run", "--period", PERIOD, "--region", "华东", "--angle", "overview", "--quiet", *args])
    captured = capsys.readouterr()
    return code, captured.err


def test_out_naming_a_file_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "report.html"
    target.write_text("mine", encoding="utf-8")
    said = {target: "是一个已有的文件，不是文件夹", target / "sub": "这个路径中有一段是已有的文件，不是文件夹"}
    for out, words in said.items():
        code, err = _run_cli(capsys, "--data", str(write_tiny(tmp_path / "tiny")), "--out", str(out))
        assert code == 2 and "Traceback" not in err
        assert err.startswith(f"错误：--out {out}") and words in err
        code, err = _run_cli(capsys, "--data", str(write_tiny(tmp_path / "tiny")), "--out", str(out), "--lang", "en")
        assert code == 2 and err.startswith(f"error: --out {out}") and "existing file, not a folder" in err
    assert target.read_text(encoding="utf-8") == "mine"
    with pytest.raises(SystemExit) as usage:
        _run_cli(capsys, "--data", str(tmp_path / "tiny"), "--out", str(tmp_path / "o"), "--cell-timeout", "0")
    assert usage.value.code == 2 and "--cell-timeout" in capsys.readouterr().err and not (tmp_path / "o").exists()
    with pytest.raises(ParameterError, match="--cell-timeout"):  # the same rule for a caller of the runner
        runner.run_reports(tmp_path / "tiny", periods=[], regions=[], angles=[], out_dir=tmp_path / "o", cell_timeout=0)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission bits")
def test_unwritable_output_folder_is_one_clear_error(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for out in (locked, locked / "reports"):
            code, err = _run_cli(capsys, "--data", str(write_tiny(tmp_path / "tiny")), "--out", str(out))
            assert code == 1 and "Traceback" not in err
            assert err == f"错误：无法写入输出文件夹 {out}：Permission denied\n"
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS], ids=["full", "denied", "read-only"])
def test_full_or_locked_disk_before_the_run_is_one_clear_error(tmp_path, capsys, monkeypatch, code):
    """As the chmod test, but also as root: the write itself fails the way the disk would make it."""

    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output, "write_atomic", failing)
    out = tmp_path / "out"
    status, err = _run_cli(capsys, "--data", str(write_tiny(tmp_path / "tiny")), "--out", str(out), "--lang", "en")
    assert status == 1 and err == f"error: cannot write to the output folder {out}: {os.strerror(code)}\n"


def test_disk_filling_up_mid_run_stops_with_one_clear_error(tmp_path, capsys, monkeypatch, faulty):
    monkeypatch.setattr(batch_jobs, "write_atomic", _no_space)  # the check before the run passes: it writes via output
    out = tmp_path / "out"
    code, err = (
        cli.main(
            [
                "run",
                "--data",
                str(write_tiny(tmp_path / "tiny")),
                "--region",
                "华东",
                "--angle",
                "team",
                "--out",
                str(out),
            ]
            + ["--quiet", "--jobs", "1"]
        ),
        capsys.readouterr().err,
    )
    assert code == 1 and err == f"错误：无法写入输出文件夹 {out}：No space left on device\n"
    assert not list(out.rglob("*.html")) and not list(out.rglob(".*.tmp"))


# -- the run killed -------------------------------------------------------------------------------------------


def _children() -> dict[int, set[int]]:
    """Parent pid -> child pids of every live process (from /proc; no psutil needed)."""
    tree: dict[int, set[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie is already dead, waiting to be reaped
            tree.setdefault(int(fields[1]), set()).add(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _is_kernel(pid: int) -> bool:
    try:
        return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _start_run(out: Path, jobs: int = 2) -> subprocess.Popen:
    command = [sys.executable, "-m", "salesnb", "run", "--data", str(SAMPLE), "--period", PERIOD, "--out", str(out)]
    command += ["--region", "华东", "--region", "华南", "--angle", "overview", "--jobs", str(jobs), "--quiet"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def _kill_mid_run(out: Path, sig: int, jobs: int) -> tuple[int, str]:
    """Start a run, kill it once each of its ``jobs`` workers runs a kernel; wait until its whole tree is gone."""
    run, kernels_before_kill = _start_run(out, jobs), jobs
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None:
        seen |= _descendants(run.pid)
        if sum(_is_kernel(pid) for pid in _alive(seen)) >= kernels_before_kill:
            break
        time.sleep(0.1)
    assert run.poll() is None, "the run ended before it could be killed"
    time.sleep(1.0)  # mid-report
    seen |= _descendants(run.pid)
    assert sum(_is_kernel(pid) for pid in _alive(seen)) >= kernels_before_kill  # there was something to leave behind
    if sig == signal.SIGINT:
        os.killpg(run.pid, sig)  # Ctrl-C reaches the terminal's whole foreground group
    else:
        os.kill(run.pid, sig)  # `kill` reaches the main process alone
    _, err = run.communicate(timeout=60)
    deadline = time.monotonic() + 15
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(seen) == set(), f"survived {signal.Signals(sig).name}: {sorted(_alive(seen))}"
    return run.returncode, err.decode("utf-8", "replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
def test_killed_run_leaves_no_process_no_partial_page_and_the_rerun_completes(tmp_path):
    out = tmp_path / "out"
    # --jobs 2 runs the reports in worker processes; --jobs 1 in the run's own process, where nbclient would
    # otherwise catch the signal, shut the kernel down and carry on with the next report
    for sig, jobs in ((signal.SIGINT, 2), (signal.SIGTERM, 2), (signal.SIGKILL, 2), (signal.SIGTERM, 1)):
        code, err = _kill_mid_run(out, sig, jobs)
        assert code != 0
        if sig != signal.SIGKILL:
            assert "Traceback" not in err and "interrupted" in err
        for page in out.rglob("*.html"):
            assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page
        assert not list(out.rglob("*.error.html"))  # a stopped report did not fail: it is just not there yet
    rerun = _start_run(out)
    stdout, stderr = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, stderr.decode()
    assert "失败 0 份" in stdout.decode()  # the summary in the run's language (zh by default)
    for region in ("华东", "华南"):
        assert (out / PERIOD / region / "overview.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2026-10/华东/overview.html" in index and "2026-10/华南/overview.html" in index
    assert not list(out.rglob(".*.tmp"))
