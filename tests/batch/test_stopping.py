"""An interrupted run's pool: its workers stop now and its manager thread has ended before the run exits."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor

from salesnb.batch.stopping import stop_pool


def test_stopping_a_busy_pool_ends_its_workers_and_its_manager_thread() -> None:
    """Python 3.11 wakes each pool's manager at exit without a lock; a manager still closing its pipe then made
    "OSError: Bad file descriptor" print after "interrupted". stop_pool waits for the manager to end."""
    pool = ProcessPoolExecutor(max_workers=2)
    futures = [pool.submit(time.sleep, 30) for _ in range(2)]
    time.sleep(0.5)  # both workers busy
    processes, manager = list(pool._processes.values()), pool._executor_manager_thread
    started = time.monotonic()
    stop_pool(pool, grace=5.0)
    assert time.monotonic() - started < 10  # not the 30 s the reports in progress would take
    assert not any(p.is_alive() for p in processes)
    assert manager is not None and not manager.is_alive()  # its wake-up pipe is closed: nothing left to race
    assert all(f.done() for f in futures)  # the manager marked the reports it lost
