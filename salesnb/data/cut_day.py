"""The data's last day exported before it ended: a sheet pulled at 00:02 holds one order of a day that has fifteen.

An export taken during a working day (or just after midnight) ends on a day that is only begun. When that day
falls inside a month the data leaves partial, the month is compared through it (:func:`~.facts.through_day`):
every baseline counts days 1..D whole while the report month counts day D only as far as the export reached, and
the company seems to fall by the day's missing share (real data: a paper wholesaler's sheet ending 2017/1/2 with
1 order that day against ~15 usual, so days 1–2 read −39.5 % below expectation, a medium finding).

:func:`cut_short` tells such a day from a real quiet one by the same weekday of the weeks before (a B2B seller's
Sunday is quiet every week): the last day holds at most :data:`CUT_SHARE` of their mean orders and that few is
improbable at that mean (:func:`~salesnb.stats.poisson_low` under :data:`CUT_P`). The partial month is then read
through the day before — like for like, the cut day's orders fall outside every month's days, as later days do.
"""

from __future__ import annotations

import pandas as pd

from ..stats import poisson_low

WEEKS = 4  # the usual last day: the mean orders of the same weekday in the four weeks before
CUT_SHARE = 0.25  # the last day holds at most a quarter of them ...
CUT_P = 1e-3  # ... and that few is this improbable at their mean (no quiet business's day: it needs ~7 a day)


def cut_short(day_orders: pd.Series, last: pd.Timestamp) -> dict | None:
    """``{"day", "orders", "usual"}`` when ``last`` looks exported before it ended, else ``None``.

    ``day_orders``: orders per day (a normalized date index; days without orders may be absent); ``last``: the
    data's last day. ``usual``: the mean orders of the same weekday in the :data:`WEEKS` weeks before.
    """
    last = pd.Timestamp(last).normalize()
    counts = day_orders.groupby(pd.DatetimeIndex(day_orders.index).normalize()).sum()
    if last.day == 1 or counts.index.max() != last:  # nothing before it in its month; or covered by left-out orders
        return None
    usual = float(sum(counts.get(last - pd.Timedelta(weeks=k), 0) for k in range(1, WEEKS + 1)) / WEEKS)
    orders = int(counts.get(last, 0))
    if not usual > 0 or orders > CUT_SHARE * usual or poisson_low(orders, usual) >= CUT_P:
        return None
    return {"day": int(last.day), "orders": orders, "usual": usual}
