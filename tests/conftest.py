"""Shared fixtures: the Agg backend, figures closed after each test, the bundled sample dataset."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
if not os.environ.get("SALESNB_STORE"):  # runs in tests keep their columnar stores out of the user's cache
    import atexit
    import shutil
    import tempfile

    os.environ["SALESNB_STORE"] = tempfile.mkdtemp(prefix="salesnb-test-store-")
    atexit.register(shutil.rmtree, os.environ["SALESNB_STORE"], True)

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pytest  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test left open (memory, and no state leaks between tests)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def sample():
    """The bundled sample dataset, loaded once for the whole session (read-only: never modify it)."""
    from salesnb.report import open_report

    return open_report(str(SAMPLE), "", "ALL").ds
