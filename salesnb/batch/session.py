"""What a warm kernel does between two reports so that the second starts as if in a fresh kernel."""

from __future__ import annotations

import ctypes
import gc
import sys

import matplotlib.pyplot as plt

from ..display import plotting


def between_reports() -> None:
    """Close every figure and restore the house plotting style (a notebook may have changed rcParams)."""
    plt.close("all")
    plotting.restore_style(plotting.STYLE)


def release_memory() -> None:
    """Drop the angles' derived tables, collect garbage, hand freed heap back (glibc ``malloc_trim``).

    A warm kernel runs report after report; without this its resident memory ratchets up to the
    largest report's high-water mark and stays there, on every worker.
    """
    from ..data.facts import forget_derived

    forget_derived()
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            pass
