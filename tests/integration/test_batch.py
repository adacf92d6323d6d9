"""The production batch runner: warm kernels without leaks, failures kept apart, skipping, index, show-code."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from cell_notebooks import write_notebook
from tiny import write_tiny

from salesnb.batch import runner
from salesnb.batch.engine import NotebookFailed, WarmKernel, parameterize
from salesnb.batch.rendering import extract_result

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    """A notebook folder with the real overview and a ``team`` notebook that fails on demand."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(REPO / "notebooks" / "overview.ipynb", folder / "overview.ipynb")
    write_notebook(
        folder / "team.ipynb",
        "import os\nif os.environ.get('SALESNB_TEST_FAIL'):\n    raise ValueError('planted failure')",
    )
    monkeypatch.setattr(runner, "NOTEBOOK_DIR", folder)
    return folder


def test_warm_kernel_leaks_nothing_between_reports(tmp_path):
    dirty = write_notebook(
        tmp_path / "dirty.ipynb",
        "import matplotlib, matplotlib.pyplot as plt\nsecret = 42\nplt.figure()\n"
        "matplotlib.rcParams['font.sans-serif'] = ['Comic Sans MS']\nmatplotlib.rcParams['axes.titlesize'] = 30",
    )
    check = write_notebook(
        tmp_path / "check.ipynb",
        "import matplotlib, matplotlib.pyplot as plt\nfrom salesnb.display import plotting\n"
        "assert 'secret' not in globals(), 'a variable leaked'\n"
        "assert plt.get_fignums() == [], 'a figure leaked'\n"
        "assert matplotlib.rcParams['font.sans-serif'][0] == plotting.FONT_NAME, 'the style leaked'\n"
        "assert matplotlib.rcParams['axes.titlesize'] == 11",
    )
    with WarmKernel(tmp_path) as kernel:
        kernel.execute(parameterize(dirty, {}))
        checked = kernel.execute(parameterize(check, {}))  # raises NotebookFailed on any leak
        counts = [cell.execution_count for cell in checked.cells if cell.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))  # a new session, as in a fresh kernel
        with pytest.raises(NotebookFailed, match="planted"):  # the kernel still reports errors after reuse
            kernel.execute(parameterize(write_notebook(tmp_path / "x.ipynb", "raise KeyError('planted')"), {}))
        kernel.execute(parameterize(check, {}))  # and is clean again after a failed report


def test_warm_kernel_results_equal_fresh_kernel_results(tmp_path):
    data = str(write_tiny(tmp_path / "tiny"))
    overview = REPO / "notebooks" / "overview.ipynb"

    def run(kernel, region):
        nb = parameterize(overview, {"data": data, "period": "2026-10", "region": region})
        return extract_result(kernel.execute(nb))

    with WarmKernel(REPO / "notebooks") as warm:
        run(warm, "ALL")
        run(warm, "华南")
        after_others = run(warm, "华东")
    with WarmKernel(REPO / "notebooks") as fresh:
        alone = run(fresh, "华东")
    assert after_others == alone
    assert alone["metrics"]["revenue"] == 300


def test_failure_is_kept_apart_and_batch_goes_on(tmp_path, notebooks, monkeypatch):
    data = write_tiny(tmp_path / "tiny")
    out = tmp_path / "out"
    common = dict(periods=["2026-10"], regions=["ALL", "华东"], angles=[], out_dir=out, progress=False, jobs=1)
    first = runner.run_reports(data, **common)
    assert first.ok and len(first.done) == 4
    good = (out / "2026-10" / "华东" / "team.html").read_bytes()

    monkeypatch.setenv("SALESNB_TEST_FAIL", "1")
    second = runner.run_reports(data, force=True, **common)
    assert not second.ok
    assert [(j.region, j.angle) for j, _ in second.failed] == [("ALL", "team"), ("华东", "team")]
    assert "planted failure" in second.failed[0][1]
    assert [j.angle for j in second.done] == ["overview", "overview"]  # the batch went on
    folder = out / "2026-10" / "华东"
    assert (folder / "team.html").read_bytes() == good  # the good page was not overwritten
    page = (folder / "team.error.html").read_text(encoding="utf-8")
    assert "planted failure" in page and "SALESNB_TEST_FAIL" in page  # the error and the failing cell's code
    assert nbformat.read(folder / "team.failed.ipynb", as_version=4).cells
    assert not list(folder.glob(".*.tmp"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "team.error.html" in index and "failed" in index

    monkeypatch.delenv("SALESNB_TEST_FAIL")
    third = runner.run_reports(data, **common)  # a failed report is never "up to date"
    assert [(j.region, j.angle) for j in third.done] == [("ALL", "team"), ("华东", "team")]
    assert not (folder / "team.error.html").exists() and not (folder / "team.failed.ipynb").exists()


def test_up_to_date_reports_are_skipped_with_reasons(tmp_path, notebooks):
    data = write_tiny(tmp_path / "tiny")
    out = tmp_path / "out"
    common = dict(periods=["2026-10"], regions=["华东"], angles=["overview"], out_dir=out, progress=False, jobs=1)
    assert [why for _, why in runner.run_reports(data, **common).reasons] == ["no earlier report"]
    metrics = (out / "2026-10" / "华东" / "metrics.json").read_bytes()
    again = runner.run_reports(data, **common)
    assert not again.done and len(again.skipped) == 1 and "skipped 1" in again.text()
    assert (out / "2026-10" / "华东" / "metrics.json").read_bytes() == metrics

    nb = nbformat.read(notebooks / "overview.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("另注"))
    nbformat.write(nb, notebooks / "overview.ipynb")
    assert [why for _, why in runner.run_reports(data, **common).reasons] == ["notebook changed"]

    orders = data / "orders.csv"
    orders.write_text(orders.read_text(encoding="utf-8").replace("2026-10-25", "2026-10-26"), encoding="utf-8")
    changed = runner.run_reports(data, **common)
    assert [why for _, why in changed.reasons] == ["data changed"]
    assert "run  2026-10 华东 overview: data changed" in changed.text(verbose=True)
    assert (out / "2026-10" / "华东" / "metrics.json").read_bytes() == metrics  # same numbers, same bytes

    assert [why for _, why in runner.run_reports(data, lang="en", **common).reasons] == ["parameters changed"]
    assert [why for _, why in runner.run_reports(data, lang="en", force=True, **common).reasons] == ["forced (--force)"]


def test_show_code_and_index(tmp_path):
    data = write_tiny(tmp_path / "tiny")
    out = tmp_path / "out"
    common = dict(periods=["2026-10"], regions=["华东"], angles=["overview"], progress=False, jobs=1)
    runner.run_reports(data, out_dir=out, **common)
    runner.run_reports(data, out_dir=tmp_path / "code", show_code=True, **common)
    hidden = (out / "2026-10" / "华东" / "overview.html").read_text(encoding="utf-8")
    shown = (tmp_path / "code" / "2026-10" / "华东" / "overview.html").read_text(encoding="utf-8")
    assert "open_report" not in hidden and "open_report" in shown
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2026-10/华东/overview.html"' in index and "2026-10" in index
    assert json.loads((out / "2026-10" / "华东" / "metrics.json").read_text(encoding="utf-8"))["revenue"] == 300


def test_parallel_run_matches_serial_run(tmp_path):
    data = write_tiny(tmp_path / "tiny")
    common = dict(periods=["2026-09", "2026-10"], regions=[], all_regions=True, angles=["overview"], progress=False)
    serial = runner.run_reports(data, out_dir=tmp_path / "serial", jobs=1, **common)
    parallel = runner.run_reports(data, out_dir=tmp_path / "parallel", jobs=2, **common)
    assert serial.ok and parallel.ok and len(parallel.done) == 6
    for path in sorted((tmp_path / "serial").glob("*/*/*.json")):
        twin = tmp_path / "parallel" / path.relative_to(tmp_path / "serial")
        assert twin.read_bytes() == path.read_bytes(), path


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_killed_run_leaves_no_workers_or_kernels(tmp_path):
    """`kill` of the main process alone (not Ctrl-C): its workers and their kernels end within seconds."""
    import signal
    import subprocess
    import sys
    import time

    def children(pid: int) -> set[int]:
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(stat.parent.name))
        return found

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    run = subprocess.Popen(
        [sys.executable, "-m", "salesnb", "run", "--data", "data/sample", "--period", "2026-09", "--period",
         "2026-10", "--region", "华东", "--region", "华南", "--angle", "overview", "--jobs", "2",
         "--out", str(tmp_path), "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    family: set[int] = set()
    while time.monotonic() < deadline and run.poll() is None:
        workers = children(run.pid)
        kernels = {k for w in workers for k in children(w)}
        family = workers | kernels
        if len(kernels) >= 2:  # both workers have started their kernel
            break
        time.sleep(0.2)
    assert run.poll() is None and len(family) >= 4, "the run should be busy with two workers and their kernels"
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(p) for p in family):
        time.sleep(0.2)
    assert not [p for p in family if alive(p)]


def test_default_jobs_are_lowered_to_what_memory_holds(tmp_path, notebooks, monkeypatch):
    data = write_tiny(tmp_path / "tiny")
    monkeypatch.setattr(runner, "available_mib", lambda: 1_000)  # room for one kernel of the tiny data
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)  # the default: as many as cores
    common = dict(periods=["2026-10"], regions=["ALL", "华东"], angles=["team"], progress=False)
    summary = runner.run_reports(data, out_dir=tmp_path / "out", **common)
    assert summary.ok and len(summary.done) == 2
    assert summary.note.startswith("note: 1 report(s) at a time instead of 2") and summary.note in summary.text()
    asked = runner.run_reports(data, out_dir=tmp_path / "asked", jobs=2, **common)
    assert asked.ok and asked.note.startswith("warning: --jobs 2 may run out of memory")
