"""Driver analysis for the overview (驱动因素): where the change against a baseline, and the gap to target, come from.

Three views, each a frame plus a panel, for the report's scope (region or ALL) and month against one baseline:
``previous_month`` (default), ``same_month_last_year`` or ``trailing_avg`` (the average month of the trailing
months; customers, units and orders are averaged the same way).

- :func:`revenue_bridge` — a waterfall from the baseline's revenue to the period's: new customers, lost
  customers, and the continuing customers' change split into volume, price and mix at product level.
- :func:`revenue_tree` — revenue = buyers × orders per buyer × order value, and order value = units per order ×
  price per unit, each factor's change attributed with the log-mean Divisia index (LMDI).
- :func:`driver_table` — per segment of region (ALL report), product line, channel, rep and customer size band:
  its contribution to the gap to the baseline and to the target, split into volume, mix and rate effects.

Every split adds up exactly to the total change (tests check it); :func:`bridge_metrics` hands the bridge's
parts to the overview's metrics. This module emits no findings.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from .data import facts
from .data.targets import segment_targets, total_target
from .display import plotting
from .display.formatting import format_amount, format_int, format_pct
from .display.panel import Panel
from .errors import ParameterError
from .i18n import t
from .periods import ALL
from .report import Report

BASELINES: tuple[str, ...] = ("previous_month", "same_month_last_year", "trailing_avg")
DIMENSIONS: tuple[str, ...] = ("region", "product_line", "channel", "rep_id", "size_band")
BRIDGE_STEPS: tuple[str, ...] = ("baseline", "new_customers", "lost_customers", "volume", "price", "mix", "period")
TREE_NODES: tuple[str, ...] = (
    "revenue",
    "buyers",
    "orders_per_buyer",
    "order_value",
    "units_per_order",
    "price_per_unit",
)
UNALLOCATED = "__unallocated__"  # driver-table segment holding target not allocated to any segment


# ------------------------------------------------------------------------------------------------ helpers


def _check_baseline(baseline: str) -> str:
    if baseline not in BASELINES:
        raise ParameterError(f"baseline must be one of {', '.join(BASELINES)}; got {baseline!r}")
    return baseline


def baseline_months(report: Report, baseline: str = "previous_month") -> list[str]:
    """The months behind ``baseline`` that the data covers; empty when a one-month baseline is outside the data."""
    _check_baseline(baseline)
    base = report.baselines
    months = {
        "previous_month": [str(base.previous_month)],
        "same_month_last_year": [str(base.same_month_last_year)],
        "trailing_avg": base.trailing_labels,
    }[baseline]
    first, last = facts.data_months(report.ds)
    return [m for m in months if first <= m <= last]


def _baseline_label(baseline: str, lang: str) -> str:
    return t(f"drv_base_{baseline}", lang)


def _orders(report: Report, months: list[str] | str) -> pd.DataFrame:
    return facts.in_months(facts.in_region(facts.order_facts(report.ds), report.region), months)


def _lines(report: Report, months: list[str] | str) -> pd.DataFrame:
    return facts.in_months(facts.in_region(facts.line_facts(report.ds), report.region), months)


def _signed_amount(value: float, lang: str) -> str:
    text = format_amount(value, lang)
    return "+" + text if value is not None and not pd.isna(value) and value > 0 else text


# --------------------------------------------------------------------------------------------- the bridge


def revenue_bridge(report: Report, baseline: str = "previous_month") -> pd.DataFrame:
    """Revenue bridge from the baseline to the period: one row per waterfall bar.

    With ``R0``/``R1`` the baseline/period revenue of the scope (a trailing baseline is the average month):

    - ``new_customers`` = period revenue of buyers with no order in the baseline;
    - ``lost_customers`` = − baseline revenue of buyers with no order in the period;
    - continuing customers (orders in both) at product level, with ``q`` units and ``p = revenue / units`` per
      product, ``Q = Σ q`` and ``P̄₀ = R0_cont / Q0`` the baseline average price:
      ``volume`` = (Q1 − Q0) × P̄₀; ``price`` = Σ (p1 − p0) × q1 over products sold in both;
      ``mix`` = (R1_cont − R0_cont) − volume − price (the remainder, so the parts add up exactly).

    Without order_lines the continuing customers' change is one ``continuing`` step. Columns: step (key), label,
    value, is_total; the first row is the baseline total, the last the period total, and the steps in between
    add up to their difference. Empty frame when the data does not cover the baseline.
    """
    months = baseline_months(report, baseline)
    lang = report.lang
    columns = ["step", "label", "value", "is_total"]
    if not months:
        return pd.DataFrame(columns=columns)
    n = len(months)
    now = _orders(report, report.period).groupby("customer_id")["revenue"].sum()
    before = _orders(report, months).groupby("customer_id")["revenue"].sum() / n
    continuing = now.index.intersection(before.index)
    r1, r0 = float(now.sum()), float(before.sum())
    new = float(now.drop(continuing).sum())
    lost = -float(before.drop(continuing).sum())
    change = float(now[continuing].sum() - before[continuing].sum())
    steps = [("baseline", r0, True), ("new_customers", new, False), ("lost_customers", lost, False)]
    if report.ds.has("order_lines") and not facts.line_facts(report.ds).empty:
        parts = _volume_price_mix(
            _lines(report, report.period), _lines(report, months), continuing, n, change
        )  # fmt: skip
        steps += [(k, parts[k], False) for k in ("volume", "price", "mix")]
    else:
        steps.append(("continuing", change, False))
    steps.append(("period", r1, True))
    label = {"baseline": _baseline_label(baseline, lang)}
    return pd.DataFrame(
        [(key, label.get(key) or t(f"drv_step_{key}", lang), float(value), total) for key, value, total in steps],
        columns=columns,
    )


def _volume_price_mix(
    now: pd.DataFrame, before: pd.DataFrame, customers: pd.Index, months: int, change: float
) -> dict[str, float]:
    """Volume, price and mix of the continuing customers' revenue ``change`` (see :func:`revenue_bridge`)."""
    q1 = now[now["customer_id"].isin(customers)].groupby("product_id")[["quantity", "revenue"]].sum()
    q0 = before[before["customer_id"].isin(customers)].groupby("product_id")[["quantity", "revenue"]].sum() / months
    units1, units0 = float(q1["quantity"].sum()), float(q0["quantity"].sum())
    average0 = float(q0["revenue"].sum()) / units0 if units0 > 0 else 0.0
    volume = (units1 - units0) * average0
    both = q1.add_suffix("1").join(q0.add_suffix("0"), how="inner")
    both = both[(both["quantity1"] > 0) & (both["quantity0"] > 0)]
    p1 = both["revenue1"] / both["quantity1"]
    p0 = both["revenue0"] / both["quantity0"]
    price = float(((p1 - p0) * both["quantity1"]).sum())
    return {"volume": volume, "price": price, "mix": change - volume - price}


def bridge_metrics(report: Report) -> dict[str, float | None]:
    """The bridge against last month as plain numbers: ``bridge_<step>`` per step (``None`` when not computable)."""
    frame = revenue_bridge(report, "previous_month")
    values = dict(zip(frame["step"], frame["value"], strict=True))
    keys = [*BRIDGE_STEPS, "continuing"]
    out = {f"bridge_{k}": (float(values[k]) if k in values else None) for k in keys}
    if "continuing" not in values:
        out.pop("bridge_continuing")
    return out


def bridge_panel(report: Report, baseline: str = "previous_month") -> Panel:
    """收入桥: a waterfall from the baseline's revenue to this month's, with the table of parts and their shares."""
    lang = report.lang
    frame = revenue_bridge(report, baseline)
    if frame.empty:
        return Panel(frame=frame, note=t("drv_no_baseline", lang, baseline=_baseline_label(baseline, lang)))
    ax = plotting.plot_waterfall(
        frame, label="label", value="value", total="is_total", lang=lang,
        title=f"{t('drv_bridge_title', lang)} · {report.region_label} · {_baseline_label(baseline, lang)} → "
              f"{report.period}",
    )  # fmt: skip
    total = float(frame["value"].iloc[-1] - frame["value"].iloc[0])
    steps = frame[~frame["is_total"]]
    table = pd.DataFrame(
        {
            t("drv_step", lang): frame["label"],
            t("drv_amount", lang): [
                format_amount(v, lang) if k else _signed_amount(v, lang)
                for v, k in zip(frame["value"], frame["is_total"], strict=True)
            ],
            t("drv_share_of_change", lang): [
                "" if k else format_pct(v / total if total else None, signed=True)
                for v, k in zip(frame["value"], frame["is_total"], strict=True)
            ],
        }
    )
    note = t("drv_bridge_note", lang, total=_signed_amount(total, lang)) if len(steps) else ""
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------- the tree


def _logmean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a − b) / (ln a − ln b), with L(a, a) = a; ``NaN`` unless both are positive."""
    if not (a > 0 and b > 0):
        return float("nan")
    if math.isclose(a, b, rel_tol=1e-12):
        return a
    return (a - b) / (math.log(a) - math.log(b))


def _tree_values(report: Report, months: list[str]) -> dict[str, float]:
    orders = _orders(report, months)
    n = max(len(months), 1)
    revenue = float(orders["revenue"].sum()) / n
    count = len(orders) / n
    buyers = float(orders.groupby("month")["customer_id"].nunique().sum()) / n
    units = float(orders["units"].sum()) / n if orders["units"].notna().any() else float("nan")

    def div(a: float, b: float) -> float:
        return a / b if b and not pd.isna(b) else float("nan")

    return {
        "revenue": revenue,
        "buyers": buyers,
        "orders_per_buyer": div(count, buyers),
        "order_value": div(revenue, count),
        "units_per_order": div(units, count),
        "price_per_unit": div(revenue, units),
    }


def revenue_tree(report: Report, baseline: str = "previous_month") -> pd.DataFrame:
    """The revenue tree, with each factor's contribution to the revenue change (LMDI, exact).

    revenue = buyers × orders_per_buyer × order_value and order_value = units_per_order × price_per_unit
    (buyers: distinct buyers of the month, averaged over a trailing baseline; units from order_lines). With
    ``L = (R1 − R0) / (ln R1 − ln R0)`` each factor ``x`` contributes ``L × ln(x1 / x0)``: the three first-level
    contributions add up to ``R1 − R0`` exactly, and the two order-value parts to order value's contribution.

    Columns: node, parent, level, label, baseline, value, change (value / baseline − 1), contribution (``NaN``
    where a factor is zero or missing in either period; the revenue row's contribution is ``R1 − R0``). Units
    rows are left out without order_lines. Empty when the data does not cover the baseline.
    """
    months = baseline_months(report, baseline)
    columns = ["node", "parent", "level", "label", "baseline", "value", "change", "contribution"]
    if not months:
        return pd.DataFrame(columns=columns)
    now, before = _tree_values(report, [report.period]), _tree_values(report, months)
    weight = _logmean(now["revenue"], before["revenue"])
    parents = {"revenue": (None, 0), "buyers": ("revenue", 1), "orders_per_buyer": ("revenue", 1),
               "order_value": ("revenue", 1), "units_per_order": ("order_value", 2),
               "price_per_unit": ("order_value", 2)}  # fmt: skip
    rows = []
    for node in TREE_NODES:
        x1, x0 = now[node], before[node]
        if node in ("units_per_order", "price_per_unit") and (pd.isna(x1) and pd.isna(x0)):
            continue
        if node == "revenue":
            contribution = x1 - x0
        elif x1 > 0 and x0 > 0 and not pd.isna(weight):
            contribution = weight * math.log(x1 / x0)
        else:
            contribution = float("nan")
        parent, level = parents[node]
        change = x1 / x0 - 1 if x0 and not pd.isna(x0) and not pd.isna(x1) else float("nan")
        rows.append((node, parent, level, t(f"drv_node_{node}", report.lang), x0, x1, change, contribution))
    return pd.DataFrame(rows, columns=columns)


def _node_value(node: str, value: float, lang: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if node in ("revenue", "order_value", "price_per_unit"):
        return format_amount(value, lang)
    if node == "buyers":
        return format_int(value)
    return f"{value:,.2f}"


def plot_revenue_tree(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    baseline_label: str | None = None,
) -> Axes:
    """Draw the revenue tree of :func:`revenue_tree` as boxes joined by lines, one level per row.

    Each box shows the factor, its value now and in the baseline, its change and its contribution to the revenue
    change; the box edge is green for a positive contribution and orange for a negative one.

    Parameters
    ----------
    frame : pandas.DataFrame
        As returned by :func:`revenue_tree`.
    ax, lang, title
        As in :func:`salesnb.display.plotting.plot_trend`.
    baseline_label : str, optional
        Name of the baseline shown in the boxes (default "基准期" / "Baseline").

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 4.6), dpi=plotting.DPI, layout="constrained")
    if frame is None or len(frame) == 0:
        return plotting.no_data(ax, lang, title)
    base_name = baseline_label or t("drv_baseline", lang)
    rows = frame.set_index("node")
    level1 = [n for n in ("buyers", "orders_per_buyer", "order_value") if n in rows.index]
    level2 = [n for n in ("units_per_order", "price_per_unit") if n in rows.index]
    where = {"revenue": (0.5, 0.84)}
    where.update({n: (x, 0.5) for n, x in zip(level1, (1 / 6, 1 / 2, 5 / 6), strict=False)})
    where.update({n: (x, 0.14) for n, x in zip(level2, (0.68, 0.96), strict=False)})
    for node, (x, y) in where.items():
        parent = rows.loc[node, "parent"]
        if isinstance(parent, str) and parent in where:
            px, py = where[parent]
            ax.plot([px, px, x, x], [py - 0.1, (py + y) / 2, (py + y) / 2, y + 0.1], color=plotting.NEUTRAL,
                    linewidth=0.9, zorder=1)  # fmt: skip
    for node, (x, y) in where.items():
        row = rows.loc[node]
        contribution = row["contribution"]
        edge = plotting.NEUTRAL if pd.isna(contribution) else (plotting.GOOD if contribution >= 0 else plotting.BAD)
        text = (
            f"{row['label']}\n{_node_value(node, row['value'], lang)}"
            f"  ({format_pct(row['change'], signed=True)})\n"
            f"{base_name} {_node_value(node, row['baseline'], lang)}\n"
            f"{t('drv_change' if node == 'revenue' else 'drv_contrib_short', lang)} "
            f"{_signed_amount(contribution, lang)}"
        )
        box = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": edge, "linewidth": 1.6}
        ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=2, linespacing=1.4, bbox=box)
    ax.set_xlim(0, 1.08)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    return plotting.finish(ax, title)


def tree_panel(report: Report, baseline: str = "previous_month") -> Panel:
    """收入树: buyers × orders per buyer × order value (× units per order × price per unit), changes attributed."""
    lang = report.lang
    frame = revenue_tree(report, baseline)
    name = _baseline_label(baseline, lang)
    if frame.empty:
        return Panel(frame=frame, note=t("drv_no_baseline", lang, baseline=name))
    ax = plot_revenue_tree(
        frame,
        lang=lang,
        baseline_label=name,
        title=f"{t('drv_tree_title', lang)} · {report.region_label} · {name} → {report.period}",
    )
    table = pd.DataFrame(
        {
            t("drv_factor", lang): [
                "　" * int(level) + str(label) for level, label in zip(frame["level"], frame["label"], strict=True)
            ],
            name: [_node_value(n, v, lang) for n, v in zip(frame["node"], frame["baseline"], strict=True)],
            t("drv_value", lang): [_node_value(n, v, lang) for n, v in zip(frame["node"], frame["value"], strict=True)],
            t("drv_change", lang): frame["change"].map(lambda v: format_pct(v, signed=True)),
            t("drv_contribution", lang): frame["contribution"].map(lambda v: _signed_amount(v, lang)),
        }
    )
    note = t("drv_tree_note", lang)
    if frame["contribution"].iloc[1:].isna().any():
        note += " " + t("drv_tree_zero", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------- the driver table


def size_band_labels(edges: list[float]) -> list[str]:
    """Band names for employee-count ``edges``: [0, 50, 200, 1000] → ``<50``, ``50–199``, ``200–999``, ``≥1000``."""
    edges = [int(e) for e in edges]
    labels = []
    for k, low in enumerate(edges):
        if k == len(edges) - 1:
            labels.append(f"≥{low}")
        elif k == 0 and low <= 0:
            labels.append(f"<{edges[1]}")
        else:
            labels.append(f"{low}–{edges[k + 1] - 1}")
    return labels


def _size_band(report: Report, customer_ids: pd.Series) -> pd.Series:
    customers = report.ds.get("customers")
    if customers is None:
        return pd.Series(facts.UNKNOWN, index=customer_ids.index)
    edges = list(report.config["customers"]["size_bands"])
    size = customer_ids.map(customers.set_index("customer_id")["employee_count"]).astype(float)
    labels = size_band_labels(edges)
    position = np.searchsorted(np.asarray(edges, dtype=float), size.to_numpy(), side="right") - 1
    names = np.where(position < 0, labels[0], np.array(labels, dtype=object)[np.clip(position, 0, len(labels) - 1)])
    return pd.Series(np.where(size.isna(), facts.UNKNOWN, names), index=customer_ids.index, dtype=object)


def _dimensions(report: Report) -> list[str]:
    out = []
    for dim in DIMENSIONS:
        if dim == "region" and report.region != ALL:
            continue
        if dim == "product_line" and (not report.ds.has("order_lines") or facts.line_facts(report.ds).empty):
            continue
        if dim == "size_band" and not report.ds.has("customers"):
            continue
        out.append(dim)
    return out


def _segment_amounts(report: Report, dim: str, months: list[str] | str) -> pd.DataFrame:
    """Revenue and volume (orders; orders containing the line for product lines) per segment, per average month."""
    n = 1 if isinstance(months, str) else max(len(months), 1)
    if dim == "product_line":
        data = _lines(report, months)
        grouped = data.groupby("product_line").agg(revenue=("revenue", "sum"), orders=("order_id", "nunique"))
    else:
        data = _orders(report, months)
        key = _size_band(report, data["customer_id"]) if dim == "size_band" else data[dim].fillna(facts.UNKNOWN)
        grouped = data.groupby(key.astype(str).rename("segment")).agg(
            revenue=("revenue", "sum"), orders=("order_id", "size")
        )
    return (grouped / n).rename_axis("segment")


def _segment_target_values(report: Report, dim: str) -> pd.Series | None:
    """Targets per segment set in the data (regions, product lines, reps), or ``None`` (split by baseline shares)."""
    ds = report.ds
    if not ds.has("targets"):
        return None
    if dim == "region":
        values = {r: total_target(ds, [report.period], r) for r in facts.regions(ds)}
        values = {r: v for r, v in values.items() if v is not None}
        return pd.Series(values, dtype=float) if values else None
    if dim in ("product_line", "rep_id"):
        values = segment_targets(ds, report.period, report.region, dim)
        return values if len(values) else None
    return None


def _split(r1: pd.Series, v1: pd.Series, ref: pd.Series, v_ref: pd.Series, rate0: pd.Series) -> pd.DataFrame:
    """Volume, mix and rate effects of ``r1 − ref`` per segment (see :func:`driver_table`); they add up exactly."""
    total_v1, total_ref_v = float(v1.sum()), float(v_ref.sum())
    scale = total_v1 / total_ref_v if total_ref_v > 0 else float("nan")
    volume = (scale - 1) * ref
    mix = v1 * rate0 - scale * ref
    rate = r1 - v1 * rate0
    return pd.DataFrame({"volume": volume, "mix": mix, "rate": rate})


def driver_table(report: Report, baseline: str = "previous_month") -> pd.DataFrame:
    """Ranked drivers: each segment's contribution to the change against the baseline and to the gap to target.

    Dimensions: region (ALL report only), product_line (needs order_lines), channel, rep_id, size_band (company
    size bands of ``customers.size_bands``; needs customers). Within a dimension, segment ``s`` has revenue ``R_s``
    and volume ``V_s`` = its orders (for product lines: the orders containing the line), so revenue per order
    ``r_s = R_s / V_s``; ``V = Σ V_s``, order share ``m_s = V_s / V``; suffix 1 = period, 0 = baseline.

    Change against the baseline, ``gap = R1_s − R0_s`` = volume + mix + rate:

    - ``volume`` = (V1 / V0 − 1) × R0_s — the whole dimension's order count changed, at the baseline mix and rate;
    - ``mix`` = V1 × (m1_s − m0_s) × r0_s — the segment's share of orders changed, at its baseline rate;
    - ``rate`` = V1_s × (r1_s − r0_s) — the segment's own revenue per order changed.

    (A segment without baseline orders takes the dimension's baseline revenue per order as ``r0_s``.)

    Gap to target, ``target_gap = R1_s − T_s``, is split the same way with the target in the baseline's place: the
    target is read as the orders it needs at the baseline revenue per order, ``VT_s = T_s / r0_s``. Segment
    targets come from the data for regions, product lines and reps; otherwise (and for channel and size band)
    the report's total target is split by baseline revenue shares (``target_source`` = ``allocated``). Target
    not allocated to any segment is a row of its own (segment ``__unallocated__``), so every dimension's
    segments add up to the total gap: Σ gap = R1 − R0 and Σ target_gap = R1 − T per dimension.

    Columns: dimension, segment, label, revenue, baseline_revenue, orders, baseline_orders, gap, volume, mix,
    rate, target, target_gap, target_volume, target_mix, target_rate, target_source, rank. Ranked by the
    contribution to the change against the baseline in the direction of the total change (the segments that
    explain most of a fall come first when revenue fell).
    """
    months = baseline_months(report, baseline)
    columns = ["dimension", "segment", "label", "revenue", "baseline_revenue", "orders", "baseline_orders", "gap",
               "volume", "mix", "rate", "target", "target_gap", "target_volume", "target_mix", "target_rate",
               "target_source", "rank"]  # fmt: skip
    if not months:
        return pd.DataFrame(columns=columns)
    total_target_value = total_target(report.ds, [report.period], report.region)
    names = _rep_names(report)
    parts = []
    for dim in _dimensions(report):
        now = _segment_amounts(report, dim, report.period)
        before = _segment_amounts(report, dim, months)
        frame = now.add_suffix("1").join(before.add_suffix("0"), how="outer").fillna(0.0)
        frame = frame.rename(columns={"revenue1": "revenue", "revenue0": "baseline_revenue", "orders1": "orders",
                                      "orders0": "baseline_orders"})  # fmt: skip
        overall = (
            frame["baseline_revenue"].sum() / frame["baseline_orders"].sum()
            if frame["baseline_orders"].sum()
            else np.nan
        )
        rate0 = (frame["baseline_revenue"] / frame["baseline_orders"].where(frame["baseline_orders"] > 0)).fillna(
            overall
        )
        split = _split(frame["revenue"], frame["orders"], frame["baseline_revenue"], frame["baseline_orders"], rate0)
        frame = frame.join(split)
        frame["gap"] = frame["revenue"] - frame["baseline_revenue"]
        frame = _with_target(frame, rate0, overall, total_target_value, _segment_target_values(report, dim))
        frame = frame.rename_axis("segment").reset_index()
        frame.insert(0, "dimension", dim)
        labels = frame["segment"].map(names) if dim == "rep_id" else frame["segment"]
        frame["label"] = labels.fillna(frame["segment"]).where(
            frame["segment"] != UNALLOCATED, t("drv_unallocated", report.lang)
        )
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if table.empty:
        return pd.DataFrame(columns=columns)
    total_change = float(table.loc[table["dimension"] == table["dimension"].iloc[0], "gap"].sum())
    direction = -1.0 if total_change < 0 else 1.0
    table["_key"] = table["gap"] * direction
    table = table.sort_values(["_key", "dimension", "segment"], ascending=[False, True, True], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table.drop(columns="_key").reset_index(drop=True)[columns]


def _with_target(
    frame: pd.DataFrame, rate0: pd.Series, overall: float, total: float | None, targets: pd.Series | None
) -> pd.DataFrame:
    """Add target, target_gap and its volume/mix/rate split (see :func:`driver_table`)."""
    out = frame.copy()
    for column in ("target", "target_gap", "target_volume", "target_mix", "target_rate"):
        out[column] = np.nan
    out["target_source"] = ""
    if total is None:
        return out
    if targets is not None:
        target = targets.reindex(out.index.union(targets.index)).fillna(0.0)
        source = "set"
    else:
        base = out["baseline_revenue"]
        if base.sum() <= 0:
            return out
        target = total * base / base.sum()
        source = "allocated"
    out = out.reindex(target.index.astype(str)).fillna({c: 0.0 for c in ("revenue", "baseline_revenue", "orders",
                                                                          "baseline_orders", "gap", "volume", "mix",
                                                                          "rate")})  # fmt: skip
    target.index = target.index.astype(str)
    rate0 = rate0.reindex(out.index).fillna(overall)
    residual = total - float(target.sum())
    if abs(residual) > 1e-9 * max(abs(total), 1.0):
        extra = pd.DataFrame({c: [0.0] for c in out.columns if c != "target_source"}, index=[UNALLOCATED])
        out = pd.concat([out, extra])
        target = pd.concat([target, pd.Series({UNALLOCATED: residual})])
        rate0 = pd.concat([rate0, pd.Series({UNALLOCATED: overall})])
    out["target"] = target.reindex(out.index)
    out["target_gap"] = out["revenue"] - out["target"]
    needed = out["target"] / rate0
    split = _split(out["revenue"], out["orders"], out["target"], needed, rate0)
    out["target_volume"], out["target_mix"], out["target_rate"] = split["volume"], split["mix"], split["rate"]
    out["target_source"] = source
    return out


def _rep_names(report: Report) -> pd.Series:
    reps = report.ds.get("reps")
    if reps is None:
        return pd.Series(dtype=object)
    return reps.set_index("rep_id")["rep_name"].dropna().astype(str)


_PART_COLORS = {"volume": plotting.NEUTRAL, "mix": plotting.PALETTE[4], "rate": plotting.PALETTE[5]}


def plot_drivers(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    parts: tuple[str, str, str] = ("volume", "mix", "rate"),
    total: str = "gap",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each row's contribution as stacked horizontal bars of its parts (positive right, negative left).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per segment, in display order (top to bottom).
    label : str
        Column with the row name.
    parts : (str, str, str)
        Columns with the volume, mix and rate effects (they add up to ``total``).
    total : str
        Column with the row's total, marked with a black tick and labelled.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to every ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return plotting.no_data(ax, lang, title)
    positions = plotting.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    right = np.zeros(len(frame))
    left = np.zeros(len(frame))
    for k, part in enumerate(parts):
        values = np.nan_to_num(frame[part].to_numpy(dtype=float))
        start = np.where(values >= 0, right, left)
        color = _PART_COLORS[("volume", "mix", "rate")[k]]
        ax.barh(positions, values, left=start, height=0.6, color=color, **kwargs)
        right = np.where(values >= 0, right + values, right)
        left = np.where(values < 0, left + values, left)
    totals = np.nan_to_num(frame[total].to_numpy(dtype=float))
    ax.scatter(totals, positions, marker="|", s=220, color=plotting.TARGET, zorder=3)
    for y, value, end in zip(positions, totals, np.where(totals >= 0, right, left), strict=True):
        ax.text(end, y, f" {_signed_amount(value, lang)} " if value >= 0 else f" {_signed_amount(value, lang)} ",
                ha="left" if value >= 0 else "right", va="center", fontsize=8)  # fmt: skip
    ax.axvline(0, color=plotting.TARGET, linewidth=0.8)
    span = max(np.max(right), -np.min(left), 1e-9)
    ax.set_xlim(np.min(left) - 0.35 * span, np.max(right) + 0.35 * span)
    ax.xaxis.set_major_formatter(plotting.amount_formatter(lang))
    _parts_legend(ax, lang)
    return plotting.finish(ax, title)


def _parts_legend(ax: Axes, lang: str) -> None:
    """Legend of the three effects in one row above the plot, right-aligned like :func:`plotting._legend`."""
    handles = [Patch(color=color, label=t(f"drv_part_{part}", lang)) for part, color in _PART_COLORS.items()]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, borderaxespad=0.2)


def driver_panel(report: Report, baseline: str = "previous_month", against: str = "baseline") -> Panel:
    """驱动因素排名: the segments explaining most of the change (``against="baseline"``) or of the gap to target."""
    lang = report.lang
    if against not in ("baseline", "target"):
        raise ParameterError(f"against must be 'baseline' or 'target'; got {against!r}")
    frame = driver_table(report, baseline)
    name = _baseline_label(baseline, lang)
    if frame.empty:
        covered = bool(baseline_months(report, baseline))
        return Panel(frame=frame, note=t("no_data", lang) if covered else t("drv_no_baseline", lang, baseline=name))
    prefix = "" if against == "baseline" else "target_"
    if against == "target" and frame["target"].isna().all():
        return Panel(frame=frame, note=t("drv_no_target", lang))
    ranked = frame
    if against == "target":
        total_gap = float(frame.loc[frame["dimension"] == frame["dimension"].iloc[0], "target_gap"].sum())
        key = frame["target_gap"] * (-1.0 if total_gap < 0 else 1.0)
        ranked = frame.assign(_k=key).sort_values(
            ["_k", "dimension", "segment"], ascending=[False, True, True], kind="stable"
        )
    shown = ranked.head(report.config["report"]["top_n"]).copy()
    shown["row"] = [f"{t('drv_dim_' + d, lang)} · {s}" for d, s in zip(shown["dimension"], shown["label"], strict=True)]
    title_key = "drv_drivers_title" if against == "baseline" else "drv_drivers_title_target"
    ax = plot_drivers(
        shown, label="row", parts=(f"{prefix}volume", f"{prefix}mix", f"{prefix}rate"),
        total="gap" if against == "baseline" else "target_gap", lang=lang,
        title=f"{t(title_key, lang)} · {report.region_label}",
    )  # fmt: skip

    def money(column: str) -> list[str]:
        return [_signed_amount(v, lang) if not pd.isna(v) else "—" for v in shown[column]]

    table = pd.DataFrame(
        {
            t("drv_dimension", lang): shown["dimension"].map(lambda d: t(f"drv_dim_{d}", lang)),
            t("drv_segment", lang): shown["label"],
            t("drv_value", lang): shown["revenue"].map(lambda v: format_amount(v, lang)),
            name: shown["baseline_revenue"].map(lambda v: format_amount(v, lang)),
            t("drv_gap_baseline", lang): money("gap"),
            t("drv_part_volume", lang): money(f"{prefix}volume"),
            t("drv_part_mix", lang): money(f"{prefix}mix"),
            t("drv_part_rate", lang): money(f"{prefix}rate"),
            t("drv_target", lang): shown["target"].map(lambda v: format_amount(v, lang)),
            t("drv_gap_target", lang): money("target_gap"),
        }
    )
    first = frame["dimension"].iloc[0]
    total = float(frame.loc[frame["dimension"] == first, "gap" if against == "baseline" else "target_gap"].sum())
    note = t("drv_drivers_note", lang, total=_signed_amount(total, lang))
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def driver_metrics(report: Report) -> dict[str, Any]:
    """The top driver against last month: its dimension, segment and contribution (``None`` when not computable)."""
    frame = driver_table(report, "previous_month")
    if frame.empty:
        return {"top_driver_dimension": None, "top_driver_segment": None, "top_driver_gap": None}
    top = frame.iloc[0]
    return {
        "top_driver_dimension": str(top["dimension"]),
        "top_driver_segment": str(top["segment"]),
        "top_driver_gap": float(top["gap"]),
    }
