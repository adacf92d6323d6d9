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

import os
import sys
import threading
import time

from ..errors import ParameterError

MEMORY_ENV = "SALESNB_KERNEL_MEMORY_MIB"  # set in a kernel's environment: its limit in MiB
EXIT_CODE = 86  # how a kernel past its limit ends, so that the runner can say why it died


def memory_env(limit_mib: int | None) -> dict[str, str]:
    """The kernel environment that sets a memory limit of ``limit_mib`` MiB (none when ``None``)."""
    if limit_mib is not None and limit_mib < 1:
        raise ParameterError(f"--kernel-memory must be a positive number of MiB, not {limit_mib}")
    return {MEMORY_ENV: str(limit_mib)} if limit_mib else {}


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
