"""Where one warm scope's CPU goes, end to end, in a batch worker and its kernel: a table of stage -> seconds.

Usage: python benchmarks/kernel_overhead.py [--data DIR] [--period 2026-10] [--region 华东] [--warm 2026-09]
                                            [--angles overview,market,...] [--lang zh] [--out DIR]

A worker (:func:`salesnb.batch.runner._worker_scope`) runs the angles of one period × region one after the
other in one :class:`~salesnb.batch.engine.WarmKernel` and turns each into its files (:func:`~salesnb.batch.jobs.
build_job`, :func:`~salesnb.batch.jobs.write_job`). This does the same, stage by stage, first for the ``--warm``
month of the region (unmeasured, as the worker that ran the region's previous month: caches and look-back warm),
then for ``--period``, and measures each stage in CPU seconds (steadier than the wall clock on a shared machine):
the worker's own (all its threads, ZMQ's included) and its kernel's (``/proc``, all threads). Stages: reading
and parameterising the notebook; the reset between two reports (kernel: ``batch/session.py``); the cells, from
nbclient's start of the first to the reply of the last (kernel: computation, charts, display formatting and
sending the outputs; worker: receiving and recording them; the gaps between cells included); the page (reader's copy,
nbconvert, embedded font); ``nbformat.writes``; writing the files. The kernel's garbage collections during the
scope are given apart (``gc.callbacks``): they fall in the cells and in the reset.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import nbformat  # noqa: E402

from salesnb.batch import rendering, webfont  # noqa: E402
from salesnb.batch.engine import WarmKernel, parameterize  # noqa: E402
from salesnb.batch.jobs import NOTEBOOK_DIR, Job, JobOutput, JobResult, write_job  # noqa: E402
from salesnb.data import store as datastore  # noqa: E402

ANGLES = "overview,market,product,team,process,support"
STAGES = ("parameterize", "reset", "cells", "reader copy", "nbconvert", "font", "nbformat.writes", "write")
GC_HOOK = """
import gc, sys, time
_gc = sys.modules.setdefault("_salesnb_gc_clock", type(sys)("_salesnb_gc_clock"))
_gc.seconds, _gc.count, _gc.started = {0: 0.0, 1: 0.0, 2: 0.0}, {0: 0, 1: 0, 2: 0}, [0.0]
def _clock(phase, info, gc_clock=_gc, now=time.thread_time):
    if phase == "start":
        gc_clock.started[0] = now()
    else:
        gc_clock.seconds[info["generation"]] += now() - gc_clock.started[0]
        gc_clock.count[info["generation"]] += 1
gc.callbacks.append(_clock)
"""


def kernel_cpu(kernel: WarmKernel) -> float:
    """CPU seconds (user + system, every thread) the kernel process has used so far."""
    fields = Path(f"/proc/{kernel.kernel_pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Stage -> [worker CPU, kernel CPU] seconds, added up over the reports of a scope."""

    def __init__(self, kernel: WarmKernel):
        self.kernel, self.totals = kernel, {stage: [0.0, 0.0] for stage in STAGES}
        self.mark()

    def mark(self) -> tuple[float, float]:
        self.last = (time.process_time(), kernel_cpu(self.kernel) if self.kernel.kernel_pid else 0.0)
        return self.last

    def add(self, name: str, before: tuple[float, float], after: tuple[float, float]) -> None:
        self.totals[name][0] += after[0] - before[0]
        self.totals[name][1] += after[1] - before[1]

    def stage(self, name: str) -> None:
        before = self.last
        self.add(name, before, self.mark())


def run_scope(kernel: WarmKernel, scope: dict, angles: list[str], params: dict, out: Path, clock: Clock) -> None:
    """Build and write each angle's report as :func:`~salesnb.batch.jobs.build_job` does, timing its stages."""
    for angle in angles:
        job = Job(scope["period"], scope["region"], angle)
        clock.mark()
        nb = parameterize(NOTEBOOK_DIR / f"{angle}.ipynb", {**params, **scope})
        clock.stage("parameterize")
        parameterized, starts = clock.last, []
        kernel._on_cell_start = lambda cell, cell_index, starts=starts: starts.append(clock.mark())
        kernel.execute(nb)
        clock.add("reset", parameterized, starts[0])  # the reset runs before the first cell (not in a first report)
        clock.add("cells", starts[0], clock.mark())
        shown = rendering.localize_markdown(rendering.presentable(nb), params["lang"])
        clock.stage("reader copy")
        exporter, _ = rendering._exporter(False, params["lang"])
        body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": angle}})
        exporter._nb_metadata.clear()
        clock.stage("nbconvert")
        page = webfont.embed_font(body)
        clock.stage("font")
        notebook = nbformat.writes(nb)
        clock.stage("nbformat.writes")
        result = JobResult(job, payload=rendering.extract_result(nb) or {})
        write_job(JobOutput(result, {f"{angle}.ipynb": notebook, f"{angle}.html": page}), out)
        clock.stage("write")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(REPO / "data" / "sample"))
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--warm", default="2026-09", help="the month run first, unmeasured ('' for a cold kernel)")
    parser.add_argument("--region", default="华东")
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--angles", default=ANGLES)
    parser.add_argument("--out", type=Path, help="keep the pages here (default: a temporary folder)")
    args = parser.parse_args()
    params = {"data": str(Path(args.data).resolve()), "lang": args.lang, "config_path": "", "mapping_path": ""}
    angles = args.angles.split(",")
    env = {datastore.READ_ENV: str(datastore.default_root().resolve())}
    with tempfile.TemporaryDirectory() as tmp, WarmKernel(NOTEBOOK_DIR, env=env) as kernel:
        out = args.out or Path(tmp)
        if args.warm:
            kernel.start()
            run_scope(kernel, {"period": args.warm, "region": args.region}, angles, params, out, Clock(kernel))
        kernel.start()
        kernel.loop.run_until_complete(kernel._run_silent(GC_HOOK))
        clock = Clock(kernel)
        started, begun = clock.mark(), time.perf_counter()
        run_scope(kernel, {"period": args.period, "region": args.region}, angles, params, out, clock)
        ended, wall = clock.mark(), time.perf_counter() - begun
        probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "import sys; _c = sys.modules['_salesnb_gc_clock']; print((_c.seconds, _c.count))"
        )])  # fmt: skip
        kernel.execute(probe)
        gc_seconds, gc_count = eval(probe.cells[0].outputs[0].text)  # noqa: S307 - our own two dicts
    print(f"{args.region} {args.period}, {len(angles)} reports (warm: {args.warm or 'no'}), CPU seconds")
    print(f"{'stage':18s} {'worker':>7s} {'kernel':>7s} {'total':>7s}")
    for stage, (worker, kern) in clock.totals.items():
        print(f"{stage:18s} {worker:7.2f} {kern:7.2f} {worker + kern:7.2f}")
    worker, kern = ended[0] - started[0], ended[1] - started[1]
    print(f"{'scope':18s} {worker:7.2f} {kern:7.2f} {worker + kern:7.2f}   (wall {wall:.1f} s)")
    print(
        "kernel garbage collection: "
        + ", ".join(f"gen {g} {gc_seconds[g]:.2f} s ({gc_count[g]}x)" for g in sorted(gc_seconds))
    )


if __name__ == "__main__":
    main()
