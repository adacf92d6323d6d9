"""Render the same grid of reports two ways and compare: a plain papermill + nbconvert loop, and `salesnb run`.

Usage: python benchmarks/batch.py [--periods 2026-09 2026-10] [--jobs N] [--memory-lines 1000000]

The grid is ALL plus every region of the bundled sample × the periods × every angle notebook. The plain
loop is what a team would script by hand: one `papermill` and one `jupyter nbconvert` command per
notebook, one after the other. Both runs happen here, one after the other on the same machine, and the
script prints reports per minute for each, their ratio, and whether the two produced identical
findings.json and metrics.json. With --memory-lines it also generates a dataset of about that many order
lines and prints the peak resident memory per worker (worker process plus its kernel) of `salesnb run`.
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


def salesnb_run(periods: list[str], out: Path, jobs: int | None, data: Path = SAMPLE, regions: list[str] | None = None):
    """`salesnb run` over the same grid; returns seconds and the peak RSS (MiB) per worker."""
    cmd = [str(BIN / "salesnb"), "run", "--data", str(data), "--out", str(out), "--quiet"]
    cmd += [arg for p in periods for arg in ("--period", p)]
    cmd += [arg for r in regions for arg in ("--region", r)] if regions else ["--all-regions"]
    cmd += ["--jobs", str(jobs)] if jobs else []
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env={**os.environ, "MPLBACKEND": "Agg"}, stdout=subprocess.PIPE)
    peaks: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid, mib in _worker_rss(process.pid).items():
                peaks[pid] = max(peaks.get(pid, 0.0), mib)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"salesnb run failed ({process.returncode}):\n{output.decode()}")
    return time.perf_counter() - started, peaks


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", nargs="+", default=["2026-09", "2026-10"])
    parser.add_argument("--jobs", type=int, default=0, help="salesnb run --jobs (default: the cores)")
    parser.add_argument("--memory-lines", type=int, default=0, help="also measure memory at this many order lines")
    parser.add_argument("--skip-plain", action="store_true", help="only time salesnb run")
    args = parser.parse_args()
    ds = load_dataset(SAMPLE)
    regions = [ALL, *facts.regions(ds)]
    angles = available_angles()
    reports = len(args.periods) * len(regions) * len(angles)
    print(f"grid: {len(args.periods)} periods x {len(regions)} scopes x {len(angles)} angles = {reports} reports")
    print(f"machine: {os.cpu_count()} cores; salesnb run --jobs {args.jobs or os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        ours, peaks = salesnb_run(args.periods, Path(tmp) / "salesnb", args.jobs or None)
        print(f"salesnb run : {ours:7.1f} s  {reports / ours * 60:6.1f} reports/min")
        if not args.skip_plain:
            plain = plain_loop(args.periods, regions, angles, Path(tmp) / "plain")
            print(f"plain loop  : {plain:7.1f} s  {reports / plain * 60:6.1f} reports/min")
            print(f"speed-up    : {plain / ours:7.2f} x")
            different = compare(Path(tmp) / "plain", Path(tmp) / "salesnb")
            print("findings.json and metrics.json identical: " + ("yes" if not different else f"NO: {different}"))
        print(f"peak RSS on the sample: {_peaks_text(peaks)}")
        if args.memory_lines:
            from salesnb.demo import generate_dataset, write_dataset

            big = Path(tmp) / "big"
            tables, planted = generate_dataset(scale=args.memory_lines / 12_800)
            write_dataset(tables, planted, big)
            lines = len(tables["order_lines"])
            del tables
            seconds, peaks = salesnb_run(["2026-10"], Path(tmp) / "big-out", args.jobs or None, big, [ALL, "华东"])
            print(f"{lines:,} order lines, ALL + 华东 x {len(angles)} angles: {seconds:.1f} s")
            print(f"peak RSS: {_peaks_text(peaks)}")


if __name__ == "__main__":
    main()
