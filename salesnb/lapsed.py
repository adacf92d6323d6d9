"""Where this month's lapsed customers last bought: how much of a churn rise one channel's collapse accounts for.

A store or channel that collapses loses the customers who would have come back to it: the scope's retention falls
too (``customer_churn_rise``), a symptom of the channel's fall rather than a second problem. Each customer of the
retention window (a buyer of the ``baselines.trailing_months`` months before a month) is given the channel of their
latest order in that window; the month's **excess lapsed** of a group of them is how many fewer came back than the
group's own rate over the trailing months would have brought back (:func:`excess_lapsed`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import facts
from .periods import ALL, months_back


def excess_lapsed(report, region: str | None, key: str, value: str) -> tuple[float, float] | None:
    """(excess lapsed among the window's customers who last bought in ``key`` = ``value``, excess lapsed of all).

    The whole is the group's excess plus the rest's when the rest lapsed more than usual too (their fewer returns
    count; their better returns do not offset it). ``None`` without trailing months or without the column.
    ``report``: a :class:`~salesnb.report.Report`; ``region`` ``None`` or ``ALL`` for the company.
    """
    region = region or ALL
    months = report.trailing(None if region == ALL else region)
    orders = facts.order_facts(report.ds)
    if not months or key not in orders.columns:
        return None
    counts = report.memo(f"lapsed:{region}:{key}", lambda: _window_counts(report, region, key, months))
    group = counts.xs(str(value), level="group") if str(value) in counts.index.get_level_values("group") else None
    if group is None:
        return None
    rest = counts.drop(str(value), level="group").groupby(level="month").sum()
    own, others = (_excess(frame, months, report.period) for frame in (group, rest))
    return own, own + max(others, 0.0)


def _excess(counts: pd.DataFrame, months: list[str], period: str) -> float:
    """How many fewer of ``counts``' window customers came back in ``period`` than their trailing months' rate."""
    usual = counts.reindex(months).fillna(0.0).sum()
    if usual["window"] <= 0 or period not in counts.index:
        return 0.0
    now = counts.loc[period]
    return float(now["window"] * usual["retained"] / usual["window"] - now["retained"])


def _window_counts(report, region: str, key: str, months: list[str]) -> pd.DataFrame:
    """Window customers and those retained, per month (the trailing ones and the period) and latest ``key`` value.

    Indexed by (month, group); columns ``window`` and ``retained``.
    """
    k = int(report.config["baselines"]["trailing_months"])
    span = months_back(report.period, 2 * k + 1)  # the trailing months are among the k before the period: their windows
    orders = facts.in_months(facts.in_region(facts.order_facts(report.ds), region), span)
    orders = orders.sort_values(["order_date", "order_id"], ascending=False, kind="stable")  # latest first
    rows = []
    for month in [*months, report.period]:
        window = facts.in_months(orders, months_back(month, k, offset=1))
        latest = window.drop_duplicates("customer_id")  # each customer's latest order in the window
        back = set(facts.in_months(orders, month)["customer_id"].astype(str))
        retained = latest["customer_id"].astype(str).isin(back).to_numpy()
        groups = latest[key].astype(str).to_numpy()
        for group in np.unique(groups):
            at = groups == group
            rows.append((month, group, int(at.sum()), int(retained[at].sum())))
    frame = pd.DataFrame(rows, columns=["month", "group", "window", "retained"])
    return frame.set_index(["month", "group"]).sort_index()
