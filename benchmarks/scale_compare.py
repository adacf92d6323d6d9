"""Side by side at scale, in process (no notebooks): ingest, store read and every report of two scopes, two trees.

Usage: python benchmarks/scale_compare.py --old /work/wt/old [--new .] --keep /work/scale/1m [--region 华东]
                                          [--period 2026-10] [--rounds 1] [--store DIR]

For each tree, in a process of its own: the ingest (load + validate + write the columnar store; seconds and
peak MiB), then per round a fresh process that does what a batch kernel does: reads the dataset from the store
(seconds, MiB), then runs the six angle notebooks of ALL and of one region one after the other (each notebook's
cells evaluated in order, figures built but not drawn; between two reports the kernel's release of memory),
timing each report. Rounds alternate which tree goes first, so both see the same load. Prints per tree the
ingest, the read, every report's seconds, the per-report median and the peak MiB, then old ÷ new.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANGLES = ("overview", "market", "product", "team", "process", "support")


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_child(tree: str, data: str, store: str) -> dict:
    """In this process: ingest ``data`` into the store root ``store`` with ``tree``'s code."""
    sys.path.insert(0, tree)
    from salesnb.data.store_read import planning_dataset

    started = time.perf_counter()
    planning_dataset(data, None, store)
    return {"ingest": time.perf_counter() - started, "ingest_peak": _peak_mib()}


def reports_child(tree: str, data: str, store: str, period: str, region: str) -> dict:
    """In this process: read the store as a kernel does, then every report of ALL and ``region``, timed."""
    sys.path.insert(0, tree)
    os.environ["SALESNB_READ_STORE"] = store
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat

    from salesnb.batch.runner import NOTEBOOK_DIR
    from salesnb.batch.session import release_memory
    from salesnb.data.cache import load_dataset_cached
    from salesnb.report import open_report

    started = time.perf_counter()
    load_dataset_cached(data)
    out: dict = {"read": time.perf_counter() - started, "read_mib": _rss_mib(), "reports": {}}
    for scope in ("ALL", region):
        for angle in ANGLES:
            release_memory()
            notebook = nbformat.read(NOTEBOOK_DIR / f"{angle}.ipynb", as_version=4)
            cells = [c.source for c in notebook.cells if c.cell_type == "code"][1:]  # after the parameters
            namespace: dict = {}
            started = time.perf_counter()
            exec(cells[0].split("\nreport = ")[0], namespace)  # the imports
            namespace["report"] = open_report(data, period, scope)
            for source in cells[1:]:
                if source.startswith("publish("):  # the metrics and findings publish receives, not the display
                    call = ast.parse(source).body[0].value
                    source = f"({ast.unparse(call.args[2])}, {ast.unparse(call.args[3])})"
                eval(source, namespace)
                plt.close("all")
            out["reports"][f"{scope}/{angle}"] = time.perf_counter() - started
    out["peak"] = _peak_mib()
    return out


def _child(mode: str, tree: str, args: argparse.Namespace, store: str) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--new", tree, "--old", args.old, "--keep", args.keep]
    command += ["--store", store, "--period", args.period, "--region", args.region]
    env = {**os.environ, "PYTHONPATH": tree}
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tree, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the source tree to compare against")
    parser.add_argument("--new", default=str(REPO))
    parser.add_argument("--keep", required=True, help="the dataset folder (see benchmarks/scale.py --keep)")
    parser.add_argument("--period", default="", help="report month (default: the latest complete month)")
    parser.add_argument("--region", default="", help="the region report (default: the first region)")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--store", default="", help="store root to keep between runs (default: a temporary one)")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = ingest_child if args.child == "ingest" else reports_child
        extra = () if args.child == "ingest" else (args.period, args.region)
        print(json.dumps(run(args.new, args.keep, args.store, *extra)))
        return
    if not args.region:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from scale import _first_region

        args.region = _first_region(Path(args.keep))
    trees = {"old": str(Path(args.old).resolve()), "new": str(Path(args.new).resolve())}
    with tempfile.TemporaryDirectory(prefix="salesnb-scale-compare-") as tmp:
        root = Path(args.store or tmp)
        results: dict[str, dict] = {}
        for name, tree in trees.items():  # each tree's own store (the store key carries the data code's version)
            results[name] = _child("ingest", tree, args, str(root / name))
            print(f"{name} ingest {results[name]['ingest']:.1f} s, peak {results[name]['ingest_peak']:.0f} MiB")
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for k in range(args.rounds):
            for name in ("old", "new") if k % 2 == 0 else ("new", "old"):
                run = _child("reports", trees[name], args, str(root / name))
                runs[name].append(run)
                each = "  ".join(f"{key} {s:.1f}" for key, s in run["reports"].items())
                print(f"round {k + 1} {name}: read {run['read']:.1f} s ({run['read_mib']:.0f} MiB)  {each}")
    summary = {}
    for name in ("old", "new"):
        reports = [statistics.median(r["reports"][key] for r in runs[name]) for key in runs[name][0]["reports"]]
        summary[name] = {
            "read": statistics.median(r["read"] for r in runs[name]),
            "median": statistics.median(reports),
            "total": sum(reports),
            "peak": max(r["peak"] for r in runs[name]),
        }
        s = summary[name]
        print(
            f"{name}: ingest {results[name]['ingest']:.1f} s (peak {results[name]['ingest_peak']:.0f} MiB), "
            f"read {s['read']:.1f} s, median {s['median']:.1f} s per report, {s['total']:.0f} s for "
            f"{len(reports)} reports, peak {s['peak']:.0f} MiB"
        )
    old, new = summary["old"], summary["new"]
    print(
        f"speed-up: median {old['median'] / new['median']:.2f}x, total {old['total'] / new['total']:.2f}x, "
        f"read {old['read'] / new['read']:.2f}x; peak {old['peak']:.0f} -> {new['peak']:.0f} MiB"
    )


if __name__ == "__main__":
    main()
