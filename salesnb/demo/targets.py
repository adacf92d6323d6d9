"""Sales targets per region, per rep and per region × product line, from the trailing run-rate and season."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draws import _lookup, _texts
from .simulation import Simulation
from .world import PRODUCT_LINES, REGIONS


def targets_table(sim: Simulation) -> pd.DataFrame:
    """Targets per region, per rep and per region × product line, from the trailing run-rate and season.

    A month's region target is the median of the deseasonalised revenue of the six months before it
    (the first months use the first six), times the month's seasonality and trend, plus a stretch of a
    few percent. Reps and product lines get the target in proportion to their trailing share.
    """
    rng = sim.rng("targets")
    cal, order, line = sim.cal, sim.order, sim.line
    n_regions, months = len(REGIONS), cal.months
    revenue = np.zeros((n_regions, months))
    np.add.at(revenue, (order["region"], order["month"]), order["revenue"])
    index = sim.season[None, :] * sim.trend
    flat = revenue / index
    region_target = np.zeros((n_regions, months))
    for m in range(months):
        window = flat[:, max(0, m - 6) : m] if m >= 3 else flat[:, : min(6, months)]
        region_target[:, m] = np.median(window, axis=1) * index[:, m]
    region_target *= np.exp(rng.normal(0.04, 0.035, region_target.shape))
    region_target = np.round(region_target, -3)

    rows = [("region", r, m, -1, -1, region_target[r, m]) for m in range(months) for r in range(n_regions)]
    # product lines: trailing six-month share of the region's revenue
    line_revenue = np.zeros((n_regions, len(PRODUCT_LINES), months))
    o = line["order"]
    np.add.at(
        line_revenue,
        (order["region"][o], sim.p_line[line["product"]], order["month"][o]),
        line["qty"] * line["unit_price"],
    )
    for m in range(months):
        lo, hi = (max(0, m - 6), m) if m >= 3 else (0, min(6, months))
        share = line_revenue[:, :, lo:hi].sum(axis=2)
        share = share / np.maximum(share.sum(axis=1, keepdims=True), 1.0)
        for r in range(n_regions):
            for k in range(len(PRODUCT_LINES)):
                rows.append(("line", r, m, -1, k, np.round(region_target[r, m] * share[r, k], -3)))
    # reps: employed for the whole month; share of the region's revenue over the trailing three months,
    # blended with their expected weight (new hires ramp up)
    rep_revenue = np.zeros((len(sim.r_ids), months))
    has_rep = order["rep"] >= 0
    np.add.at(rep_revenue, (order["rep"][has_rep], order["month"][has_rep]), order["revenue"][has_rep])
    for m in range(months):
        start, end = cal.start[m], cal.start[m + 1]
        active = np.flatnonzero((sim.r_hire <= start) & (sim.r_leave >= end))
        tenure = (start - sim.r_hire[active]) / 180.0
        weight = sim.r_skill[active] * np.clip(0.35 + 0.65 * tenure, 0.35, 1.0)
        lo, hi = (max(0, m - 3), m) if m >= 3 else (0, min(3, months))
        region_of = sim.r_region[active]
        for r in range(n_regions):
            sel = region_of == r
            if not sel.any():
                continue
            past = rep_revenue[active[sel], lo:hi].sum(axis=1)
            total = revenue[r, lo:hi].sum()
            attributed = past.sum() / total if total > 0 else 0.8
            expected_share = weight[sel] / weight[sel].sum() * attributed
            observed = past / total if total > 0 else expected_share
            share = np.where(tenure[sel] < 0.5, expected_share, 0.6 * observed + 0.4 * expected_share)
            for rep, value in zip(active[sel], share, strict=True):
                rows.append(("rep", r, m, int(rep), -1, np.round(region_target[r, m] * value, -2)))
    level, region, month, rep, product_line, amount = (np.array(c) for c in zip(*rows, strict=True))
    rank = np.select([level == "region", level == "line"], [0, 1], 2)
    order_ = np.lexsort((product_line, rep, region, rank, month))
    return pd.DataFrame(
        {
            "period": np.array(cal.labels, dtype=object)[month[order_]],
            "target_amount": amount[order_].astype(float),
            "region": _texts(REGIONS, region[order_]),
            "rep_id": _lookup(sim.r_ids, rep[order_]),
            "product_line": _texts(PRODUCT_LINES, product_line[order_]),
        }
    )
