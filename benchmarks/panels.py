"""Time every section of the notebooks on one report, with resident memory: which panel is slow at scale.

Usage: python benchmarks/panels.py --data DIR [--period 2026-10] [--region ALL] [--angle process ...]

Each notebook's calls (the code cells after the parameters and set-up) run in this process on one opened
report, in notebook order, the charts rendered to PNG as the HTML would have them. The script prints the
seconds, the resident memory after the call and the peak so far for every section, and flags the slow ones.
Generate a large dataset first, e.g. ``salesnb demo --out /tmp/big --scale 78`` (about a million order lines).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from salesnb.batch.runner import NOTEBOOK_DIR, available_angles  # noqa: E402
from salesnb.display.panel import figure_image  # noqa: E402
from salesnb.report import open_report  # noqa: E402

SLOW_SECONDS = 3.0


def _rss_mib() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() // 2**20


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _calls(angle: str) -> tuple[str, list[str]]:
    """The notebook's set-up cell (imports, report) and its section calls, without the publish call."""
    nb = nbformat.read(NOTEBOOK_DIR / f"{angle}.ipynb", as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    setup, sections = cells[1], cells[2:]
    return setup, [s for s in sections if not s.startswith("publish(")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--period", default="")
    parser.add_argument("--region", default="ALL")
    parser.add_argument("--angle", nargs="+", default=available_angles())
    args = parser.parse_args()
    started = time.perf_counter()
    report = open_report(args.data, args.period, args.region)
    print(f"open_report: {time.perf_counter() - started:.1f} s, {_rss_mib()} MiB (peak {_peak_mib()} MiB)")
    for angle in args.angle:
        setup, sections = _calls(angle)
        namespace: dict = {}
        exec(setup.split("\nreport = ")[0], namespace)  # the imports only: the report is already open
        namespace["report"] = report
        total = 0.0
        for source in sections:
            started = time.perf_counter()
            panel = eval(source, namespace)
            if getattr(panel, "figure", None) is not None:
                figure_image(panel.figure)
            seconds = time.perf_counter() - started
            total += seconds
            flag = "  <-- slow" if seconds > SLOW_SECONDS else ""
            print(f"{angle:9s} {seconds:6.2f} s  {_rss_mib():6d} MiB  peak {_peak_mib():6d}  {source[:60]}{flag}")
            plt.close("all")
        print(f"{angle:9s} {total:6.1f} s in all")


if __name__ == "__main__":
    main()
