"""Customers who got their orders late: how much of a complaint spike or a fall in satisfaction they account for.

:mod:`salesnb.causes` folds a complaint spike or a satisfaction drop under a delivery delay when the customers
whose orders came late account for most of it; it reads that from the rows, not from the category's or the
aspect's name (a company calls its delivery complaints 物流延误, 发货慢 or Shipping).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..data import facts
from ..periods import ALL, shift_month
from ..report import Report
from .delivery import delivery_facts, has_delivery
from .satisfaction import nps_points, survey_facts
from .tickets import month_tickets

MOST = 0.5  # "most of": the share of a rise or a fall the late customers must account for


def late_customers(report: Report, scope: str) -> tuple[set[Any], int]:
    """Customers of ``scope`` with an order judged late, promised in the report month or the one before.

    Also the number of customers with an order due in those two months (late or not): a complaint follows its
    order by a week or two, so last month's late deliveries still bring this month's tickets.
    """
    if not report.ds.has("orders") or not has_delivery(report):
        return set(), 0
    rows = delivery_facts(report)
    rows = rows[rows["month"].isin([report.period, shift_month(report.period, 1)]).to_numpy()]
    if scope != ALL:
        rows = rows[(rows["region"] == scope).to_numpy()]
    due = rows["customer_id"].dropna()
    return set(rows.loc[rows["late"].to_numpy(), "customer_id"].dropna()), int(due.nunique())


def explain_complaints(report: Report, scope: str, category: str, usual: float) -> tuple[float, float] | None:
    """Most of the category's complaints above ``usual`` this month are the late customers' extra complaints.

    The late customers' extra complaints: theirs less what they would have filed at the other due customers'
    rate per customer. Both groups complain about something every month; only the difference is the delay's.
    Returns ``(the late customers' extra complaints, the complaints above usual)`` when they are most of it, else
    ``None``: the summary says how much of the spike the delay explains.
    """
    late, due = late_customers(report, scope)
    tickets = month_tickets(report, scope)
    rows = tickets[(tickets["category"].astype(str) == category).to_numpy()]
    excess = len(rows) - usual
    if not late or excess <= 0:
        return None
    from_late = int(rows["customer_id"].isin(late).sum())
    others_rate = (len(rows) - from_late) / max(due - len(late), 1)
    extra = from_late - others_rate * len(late)
    return (float(extra), float(excess)) if extra >= MOST * excess else None


def explain_satisfaction(report: Report, scope: str, metric: str, usual: float) -> tuple[float, float] | None:
    """Leaving the late customers' answers out takes back most of the fall of ``metric`` below ``usual``.

    Returns ``(the points taken back, the fall in points)`` when that is most of the fall, else ``None``.
    """
    late, _ = late_customers(report, scope)
    surveys = facts.in_region(survey_facts(report), scope)
    now = surveys[(surveys["month"] == report.period).to_numpy()]
    if not late or metric not in now.columns:
        return None
    current = _mean(report, now, metric)
    on_time = _mean(report, now[~now["customer_id"].isin(late).to_numpy()], metric)
    fall = usual - current
    return (float(on_time - current), float(fall)) if fall > 0 and on_time >= usual - (1 - MOST) * fall else None


def _mean(report: Report, answers: pd.DataFrame, metric: str) -> float:
    """The mean of ``metric`` over ``answers`` as the satisfaction rule reads it (NPS: in points); NaN without any."""
    scores = answers[metric].dropna()
    if metric == "nps":
        settings = report.settings("support")
        scores = nps_points(scores, settings["nps_promoter"], settings["nps_detractor"])
    return float(scores.mean()) if len(scores) else float("nan")
