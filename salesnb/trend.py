"""The months of a trend chart: the last ``count`` months up to the report month that the data covers."""

from __future__ import annotations

import pandas as pd

from .periods import months_back
from .report import Report


def trend_months(report: Report, count: int) -> list[str]:
    """The ``count`` months up to and including the report month, oldest first, that the orders cover."""
    return report.covered(months_back(report.period, count))


def trend_rows(report: Report, frame: pd.DataFrame, count: int) -> pd.DataFrame:
    """The rows of a per-month ``frame`` (a ``month`` column) in :func:`trend_months`, ``month`` named ``period``."""
    rows = frame[frame["month"].isin(trend_months(report, count))].rename(columns={"month": "period"})
    return rows.reset_index(drop=True)
