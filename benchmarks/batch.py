"""Render the same grid of reports two ways and compare: a plain papermill + nbconvert loop, and `salesnb run`.

Usage: python benchmarks/batch.py [--periods 2026-09 2026-10] [--jobs N] [--memory-lines 1000000]
       python benchmarks/batch.py --year [--jobs 2]
       python benchmarks/batch.py --periods 2026-08 2026-09 2026-10 --skip-plain --compare-tree /work/main

The grid is ALL plus every region of the bundled sample (or ``--regions``) × the periods × every angle
notebook. The plain loop is what a team would script by hand: one `papermill` and one `jupyter nbconvert`
command per notebook, one after the other. Both runs happen here, one after the other on the same machine, and
the script prints reports per minute for each, their ratio, and whether the two produced identical
findings.json and metrics.json. With --memory-lines it also generates a dataset of about that many order
lines and prints the peak resident memory per worker (worker process plus its kernel) of `salesnb run`.

``--year`` runs the sample's 12 latest complete months (432 reports; the plain loop is skipped: it would take
hours) and prints minutes, reports per minute, the count of reports, and each worker's resident memory at
every quarter of the run (a warm kernel whose memory ratchets up with the months shows here).
``--compare-tree DIR`` also runs the grid with the salesnb of another checkout (e.g. main before a change), first,
and prints both rates, the CPU seconds of each run's processes (main, workers, kernels), both ratios (wall and
CPU: on a shared machine the CPU one is the steadier) and whether the JSON files and the pages are identical.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))

from salesnb.batch.rendering import extract_result  # noqa: E402
from salesnb.batch.runner import available_angles, merge_results, safe_dirname  # noqa: E402
from salesnb.data import facts  # noqa: E402
from salesnb.data.loading import load_dataset  # noqa: E402
from salesnb.periods import ALL  # noqa: E402

SAMPLE = REPO / "data" / "sample"


def plain_loop(periods: list[str], regions: list[str], angles: list[str], out: Path) -> float:
    """papermill + nbconvert command lines, one notebook at a time; returns seconds."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    started = time.perf_counter()
    for period in periods:
        for region in regions:
            folder = out / period / safe_dirname(region)
            folder.mkdir(parents=True, exist_ok=True)
            results = {}
            for angle in angles:
                executed = folder / f"{angle}.ipynb"
                subprocess.run(
                    [str(BIN / "papermill"), str(REPO / "notebooks" / f"{angle}.ipynb"), str(executed),
                     "-p", "data", str(SAMPLE), "-p", "period", period, "-p", "region", region,
                     "--cwd", str(REPO / "notebooks"), "-k", "python3", "--no-progress-bar", "--log-level", "ERROR"],
                    check=True, env=env, capture_output=True,
                )  # fmt: skip
                subprocess.run(
                    [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                    check=True, env=env, capture_output=True,
                )  # fmt: skip
                import nbformat

                results[angle] = extract_result(nbformat.read(executed, as_version=4)) or {}
            merge_results(folder, results)
    return time.perf_counter() - started


def salesnb_run(
    periods: list[str],
    out: Path,
    jobs: int | None,
    data: Path = SAMPLE,
    regions: list[str] | None = None,
    tree: Path = REPO,
    samples: list | None = None,
    cpu: dict | None = None,
) -> tuple[float, dict]:
    """`salesnb run` (of the checkout ``tree``) over the grid; returns seconds and the peak RSS (MiB) per worker.

    ``samples``, when given, receives ``(seconds since start, {worker: MiB})`` every second: the memory of each
    warm kernel over the run. ``cpu``, when given, receives the CPU seconds (user + system) of every process of
    the run (``{pid: (seconds, command)}``, as last seen every 0.1 s): on a shared machine a steadier figure
    than the wall clock.
    """
    cmd = [sys.executable, "-m", "salesnb", "run", "--data", str(data), "--out", str(out), "--quiet"]
    cmd += [arg for p in periods for arg in ("--period", p)]
    cmd += [arg for r in regions for arg in ("--region", r)] if regions else ["--all-regions"]
    cmd += ["--jobs", str(jobs)] if jobs else []
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE)
    peaks: dict[int, float] = {}
    samples = [] if samples is None else samples
    cpu = {} if cpu is None else cpu
    stop = threading.Event()

    def sample() -> None:
        last = 0.0
        while not stop.is_set():
            for pid, (seconds, kind) in _tree_cpu(process.pid).items():  # an ended process shows no command
                cpu[pid] = (seconds, kind or cpu.get(pid, (0.0, "other"))[1])
            now = _worker_rss(process.pid)
            for pid, mib in now.items():
                peaks[pid] = max(peaks.get(pid, 0.0), mib)
            if time.perf_counter() - last >= 1.0:
                last = time.perf_counter()
                samples.append((last - started, now))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"salesnb run failed ({process.returncode}):\n{output.decode()}")
    return time.perf_counter() - started, peaks


def _memory_over_time(samples: list[tuple[float, dict]]) -> str:
    """Each worker's resident memory (with its kernel) at every quarter of the run, in MiB."""
    if not samples:
        return "no memory samples"
    end = samples[-1][0]
    lines = []
    for quarter in (1, 2, 3, 4):
        at, rss = min(samples, key=lambda s: abs(s[0] - end * quarter / 4 * 0.98))
        workers = sorted((v for k, v in rss.items() if k != "main"), reverse=True)
        lines.append(f"  {quarter * 25:3d}% ({at / 60:5.1f} min): " + ", ".join(f"{w:.0f}" for w in workers) + " MiB")
    return "worker RSS over the run (with its kernel):\n" + "\n".join(lines)


def reports_in(out: Path) -> int:
    """Executed reports in an output folder (one notebook per report)."""
    return len(list(out.glob("*/*/*.ipynb")))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree_cpu(root: int) -> dict[int, tuple[float, str | None]]:
    """CPU seconds (user + system, all threads) and kind of ``root`` and each of its descendants.

    The kind is ``main``, ``worker``, ``kernel`` or ``other``; ``None`` for a process that has ended (a zombie
    keeps its CPU time but no command line).
    """
    tree, found, todo = _children(), {}, [root]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        todo += tree.get(pid, [])
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            continue
        kind = "kernel" if b"ipykernel_launcher" in args else "worker" if b"--multiprocessing-fork" in args else "other"
        found[pid] = ((int(fields[11]) + int(fields[12])) / tick, "main" if pid == root else kind if args[0] else None)
    return found


def cpu_text(cpu: dict[int, tuple[float, str]]) -> str:
    """``CPU 123.4 s (main 3.1, worker 10.2, kernel 110.1)``: the run's processes summed by kind."""
    kinds: dict[str, float] = {}
    for seconds, kind in cpu.values():
        kinds[kind] = kinds.get(kind, 0.0) + seconds
    parts = ", ".join(f"{kind} {kinds[kind]:.1f}" for kind in ("main", "worker", "kernel", "other") if kind in kinds)
    return f"CPU {sum(kinds.values()):7.1f} s ({parts})"


def _worker_rss(root: int) -> dict[int, float]:
    """RSS of each worker with its descendants (its kernel); the main process counts as a worker too."""
    tree = _children()

    def total(pid: int) -> float:
        return _rss_mib(pid) + sum(total(child) for child in tree.get(pid, []))

    workers: dict = {}
    for child in tree.get(root, []):
        if tree.get(child):  # a pool worker with its kernel (or, with one worker, the kernel's own children)
            workers[child] = total(child)
        elif _rss_mib(child) > 200:  # with one worker the kernel is the main process's child
            workers[child] = total(child)
    workers["main"] = _rss_mib(root)
    return workers


def _peaks_text(peaks: dict[int, float]) -> str:
    main = peaks.pop("main", 0.0)
    workers = sorted(peaks.values(), reverse=True)
    return (
        f"main process {main:.0f} MiB; per worker (with its kernel) " + ", ".join(f"{w:.0f}" for w in workers) + " MiB"
    )


def compare(a: Path, b: Path) -> list[str]:
    """Report folders whose findings.json or metrics.json differ between the two runs."""
    different = []
    for path in sorted(a.glob("*/*/*.json")):
        twin = b / path.relative_to(a)
        if not twin.is_file() or twin.read_bytes() != path.read_bytes():
            different.append(str(path.relative_to(a)))
    return different


def _total(cpu: dict[int, tuple[float, str]]) -> float:
    return sum(seconds for seconds, _ in cpu.values()) or float("nan")


def _same_pages(a: Path, b: Path) -> str:
    """``yes (N pages)`` when every HTML page of the two output folders is byte-identical, else those that differ."""
    pages = sorted(path.relative_to(a) for path in a.rglob("*.html"))
    twins = sorted(path.relative_to(b) for path in b.rglob("*.html"))
    if pages != twins:
        return f"NO: different page lists ({len(pages)} vs {len(twins)})"
    different = [str(p) for p in pages if (a / p).read_bytes() != (b / p).read_bytes()]
    return f"yes ({len(pages)} pages)" if not different else f"NO: {different[:5]}"


def year_periods(ds) -> list[str]:
    """The data's 12 latest complete months, ascending."""
    from salesnb.data import partial_month  # here: older checkouts measured by scale.py have no such module
    from salesnb.periods import months_back

    return sorted(months_back(partial_month.latest_complete_month(ds), 12, offset=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", nargs="+", default=["2026-09", "2026-10"])
    parser.add_argument("--regions", nargs="+", default=[], help="default: ALL and every region")
    parser.add_argument("--year", action="store_true", help="the 12 latest complete months, salesnb run only")
    parser.add_argument("--jobs", type=int, default=0, help="salesnb run --jobs (default: the cores)")
    parser.add_argument("--memory-lines", type=int, default=0, help="also measure memory at this many order lines")
    parser.add_argument("--skip-plain", action="store_true", help="only time salesnb run")
    parser.add_argument("--compare-tree", type=Path, help="also run the salesnb of this checkout, side by side")
    args = parser.parse_args()
    ds = load_dataset(SAMPLE)
    regions = args.regions or [ALL, *facts.regions(ds)]
    periods = year_periods(ds) if args.year else args.periods
    angles = available_angles()
    reports = len(periods) * len(regions) * len(angles)
    print(f"grid: {len(periods)} periods x {len(regions)} scopes x {len(angles)} angles = {reports} reports")
    print(f"periods: {periods[0]} .. {periods[-1]}")
    print(f"machine: {os.cpu_count()} cores; salesnb run --jobs {args.jobs or os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.compare_tree:
            old_cpu: dict = {}
            old, _ = salesnb_run(
                periods, tmp / "old", args.jobs or None, regions=args.regions, tree=args.compare_tree, cpu=old_cpu
            )
            print(f"other tree  : {old:7.1f} s  {reports / old * 60:6.1f} reports/min  ({args.compare_tree})")
            print(f"              {cpu_text(old_cpu)}")
        samples: list = []
        our_cpu: dict = {}
        ours, peaks = salesnb_run(
            periods, tmp / "salesnb", args.jobs or None, regions=args.regions, samples=samples, cpu=our_cpu
        )
        done = reports_in(tmp / "salesnb")
        print(f"salesnb run : {ours:7.1f} s = {ours / 60:.1f} min  {done / ours * 60:6.1f} reports/min  {done} reports")
        print(f"              {cpu_text(our_cpu)}")
        if args.compare_tree:
            ratio = _total(old_cpu) / _total(our_cpu)
            print(f"speed-up over the other tree: {old / ours:5.2f} x wall, {ratio:5.2f} x CPU")
            print("pages (*.html) identical: " + _same_pages(tmp / "old", tmp / "salesnb"))
            different = compare(tmp / "old", tmp / "salesnb")
            print("findings.json and metrics.json identical: " + ("yes" if not different else f"NO: {different}"))
        if not args.skip_plain and not args.year:
            plain = plain_loop(periods, regions, angles, tmp / "plain")
            print(f"plain loop  : {plain:7.1f} s  {reports / plain * 60:6.1f} reports/min")
            print(f"speed-up    : {plain / ours:7.2f} x")
            different = compare(tmp / "plain", tmp / "salesnb")
            print("findings.json and metrics.json identical: " + ("yes" if not different else f"NO: {different}"))
        print(f"peak RSS on the sample: {_peaks_text(peaks)}")
        print(_memory_over_time(samples))
        if args.memory_lines:
            from salesnb.demo import generate_dataset, write_dataset

            big = tmp / "big"
            tables, planted = generate_dataset(scale=args.memory_lines / 12_800)
            write_dataset(tables, planted, big)
            lines = len(tables["order_lines"])
            del tables
            seconds, peaks = salesnb_run(["2026-10"], tmp / "big-out", args.jobs or None, big, [ALL, "华东"])
            print(f"{lines:,} order lines, ALL + 华东 x {len(angles)} angles: {seconds:.1f} s")
            print(f"peak RSS: {_peaks_text(peaks)}")


if __name__ == "__main__":
    main()
