"""Scale benchmark: N order lines from the demo generator, ingested, then ALL and one region × every angle.

Usage: python benchmarks/scale.py --lines 1000000 [--keep DIR] [--region 华东] [--jobs 2]
       python benchmarks/scale.py --ingest-only --keep DIR    (the ingest line alone, into a temporary store)

Prints one line each (the words the issue asks for):

    ingest   seconds to load + validate the source and hand it to the kernels (the columnar store, or the
             pickle snapshot of older versions), with that step's peak memory
    median   per-report median seconds of notebook execution (from the executed notebooks' cell times),
             for ALL and for the region
    main     peak MiB of the ``salesnb run`` main process
    worker   peak MiB of each worker with its kernel

The run goes through ``salesnb run`` (a subprocess, its processes sampled from /proc every 0.1 s). It works
against any checkout on PYTHONPATH, so the same script measures the code before and after a change; run it
with ``nice -n 10`` on a shared machine. The dataset is generated once into ``--keep`` and reused; for 10 M
lines, ``benchmarks/tile.py`` repeats a 1 M dataset ten times in about a minute instead of generating it.
Old code against new, side by side: ``PYTHONPATH=/old/checkout python benchmarks/scale.py --ingest-only ...``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if not os.environ.get("PYTHONPATH"):  # measure this checkout unless told which one (PYTHONPATH=/other/checkout)
    os.environ["PYTHONPATH"] = str(REPO)
    sys.path.insert(0, str(REPO))
import salesnb  # noqa: E402  (imported first: the measured checkout, whatever batch.py puts on the path)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import salesnb_run  # noqa: E402  (the /proc sampling of salesnb run lives there)
from load import LINES_PER_SCALE  # noqa: E402


def generate(lines: int, folder: Path) -> None:
    """Write about ``lines`` order lines of demo data to ``folder`` unless it already holds them."""
    if (folder / "orders.csv").is_file():
        return
    from salesnb.demo import generate_dataset, write_dataset

    tables, planted = generate_dataset(scale=max(lines / LINES_PER_SCALE, 0.05))
    write_dataset(tables, planted, folder)


def ingest(data: Path, store: Path) -> None:
    """What a run does before its kernels start, in this process: print seconds and peak MiB."""
    import resource

    started = time.perf_counter()
    try:
        from salesnb.data.store_read import planning_dataset

        ds = planning_dataset(data, None, store)
        how = "columnar store"
    except ImportError:  # a checkout without the store: load, validate and pickle, as its runner did
        import pickle

        from salesnb.data.cache import source_signature
        from salesnb.data.loading import load_dataset

        ds = load_dataset(str(data))
        with open(store / "dataset.pickle", "wb") as handle:
            pickle.dump({"signature": source_signature(data), "dataset": ds}, handle, pickle.HIGHEST_PROTOCOL)
        how = "pickle snapshot"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if "orders" in ds.tables:
        orders = len(ds["orders"])
    else:  # a run plans from the store's columns, loading no table: the manifest counts them (loading would
        # put the whole order table in this process after the measurement: 2.3 GiB at 10 M lines)
        from salesnb.data.store import MANIFEST
        from salesnb.data.store_read import _STORED

        folder = _STORED[ds][0]
        orders = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["tables"]["orders"]["rows"]
    print(f"ingest {seconds:.1f} s ({how}, peak {peak:.0f} MiB, {orders:,} orders)", flush=True)


def report_seconds(notebook: Path) -> float:
    """Seconds from the first cell's start to the last cell's reply, from the notebook's own cell times."""
    stamps = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        execution = cell.get("metadata", {}).get("execution", {})
        stamps += [execution[k] for k in ("iopub.execute_input", "shell.execute_reply") if k in execution]
    moments = sorted(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps)
    return (moments[-1] - moments[0]).total_seconds() if moments else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines wanted (approximately)")
    parser.add_argument("--keep", help="dataset folder to generate into (reused when it holds orders.csv)")
    parser.add_argument("--region", default="", help="the region report (default: the first region)")
    parser.add_argument("--period", default="", help="report month (default: the latest complete month)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ingest-only", action="store_true", help="only ingest --keep (printing the ingest line)")
    parser.add_argument("--store", help="store folder for --ingest-only (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="salesnb-scale-") as tmp:
        data = Path(args.keep or Path(tmp) / "data")
        if args.ingest_only:
            store = Path(args.store or Path(tmp) / "store")
            store.mkdir(parents=True, exist_ok=True)
            ingest(data, store)
            return
        generate(args.lines, data)
        lines = sum(1 for _ in open(data / "order_lines.csv", encoding="utf-8")) - 1
        print(f"data {lines:,} order lines in {data}; code {Path(salesnb.__file__).parent.parent}", flush=True)
        store = Path(tmp) / "store"
        store.mkdir()
        here = [sys.executable, __file__, "--keep", str(data), "--store", str(store), "--ingest-only"]
        subprocess.run(here, check=True, env=os.environ)  # its own process: its memory is not the run's
        region = args.region or _first_region(data)
        out = Path(tmp) / "out"
        os.environ["SALESNB_STORE"] = str(store)  # the run reuses the store just written (older code: ignored)
        periods = [args.period] if args.period else []
        tree = Path(salesnb.__file__).resolve().parent.parent  # the checkout measured (PYTHONPATH), not this one
        seconds, peaks = salesnb_run(periods, out, args.jobs, data=data, regions=["ALL", region], tree=tree)
        print(f"run {seconds:.1f} s wall for 2 scopes x 6 angles, --jobs {args.jobs}", flush=True)
        for scope in ("ALL", region):
            times = {nb.stem: report_seconds(nb) for nb in sorted(out.glob(f"*/{scope}/*.ipynb"))}
            each = ", ".join(f"{angle} {t:.1f}" for angle, t in times.items())
            print(f"median {statistics.median(times.values()):.1f} s per report, {scope} ({each})", flush=True)
        print(f"main {peaks.pop('main', 0.0):.0f} MiB peak", flush=True)
        for number, mib in enumerate(sorted(peaks.values(), reverse=True), 1):
            print(f"worker {number} {mib:.0f} MiB peak with its kernel", flush=True)


def _first_region(data: Path) -> str:
    """The alphabetically first region of the customers file: a region that has orders in the demo data."""
    import pandas as pd

    return sorted(pd.read_csv(data / "customers.csv", usecols=["region"])["region"].dropna().unique())[0]


if __name__ == "__main__":
    main()
