"""The latest date the export covered among the orders left out at load (``Dataset.covered_through``).

An order the mapping's ``exclude`` leaves out (a cancelled order, a return, an unpaid one) or one of total 0
(:mod:`.zero_orders`) is no sale, yet the export held it: its day was covered. An export through 10-31 whose
last day's orders were all cancelled still ends on 10-31, not on 10-28 (:func:`.facts.last_order_date`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Mapping
from .dates import parse_dates


def latest(dates: pd.Series, *others: str | None) -> str | None:
    """The latest of ``dates`` and ``others`` as ``YYYY-MM-DD`` (``None`` when none is known)."""
    known = [pd.Timestamp(d) for d in others if d] + ([dates.max()] if dates.notna().any() else [])
    return str(max(pd.Timestamp(d).tz_localize(None) for d in known).date()) if known else None


def flat_through(frame: pd.DataFrame, names: Mapping, column: str | None, mask: np.ndarray) -> pd.Series:
    """The order dates of a file's ``mask`` rows, read as the loader reads the column (empty without one).

    The column is parsed whole, so its day-month order is told from every row as for the kept ones.
    """
    if column is None or not mask.any():
        return pd.Series([], dtype="datetime64[ns]")
    fmt = names.date_format("orders", "order_date")
    dates = parse_dates(frame[column], dayfirst=names.dayfirst, fmt=fmt)[0]
    return dates[mask]


def dropped_dates(before: pd.DataFrame | None, after: pd.DataFrame | None) -> pd.Series:
    """The dates of the orders in ``before`` whose id ``after`` no longer holds."""
    if before is None or after is None or len(before) == len(after) or "order_date" not in before:
        return pd.Series([], dtype="datetime64[ns]")
    return before.loc[~before["order_id"].isin(after["order_id"]), "order_date"]
