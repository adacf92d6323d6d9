"""Side by side: the seconds of one scope's findings, panel computation and published metrics, two source trees.

Usage: python benchmarks/compute.py --old /work/wt/merge [--new .] [--data data/sample] [--period 2026-10]
                                    [--region 华东] [--rounds 2]

Each round runs one fresh process per tree, alternating which goes first, so both see the same load. A process
opens the report, computes every finding of the scope (the top of each notebook), then evaluates every notebook
section in notebook order (the panels, figures built but not drawn) and the metrics ``publish`` receives. It prints
per tree the median seconds of the three steps and the new tree's speed-up on each (old ÷ new).
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANGLES = ("overview", "market", "product", "team", "process", "support")


def child(tree: str, data: str, period: str, region: str) -> dict[str, float]:
    """In this process: the three timings of one scope with the package of ``tree``."""
    sys.path.insert(0, tree)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat

    from salesnb.batch.runner import NOTEBOOK_DIR
    from salesnb.findings import all_findings
    from salesnb.report import open_report

    report = open_report(data, period, region)
    seconds = {"findings": 0.0, "panels": 0.0, "metrics": 0.0}
    started = time.perf_counter()
    all_findings(report)
    seconds["findings"] = time.perf_counter() - started
    for angle in ANGLES:
        nb = nbformat.read(NOTEBOOK_DIR / f"{angle}.ipynb", as_version=4)
        cells = [c.source for c in nb.cells if c.cell_type == "code"]
        namespace: dict = {}
        exec(cells[1].split("\nreport = ")[0], namespace)  # the imports only: the report is already open
        namespace["report"] = report
        for source in cells[2:]:
            if source.startswith("publish("):
                call = ast.parse(source).body[0].value
                source, step = ast.unparse(call.args[2]), "metrics"  # publish(report, angle, METRICS, findings)
            else:
                step = "panels"
            started = time.perf_counter()
            eval(source, namespace)
            seconds[step] += time.perf_counter() - started
            plt.close("all")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the source tree to compare against")
    parser.add_argument("--new", default=str(REPO))
    parser.add_argument("--data", default=str(REPO / "data" / "sample"))
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--region", default="华东")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.data, args.period, args.region)))
        return
    trees = {"old": str(Path(args.old).resolve()), "new": str(Path(args.new).resolve())}
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for k in range(args.rounds):
        for name in ("old", "new") if k % 2 == 0 else ("new", "old"):
            command = [sys.executable, __file__, "--old", args.old, "--child", trees[name], "--data", args.data,
                       "--period", args.period, "--region", args.region]  # fmt: skip
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=trees[name]).stdout
            runs[name].append(json.loads(out.strip().splitlines()[-1]))
            print(f"round {k + 1} {name}: " + "  ".join(f"{s} {v:.2f} s" for s, v in runs[name][-1].items()))
    for step in ("findings", "panels", "metrics"):
        old = statistics.median(r[step] for r in runs["old"])
        new = statistics.median(r[step] for r in runs["new"])
        print(f"{step:9s} old {old:6.2f} s  new {new:6.2f} s  speed-up {old / new:5.2f}x")


if __name__ == "__main__":
    main()
