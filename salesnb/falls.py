"""How a finding's fall splits over a pair of dimensions: the tables :mod:`salesnb.causes` measures links with.

A product line's fall inside a channel, a rep's inside a region: the trailing months' mean and this month's revenue
per pair of values, read once per report scope from the line facts (the order facts when the data has no lines).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .data import facts

FALL_KEYS = ("product_line", "channel", "rep_id")  # the line facts' dimensions a fall is split over


def fall_table(report: Any, region: str | None, keys: tuple[str, str]) -> pd.DataFrame:
    """Revenue per pair of ``keys`` values (as text) in ``region``: the trailing months' mean (usual) and now.

    The trailing months are the region's own (:meth:`Report.covered`): a month the export left out for it is no 0.

    Once per report scope and pair of dimensions: every pair of findings linked over them reads this table, not
    the line facts (an ALL report may hold dozens of such pairs).
    """

    def build() -> pd.DataFrame:
        months = report.trailing(region)
        lines = fall_facts(report, keys)
        rows = lines if region is None else lines[(lines["region"] == region).to_numpy()]
        rows = facts.in_months(rows, [*months, report.period])
        groups = [rows[key].astype(str) for key in keys]
        now = (rows["month"] == report.period).to_numpy()
        usual = rows["revenue"][~now].groupby([g[~now] for g in groups]).sum() / len(months)
        current = rows["revenue"][now].groupby([g[now] for g in groups]).sum()
        return pd.DataFrame({"usual": usual, "now": current}).fillna(0.0)

    return report.memo(f"causes.falls:{region}:{keys[0]}:{keys[1]}", build)


def fall_facts(report: Any, keys: tuple[str, ...]) -> pd.DataFrame | None:
    """The fact table a fall over ``keys`` is read from: the line facts, else the order facts.

    Data without order lines still splits a region's fall by rep or channel; ``None`` when neither holds the keys.
    """
    for table in (facts.line_facts, facts.order_facts):
        frame = table(report.ds)
        if {*keys, "region", "month", "revenue"} <= set(frame.columns):
            return frame
    return None


def fall_dimension(segment: dict[str, str]) -> tuple[str | None, str | None]:
    """The one line-fact dimension a finding's segment names (its region aside), else ``(None, None)``."""
    named = [key for key in FALL_KEYS if key in segment]
    return (
        (named[0], str(segment[named[0]]))
        if len(named) == 1 and set(segment) <= {*FALL_KEYS, "region"}
        else (None, None)
    )
