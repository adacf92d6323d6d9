"""A memory limit enforced inside each report kernel (``salesnb run --kernel-memory MiB``).

A pool worker or a Dask worker watches only its own process, not the kernel it starts
(dask/distributed#1949): a report that eats all memory would make the machine swap or the cluster hang.
So the kernel watches itself: a daemon thread reads its resident memory (``/proc/self/statm``) ten times a
second and, past the limit, ends the kernel at once with :data:`EXIT_CODE`. The runner sees a dead kernel,
gives that report an error page naming the limit and starts a fresh kernel for the next report.

Resident memory, not address space: a kernel that holds 360 MiB reserves about 2.7 GiB of address space
and 1.6 GiB of data segment (thread arenas, libraries), so ``RLIMIT_AS``/``RLIMIT_DATA`` cannot stand for it.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time

from ..data.messages import Message
from ..errors import ParameterError

MEMORY_ENV = "SALESNB_KERNEL_MEMORY_MIB"  # set in a kernel's environment: its limit in MiB
EXIT_CODE = 86  # how a kernel past its limit ends, so that the runner can say why it died


def memory_env(limit_mib: int | None) -> dict[str, str]:
    """The kernel environment that sets a memory limit of ``limit_mib`` MiB (none when ``None``)."""
    if limit_mib is not None and limit_mib < 1:
        raise ParameterError(Message("error_kernel_memory", value=limit_mib))
    return {MEMORY_ENV: str(limit_mib)} if limit_mib else {}


ARROW_POOL_ENV = "ARROW_DEFAULT_MEMORY_POOL"  # Arrow's own setting, read once when a process starts


@functools.lru_cache(maxsize=1)
def allocator_env() -> dict[str, str]:
    """The kernel environment that has Arrow allocate from jemalloc (else the system's malloc), not mimalloc.

    pandas' text columns live in Arrow buffers. pyarrow's default allocator, mimalloc, keeps the pages of the
    buffers a report frees for the next ones, so a kernel stays at the high-water mark of every derived table
    it made and dropped; jemalloc hands them back. At a million order lines, a kernel running the overview (every
    angle's rules) peaked at 1,698 MiB with mimalloc, 1,545-1,554 with jemalloc and 1,584-1,614 with the system
    allocator; the numbers are the same. Only an environment variable reaches Arrow's own code (its readers and
    compute kernels), so it is set before the kernel starts. A user's own ``$ARROW_DEFAULT_MEMORY_POOL`` wins.
    """
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return {}
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc (some platforms' wheels)
        return {ARROW_POOL_ENV: "system"}
    return {ARROW_POOL_ENV: "jemalloc"}


def kernel_memory_limit(env: dict[str, str] | None) -> int | None:
    """The limit in MiB a kernel started with ``env`` runs under, or ``None`` (no limit)."""
    value = (env or {}).get(MEMORY_ENV, "")
    return int(value) if value.strip().isdigit() and int(value) > 0 else None


def resident_mib() -> float:
    """Resident memory of this process in MiB (Linux ``/proc``; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def watch(limit_mib: int, every: float = 0.1) -> threading.Thread | None:
    """Start the watchdog thread of this kernel; it ends the process once resident memory passes ``limit_mib``.

    Called once in a fresh kernel by :class:`~salesnb.batch.engine.WarmKernel`. Linux only (elsewhere ``None``:
    no limit is enforced).
    """
    if not sys.platform.startswith("linux"):
        return None

    def loop() -> None:
        while resident_mib() <= limit_mib:
            time.sleep(every)
        os._exit(EXIT_CODE)  # no clean-up: memory is the problem, and the runner restarts the kernel

    thread = threading.Thread(target=loop, name="salesnb-memory-limit", daemon=True)
    thread.start()
    return thread


def death_reason(exit_code: int | None, limit_mib: int | None, detail: str) -> str:
    """Why a kernel died, for the report's error page (``detail``: what the kernel client said)."""
    if exit_code == EXIT_CODE and limit_mib:
        return (
            f"the report used more than the kernel memory limit of {limit_mib} MiB (salesnb run --kernel-memory); "
            "its kernel was stopped"
        )
    return f"the kernel died while running the cell (out of memory, or killed): {detail}"


JOB_BASE_MIB = 768  # a worker with its kernel before any data: Python, pandas, matplotlib, the notebooks' imports
JOB_BYTES_PER_ROW = 350  # ... and per stored row: the tables a kernel loads and the derived tables it keeps
# (benchmarks/scale.py, worker with its kernel: 2,176 MiB at 5.0 M stored rows, 17,276 MiB at 49.7 M)


def job_estimate_mib(rows: int) -> int:
    """Memory one report worker with its kernel reaches on data of ``rows`` stored rows (all tables), in MiB."""
    return JOB_BASE_MIB + int(rows * JOB_BYTES_PER_ROW / 2**20)


def available_mib() -> int | None:
    """Memory the machine can still give (``MemAvailable`` of ``/proc/meminfo``) in MiB; ``None`` off Linux."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def fitting_jobs(wanted: int, explicit: bool, estimate_mib: int, free_mib: int | None) -> tuple[int, str]:
    """How many reports to run side by side so their kernels fit in memory, and a note saying why if fewer.

    The default (``explicit`` False: as many as cores) is lowered to what ``free_mib`` holds, at least one;
    a count the user asked for is kept, with a warning when it does not fit. A run on too little memory would
    make the machine swap or have its kernels killed half-way, losing the reports under way.
    """
    if free_mib is None:
        return wanted, ""
    fits = free_mib // max(estimate_mib, 1)
    if fits >= wanted:
        return wanted, ""
    need = f"each report kernel needs about {estimate_mib:,} MiB for this data and {free_mib:,} MiB are free"
    if fits == 0:
        return (wanted if explicit else 1), f"warning: {need}: reports may run out of memory"
    if explicit:
        return wanted, f"warning: --jobs {wanted} may run out of memory: {need} (enough for {fits})"
    return fits, f"note: {fits} report(s) at a time instead of {wanted}: {need} (--jobs to choose)"
