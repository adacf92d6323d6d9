"""Event tables read like a partial month's orders: each month through the same days (``facts.same_days``).

A report of a month the data ends inside reads every month through day D: the orders by the view's own order
facts, the other tables' events (leads, activities, tickets, invoices falling due, deals closing ...) by these.
"""

from __future__ import annotations

import pandas as pd

from ..periods import month_labels
from .dataset import Dataset
from .facts import view_day


def event_months(ds: Dataset, dates: pd.Series) -> pd.Series:
    """``YYYY-MM`` of each event date; in a :func:`same_days` view none after the view's day of its month.

    The same rule as the view's orders, for the other tables' events (leads, activities, tickets, invoices
    falling due, deals closing ...): a partial month's report then counts days 1..D of every month.
    """
    months = month_labels(dates)
    day = view_day(ds)
    return months if day is None else months.mask(dates.dt.day > day)


def event_cutoffs(ds: Dataset, dates: pd.Series) -> pd.Series:
    """When each event is judged: the first instant after its month (in a :func:`same_days` view, after day D).

    An invoice falling due is judged paid or not at that moment, a promised delivery made or not.
    """
    starts = dates.dt.to_period("M").dt.to_timestamp()
    ends = starts + pd.offsets.MonthBegin(1)
    day = view_day(ds)
    return ends if day is None else (starts + pd.Timedelta(days=day)).where(lambda c: c < ends, ends)
