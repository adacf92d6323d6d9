"""How a fall splits over one dimension or a pair: the tables :mod:`salesnb.causes` measures links with.

A product line's fall inside a channel, a rep's inside a region, a region's over its channels: the trailing months'
mean and this month's revenue per value (or pair of values), read once per report scope from the line facts (the
order facts when the data has no lines).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .data import facts

FALL_KEYS = ("product_line", "channel", "rep_id")  # the line facts' dimensions a fall is split over
MISSING_TEXT = ("nan", "None", "<NA>")  # a missing value once :func:`fall_table` groups by text: no one to name
MOST_NAMED = 3  # a region's fall names at most this many values of a dimension (two channels may hold half each)


def fall_table(report: Any, region: str | None, keys: tuple[str, ...]) -> pd.DataFrame:
    """Revenue per ``keys`` value (as text; a pair: per pair) in ``region``: the trailing months' mean (usual) and now.

    The trailing months are the region's own (:meth:`Report.covered`): a month the export left out for it is no 0.

    Once per report scope and dimensions: every pair of findings linked over them reads this table, not the line
    facts (an ALL report may hold dozens of such pairs).
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

    return report.memo(f"causes.falls:{region}:{':'.join(keys)}", build)


def fall_facts(report: Any, keys: tuple[str, ...]) -> pd.DataFrame | None:
    """The fact table a fall over ``keys`` is read from: the line facts, else the order facts.

    Data without order lines still splits a region's fall by rep or channel; ``None`` when neither holds the keys.
    """
    for table in (facts.line_facts, facts.order_facts):
        frame = table(report.ds)
        if {*keys, "region", "month", "revenue"} <= set(frame.columns) and len(frame):  # no lines: the orders
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


def largest_falls(
    report: Any,
    region: str | None,
    fall: float,
    min_share: float,
    keys: tuple[str, ...] = FALL_KEYS,
    table: Callable[[Any, str | None, str], pd.DataFrame] | None = None,
) -> tuple[list[str], list[tuple[str, str, float]]]:
    """Where a region's ``fall`` sits, per dimension the facts hold: each value's ``usual`` − ``now``.

    ``table(report, region, key)``: per value, its usual and current revenue (default: :func:`fall_table`, the
    trailing months' mean; a flagged region's finding passes each value's expected level, as its own is).

    Returns the dimensions of :data:`FALL_KEYS` the region has at least two named values of (one channel is the
    region itself), and per dimension the values (channels, product lines, reps) whose revenue fell at least
    ``min_share`` of the region's fall below their own trailing mean, largest first and at most :data:`MOST_NAMED`:
    what a manager asks first of a region behind (which channel? which line? whose accounts?). Nothing where the
    region did not fall against those months (a missed season, not a slump). ``region`` ``None``: the whole
    company, whose ``keys`` may name the region too.
    """
    if not fall > 0 or (table is None and not report.trailing(region)):
        return [], []
    split, out = [], []
    for key in keys:
        if fall_facts(report, (key,)) is None:
            continue
        values = fall_table(report, region, (key,)) if table is None else table(report, region, key)
        names = pd.Series(values.index, index=values.index)
        named = values[~(facts.is_unknown(names) | names.isin(MISSING_TEXT))]
        if len(named) < 2:
            continue
        split.append(key)
        drops = (named["usual"] - named["now"]).sort_values(ascending=False, kind="stable")
        held = drops[drops >= min_share * fall].head(MOST_NAMED)
        out += [(key, str(name), float(amount)) for name, amount in held.items()]
    return split, out
