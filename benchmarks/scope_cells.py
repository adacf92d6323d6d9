"""Seconds of one warm scope's notebook cells: the six notebooks of a region's months in one process, like a kernel.

Usage:
  python benchmarks/scope_cells.py [--region 华东] [--months 2026-09 2026-10] [--top 40]
  python benchmarks/scope_cells.py --old /work/wt/old [--new .] [--rounds 3] [--region 华东] [--months ...]
  python benchmarks/scope_cells.py --profile out.prof [--region 华东] [--months ...]
  python benchmarks/scope_cells.py --old /work/wt/old --before 华北 [--region 华东] [--months ...]

The cells of each notebook run through IPython (``InteractiveShell.run_cell``) for each month in turn, as a warm
batch kernel runs a region's chain; only the LAST month is timed (the earlier ones warm the look-back memo).
``--before 华北`` first runs the same months of another region in the same process, as a batch kernel going on
with its next region's chain (what one month's reports share across regions is then warm). The charts are drawn
as the notebook shows them (inline SVG), only the display messages are dropped.

Each cell's seconds are split into drawing and computation: drawing is the time spent inside the chart functions
(every ``plot_*`` of ``salesnb.display.plotting``, wherever a module imported it) and in showing a panel (its
SVG and HTML table); computation is the rest (facts, frames, rules, findings, metrics, table formatting).

With ``--old``, each round runs one fresh process per tree, alternating which goes first so both see the same
load, and prints per angle the median computation and total seconds of each tree and the ratio old ÷ new.
Seconds are CPU seconds of the process by default (``--clock cpu``: steady when other jobs share the cores);
``--clock wall`` measures elapsed time.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ANGLES = ("overview", "market", "product", "team", "process", "support")
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
CLOCK: dict[str, Any] = {"name": "cpu", "now": time.process_time}


class DrawClock:
    """Seconds spent inside the wrapped drawing functions (outermost call only, so nesting counts once)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    def wrap(self, function: Any) -> Any:
        if getattr(function, "_draw_clock", False):
            return function

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth += 1
            started = CLOCK["now"]()
            try:
                return function(*args, **kwargs)
            finally:
                self.depth -= 1
                if not self.depth:
                    self.seconds += CLOCK["now"]() - started

        timed._draw_clock = True  # type: ignore[attr-defined]
        return timed


def instrument(clock: DrawClock) -> None:
    """Wrap every ``plot_*`` function of the plotting package in every loaded salesnb module, and panel display."""
    import importlib
    import inspect

    for angle in ANGLES:
        importlib.import_module(f"salesnb.{angle}")
    from salesnb.display import panel as panel_module
    from salesnb.findings import FindingsPanel

    for name, module in list(sys.modules.items()):
        if not name.startswith("salesnb") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if (
                inspect.isfunction(value)
                and attr.startswith("plot_")
                and value.__module__.startswith("salesnb.display.plotting")
            ):
                setattr(module, attr, clock.wrap(value))
    for cls in (panel_module.Panel, FindingsPanel):
        if "_ipython_display_" in vars(cls):
            cls._ipython_display_ = clock.wrap(vars(cls)["_ipython_display_"])


def notebook_cells(angle: str) -> list[str]:
    """The code cells of the angle's notebook (read as JSON: nbformat's import alone costs seconds)."""
    from salesnb.batch.runner import NOTEBOOK_DIR

    nb = json.loads((NOTEBOOK_DIR / f"{angle}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def run_scope(
    region: str, months: list[str], data: str, profile: str = "", before: str = ""
) -> list[tuple[float, float, str, int, str]]:
    """Run the six notebooks for each month (of ``before``'s region first); rows (seconds, drawing seconds,
    angle, cell, last line) of the last month of ``region``."""
    import matplotlib

    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from salesnb.batch.session import between_reports, release_memory

    clock = DrawClock()
    instrument(clock)
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda *a, **k: None
    profiler = None
    rows = []
    chain = [(before, month) for month in months] if before else []
    chain += [(region, month) for month in months]
    for i, (where, month) in enumerate(chain):
        last = i == len(chain) - 1
        if last and profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        for angle in ANGLES:
            cells = notebook_cells(angle)
            cells[0] += f"\ndata = {data!r}\nperiod = {month!r}\nregion = {where!r}"
            for k, source in enumerate(cells):
                drawn = clock.seconds
                started = CLOCK["now"]()
                result = shell.run_cell(source, silent=False, store_history=False)
                if result.error_in_exec:
                    raise result.error_in_exec
                if last:
                    line = source.strip().splitlines()[-1][:90]
                    rows.append((CLOCK["now"]() - started, clock.seconds - drawn, angle, k, line))
            between_reports()
            release_memory()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    return rows


def child(tree: str, region: str, months: list[str], data: str, before: str = "") -> None:
    """In this process, with the package of ``tree``: print one JSON line of per-angle total and drawing seconds."""
    sys.path.insert(0, tree)
    rows = run_scope(region, months, data, before=before)
    out = {
        a: {"total": sum(r[0] for r in rows if r[2] == a), "draw": sum(r[1] for r in rows if r[2] == a)} for a in ANGLES
    }
    print(json.dumps(out))


def side_by_side(old: str, new: str, rounds: int, region: str, months: list[str], data: str, before: str = "") -> None:
    """Alternate fresh old/new processes; print per-angle medians of computation and total, and old ÷ new."""
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for r in range(rounds):
        order = [("old", old), ("new", new)] if r % 2 == 0 else [("new", new), ("old", old)]
        for label, tree in order:
            command = [sys.executable, __file__, "--child", tree, "--region", region, "--data", data]
            command += ["--clock", CLOCK["name"], "--before", before, "--months", *months]
            done = subprocess.run(command, capture_output=True, text=True, cwd=tree, check=False)
            if done.returncode:
                sys.exit(f"{label} tree failed:\n{done.stderr[-3000:]}")
            runs[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"round {r + 1} {label} done", file=sys.stderr)

    def median(label: str, angle: str, part: str) -> float:
        values = []
        for run in runs[label]:
            angles = ANGLES if angle == "scope" else (angle,)
            total = sum(run[a]["total"] for a in angles)
            draw = sum(run[a]["draw"] for a in angles)
            values.append(total - draw if part == "compute" else total)
        return statistics.median(values)

    warm = ", ".join([*(f"{before} {m}" for m in months if before), *months[:-1]]) or "nothing"
    print(f"{region} {months[-1]} warm after {warm}; {CLOCK['name']} seconds, median of {rounds} round(s)")
    print(f"{'angle':10} {'compute old':>11} {'new':>7} {'ratio':>6}   {'total old':>9} {'new':>7} {'ratio':>6}")
    for angle in (*ANGLES, "scope"):
        c_old, c_new = median("old", angle, "compute"), median("new", angle, "compute")
        t_old, t_new = median("old", angle, "total"), median("new", angle, "total")
        compute = f"{c_old:11.2f} {c_new:7.2f} {c_old / c_new:5.2f}x"
        print(f"{angle:10} {compute}   {t_old:9.2f} {t_new:7.2f} {t_old / t_new:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="华东")
    parser.add_argument("--months", nargs="+", default=["2026-09", "2026-10"])
    parser.add_argument("--data", default="data/sample")
    parser.add_argument("--before", default="", help="run the same months of this region first (a batch kernel)")
    parser.add_argument("--old", help="the other source tree: run side by side")
    parser.add_argument("--new", default=str(REPO))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--profile", default="", help="write a cProfile of the last month's cells here")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu", help="CPU seconds (steady on a busy machine)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    CLOCK.update(name=args.clock, now=CLOCKS[args.clock])
    if args.child:
        child(args.child, args.region, args.months, args.data, args.before)
    elif args.old:
        side_by_side(str(Path(args.old).resolve()), str(Path(args.new).resolve()), args.rounds, args.region,
                     args.months, args.data, args.before)  # fmt: skip
    else:
        sys.path.insert(0, str(REPO))
        rows = sorted(run_scope(args.region, args.months, args.data, args.profile, args.before), reverse=True)
        total, draw = sum(r[0] for r in rows), sum(r[1] for r in rows)
        print(f"total {total:.2f} (computation {total - draw:.2f}, drawing {draw:.2f})")
        for angle in ANGLES:
            a_total = sum(r[0] for r in rows if r[2] == angle)
            a_draw = sum(r[1] for r in rows if r[2] == angle)
            print(f"{angle:9} {a_total:6.2f} (computation {a_total - a_draw:.2f})")
        for seconds, drawn, angle, k, line in rows[: args.top]:
            print(f"{seconds:.3f} (compute {seconds - drawn:.3f}) {angle} {k} {line}")


if __name__ == "__main__":
    main()
