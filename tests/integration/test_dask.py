"""salesnb run --scheduler: a real Dask scheduler and two workers on localhost, one killed mid-run.

The outputs must be byte-identical with a local ``--jobs 1`` run, every page complete, and no process
(scheduler, worker, kernel) left behind.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from distributed import Client

from salesnb.batch.cluster import PROGRESS
from salesnb.report import bundled_sample

ROOT = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).parent / "dask"
PERIOD, REGIONS, ANGLES = "2026-09", ["ALL", "华东", "华南"], ["team", "support"]
GRID = ["--period", PERIOD, *(a for r in REGIONS for a in ("--region", r))]
GRID += [a for g in ANGLES for a in ("--angle", g)]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
ENV["MPLBACKEND"] = "Agg"


def _salesnb(out: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "salesnb", "run", "--data", bundled_sample(), *GRID, "--out", str(out)]
    return subprocess.Popen([*command, "--quiet", *args], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _finish(run: subprocess.Popen, seen: set[int], timeout: float = 600) -> str:
    """Wait for a run, noting every process it and ``seen``'s processes start (to check none survives)."""
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(run.stdout.read()), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while run.poll() is None and time.monotonic() < deadline:
        for pid in [run.pid, *seen]:
            seen |= _tree(pid)
        time.sleep(0.5)
    if run.poll() is None:
        run.kill()
    reader.join(30)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert run.returncode == 0, text
    return text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children() -> dict[int, int]:
    """Every process's parent, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def _tree(pid: int) -> set[int]:
    """``pid`` and all its descendants now alive."""
    parents, found, todo = _children(), set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        todo += [child for child, parent in parents.items() if parent == current and child not in found]
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and "(Z" not in _state(pid)}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:3]
    except OSError:
        return "(Z"


def _reports(out: Path) -> dict[str, bytes]:
    """The published JSON of every scope, by relative path."""
    paths = sorted([*out.glob("*/*/metrics.json"), *out.glob("*/*/findings.json")])
    return {str(p.relative_to(out)): p.read_bytes() for p in paths}


def _assert_complete(out: Path) -> None:
    for region in REGIONS:
        folder = out / PERIOD / region
        assert not list(folder.glob("*.error.html")), folder
        for angle in ANGLES:
            page = (folder / f"{angle}.html").read_text(encoding="utf-8")
            assert page.rstrip().endswith("</html>") and '<svg class="salesnb-chart"' in page, (folder, angle)
            assert (folder / f"{angle}.ipynb").stat().st_size > 0


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The reference: the same grid in one local worker."""
    out = tmp_path_factory.mktemp("local") / "out"
    seen: set[int] = set()
    _finish(_salesnb(out, "--jobs", "1"), seen)
    _assert_gone(seen)
    return out


@pytest.fixture
def cluster():
    """A `dask scheduler` and two one-thread `dask worker` processes on 127.0.0.1; every process ends after."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = ["--no-dashboard"]
    started = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), *common], env=ENV)]
    worker = [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1", *common]
    started += [subprocess.Popen([*worker, "--name", f"w{i}"], env=ENV) for i in range(2)]
    seen: set[int] = set()
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            yield address, client, started, seen
            for process in started:
                seen |= _tree(process.pid)
    finally:
        for process in started[:0:-1] + started[:1]:  # workers first, then the scheduler
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _assert_gone(seen)


def _assert_gone(pids: set[int], grace: float = 30) -> None:
    deadline = time.monotonic() + grace
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pids), f"processes left behind: {sorted(_alive(pids))}"


def test_cluster_run_survives_a_killed_worker_and_matches_a_local_run(local_run, cluster, tmp_path):
    address, client, started, seen = cluster
    pids = client.run(os.getpid)  # worker address -> process id
    seen |= {p.pid for p in started}
    events: list[list[str]] = []
    killed: list[int] = []
    lock = threading.Lock()

    def on_event(event):  # the first report a worker finishes: kill that worker while it runs the next
        _, period, region, angle, worker = event[1]
        with lock:
            events.append([period, region, angle, worker])
            if not killed:
                seen.update(_tree(pids[worker]))  # the worker and its kernel: both must be gone at the end
                os.kill(pids[worker], signal.SIGKILL)
                killed.append(pids[worker])

    client.subscribe_topic(PROGRESS, on_event)
    out = tmp_path / "out"
    _finish(_salesnb(out, "--scheduler", address), seen)

    assert killed, "no worker was killed"
    reports = len(REGIONS) * len(ANGLES)
    assert len(events) == reports + 1  # the killed worker's report was run again on the other worker
    redone = [e[:3] for e in events if [x[:3] for x in events].count(e[:3]) == 2]
    assert len({w for *_, w in (e for e in events if e[:3] == redone[0])}) == 2
    assert {p.returncode for p in started[1:] if p.poll() is not None} == {-signal.SIGKILL}
    _assert_complete(out)
    assert _reports(out) == _reports(local_run)
    assert len(_reports(out)) == 2 * len(REGIONS)


def test_local_cluster_matches_a_local_run(local_run, tmp_path):
    out, seen = tmp_path / "out", set()
    _finish(_salesnb(out, "--scheduler", "local", "--jobs", "2"), seen)
    assert len(seen) >= 5  # the run, the scheduler's and two workers' processes, kernels
    _assert_gone(seen)
    _assert_complete(out)
    assert _reports(out) == _reports(local_run)
