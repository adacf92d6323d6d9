"""收入树: revenue = buyers × orders per buyer × order value, order value = units per order × price per unit.

Each factor's change is attributed to the revenue change with the log-mean Divisia index (LMDI).
"""

from __future__ import annotations

import math

import pandas as pd

from ..angle import ORDERS
from ..display.formatting import format_pct, signed_amount
from ..display.panel import Panel
from ..display.plotting.drivers import node_value, plot_revenue_tree
from ..i18n import t
from ..report import Report
from .common import baseline_label, baseline_months, scoped_orders

TREE_NODES: tuple[str, ...] = (
    "revenue",
    "buyers",
    "orders_per_buyer",
    "order_value",
    "units_per_order",
    "price_per_unit",
)
_PARENTS: dict[str, tuple[str | None, int]] = {
    "revenue": (None, 0),
    "buyers": ("revenue", 1),
    "orders_per_buyer": ("revenue", 1),
    "order_value": ("revenue", 1),
    "units_per_order": ("order_value", 2),
    "price_per_unit": ("order_value", 2),
}  # node: (parent, level)


def logmean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a − b) / (ln a − ln b), with L(a, a) = a; ``NaN`` unless both are positive."""
    if not (a > 0 and b > 0):
        return float("nan")
    if math.isclose(a, b, rel_tol=1e-12):
        return a
    return (a - b) / (math.log(a) - math.log(b))


def _tree_values(report: Report, months: list[str]) -> dict[str, float]:
    """Every node's value in ``months`` (the average month when there are several)."""
    orders = scoped_orders(report, months)
    n = max(len(months), 1)
    revenue = float(orders["revenue"].sum()) / n
    count = len(orders) / n
    unnamed = int(orders["customer_id"].isna().sum())  # an order without a customer is its own buyer
    buyers = (float(orders.groupby("month")["customer_id"].nunique().sum()) + unnamed) / n
    units = float(orders["units"].sum()) / n if orders["units"].notna().any() else float("nan")

    def div(a: float, b: float) -> float:
        return a / b if b and not pd.isna(b) else float("nan")

    return {
        "unnamed": float(unnamed),
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
    (buyers: distinct buyers of the month, an order without a customer its own buyer, averaged over a trailing
    baseline; units from order_lines). With
    ``L = (R1 − R0) / (ln R1 − ln R0)`` each factor ``x`` contributes ``L × ln(x1 / x0)``: the three first-level
    contributions add up to ``R1 − R0`` exactly, and the two order-value parts to order value's contribution.

    Columns: node, parent, level, label, baseline, value, change (value / baseline − 1), contribution (``NaN``
    where a factor is zero or missing in either period; the revenue row's contribution is ``R1 − R0``). Units
    rows are left out without order_lines. When the orders name no customer the buyers node counts orders and
    orders per buyer is left out. Empty when the data does not cover the baseline.
    """
    months = baseline_months(report, baseline)
    columns = ["node", "parent", "level", "label", "baseline", "value", "change", "contribution"]
    if not months:
        return pd.DataFrame(columns=columns)
    now, before = _tree_values(report, [report.period]), _tree_values(report, months)
    weight = logmean(now["revenue"], before["revenue"])
    rows = []
    for node in TREE_NODES:
        x1, x0 = now[node], before[node]
        if node in ("units_per_order", "price_per_unit") and (pd.isna(x1) and pd.isna(x0)):
            continue
        if node == "orders_per_buyer" and not report.buyers_named:  # each order its own buyer: always 1
            continue
        if node == "revenue":
            contribution = x1 - x0
        elif x1 > 0 and x0 > 0 and not pd.isna(weight):
            contribution = weight * math.log(x1 / x0)
        else:
            contribution = float("nan")
        parent, level = _PARENTS[node]
        change = x1 / x0 - 1 if x0 and not pd.isna(x0) and not pd.isna(x1) else float("nan")
        label = t(_label_key(report, node, now["unnamed"] + before["unnamed"] > 0), report.lang)
        rows.append((node, parent, level, label, x0, x1, change, contribution))
    return pd.DataFrame(rows, columns=columns)


def _label_key(report: Report, node: str, unnamed: bool) -> str:
    """A node's label: the buyers node counts orders when no order names a customer, and says so when some do not."""
    if node != "buyers":
        return f"drv_node_{node}"
    if not report.buyers_named:
        return "drv_node_orders"
    return "drv_node_buyers_unnamed" if unnamed else "drv_node_buyers"


def tree_panel(report: Report, baseline: str = "previous_month") -> Panel:
    """收入树: buyers × orders per buyer × order value (× units per order × price per unit), changes attributed."""
    skipped = report.needs(ORDERS)  # rows that total a month: no buyers, orders or order value to split into
    if skipped is not None:
        return skipped
    lang = report.lang
    frame = revenue_tree(report, baseline)
    name = baseline_label(baseline, lang, report.config["baselines"]["trailing_months"])
    if frame.empty:
        return Panel(frame=frame, note=t("drv_no_baseline", lang, baseline=name))
    ax = plot_revenue_tree(
        frame,
        lang=lang,
        baseline_label=name,
        title=f"{t('drv_tree_title', lang)} · {report.region_label} · {name} → {report.period_label}",
    )
    table = pd.DataFrame(
        {
            t("drv_factor", lang): [
                "　" * int(level) + str(label) for level, label in zip(frame["level"], frame["label"], strict=True)
            ],
            name: [node_value(n, v, lang) for n, v in zip(frame["node"], frame["baseline"], strict=True)],
            t("drv_value", lang): [node_value(n, v, lang) for n, v in zip(frame["node"], frame["value"], strict=True)],
            t("drv_change", lang): frame["change"].map(lambda v: format_pct(v, signed=True)),
            t("drv_contribution", lang): frame["contribution"].map(lambda v: signed_amount(v, lang)),
        }
    )
    note = t("drv_tree_note" if report.buyers_named else "drv_tree_note_orders", lang)
    if frame["contribution"].iloc[1:].isna().any():
        note += " " + t("drv_tree_zero", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
