"""毛利下滑的检验: a product line's margin against its products' usual margins in the same channels, order by order.

A line's margin moves without any cost rise or price cut when its mix moves (more low-margin products, more sales
through a channel priced lower), so each order line is compared with *its product's* usual margin over the
trailing months in the scope, in the order's channel (:func:`line_falls`). And, as for the discount
(:mod:`salesnb.product.discounts`), the lines of one order are one negotiation: the test counts each order once
(its lines' revenue-weighted fall) against the spread of one order's fall, read on Student's t. A standard error
over order lines made two orders of a small line look certain (z of 12 or infinite on clean data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import ALL
from ..report import Report
from . import codes, discounts
from .common import coded, priced_rows


def line_falls(report: Report, at: np.ndarray, data: pd.DataFrame, now: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each order line's usual margin minus its own: against its region's usual, and against the company's.

    ``at``: the scope's order lines of the period and the trailing months (``now``: the period's), ``data`` their
    :func:`~salesnb.product.common.priced` columns. The usual margin of a line is its product's over the trailing
    months' lines with a margin and revenue (cost and revenue summed) *in the order's channel*, else over every
    channel (the product did not sell through that channel then): channels are priced apart, a distributor's
    price leaves less margin. In a region, a product the region did not sell in the trailing months is measured
    against its usual in the whole company (:func:`_company_sums`; in its channel, else any), its cost ratio being
    mostly its own: with a large catalogue most of a month's products are new to the region, and a cost rise
    measured on the few left was a sliver of the line. A trailing line is measured against the others' usual, its
    own order left out (of the company's sums too: the order is in them): a usual that holds the order itself is
    the order (a product sold in one order a channel would always fall by 0, and the test's spread with it). NaN
    where the product has no usual margin or the line no margin. The company's falls are NaN outside an ALL
    report.
    """
    ds, margin, revenue = report.ds, data["margin"].to_numpy(), data["revenue"].to_numpy()
    product = codes.line_key(ds, "product_id", at)
    base = ~np.asarray(now, dtype=bool) & ~np.isnan(margin) & (revenue > 0)
    cost = np.where(base, data["cost"].to_numpy(dtype=float), 0.0)
    channel = discounts.order_codes(ds)[1][at]
    products = np.maximum(product.codes, 0)
    sums = {"cost": (cost[base], "sum"), "revenue": (revenue[base], "sum")}
    by_product = [codes.line_key(ds, "product_id", at[base])]
    usual = codes.scope_groups(report, at[base], by_product, sums)  # per scope and product
    both = base & (channel >= 0)
    by_channel = codes.scope_groups(
        report, at[both], _usual_keys(ds, at[both], channel[both]),
        {"cost": (cost[both], "sum"), "revenue": (revenue[both], "sum")},
    )  # fmt: skip
    company = _company_sums(report, usual, by_channel, product.codes)
    own_cost, own_revenue = _own_order(ds, at, products, cost, np.where(base, revenue, 0.0))
    labels = product.labels.take(products)

    def usual_margin(table: pd.DataFrame, keys: list[np.ndarray]) -> np.ndarray:
        if not len(table):
            return np.full(len(at), np.nan)
        wanted = pd.MultiIndex.from_arrays(keys, names=table.index.names) if len(keys) > 1 else pd.Index(keys[0])
        found = table.reindex(wanted)
        left = found["revenue"].to_numpy() - own_revenue
        sure = left > 1e-9 * np.abs(found["revenue"].to_numpy())  # others' revenue, not a rounding residue
        return np.where(sure, 1 - (found["cost"].to_numpy() - own_cost) / np.where(sure, left, 1.0), np.nan)

    def first(*found: np.ndarray) -> np.ndarray:
        out = found[0]
        for more in found[1:]:
            out = np.where(np.isnan(out), more, out)
        return np.where(product.codes >= 0, out, np.nan) - margin

    whole = (usual_margin(company[1], [labels, channel]), usual_margin(company[0], [labels]))
    region = coded(ds).labels["region"].take(np.maximum(coded(ds).codes["region"][at], 0)).to_numpy(dtype=object)
    regional = first(usual_margin(by_channel, [region, labels, channel]), usual_margin(usual, [region, labels]), *whole)
    return regional, (first(*whole) if report.region == ALL else np.full(len(at), np.nan))


def _usual_keys(ds, rows: np.ndarray, channel: np.ndarray) -> list[codes.Key]:
    """The grouping keys of a usual margin: the product of the lines at ``rows``, and their order's channel."""
    product = codes.line_key(ds, "product_id", rows)
    return [product, codes.Key("channel", channel, pd.RangeIndex(int(channel.max(initial=-1)) + 1))]


def _company_sums(
    report: Report, usual: pd.DataFrame, by_channel: pd.DataFrame, products: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The company's trailing cost and revenue per product, and per product and channel (:func:`line_falls`).

    An ALL report holds them (its ALL scope); a region's reads the other regions' trailing lines too: only those
    of its ``products`` (codes), only the columns the margin needs.
    """
    if report.region == ALL:
        return tuple(table.xs(ALL, level="scope") if len(table) else table for table in (usual, by_channel))
    rows = codes.month_rows(report.ds, report.trailing())
    rows = rows[np.isin(coded(report.ds).codes["product_id"][rows], np.unique(products[products >= 0]))]
    data = priced_rows(report.ds, rows)
    revenue = data["revenue"].to_numpy()
    keep = ~np.isnan(data["margin"].to_numpy()) & (revenue > 0)
    channel = discounts.order_codes(report.ds)[1][rows]
    sums = {"cost": (data["cost"].to_numpy(dtype=float), "sum"), "revenue": (revenue, "sum")}
    keys = _usual_keys(report.ds, rows, channel)
    return codes.grouped(keys[:1], sums, keep), codes.grouped(keys, sums, keep)


def _own_order(
    ds, at: np.ndarray, products: np.ndarray, cost: np.ndarray, revenue: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per line: the cost and revenue of its order's lines of the same product (what its usual leaves out)."""
    order = discounts.order_codes(ds)[0][at].astype(np.int64)
    key = pd.Series(order * (int(products.max(initial=0)) + 1) + products)
    return (
        pd.Series(cost).groupby(key, sort=False).transform("sum").to_numpy(),
        pd.Series(revenue).groupby(key, sort=False).transform("sum").to_numpy(),
    )


def margin_test(report: Report, at: np.ndarray, data: pd.DataFrame, now: np.ndarray) -> pd.DataFrame:
    """Per scope and product line: this month's margin fall against the products' usual margins, order by order.

    Columns (indexed by scope and product_line label):

    - ``margin_points`` — this month's revenue-weighted fall over the lines compared (the size of the finding),
      ``margin_revenue`` their revenue (``margin_points`` × it is the gross profit lost);
    - ``margin_shift`` — the test's estimate: the average order's fall this month minus the average trailing
      order's in the same channel (each order counted once), ``margin_se`` its standard error: this month's
      orders' scatter and the error of each channel's usual level (:func:`~salesnb.product.discounts.shift_test`);
    - ``margin_z`` — shift ÷ se on Student's t with the spread's degrees of freedom, as a normal z
      (:func:`~salesnb.product.discounts.normal_z`); ``margin_orders`` — this month's orders compared.
    """
    revenue = data["revenue"].to_numpy(dtype=float)
    regional, company = line_falls(report, at, data, now)
    orders = discounts.orders_of(report, at, regional, revenue, now)
    whole = discounts.orders_of(report, at, company, revenue, now) if report.region == ALL else None
    orders = discounts.with_scopes(report, orders, company=whole)
    orders = orders.assign(x=orders["wx"] / orders["w"], n=1)
    spread = discounts.order_spread(orders)
    base = orders[~orders["now"]]
    # each order against the average trailing order of its channel, else of its line (as its usual margin)
    typical, base_n = _typical(base, orders, discounts.CHANNEL_KEYS)
    line_typical, line_n = _typical(base, orders, ["scope", "line"])
    current = orders.assign(typical=np.where(np.isnan(typical), line_typical, typical),
                            base_n=np.where(np.isnan(typical), line_n, base_n))  # fmt: skip
    current = current[current["now"]]
    sums = current.groupby(["scope", "line"], sort=True)[["w", "wx"]].sum()  # every line with a usual margin
    test = discounts.shift_test(current[current["typical"].notna()], spread).reindex(sums.index)
    frame = pd.DataFrame(
        {
            "margin_points": sums["wx"] / sums["w"],
            "margin_revenue": sums["w"],
            "margin_shift": test["shift"],
            "margin_se": test["se"],
            "margin_z": test["z"],
            "margin_orders": test["n"],
        }
    )
    return discounts.labelled(report, frame)


def _typical(base: pd.DataFrame, orders: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``orders``: the average trailing order's x under ``keys`` and how many orders it rests on."""
    sums = base.groupby(keys, sort=True)[["x", "n"]].sum()
    at = pd.MultiIndex.from_frame(orders[keys])
    return (sums["x"] / sums["n"]).reindex(at).to_numpy(), sums["n"].reindex(at).to_numpy(dtype=float)
