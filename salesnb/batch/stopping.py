"""Stopping a run cleanly: SIGTERM acts as Ctrl-C, and an interrupted pool takes its workers down at once.

A worker kills its kernel when it gets SIGTERM (:func:`salesnb.batch.runner._worker_stop`), and kernels and
workers die with their parent (:func:`salesnb.batch.engine.die_with_parent`), so nothing outlives a run,
however it ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While reports run, SIGTERM raises ``KeyboardInterrupt`` so that every ``finally`` shuts its kernel down."""
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop_pool(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Terminate the pool's workers now (each kills its kernel on SIGTERM), kill any still alive after ``grace``.

    ``ProcessPoolExecutor.shutdown`` would wait for the reports in progress; an interrupted run must not.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
