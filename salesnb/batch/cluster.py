"""Run the reports on a Dask distributed cluster (``salesnb run --scheduler tcp://HOST:PORT`` or ``local``).

One task is a segment of a region's months (:func:`salesnb.batch.schedule.segments`): month by month, its
angles run one after the other in the worker's warm kernel, exactly as a local pool worker runs them
(:func:`salesnb.batch.jobs.run_scope`), so the months after the first reuse the look-back the kernel
memoised. The worker renders the pages and sends them back; this process writes them, so the output folder
need not be shared, and publishes ``metrics.json``/``findings.json`` as a local run does: the outputs are
byte-identical.

- **One warm kernel per worker**, kept by a :class:`KernelPlugin` on the worker object (a kernel in a module
  global would be copied with each task, and started per task). All kernel work runs on one thread of the
  plugin, so kernels start one after another (with retry: jupyter_client ports can collide) and the kernel
  dies with that thread's process.
- **Data**: each kernel reads ``--data`` (and ``--config``, ``--mapping``) itself, so the path must be one
  every worker can reach (a shared filesystem) or a database URL; the run checks it on every worker first and
  refuses, naming the path, when a worker cannot see it. The run's private dataset snapshot is not used.
- **Memory**: ``--kernel-memory`` is enforced inside each kernel (:mod:`salesnb.batch.memory`); Dask watches
  only the worker process.
- **Retries**: a task whose worker dies is run again on another worker (the scheduler's
  ``distributed.scheduler.allowed-failures``, 3 by default); a task that raises is retried once.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
import re
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from ..data.store import READ_ENV

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # salesnb installed without its `dask` extra: check_scheduler says what to install
    WorkerPlugin = object

from ..data.messages import Message
from ..errors import ParameterError
from . import freshness
from .engine import WarmKernel
from .jobs import NOTEBOOK_DIR, Job, JobOutput, JobResult, run_scope, write_job
from .memory import MEMORY_ENV
from .schedule import segments

PLUGIN = "salesnb-kernel"  # + the run's id: two runs on one cluster keep a kernel each
PROGRESS = "salesnb-progress"  # event topic: [run, period, region, angle, worker] per finished report
LOCAL = "local"
RETRIES = 1  # a task that raises (not one whose worker died) is run once more
ALLOWED_FAILURES = 3  # a LocalCluster's limit on workers dying under one task
_ADDRESS = re.compile(r"^([a-z0-9+]+://)?[^\s/:]+(:\d+)?$", re.IGNORECASE)


def check_scheduler(scheduler: str) -> None:
    """Refuse, before any work, a ``--scheduler`` that is neither ``local`` nor an address like tcp://host:8786."""
    if importlib.util.find_spec("distributed") is None:
        raise ParameterError(Message("error_scheduler_no_dask"))
    if scheduler != LOCAL and not _ADDRESS.match(scheduler):
        raise ParameterError(Message("error_scheduler_address", value=repr(scheduler)))


class KernelPlugin(WorkerPlugin):
    """Keep one warm kernel on each Dask worker for the reports of one run; shut it down when the run ends."""

    idempotent = False  # a new run replaces the previous run's plugin (and its kernel)

    def __init__(self, run: str, env: dict[str, str], timeout: int):
        self.run_id, self.env, self.timeout = run, env, timeout
        self.kernel: WarmKernel | None = None
        self.thread: ThreadPoolExecutor | None = None
        self.worker: Any = None

    def setup(self, worker: Any) -> None:
        self.worker = worker
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="salesnb-kernel")

    async def teardown(self, worker: Any) -> None:
        if self.thread is not None:
            await asyncio.wrap_future(self.thread.submit(self._shutdown))
            self.thread.shutdown(wait=False)

    def run(self, scopes: list[list[Job]], parameters: dict[str, Any], show_code: bool) -> list[JobOutput]:
        """Run scopes' reports in this worker's kernel (on the kernel's own thread), in order; return them."""
        return self.thread.submit(self._run, scopes, parameters, show_code).result()

    def kill(self) -> None:
        """The run was stopped: kill the kernel mid-cell (any thread may call this)."""
        if self.kernel is not None:
            self.kernel.kill()

    def _run(self, scopes: list[list[Job]], parameters: dict[str, Any], show_code: bool) -> list[JobOutput]:
        outputs: list[JobOutput] = []

        def deliver(output: JobOutput) -> JobResult:
            outputs.append(output)
            job = output.result.job
            self.worker.log_event(PROGRESS, [self.run_id, job.period, job.region, job.angle, self.worker.address])
            return output.result

        for jobs in scopes:
            run_scope(self._kernel(), jobs, parameters, show_code, deliver)
        return outputs

    def _kernel(self) -> WarmKernel:
        """The kernel of this worker, started on first use (:meth:`WarmKernel.start` retries a failed start)."""
        if self.kernel is None:
            kernel = WarmKernel(NOTEBOOK_DIR, env=self.env, timeout=self.timeout)
            try:
                kernel.start()
            except Exception:
                kernel.shutdown()
                raise
            self.kernel = kernel
        return self.kernel

    def _shutdown(self) -> None:
        if self.kernel is not None:
            self.kernel.shutdown()
            self.kernel = None


def _scope_task(run: str, scopes: list[list[Job]], parameters: dict[str, Any], show_code: bool) -> list[JobOutput]:
    """The Dask task: a segment of one region's months, in order, in this worker's warm kernel."""
    from distributed import get_worker

    return get_worker().plugins[f"{PLUGIN}-{run}"].run(scopes, parameters, show_code)


def _kill_kernel(run: str, dask_worker: Any = None) -> None:
    plugin = dask_worker.plugins.get(f"{PLUGIN}-{run}") if dask_worker is not None else None
    if plugin is not None:
        plugin.kill()


def _worker_view(paths: list[str]) -> tuple[list[str], str]:
    """What a worker sees: which of ``paths`` it cannot read, and the fingerprint of its salesnb."""
    return [p for p in paths if not os.access(p, os.R_OK)], freshness.package_fingerprint()


def _check_workers(client: Any, parameters: dict[str, Any], scheduler: str) -> None:
    """Refuse the run when a worker cannot read the data, configuration or mapping, or runs another salesnb."""
    try:
        client.wait_for_workers(1, timeout=120)
    except TimeoutError:
        raise ParameterError(Message("error_scheduler_no_workers", scheduler=scheduler)) from None
    names = ("data", "config_path", "mapping_path")
    paths = [parameters[n] for n in names if parameters.get(n) and "://" not in parameters[n]]
    mine = freshness.package_fingerprint()
    for address, (missing, package) in sorted(client.run(_worker_view, paths).items()):
        if missing:
            raise ParameterError(Message("error_worker_cannot_read", address=address, paths=", ".join(missing)))
        if package != mine:
            raise ParameterError(Message("error_worker_version", address=address, scheduler=scheduler))


@contextlib.contextmanager
def connect(scheduler: str, workers: int) -> Any:
    """A client of the cluster at ``scheduler``, or of a new LocalCluster of ``workers`` one-thread workers."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler != LOCAL:
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ParameterError(Message("error_scheduler_unreachable", scheduler=scheduler, reason=str(exc))) from None
        with client:
            yield client
        return
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
        )
    with cluster, Client(cluster) as client:
        yield client


def run_on_cluster(
    scheduler: str,
    scopes: list[list[Job]],
    parameters: dict[str, Any],
    out: Path,
    show_code: bool,
    env: dict[str, str],
    workers: int,
    bar: Any,
    timeout: int,
) -> list[JobResult]:
    """Run every scope on the cluster and write each report as its scope comes back; return their results.

    Of ``env`` the kernels get the memory limit and the columnar store's folder (``--store``): on a shared
    path the workers read the store this run filled; elsewhere a worker's kernel ingests ``--data`` into
    that folder on its own machine. ``workers`` sizes a LocalCluster.
    """
    env = {key: env[key] for key in (MEMORY_ENV, READ_ENV) if key in env}
    results: list[JobResult] = []
    counted: set[Job] = set()

    def tick(job: Job) -> None:
        if job not in counted:  # a scope run again after its worker died is counted once
            counted.add(job)
            bar.set_postfix_str(f"{job.period} {job.region} {job.angle}")
            bar.update(1)

    with connect(scheduler, max(1, min(workers, len(scopes)))) as client:
        _check_workers(client, parameters, scheduler)
        run = uuid.uuid4().hex[:12]
        plugin = f"{PLUGIN}-{run}"
        client.register_plugin(KernelPlugin(run, env, timeout), name=plugin)
        events: list[list[str]] = []
        client.subscribe_topic(PROGRESS, lambda event: event[1][0] == run and events.append(event[1][1:4]))
        executor = client.get_executor(retries=RETRIES, pure=False)
        try:
            tasks = segments(scopes, sum(client.nthreads().values()) or workers)
            pending = {executor.submit(_scope_task, run, task, parameters, show_code): task for task in tasks}
            while pending:
                finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                while events:
                    tick(Job(*events.pop(0)))
                for future in finished:
                    task = pending.pop(future)
                    for output in _outputs(future, task):
                        results.append(write_job(output, out))
                        tick(output.result.job)
        except BaseException:  # Ctrl-C, SIGTERM, a full disk: stop the reports in progress on the workers
            for stop in (lambda: executor.shutdown(wait=False), lambda: client.run(_kill_kernel, run)):
                with contextlib.suppress(Exception):
                    stop()
            raise
        finally:  # the cluster outlives the run: shut this run's kernels down
            for end in (lambda: client.unsubscribe_topic(PROGRESS), lambda: client.unregister_worker_plugin(plugin)):
                with contextlib.suppress(Exception):
                    end()
    return results


def _outputs(future: Any, task: list[list[Job]]) -> list[JobOutput]:
    """A finished task's reports; a task the cluster gave up on (its workers kept dying) fails each report."""
    try:
        return future.result()
    except Exception as exc:
        error = f"the Dask cluster could not run this report: {type(exc).__name__}: {exc}"[:300]
        return [JobOutput(JobResult(job, error=error)) for scope in task for job in scope]
