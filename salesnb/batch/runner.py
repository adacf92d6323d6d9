"""Batch runner: execute the angle notebooks for each period × region with papermill and publish the results.

Layout of the output folder::

    OUT/index.html
    OUT/findings.xlsx                     every report's findings and headline figures (:mod:`.workbook`)
    OUT/<period>/<region>/<angle>.ipynb   executed notebook
    OUT/<period>/<region>/<angle>.html    shareable page, code hidden
    OUT/<period>/<region>/metrics.json    numbers of every angle run for this scope
    OUT/<period>/<region>/findings.json   findings of every angle run for this scope

The data is loaded and validated once before anything is written, so bad input never damages
an existing output folder; every file is written to a temporary name and moved into place. Reports run
in parallel workers (``jobs``), each with one warm kernel (:mod:`salesnb.batch.engine`) that executes all the
angles of a period × region one after the other; reports whose inputs did not change are skipped
(:mod:`salesnb.batch.freshness`).
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..angle import ANGLE_NAMES
from ..angle import get as get_angle
from ..data import facts
from ..data import store as datastore
from ..data.database import masked_url
from ..data.messages import Message
from ..data.store_read import planning_dataset, stored_rows
from ..errors import ParameterError
from ..findings import rank_findings
from ..i18n import t
from ..periods import ALL
from ..report import dumps, report_period
from . import freshness
from .engine import WarmKernel, die_with_parent
from .jobs import NOTEBOOK_DIR, Job, JobOutput, JobResult, run_scope, write_job
from .jobs import safe_dirname as safe_dirname  # part of this module's interface (tests, benchmarks)
from .memory import available_mib, fitting_jobs, job_estimate_mib, memory_env
from .output import check_not_a_file, output_errors, prepare_output, read_json, write_atomic
from .pages import PACK, index_page
from .schedule import ReusePlan, region_major
from .session import release_memory
from .stopping import stop_on_signals, stop_pool
from .workbook import write_workbook


def available_angles(notebook_dir: Path | None = None) -> list[str]:
    """Angles that have a notebook, in report order (the review pack is asked for, not run by default)."""
    present = {p.stem for p in (notebook_dir or NOTEBOOK_DIR).glob("*.ipynb")} - {PACK}
    return [a for a in ANGLE_NAMES if a in present] + sorted(present - set(ANGLE_NAMES))


def plan_jobs(ds, periods: list[str], regions: list[str], angles: list[str], *, all_regions: bool = False) -> list[Job]:
    """Check the requested scope against the data and list the jobs, in a stable order."""
    periods = [report_period(ds, p) for p in periods] or [report_period(ds, "")]
    known = facts.regions(ds)
    if all_regions:
        regions = [ALL, *known]
    regions = regions or [ALL]
    unknown = [r for r in regions if r != ALL and r not in known]
    if unknown:
        if not known:  # a list of none said nothing: the data names no region, only ALL exists
            raise ParameterError(Message("error_no_regions", unknown=", ".join(unknown)))
        raise ParameterError(Message("error_regions_unknown", unknown=", ".join(unknown), known=", ".join(known)))
    have = available_angles()
    if angles == [PACK]:  # the pack alone: with the angles it summarises (up-to-date ones are skipped)
        angles = [*have, PACK]
    angles = sorted(angles or fed_angles(ds, have), key=lambda a: a == PACK)  # the pack last: it reuses their results
    runnable = [*have, PACK] if (NOTEBOOK_DIR / f"{PACK}.ipynb").is_file() else have
    missing = [a for a in angles if a not in runnable]
    if missing:
        raise ParameterError(Message("error_angles_unknown", missing=", ".join(missing), have=", ".join(have)))
    ordered_regions = list(dict.fromkeys(regions))
    return [Job(p, r, a) for p in dict.fromkeys(periods) for r in ordered_regions for a in angles]


def fed_angles(ds, angles: list[str]) -> list[str]:
    """The angles the data can show something of (``salesnb validate`` lists the others with what they lack).

    Run by default, an angle without its tables made a page of "needs table X" notes for every region and month:
    a till export's team, process and support pages.
    """
    shape = _Shape(ds.present_columns)  # the planning dataset holds no rows: the store's tables and columns say it
    return [a for a in angles if a not in ANGLE_NAMES or get_angle(a).ready(shape)]


@dataclass(frozen=True)
class _Shape:
    """What a dataset holds without its rows: its tables and each one's columns (``Dataset.present_columns``)."""

    present_columns: dict[str, frozenset[str]]

    def has(self, *names: str) -> bool:
        return all(name in self.present_columns for name in names)


@dataclass
class RunSummary:
    """What a batch did: reports done, skipped as up to date, failed (with the error), and the time taken."""

    done: list[Job] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)
    reasons: list[tuple[Job, str]] = field(default_factory=list)  # why each report was (re)built
    seconds: float = 0.0
    note: str = ""  # fewer reports side by side than asked, or a warning, for the data's memory

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self, verbose: bool = False, lang: str = "en") -> str:
        """The run's last words: the note, with ``verbose`` why each report ran or was skipped, the counts, failures.

        In ``lang`` (``salesnb run`` passes its ``--lang``); the reason a report ran is the freshness check's own.
        """
        lines = [self.note] if self.note else []
        if verbose:
            lines += [f"  {t('run_ran', lang)} {j.period} {j.region} {j.angle}: {why}" for j, why in self.reasons]
            lines += [f"  {t('run_skipped', lang)} {j.period} {j.region} {j.angle}" for j in self.skipped]
        counts = {"done": len(self.done), "skipped": len(self.skipped), "failed": len(self.failed)}
        lines.append(t("run_summary", lang, **counts, seconds=f"{self.seconds:.1f}"))
        lines += [f"  {t('run_failed', lang)} {j.period} {j.region} {j.angle}: {err}" for j, err in self.failed]
        return "\n".join(lines)


def _check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Fail loudly on a parameter the notebook does not declare (papermill would only warn)."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    unknown = sorted(set(parameters) - declared)
    if unknown:
        raise ParameterError(
            f"{notebook.name} has no parameter(s) {', '.join(unknown)}; it declares: {', '.join(sorted(declared))}"
        )


_WORKER: dict[str, Any] = {}


def _worker_start(env: dict[str, str], events: Any, timeout: int = 600) -> None:
    """Process-pool initializer: remember the kernel environment, cell time limit and progress queue.

    A pool worker (``events`` given) also makes sure it never outlives the run: it dies with its parent,
    ignores Ctrl-C (the run stops its workers itself, with SIGTERM) and kills its kernel on SIGTERM.
    """
    _WORKER.update(env=env, events=events, timeout=timeout, kernel=None)
    if events is not None:
        parent = os.getppid()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, _worker_stop)
        die_with_parent(signal.SIGTERM)
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _worker_stop(signum: int = signal.SIGTERM, frame: Any = None) -> None:
    """End a worker now, its kernel first (SIGTERM from the run being stopped, or from a dead parent)."""
    kernel = _WORKER.get("kernel")
    if kernel is not None:
        kernel.kill()
    os._exit(128 + signum)


def _exit_when_orphaned(parent: int, every: float = 1.0) -> None:
    """End this worker and its kernel once the run that started it is gone (killed, not interrupted).

    Ctrl-C reaches the whole process group, but a ``kill`` of the main process alone would otherwise
    leave the workers and their kernels waiting forever, holding memory on a shared machine.
    """
    while os.getppid() == parent:
        time.sleep(every)
    _worker_stop()


def _worker_scope(jobs: list[Job], parameters: dict[str, Any], out_dir: Path, show_code: bool) -> list[JobResult]:
    """Run the angles of one period × region in this worker's warm kernel."""
    if _WORKER.get("kernel") is None:
        _WORKER["kernel"] = WarmKernel(NOTEBOOK_DIR, env=_WORKER["env"], timeout=_WORKER["timeout"])
        if _WORKER.get("events") is not None:  # a pool worker: stop the kernel when the worker exits
            from multiprocessing import util

            util.Finalize(None, _WORKER["kernel"].shutdown, exitpriority=10)

    def deliver(output: JobOutput) -> JobResult:
        result = write_job(output, out_dir)
        if _WORKER.get("events") is not None:
            _WORKER["events"].put((result.job.period, result.job.region, result.job.angle))
        return result

    return run_scope(_WORKER["kernel"], jobs, parameters, show_code, deliver, NOTEBOOK_DIR)


def _kill_kernel() -> None:
    """The run is being stopped: kill this process's kernel mid-cell rather than wait for it."""
    if _WORKER.get("kernel") is not None:
        _WORKER["kernel"].kill()


def _scopes(jobs: list[Job]) -> list[list[Job]]:
    """Group jobs by period × region (the overview first within its scope), region by region, months ascending.

    A warm kernel that ran a region's previous month has the look-back of the next month's executive summary
    memoised (:mod:`salesnb.batch.schedule`): this order lets one worker go on with its region.
    """
    groups: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        groups.setdefault((job.period, job.region), []).append(job)
    return region_major(list(groups.values()))


def _execute_all(
    scopes: list[list[Job]], parameters: dict, out: Path, show_code: bool, env: dict, jobs: int, bar: Any, timeout: int
) -> list[JobResult]:
    """Run every scope, in this process (one worker) or in a pool of worker processes."""
    results: list[JobResult] = []
    workers = max(1, min(jobs, len(scopes)))
    if workers == 1:
        _worker_start(env, None, timeout)
        try:
            for scope in scopes:  # region by region, months ascending (see _scopes)
                for job in scope:
                    bar.set_postfix_str(f"{job.period} {job.region} {job.angle}")
                    results += _worker_scope([job], parameters, out, show_code)
                    bar.update(1)
        except BaseException:  # Ctrl-C, SIGTERM, a full disk: kill the kernel mid-cell rather than ask it to stop
            _kill_kernel()
            raise
        finally:
            if _WORKER.get("kernel") is not None:
                _WORKER.pop("kernel").shutdown()
        return results
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    events = context.Queue()  # handed to the workers at start; no manager process to outlive a killed run
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start, initargs=(env, events, timeout))
    plan = ReusePlan(scopes)
    lanes: dict[Any, int] = {}  # future -> the lane (worker) it was handed to

    def hand_out(lane: int) -> None:
        scope = plan.next(lane)
        if scope is not None:
            lanes[pool.submit(_worker_scope, scope, parameters, out, show_code)] = lane

    try:
        # exactly one scope in flight per worker: the worker that just finished is the only one idle, so the
        # next scope of its lane (its region's next month, see schedule.py) runs in the same warm kernel
        for lane in range(workers):
            hand_out(lane)
        while lanes:
            finished, _ = wait(set(lanes), timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(events, bar)
            for future in finished:
                results += future.result()
                hand_out(lanes.pop(future))
    except BaseException:  # Ctrl-C, SIGTERM, a full disk: stop the workers now rather than after their reports
        stop_pool(pool)
        raise
    pool.shutdown()
    _drain(events, bar)  # the workers have exited: what they sent is in the pipe
    events.close()
    return results


def _drain(events: Any, bar: Any) -> None:
    """Move the workers' progress events that have arrived onto the bar."""
    import queue

    while True:
        try:
            period, region, angle = events.get_nowait()
        except queue.Empty:
            return
        bar.set_postfix_str(f"{period} {region} {angle}")
        bar.update(1)


def _finding_key(finding: dict) -> tuple[str, str, str]:
    return (finding.get("angle", ""), finding.get("code", ""), json.dumps(finding.get("segment"), sort_keys=True))


def merge_results(folder: Path, results: dict[str, dict]) -> None:
    """Fold the angles' published results into the folder's ``metrics.json`` and ``findings.json``.

    Metrics of the overview sit at the top level; other angles' metrics under their angle name. An angle
    that was re-run replaces its earlier findings; the overview publishes every angle's findings (its
    executive summary), merged by angle, code and segment so that none is listed twice.
    """
    metrics = read_json(folder / "metrics.json", {})
    findings = read_json(folder / "findings.json", [])
    for angle, result in results.items():
        if angle == PACK:  # the pack publishes its action timetable, not metrics or findings of its own
            write_atomic(folder / "actions.json", dumps(result.get("metrics", {}).get("actions", {})))
            continue
        if angle == "overview":
            metrics.update(result.get("metrics", {}))
        else:
            metrics[angle] = result.get("metrics", {})
        published = list(result.get("findings", []))
        keys = {_finding_key(f) for f in published}
        findings = [f for f in findings if f.get("angle") != angle and _finding_key(f) not in keys] + published
    write_atomic(folder / "metrics.json", dumps(metrics))
    write_atomic(folder / "findings.json", dumps(rank_findings(findings)))


def run_reports(
    data: str | os.PathLike,
    *,
    periods: list[str],
    regions: list[str],
    angles: list[str],
    out_dir: str | os.PathLike,
    all_regions: bool = False,
    config_path: str = "",
    mapping_path: str = "",
    lang: str = "zh",
    show_code: bool = False,
    progress: bool = True,
    jobs: int | None = None,
    force: bool = False,
    cell_timeout: int = 600,
    store: str = "",
    scheduler: str = "",
    kernel_memory: int | None = None,
) -> RunSummary:
    """Validate the data, then execute and publish every requested report that is not up to date.

    Raises :class:`~salesnb.errors.DataValidationError` or :class:`~salesnb.errors.ParameterError`
    before anything is written when the data or the request is wrong, and
    :class:`~salesnb.errors.OutputFolderError` when ``out_dir`` cannot be written. A failing notebook (an
    error, a cell running past ``cell_timeout`` seconds, a kernel that dies) does not stop the batch: it is
    listed in the summary and the index, with its executed notebook and an error page kept. SIGTERM stops
    the run like Ctrl-C (``KeyboardInterrupt``), its kernels and workers with it; finished pages stay.
    The validated data is kept in the columnar store under ``store`` (default
    :func:`~salesnb.data.store.default_root`), which the kernels read. ``scheduler`` sends the reports to a
    Dask cluster (:mod:`salesnb.batch.cluster`); ``kernel_memory`` (MiB) is the most a report's kernel may hold
    (:mod:`salesnb.batch.memory`).
    """
    from tqdm.auto import tqdm

    started = time.monotonic()
    if cell_timeout <= 0:
        raise ParameterError(Message("error_cell_timeout", value=cell_timeout))
    if scheduler:
        from .cluster import check_scheduler, run_on_cluster

        check_scheduler(scheduler)
    out = Path(out_dir)
    check_not_a_file(out)
    source = str(data)
    store_root = Path(store) if store else datastore.default_root()
    ds = planning_dataset(source, mapping_path or None, store_root)  # validated and ingested once per data version
    planned = plan_jobs(ds, periods, regions, angles, all_regions=all_regions)
    unfed = [] if angles else [a for a in available_angles() if a not in {job.angle for job in planned}]
    parameters = {
        # a database URL reaches the notebooks (and the executed .ipynb files) without its password: the kernels
        # read the store this run filled, found by the masked URL's signature
        "data": str(Path(source).resolve()) if "://" not in source else masked_url(source),
        "config_path": str(Path(config_path).resolve()) if config_path else "",
        "mapping_path": str(Path(mapping_path).resolve()) if mapping_path else "",
        "lang": lang,
    }
    for angle in dict.fromkeys(job.angle for job in planned):
        _check_parameters(NOTEBOOK_DIR / f"{angle}.ipynb", {**parameters, "period": "", "region": ""})

    summary = RunSummary()
    common = {"data": freshness.data_fingerprint(source, ds), "package": freshness.package_fingerprint()}
    parts: dict[Job, dict[str, str]] = {}
    todo: list[Job] = []
    for job in planned:
        parts[job] = {
            **common,
            "notebook": freshness.notebook_fingerprint(NOTEBOOK_DIR / f"{job.angle}.ipynb"),
            "parameters": freshness.parameters_fingerprint(
                {**parameters, "period": job.period, "region": job.region}, {"show_code": show_code}
            ),
        }
        reason = freshness.stale_reason(job.folder(out), job.angle, parts[job], force=force)
        if reason is None:
            summary.skipped.append(job)
        else:
            summary.reasons.append((job, reason))
            todo.append(job)

    results: list[JobResult] = []
    if todo:
        prepare_output(out)
        scopes = _scopes(todo)
        workers = min(jobs or os.cpu_count() or 1, len(scopes))
        if not scheduler and (rows := stored_rows(ds)) is not None:  # a cluster's workers have their own memory
            workers, summary.note = fitting_jobs(workers, jobs is not None, job_estimate_mib(rows), available_mib())
        if unfed:  # said before the run: why fewer pages than angles
            summary.note = " ".join(
                p for p in (summary.note, t("run_unfed_angles", lang, angles=", ".join(unfed))) if p
            )
        if summary.note and progress:
            print(summary.note, file=sys.stderr, flush=True)
        bar = tqdm(total=len(todo), desc="salesnb run", unit="report", disable=not progress)
        env = {datastore.READ_ENV: str(store_root.resolve())}  # the kernels read the store, not the source
        del ds
        release_memory()
        with stop_on_signals(_kill_kernel):
            run = functools.partial(run_on_cluster, scheduler) if scheduler else _execute_all
            env = {**env, **memory_env(kernel_memory)}
            results = run(scopes, parameters, out, show_code, env, workers, bar, cell_timeout)
        bar.close()
    with output_errors(out):
        _publish(results, parts, planned, out, summary, lang)
    summary.seconds = time.monotonic() - started
    return summary


def _publish(
    results: list[JobResult], parts: dict, planned: list[Job], out: Path, summary: RunSummary, lang: str
) -> None:
    """Fold the reports' results into each folder's JSON and state, fill ``summary``, rewrite the index and workbook."""
    by_folder: dict[Path, list[JobResult]] = {}
    for result in results:
        by_folder.setdefault(result.job.folder(out), []).append(result)
    for folder, folder_results in by_folder.items():
        good = {r.job.angle: r.payload or {} for r in folder_results if r.error is None}
        merge_results(folder, good)
        first = folder_results[0].job
        state = freshness.record(
            folder,
            {"period": first.period, "region": first.region},
            {r.job.angle: parts[r.job] for r in folder_results if r.error is None},
            [r.job.angle for r in folder_results if r.error is not None],
        )
        write_atomic(folder / freshness.STATE_FILE, state)
    order = {job: i for i, job in enumerate(planned)}
    for result in sorted(results, key=lambda r: order[r.job]):
        if result.error is None:
            summary.done.append(result.job)
        else:
            summary.failed.append((result.job, result.error))
    if out.is_dir():
        write_workbook(out, lang)  # first: the index links it
        write_atomic(out / "index.html", index_page(out, available_angles()))
