"""What a warm kernel does between two reports so that the second starts as if in a fresh kernel."""

from __future__ import annotations

import gc

import matplotlib.pyplot as plt

from ..display import plotting

_STATE = {"released": 0}  # reports this process has released (release_memory)
FULL_SWEEP_EVERY = 24  # reports between two collections that also look at the frozen objects


def between_reports() -> None:
    """Close every figure and restore the house plotting style (a notebook may have changed rcParams)."""
    plt.close("all")
    plotting.restore_style(plotting.STYLE)


def release_memory() -> None:
    """Drop the angles' derived tables, collect garbage, hand freed heap back (Arrow's pool, glibc ``malloc_trim``).

    A warm kernel runs report after report; without this its resident memory ratchets up to the
    largest report's high-water mark and stays there, on every worker. After each collection what is
    still alive (modules, the dataset, the caches and memos of the reports so far) is frozen out of the
    collector's view (:func:`gc.freeze`), so later collections, here and during the next report's cells,
    scan only what that report made. Frozen once only, a kernel's collections grew with every report
    it ran (the memos of 36 scopes: the reset between two reports went from 0.2 to 0.5 s in 12 months).
    Frozen objects are still freed by reference counting; a reference cycle among them that became garbage
    is collected by the full sweep every :data:`FULL_SWEEP_EVERY` reports (everything unfrozen first).
    """
    from ..data.facts import forget_derived
    from ..data.store_read import release_freed_memory

    forget_derived()
    _STATE["released"] += 1
    if _STATE["released"] % FULL_SWEEP_EVERY == 0:
        gc.unfreeze()  # the frozen objects too: cycles among them that became garbage since
    gc.collect()
    gc.freeze()
    release_freed_memory()  # Arrow's pool (the text columns' buffers) and glibc's heap keep freed pages otherwise
