"""Orders whose total is 0: a gift, a fully refunded order, a 0元 sample. No sale: left out as cancelled ones are.

A shop export (淘宝, 有赞, a POS) keeps such rows among the paid orders. Counted, each is an order and its buyer a
customer (a new one, for a sample's first order) while adding no revenue: the order count rises, the average
order value falls, a gift lifts the month's buyers. They leave the data after the mapping's ``exclude`` and take
what hangs on them the same way (:func:`salesnb.data.exclude.leave_out`: their order lines go, a ticket about
one keeps its row and loses the link); a warning says how many and in which months, and the report's data note
says they are not counted. Their latest date stays the data's (``Dataset.covered_through``): the export
covered that day, so a last day holding only a gift does not make the month end earlier
(:func:`salesnb.data.facts.last_order_date`). An order's total is :func:`salesnb.data.facts.order_totals`' — a
total of 0 only where every line is priced (or the amount given): an order with an unpriced line or no lines is
not one.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..periods import month_labels
from .coverage import latest
from .dataset import Dataset
from .exclude import leave_out
from .facts import order_totals
from .messages import counted
from .summaries import total_rows

MONTHS_NAMED = 6  # months named in the warning, the busiest first


def zero_total(ds: Dataset) -> np.ndarray:
    """Whether each row of ``ds``'s orders has a known total of exactly 0."""
    orders = ds.get("orders")
    if orders is None or not len(orders):
        return np.zeros(0, dtype=bool)
    totals = order_totals(orders, ds.get("order_lines"))
    return (totals["known"] & totals["revenue"].eq(0)).to_numpy(dtype=bool)


def drop_zero_orders(ds: Dataset) -> Dataset:
    """``ds`` without its orders of total 0 (and their lines), a warning, ``zero_orders`` counting them by month.

    ``covered_through``: the latest date of the orders left out, these or the excluded ones (:mod:`.coverage`).
    """
    zero = zero_total(ds)
    if not zero.any():
        return ds
    dates = ds["orders"].loc[zero, "order_date"]
    per_month = month_labels(dates).value_counts()
    per_month = per_month.sort_index(kind="stable")
    busiest = per_month.sort_values(ascending=False, kind="stable").head(MONTHS_NAMED)
    named = ", ".join(f"{month} ({n:,})" for month, n in busiest.sort_index().items())
    more = len(per_month) - len(busiest)
    months = named + (f", … (+{more})" if more else "")
    tables, notes = leave_out(ds.tables, "orders", zero)
    totals = bool(total_rows(ds))  # a summary's rows of 0: a closed day or store, no order given away
    warning = counted("problem_zero_totals" if totals else "problem_zero_orders", int(zero.sum()), months=months or "—")
    return dataclasses.replace(
        ds,
        tables=tables,
        warnings=[*ds.warnings, warning, *notes],
        zero_orders={} if totals else {str(m): int(n) for m, n in per_month.items()},
        covered_through=latest(dates, ds.covered_through),
    )
