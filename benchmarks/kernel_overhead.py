"""What a warm kernel costs per report beyond executing the notebook's cells.

Usage: python benchmarks/kernel_overhead.py [--data DIR] [--period 2026-10] [--region 华东] [--angles overview,market]

Runs the angles of one scope one after the other in one :class:`~salesnb.batch.engine.WarmKernel`, as a worker
does, and prints per report: the seconds to read and parameterise the notebook, the whole execution, the sum of
the cells' own execution (from the timings nbclient records), the part before the first cell starts (the reset
between two reports: ``batch/session.py``), the gaps between cells (messages, output handling) and
``nbformat.writes``. The first report of a kernel pays no reset.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from salesnb.batch.engine import WarmKernel, parameterize  # noqa: E402
from salesnb.batch.jobs import NOTEBOOK_DIR  # noqa: E402

ANGLES = "overview,market,product,team,process,support"


def _at(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="", help="data folder (default: the sample)")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--region", default="华东")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--angles", default=ANGLES)
    args = parser.parse_args()
    params = {"data": args.data, "lang": args.lang, "config_path": "", "mapping_path": "", "thresholds": {}}
    print(f"{'report':9s} {'param s':>7s} {'run s':>7s} {'cells s':>7s} {'reset s':>7s} {'gaps s':>7s} {'write s':>7s}")
    with WarmKernel(NOTEBOOK_DIR) as kernel:
        for angle in args.angles.split(","):
            started = time.perf_counter()
            nb = parameterize(NOTEBOOK_DIR / f"{angle}.ipynb", {**params, "period": args.period, "region": args.region})
            parameterized, begun = time.perf_counter(), time.time()
            kernel.execute(nb)
            executed, ended = time.perf_counter(), time.time()
            nbformat.writes(nb)
            written = time.perf_counter()
            runs = [c.metadata.execution for c in nb.cells if c.get("metadata", {}).get("execution")]
            cells = sum(_at(r["shell.execute_reply"]) - _at(r["iopub.execute_input"]) for r in runs)
            pairs = zip(runs[:-1], runs[1:], strict=True)
            gaps = sum(_at(b["iopub.execute_input"]) - _at(a["shell.execute_reply"]) for a, b in pairs)
            reset = _at(runs[0]["iopub.execute_input"]) - begun if runs else 0.0
            after = ended - _at(runs[-1]["shell.execute_reply"]) if runs else 0.0
            print(
                f"{angle:9s} {parameterized - started:7.3f} {executed - parameterized:7.2f} {cells:7.2f} "
                f"{reset:7.2f} {gaps:7.2f} {written - executed:7.3f}  (after the last cell {after:.2f} s)"
            )


if __name__ == "__main__":
    main()
