"""Time every section of the notebooks on one report, with resident memory: which panel is slow at scale.

Usage: python benchmarks/panels.py --data DIR [--period 2026-10] [--region ALL] [--angle process ...]
                                   [--split | --compare | --against OLD_TREE [--rounds 2]]

Each notebook's calls (the code cells after the parameters and set-up) run in this process on one opened
report, in notebook order, the charts rendered to PNG as the HTML would have them. The script prints the
seconds, the resident memory after the call and the peak so far for every section, and flags the slow ones.
``--split`` prints instead, per angle, the seconds of computing the panels and of rendering the charts as the
pages have them (inline SVG, layout included: :func:`~salesnb.display.panel.figure_image`). ``--compare``
renders every chart twice, with the rendering of main 98c523d (constrained layout, Agg, PNG at zlib level 3:
:func:`~salesnb.display.panel.figure_png`) and with today's inline SVG, alternating which goes first (each from
a freshly computed panel), and prints per angle the seconds and bytes of both, their ratio, and any chart
whose labels stick out of its canvas (they would be cut). ``--against OLD_TREE`` measures the charts' cost of
this checkout side by side with another one (e.g. ``git worktree add --detach /tmp/old <commit>``): it runs
both alternately, ``--rounds`` times each, in fresh processes (``--child --tree DIR``) that each open the
report, run every section once to warm up (a warm batch kernel) and once measured, and prints per angle the
least CPU seconds over the runs of computing the panels, of building their charts (the time spent in
matplotlib while a panel runs: ``benchmarks/chart_clock.py``) and of drawing them as the page's inline SVG,
for both trees, the ratio
old/new of build+draw, and how many charts' SVG bytes differ between the trees (0: the same pictures).
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
# ``--tree DIR``: run the sections with the salesnb of another checkout (the old side of ``--against``)
TREE = Path(sys.argv[sys.argv.index("--tree") + 1]).resolve() if "--tree" in sys.argv else REPO
sys.path.insert(0, str(TREE))

from salesnb.batch.runner import NOTEBOOK_DIR, available_angles  # noqa: E402
from salesnb.display.panel import figure_image, figure_png  # noqa: E402
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


def _namespace(angle: str, report) -> tuple[dict, list[str]]:
    setup, sections = _calls(angle)
    namespace: dict = {}
    exec(setup.split("\nreport = ")[0], namespace)  # the imports only: the report is already open
    namespace["report"] = report
    return namespace, sections


def old_png(figure, dpi: int = 110) -> bytes:
    """The chart as main 98c523d rendered it (PNG): the reference of ``--compare``."""
    plt.close(figure)
    return figure_png(figure, dpi)


def new_svg(figure, dpi: int = 110) -> bytes:
    return figure_image(figure, dpi).svg.encode("utf-8")


def _sticks_out(figure) -> bool:
    """Whether anything drawn lies more than a pixel outside the canvas (call after drawing)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    box = figure.get_tightbbox(FigureCanvasAgg(figure).get_renderer()).transformed(figure.dpi_scale_trans)
    return box.x0 < -1 or box.y0 < -1 or box.x1 > figure.bbox.x1 + 1 or box.y1 > figure.bbox.y1 + 1


def split(report, angles: list[str]) -> None:
    """Per angle: seconds computing the panels, rendering the charts (inline SVG, layout included)."""
    print(f"{'angle':9s} {'charts':>6s} {'compute':>8s} {'render':>7s}  (s)")
    totals = [0, 0.0, 0.0]
    for angle in angles:
        namespace, sections = _namespace(angle, report)
        row = [0, 0.0, 0.0]
        for source in sections:
            started = time.perf_counter()
            panel = eval(source, namespace)
            computed = time.perf_counter()
            figure = getattr(panel, "figure", None)
            if figure is not None:
                row[0] += 1
                new_svg(figure)
                row[2] += time.perf_counter() - computed
            row[1] += computed - started
            plt.close("all")
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{angle:9s} {row[0]:6d} {row[1]:8.2f} {row[2]:7.2f}")
    print(f"{'all':9s} {totals[0]:6d} {totals[1]:8.2f} {totals[2]:7.2f}")


def compare(report, angles: list[str]) -> None:
    """Per angle: the charts rendered the old way (PNG) and the new way (inline SVG), side by side."""
    print(f"{'angle':9s} {'charts':>6s} {'old s':>7s} {'new s':>7s} {'ratio':>6s} {'old KiB':>8s} {'new KiB':>8s}")
    totals = [0, 0.0, 0.0, 0, 0]
    for angle in angles:
        namespace, sections = _namespace(angle, report)
        row = [0, 0.0, 0.0, 0, 0]
        for source in sections:
            figure = getattr(eval(source, namespace), "figure", None)
            if figure is None:
                continue
            row[0] += 1
            order = (old_png, new_svg) if row[0] % 2 else (new_svg, old_png)
            for render in order:
                figure = figure or eval(source, namespace).figure  # a fresh one for the second rendering
                started = time.perf_counter()
                size = len(render(figure))
                slot = 1 if render is old_png else 2
                row[slot] += time.perf_counter() - started
                row[slot + 2] += size
                if render is new_svg and _sticks_out(figure):
                    print(f"  sticks out of its canvas: {angle} {source[:60]}")
                figure = None
            plt.close("all")
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        _compare_line(angle, row)
    _compare_line("all", totals)


def _compare_line(name: str, row: list) -> None:
    ratio = row[1] / row[2] if row[2] else float("nan")
    print(f"{name:9s} {row[0]:6d} {row[1]:7.2f} {row[2]:7.2f} {ratio:5.2f}x {row[3] / 1024:8.0f} {row[4] / 1024:8.0f}")


def _measure(report, angles: list[str]) -> dict:
    """Per angle: charts, CPU seconds computing (outside matplotlib), building, drawing; each chart's SVG digest."""
    import hashlib

    import chart_clock

    from salesnb.batch.session import between_reports, release_memory

    chart_clock.install()
    result = {}
    for angle in angles:
        namespace, sections = _namespace(angle, report)
        row, digests = [0, 0.0, 0.0, 0.0], []
        for source in sections:
            spent, started = chart_clock.SPENT[0], time.process_time()
            panel = eval(source, namespace)
            built = chart_clock.SPENT[0] - spent
            row[1] += time.process_time() - started - built
            row[2] += built
            figure = getattr(panel, "figure", None)
            if figure is not None:
                row[0] += 1
                started = time.process_time()
                svg = new_svg(figure)
                row[3] += time.process_time() - started
                digests.append(hashlib.sha1(svg).hexdigest()[:12])
            plt.close("all")
        between_reports()  # what a warm batch kernel does after each report (gc.freeze after the first)
        release_memory()
        result[angle] = {"row": row, "digests": digests}
    return result


def child(report, angles: list[str]) -> None:
    """One side of ``--against``: a warm-up pass, then the measured pass as one JSON line."""
    import json

    _measure(report, angles)
    print("RESULT " + json.dumps(_measure(report, angles)))


def against(args: argparse.Namespace) -> None:
    """This tree and ``args.against`` alternately in fresh processes; per angle their seconds and the ratio."""
    import json
    import subprocess

    trees = {"old": str(Path(args.against).resolve()), "new": str(REPO)}
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for index in range(2 * args.rounds):
        side = ("old", "new")[index % 2] if (index // 2) % 2 == 0 else ("new", "old")[index % 2]
        command = [sys.executable, __file__, "--data", args.data, "--period", args.period, "--region", args.region]
        command += ["--angle", *args.angle, "--child", "--tree", trees[side]]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        runs[side].append(json.loads(output.split("RESULT ", 1)[1]))
        print(f"  round {index // 2 + 1}: {side} tree done", flush=True)
    print(f"CPU seconds, least of {args.rounds} runs per tree; build+draw = the charts' cost")
    header = f"{'angle':9s} {'charts':>6s} {'compute old/new':>15s} {'build old/new':>13s} {'draw old/new':>13s}"
    print(f"{header} {'charts old/new':>14s} {'ratio':>6s} {'svg diff':>8s}")
    totals = {"old": [0, 0.0, 0.0, 0.0], "new": [0, 0.0, 0.0, 0.0]}
    differ = 0
    for angle in args.angle:
        mean = {side: _least([run[angle]["row"] for run in runs[side]]) for side in runs}
        changed = sum(
            a != b for a, b in zip(runs["old"][0][angle]["digests"], runs["new"][0][angle]["digests"], strict=True)
        )
        differ += changed
        for side in totals:
            totals[side] = [a + b for a, b in zip(totals[side], mean[side], strict=True)]
        _against_line(angle, mean["old"], mean["new"], changed)
    _against_line("all", totals["old"], totals["new"], differ)


def _least(rows: list[list]) -> list:
    """The least seconds of each part over the runs: the run least disturbed by the machine's other work."""
    return [rows[0][0]] + [min(row[i] for row in rows) for i in (1, 2, 3)]


def _against_line(name: str, old: list, new: list, changed: int) -> None:
    cost_old, cost_new = old[2] + old[3], new[2] + new[3]
    pairs = " ".join(f"{old[i]:6.2f}/{new[i]:<6.2f}" for i in (1, 2, 3))
    print(f"{name:9s} {new[0]:6d} {pairs} {cost_old:6.2f}/{cost_new:<6.2f} {cost_old / cost_new:5.2f}x {changed:8d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--period", default="")
    parser.add_argument("--region", default="ALL")
    parser.add_argument("--angle", nargs="+", default=available_angles())
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--split", action="store_true", help="per angle: compute vs chart rendering seconds")
    mode.add_argument("--compare", action="store_true", help="per angle: old PNG vs new SVG chart rendering")
    mode.add_argument("--against", metavar="OLD_TREE", help="per angle: charts' cost of this tree vs OLD_TREE")
    mode.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)  # read before the imports (TREE)
    parser.add_argument("--rounds", type=int, default=2, help="--against: runs per tree")
    args = parser.parse_args()
    if args.against:
        against(args)
        return
    started = time.perf_counter()
    report = open_report(args.data, args.period, args.region)
    print(f"open_report: {time.perf_counter() - started:.1f} s, {_rss_mib()} MiB (peak {_peak_mib()} MiB)")
    if args.child:
        child(report, args.angle)
        return
    if args.split or args.compare:
        (split if args.split else compare)(report, args.angle)
        return
    for angle in args.angle:
        namespace, sections = _namespace(angle, report)
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
