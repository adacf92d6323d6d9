"""What a warm kernel does between two reports so that the second starts as if in a fresh kernel."""

from __future__ import annotations

import matplotlib.pyplot as plt

from . import plotting


def between_reports() -> None:
    """Close every figure and restore the house plotting style (a notebook may have changed rcParams)."""
    plt.close("all")
    plotting.restore_style(plotting.STYLE)
