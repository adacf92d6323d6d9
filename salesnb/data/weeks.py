"""Weekly totals split at month ends, so each month holds its own days of them (Walmart's weekly sales by store).

A summary of weeks (:func:`~.summaries.total_rows`, each row dated on the week's last day) gave each month the
weeks ending in it: four in one month, five in the next. Walmart's September 2012 read 23.7 % below August, and
its executive summary called the fall broad, though the stores sold per week what they always sold. A week
that runs into a new month is split in two by its days: the part before the month's first day is dated on the
previous month's last day, the rest keeps its date; its amount (and its lines' quantities) are shared by days.
Every month then holds its own days, as the orders of an order-level export do. Weeks are recognised by their
dates: most gaps between the data's distinct dates are seven days.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .dataset import Dataset
from .messages import Message
from .summaries import SEPARATOR, total_rows

WEEK = 7  # days a row of a weekly summary totals, ending on its date
WEEKLY = 0.8  # share of gaps between distinct dates that must be whole weeks (a missing week is two)


def weekly(dates: pd.Series) -> bool:
    """Whether distinct dates lie whole weeks apart, most of them one week: a weekly summary's."""
    days = pd.Series(dates.dropna().dt.normalize().unique()).sort_values()
    gaps = days.diff().dropna().dt.days
    if len(gaps) < 3:
        return False
    return bool((gaps % WEEK == 0).mean() >= WEEKLY and (gaps == WEEK).mean() >= WEEKLY / 2)


def spread_weeks(ds: Dataset) -> Dataset:
    """``ds`` with each weekly total that runs into a new month split at the month's first day (module docstring)."""
    orders = ds.tables.get("orders")
    if orders is None or not len(orders) or not total_rows(ds) or not weekly(orders["order_date"]):
        return ds
    date = orders["order_date"]
    into = WEEK - date.dt.day  # days of the week before this month: 6 for a week ending on the 1st
    split = (into > 0).to_numpy()
    if not split.any():
        return ds
    before = into.where(split, 0).to_numpy(dtype=float) / WEEK  # the earlier month's share of the week
    first = orders[split].copy()
    first["order_id"] = first["order_id"].astype("string") + SEPARATOR + "前"
    first["order_date"] = (date[split] - pd.to_timedelta(date[split].dt.day, unit="D")).to_numpy()  # its last day
    kept = orders.copy()
    if "amount" in orders.columns:
        first["amount"] = first["amount"] * before[split]
        kept["amount"] = kept["amount"] * (1 - before)
    tables = {**ds.tables, "orders": _interleaved(kept, first, split, orders["order_id"].dtype)}
    lines = ds.tables.get("order_lines")
    if lines is not None and len(lines):
        tables["order_lines"] = _split_lines(lines, orders["order_id"], before)
    note = Message("problem_weeks_spread", weeks=int(split.sum()), rows=len(orders))
    return dataclasses.replace(ds, tables=tables, warnings=[*ds.warnings, note])


def _interleaved(kept: pd.DataFrame, first: pd.DataFrame, split: np.ndarray, dtype: object) -> pd.DataFrame:
    """``kept``'s rows with each ``first`` row just before the row it was split from, ids back in their dtype."""
    rank = np.arange(len(kept), dtype=float)
    both = pd.concat([kept.assign(_at=rank), first.assign(_at=rank[split] - 0.5)], ignore_index=True)
    both = both.sort_values("_at", kind="stable").drop(columns="_at").reset_index(drop=True)
    both["order_id"] = both["order_id"].astype(dtype)
    return both


def _split_lines(lines: pd.DataFrame, ids: pd.Series, before: np.ndarray) -> pd.DataFrame:
    """Each line of a split week twice: its quantity shared as its order's amount is (the price stays)."""
    share = lines["order_id"].map(pd.Series(before, index=ids.to_numpy()).groupby(level=0).first()).fillna(0.0)
    split = (share > 0).to_numpy()
    first = lines[split].copy()
    first["order_id"] = first["order_id"].astype("string") + SEPARATOR + "前"
    first["quantity"] = first["quantity"] * share[split].to_numpy()
    kept = lines.assign(quantity=lines["quantity"] * (1 - share.to_numpy()))
    return _interleaved(kept, first, split, lines["order_id"].dtype)
