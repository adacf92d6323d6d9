"""How a fall splits over one dimension or a pair: which facts hold it, which values hold most of it.

A product line's fall inside a channel, a rep's inside a region, a region's over its channels: each value's expected
level and this month's revenue (:func:`salesnb.market.split.expected_cells`), read from the line facts (the order
facts when the data has no lines).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .data import facts

FALL_KEYS = ("product_line", "channel", "rep_id")  # the line facts' dimensions a fall is split over
MISSING_TEXT = ("nan", "None", "<NA>")  # a missing value once :func:`fall_table` groups by text: no one to name
MOST_NAMED = 3  # a region's fall names at most this many values of a dimension (two channels may hold half each)


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
    keys: tuple[str, ...],
    table: Callable[[Any, str | None, str], pd.DataFrame],
) -> tuple[list[str], list[tuple[str, str, float]]]:
    """Where a region's ``fall`` sits, per dimension the facts hold: each value's ``usual`` − ``now``.

    ``table(report, region, key)``: per value, its usual (expected) and current revenue.

    Returns the dimensions of :data:`FALL_KEYS` the region has at least two named values of (one channel is the
    region itself), and per dimension the values (channels, product lines, reps) whose revenue fell at least
    ``min_share`` of the region's fall below their own usual level, largest first and at most :data:`MOST_NAMED`:
    what a manager asks first of a region behind (which channel? which line? whose accounts?). Nothing where the
    region did not fall. ``region`` ``None``: the whole company, whose ``keys`` may name the region too.
    """
    if not fall > 0:
        return [], []
    split, out = [], []
    for key in keys:
        if fall_facts(report, (key,)) is None:
            continue
        values = table(report, region, key)
        names = pd.Series(values.index, index=values.index)
        named = values[~(facts.is_unknown(names) | names.isin(MISSING_TEXT))]
        if len(named) < 2:
            continue
        split.append(key)
        drops = (named["usual"] - named["now"]).sort_values(ascending=False, kind="stable")
        held = drops[drops >= min_share * fall].head(MOST_NAMED)
        out += [(key, str(name), float(amount)) for name, amount in held.items()]
    return split, out
