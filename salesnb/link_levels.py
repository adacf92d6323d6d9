"""The levels a cause's link measures a fall against: each segment's expected level, as its finding states it.

:mod:`salesnb.causes` says "比预期少 X，其中 Y 来自 Z" under a symptom. X and Y are read here: per value (or pair) of
the facts' dimensions, its expected level scaled to the scope's own (the region's baseline, the company's
expectation), and a symptom whose finding states its gap in money keeps that gap: one number on the page.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .data.reps import rep_label
from .expect import expected
from .market.company import company_frame
from .market.regions import region_frame
from .market.split import monthly_cells, scope_table


def company_levels(report: Any, key: str) -> pd.DataFrame:
    """Per value of ``key`` company-wide: its expected level (usual) and revenue (now), as the company's split has them.

    :func:`~salesnb.market.split.scope_table` scaled to the company's expectation: what the company finding's
    "比预期少的 X 主要在…" says of each value is what a link under it says.
    """
    return scope_table(report, None, key, scope_baseline(report, None))


def pair_levels(report: Any, region: str | None, keys: tuple[str, str], values: tuple[str, str]) -> dict:
    """Expected level and revenue (usual, now) of a parent value, a child value and their cell inside ``region``.

    ``keys``/``values``: the parent's dimension and value, then the child's. Each of the three is forecast from its own
    months (:func:`~salesnb.market.split.monthly_cells`, the company's season) and scaled by the scope's own expected
    level over the forecast of its whole (the region's baseline, the company's expectation): a region child's level
    is its baseline, its fall the gap its finding states. Four forecasts per pair of findings, not one per cell: an
    export's thousands of reps × lines would take minutes. Keys ``parent``, ``child``, ``cell``.

    A region child (the scope itself): its parent's value there is the region split's own row
    (:func:`~salesnb.market.split.scope_table`), the region its baseline and revenue: the numbers its finding states.
    """
    if keys[1] == "region":
        baseline = scope_baseline(report, region)
        table = scope_table(report, region, keys[0], baseline)
        row = table.loc[values[0]] if values[0] in table.index else pd.Series({"usual": 0.0, "now": 0.0})
        cell = (float(row["usual"]), float(row["now"]))
        return {"parent": cell, "cell": cell, "child": (baseline, scope_revenue(report, region))}
    monthly, past, season, season_of = monthly_cells(report, region, keys)
    names = [monthly.index.get_level_values(level) for level in (0, 1)]
    at = {"parent": names[0] == values[0], "child": names[1] == values[1]}
    at["cell"] = at["parent"] & at["child"]
    at["scope"] = np.ones(len(monthly), dtype=bool)

    def level(rows: np.ndarray) -> tuple[float, float]:
        picked = monthly[rows]
        history = picked[past].to_numpy().sum(axis=0) if len(picked) else np.zeros(len(past))  # a gap stays unknown
        usual = expected(history, keys=season_of, season=season).value if len(picked) else 0.0
        return float(np.nan_to_num(usual)), float(picked[report.period].sum())

    levels = {name: level(rows) for name, rows in at.items()}
    whole, baseline = levels.pop("scope")[0], scope_baseline(report, region)
    scale = baseline / whole if whole > 0 and baseline > 0 else 1.0
    return {name: (usual * scale, now) for name, (usual, now) in levels.items()}


def scope_baseline(report: Any, region: str | None) -> float:
    """The expected level a scope's findings state: a region's baseline, the company's expectation (0: none)."""
    if region is None:
        value = company_frame(report)["expected"]
    else:
        frame = region_frame(report).set_index("region")
        value = frame.at[region, "baseline"] if region in frame.index else 0.0
    return float(value) if value is not None and not pd.isna(value) else 0.0


def scope_revenue(report: Any, region: str | None) -> float:
    """A scope's revenue this month as its findings state it (the region ranking's, the company's)."""
    if region is None:
        return float(company_frame(report)["revenue"])
    frame = region_frame(report).set_index("region")
    return float(frame.at[region, "revenue"]) if region in frame.index else 0.0


def value_label(report: Any, key: str, value: str) -> str:
    """A segment's value as a reader knows it: a rep by name and id, a channel, line or region as it is."""
    return rep_label(report.ds, value, report.lang) if key == "rep_id" else value
