"""Stopping a run cleanly: SIGTERM acts as Ctrl-C, and an interrupted run takes its kernel or workers down at once.

A worker kills its kernel when it gets SIGTERM (:func:`salesnb.batch.runner._worker_stop`), and kernels and
workers die with their parent (:func:`salesnb.batch.engine.die_with_parent`), so nothing outlives a run,
however it ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_REQUESTED: list[int] = []  # the signal that asked this process to stop, once one has


def stop_requested() -> bool:
    """Whether Ctrl-C or SIGTERM has asked the run to stop (checked between and after reports)."""
    return bool(_REQUESTED)


@contextlib.contextmanager
def stop_on_signals(on_stop: Callable[[], None] = lambda: None) -> Iterator[None]:
    """While reports run, Ctrl-C and SIGTERM stop the run: ``on_stop()`` (kill the kernel), then ``KeyboardInterrupt``.

    The flag stays set, because the exception may be raised inside library code that turns it into an
    ordinary failure (nbclient reports a killed kernel as dead): the runner checks :func:`stop_requested`
    before it writes an error page or starts the next report.
    """
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        _REQUESTED.append(signum)
        on_stop()
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    _REQUESTED.clear()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_pool(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Terminate the pool's workers now (each kills its kernel on SIGTERM), kill any still alive after ``grace``.

    ``ProcessPoolExecutor.shutdown`` would wait for the reports in progress; an interrupted run must not. The
    pool's manager thread is then given ``grace`` to finish: it closes its wake-up pipe as it ends, and at exit
    Python 3.11 wakes every pool's manager unguarded (``concurrent.futures.process._python_exit``): a pipe closed
    mid-call printed "OSError: Bad file descriptor" and a traceback after "interrupted" (seen once in CI).
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.kill()
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None and manager is not threading.current_thread():
        manager.join(grace)
