"""产品组合: pairs of products bought in the same order more often than by chance, and the value of those orders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.grouping import aggregate
from ..display.formatting import format_amounts, format_int, format_pct
from ..display.panel import Panel, needs
from ..display.plotting.products import plot_lift
from ..i18n import t
from ..periods import months_back
from ..report import Report
from .common import NAME, product_names, scoped_lines, with_orders

COLUMNS = ["product_a", "product_b", "name_a", "name_b", "orders", "support", "confidence_ab", "confidence_ba",
           "lift", "aov_with", "aov_without", "aov_uplift"]  # fmt: skip


def bundle_frame(report: Report) -> pd.DataFrame:
    """Pairs of products bought in the same order over the last ``product.bundle_months`` months.

    For a pair (a, b) over the N orders of the window: orders (with both), support = orders ÷ N,
    confidence_ab = orders ÷ orders with a, confidence_ba = orders ÷ orders with b, lift = support ÷ (share of
    orders with a × share with b); aov_with = average value of the orders with both, aov_without = average
    value of the orders with exactly one of the two, aov_uplift = aov_with ÷ aov_without − 1. Pairs in at least
    ``product.bundle_min_orders`` orders, sorted by lift then orders.
    """
    cfg = report.settings(NAME)
    months = report.covered(months_back(report.period, cfg["bundle_months"]))
    basket, ids = _basket(report, months)
    n_orders = basket["order"].nunique()
    multi = basket[basket.duplicated("order", keep=False)]
    if n_orders == 0 or multi.empty:
        return pd.DataFrame(columns=COLUMNS)
    pairs = multi.merge(multi[["order", "product"]], on="order", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["product_a"] >= 0) & (pairs["product_a"] < pairs["product_b"])]  # codes keep the ids' order
    grouped = aggregate(
        pairs.groupby(["product_a", "product_b"]), orders=("order", "size"), value=("order_revenue", "sum")
    )
    grouped = grouped[grouped["orders"] >= cfg["bundle_min_orders"]]
    if grouped.empty:
        return pd.DataFrame(columns=COLUMNS)
    single = aggregate(basket.groupby("product"), n=("order", "size"), value=("order_revenue", "sum"))
    a = grouped.index.get_level_values(0)
    b = grouped.index.get_level_values(1)
    n_a, n_b = single["n"].reindex(a).to_numpy(float), single["n"].reindex(b).to_numpy(float)
    v_a, v_b = single["value"].reindex(a).to_numpy(float), single["value"].reindex(b).to_numpy(float)
    n_ab, v_ab = grouped["orders"].to_numpy(float), grouped["value"].to_numpy(float)
    names = product_names(report.ds, pd.Series(ids)).to_numpy()
    pairs_of = {"product_a": ids.take(a), "product_b": ids.take(b), "name_a": names[a], "name_b": names[b]}
    return pair_frame(pairs_of, (n_ab, v_ab), (n_a, v_a), (n_b, v_b), n_orders)


def pair_frame(
    pairs: dict,
    both: tuple[np.ndarray, np.ndarray],
    a: tuple[np.ndarray, np.ndarray],
    b: tuple[np.ndarray, np.ndarray],
    n_orders: int,
) -> pd.DataFrame:
    """The pairs' measures (:func:`bundle_frame`) from (orders, value) with both, with a and with b, sorted."""
    (n_ab, v_ab), (n_a, v_a), (n_b, v_b) = both, a, b
    one = n_a + n_b - 2 * n_ab
    frame = pd.DataFrame(
        {
            **pairs,
            "orders": n_ab.astype(int), "support": n_ab / n_orders, "confidence_ab": n_ab / n_a,
            "confidence_ba": n_ab / n_b, "lift": n_ab * n_orders / (n_a * n_b), "aov_with": v_ab / n_ab,
            "aov_without": np.where(one > 0, (v_a + v_b - 2 * v_ab) / np.where(one > 0, one, 1), np.nan),
        }
    )  # fmt: skip
    frame["aov_uplift"] = frame["aov_with"] / frame["aov_without"] - 1
    return frame.sort_values(
        ["lift", "orders", "product_a", "product_b"], ascending=[False, False, True, True]
    ).reset_index(drop=True)[COLUMNS]


def _basket(report: Report, months: list[str]) -> tuple[pd.DataFrame, pd.Index]:
    """The products of each order of the scope in ``months`` once (its first line of each), and the product ids.

    Columns ``order`` and ``product`` are integer codes (a product's code is its id's rank, so codes compare as
    the ids do) and ``order_revenue`` the whole order's revenue: pairing, counting and grouping integers instead
    of text ids gives the same rows in the same order at a fraction of the cost.
    """
    data = scoped_lines(report, months)[["order_id", "product_id"]]
    order, _ = pd.factorize(data["order_id"])
    product, ids = pd.factorize(data["product_id"], sort=True)
    codes = pd.DataFrame({"order": order, "product": product}, index=data.index)
    first = ~codes.duplicated().to_numpy()
    revenue = with_orders(report.ds, data[first], months)["order_revenue"]
    return codes[first].assign(order_revenue=revenue), pd.Index(ids)


@needs("order_lines")
def bundle_panel(report: Report) -> Panel:
    """产品组合: pairs bought together more often than by chance, and the value of the orders holding them."""
    lang = report.lang
    cfg = report.settings(NAME)
    frame = bundle_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("prod_no_bundles", lang, m=cfg["bundle_months"], k=cfg["bundle_min_orders"]))
    shown = frame.head(report.config["report"]["top_n"]).copy()
    shown["pair"] = shown["name_a"].astype(str) + " + " + shown["name_b"].astype(str)
    ax = plot_lift(shown, lang=lang, title=f"{t('prod_bundle_title', lang)} · {report.region_label}")
    table = pd.DataFrame(
        {
            t("prod_pair", lang): shown["pair"],
            t("prod_pair_orders", lang): shown["orders"].map(format_int),
            t("prod_support", lang): shown["support"].map(format_pct),
            t("prod_confidence", lang): shown["confidence_ab"].map(format_pct),
            t("prod_lift", lang): shown["lift"].map(lambda v: f"{v:.2f}"),
            t("prod_aov_with", lang): format_amounts(shown["aov_with"], lang),
            t("prod_aov_without", lang): format_amounts(shown["aov_without"], lang),
        }
    )
    note = t("prod_bundle_note", lang, m=cfg["bundle_months"], k=cfg["bundle_min_orders"])
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
