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
from scipy.stats import norm

from ..periods import ALL
from ..report import Report
from . import codes, discounts
from .common import coded, priced_rows

REGION_CHANNEL, REGION, COMPANY_CHANNEL, COMPANY = range(4)  # the usuals a line can be measured against, in order


def line_falls(
    report: Report, at: np.ndarray, data: pd.DataFrame, now: np.ndarray, *, cost_part: bool = False
) -> np.ndarray:
    """Each order line's usual margin minus its own, against each usual: one row per basis, NaN where none.

    ``cost_part``: only the part of that fall its unit cost makes, (unit cost − the usual unit cost) ÷ its unit price,
    the usual unit cost read as the usual margin is (cost ÷ units, its own order left out). The fall is that part
    plus the price's, usual unit cost × (1 ÷ price − 1 ÷ usual price): a cost rise is exact on every line it
    touches while the price part carries every negotiation's scatter, which drowned an 11-point cost rise (z 0.66).

    Rows (:data:`REGION_CHANNEL` ...): its region's usual in the order's channel, its region's in any channel,
    the company's in the order's channel, the company's in any (:func:`measured` takes the first it has).

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
    where the product has no usual margin or the line no margin.
    """
    ds, margin, revenue = report.ds, data["margin"].to_numpy(), data["revenue"].to_numpy()
    product = codes.line_key(ds, "product_id", at)
    base = ~np.asarray(now, dtype=bool) & ~np.isnan(margin) & (revenue > 0)
    line_cost, units = data["cost"].to_numpy(dtype=float), data["quantity"].to_numpy(dtype=float)
    cost, kept = np.where(base, line_cost, 0.0), np.where(base, units, 0.0)
    channel = discounts.order_codes(ds)[1][at]
    products = np.maximum(product.codes, 0)
    read = "units" if cost_part else "revenue"  # what the usual cost is per: a unit, or a unit of revenue
    divisor = kept if cost_part else np.where(base, revenue, 0.0)
    sums = {"cost": (cost[base], "sum"), read: (divisor[base], "sum")}
    by_product = [codes.line_key(ds, "product_id", at[base])]
    usual = codes.scope_groups(report, at[base], by_product, sums)  # per scope and product
    both = base & (channel >= 0)
    by_channel = codes.scope_groups(
        report, at[both], _usual_keys(ds, at[both], channel[both]),
        {"cost": (cost[both], "sum"), read: (divisor[both], "sum")},
    )  # fmt: skip
    company = _company_sums(report, usual, by_channel, product.codes, read)
    own_cost, own_divisor = _own_order(ds, at, products, cost, divisor)
    labels = product.labels.take(products)

    def usual_ratio(table: pd.DataFrame, keys: list[np.ndarray]) -> np.ndarray:
        """The usual cost per unit of revenue (1 − the usual margin), or per unit sold, without the own order."""
        if not len(table):
            return np.full(len(at), np.nan)
        wanted = pd.MultiIndex.from_arrays(keys, names=table.index.names) if len(keys) > 1 else pd.Index(keys[0])
        found = table.reindex(wanted)
        left = found[read].to_numpy() - own_divisor
        sure = left > 1e-9 * np.abs(found[read].to_numpy())  # others' revenue (or units), not a rounding residue
        return np.where(sure, (found["cost"].to_numpy() - own_cost) / np.where(sure, left, 1.0), np.nan)

    region = coded(ds).labels["region"].take(np.maximum(coded(ds).codes["region"][at], 0)).to_numpy(dtype=object)
    found = np.vstack([usual_ratio(by_channel, [region, labels, channel]), usual_ratio(usual, [region, labels]),
                       usual_ratio(company[1], [labels, channel]), usual_ratio(company[0], [labels])])  # fmt: skip
    found = np.where(product.codes >= 0, found, np.nan)
    if not cost_part:
        return (1 - found) - margin
    part = (line_cost - found * units) / np.where(revenue > 0, revenue, np.nan)
    return np.where(np.isnan(margin), np.nan, np.round(part, 9))  # a cost kept to the cent is no rise: no float dust


def measured(falls: np.ndarray, start: int = REGION_CHANNEL) -> tuple[np.ndarray, np.ndarray]:
    """Each line's fall against the first usual it has from row ``start`` of :func:`line_falls`, and that row.

    A region's lines start at :data:`REGION_CHANNEL`, the company's (an ALL report's ALL scope) at
    :data:`COMPANY_CHANNEL`; the row is ``-1`` where the line has none.
    """
    rows = falls[start:]
    has = ~np.isnan(rows)
    first = np.argmax(has, axis=0)
    fall = rows[first, np.arange(rows.shape[1])]
    return fall, np.where(has.any(axis=0), first + start, -1)


def _usual_keys(ds, rows: np.ndarray, channel: np.ndarray) -> list[codes.Key]:
    """The grouping keys of a usual margin: the product of the lines at ``rows``, and their order's channel."""
    product = codes.line_key(ds, "product_id", rows)
    return [product, codes.Key("channel", channel, pd.RangeIndex(int(channel.max(initial=-1)) + 1))]


def _company_sums(
    report: Report, usual: pd.DataFrame, by_channel: pd.DataFrame, products: np.ndarray, read: str = "revenue"
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
    divisor = data["quantity"].to_numpy(dtype=float) if read == "units" else revenue  # as line_falls reads it
    sums = {"cost": (data["cost"].to_numpy(dtype=float), "sum"), read: (divisor, "sum")}
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
      order's in the same channel measured as its lines are (:func:`_baselines`; each order counted once),
      ``margin_se`` its standard error: this month's orders' scatter and the error of each channel's usual level
      (:func:`~salesnb.product.discounts.shift_test`), from the spread of orders measured alike (:func:`_spread`);
    - ``margin_z`` — shift ÷ se on Student's t with the spread's degrees of freedom, as a normal z
      (:func:`~salesnb.product.discounts.normal_z`), for the whole fall and for its cost part (the same test on
      :func:`line_falls` ``cost_part``), joined by Bonferroni (twice the smaller p): either may confirm it, a cost
      rise under scattered prices or a price cut without a list price; ``margin_orders`` — this month's orders
      compared; ``margin_cost_points`` — the cost part's revenue-weighted fall (what the finding names as the
      cause; NaN where rows total a month: no unit cost, and only the whole fall is tested).
    """
    sums, test = _fall_test(report, at, data, now, line_falls(report, at, data, now))
    z, cost_points = test["z"], pd.Series(np.nan, index=sums.index)
    if report.units_counted:  # the cost part too (a summary's lines of one unit have no unit cost)
        cost_sums, cost = _fall_test(report, at, data, now, line_falls(report, at, data, now, cost_part=True))
        cost_z = cost["z"].reindex(z.index)
        z = pd.Series(norm.isf(np.fmin(2 * np.fmin(norm.sf(z), norm.sf(cost_z)), 1.0)), z.index)
        z = z.where(test["z"].notna() | cost_z.notna())  # either reading confirms: Bonferroni over the two
        cost_points = (cost_sums["wx"] / cost_sums["w"]).reindex(sums.index)
    frame = pd.DataFrame(
        {
            "margin_points": sums["wx"] / sums["w"],
            "margin_revenue": sums["w"],
            "margin_shift": test["shift"],
            "margin_se": test["se"],
            "margin_z": z,
            "margin_orders": test["n"],
            "margin_cost_points": cost_points,
        }
    )
    return discounts.labelled(report, frame)


def _fall_test(
    report: Report, at: np.ndarray, data: pd.DataFrame, now: np.ndarray, falls: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per scope and line: this month's orders' summed falls (w, wx) and :func:`~.discounts.shift_test` of them."""
    revenue = data["revenue"].to_numpy(dtype=float)
    regional, regional_basis = measured(falls)
    company, company_basis = measured(falls, COMPANY_CHANNEL)
    orders = discounts.orders_of(report, at, regional, revenue, now)
    whole = discounts.orders_of(report, at, company, revenue, now) if report.region == ALL else None
    orders = discounts.with_scopes(report, orders, company=whole)
    orders = orders.assign(x=orders["wx"] / orders["w"], n=1)
    typical, trailing = _baselines(report, at, revenue, now, falls, (regional_basis, company_basis))
    current = orders[orders["now"]].merge(typical, on=["scope", "line", "order"], how="left")
    sums = current.groupby(["scope", "line"], sort=True)[["w", "wx"]].sum()  # every line with a usual margin
    tested = current[current["typical"].notna()]
    return sums, discounts.shift_test(tested, _spread(trailing, tested)).reindex(sums.index)


def _baselines(
    report: Report, at: np.ndarray, revenue: np.ndarray, now: np.ndarray, falls: np.ndarray,
    bases: tuple[np.ndarray, np.ndarray],
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:  # fmt: skip
    """Per scope, line and order of this month: the average trailing order's fall, measured as its lines are.

    Columns scope, line, order, ``typical`` (that average) and ``base_n`` (the trailing orders it rests on), both
    revenue-weighted over the order's lines, and ``basis`` (the row of the usual most of its revenue is measured
    against); and the trailing orders measured against each usual (:func:`_spread`). A line is measured against
    the first usual it has (``bases``: the :func:`measured` rows of the regions' lines and of the company's); the
    trailing orders of its scope and channel (else of its scope) are measured against the same usual, so the
    test's baseline matches its basis.
    Against the company's usual, or the product's in any channel, a region's or a channel's orders fall by their
    usual gap to it (a cheap agent's order against the product's usual in every channel by the agents'
    discount), not by the 0 of their own usual: this month's orders measured so were judged against 0.
    """
    tables, trailing = [], []
    line, channel = coded(report.ds).codes["product_line"][at], discounts.order_codes(report.ds)[1][at]
    for row, fall in enumerate(falls):  # the trailing orders measured against each usual...
        used = np.isin(line, line[now & np.logical_or.reduce([basis == row for basis in bases])])
        past = np.where(now | ~used, np.nan, fall)  # ...of the lines this month measures so (a fallback is rare)
        base = discounts.with_scopes(report, discounts.orders_of(report, at, past, revenue, now))
        base = base.assign(x=base["wx"] / base["w"], n=1)
        trailing.append(base)
        tables.append(
            [base.groupby(keys, sort=True)[["x", "n"]].sum() for keys in (discounts.CHANNEL_KEYS, ["scope", "line"])]
        )
    order = discounts.order_codes(report.ds)[0][at]
    region = coded(report.ds).labels["region"].take(np.maximum(coded(report.ds).codes["region"][at], 0))

    def per_order(scope: np.ndarray, basis: np.ndarray) -> pd.DataFrame:
        typical, count = np.full(len(at), np.nan), np.full(len(at), np.nan)
        for row, (by_channel, by_line) in enumerate(tables):
            pick = np.flatnonzero(now & (basis == row))
            for sums, keys in ((by_channel, [scope, line, channel]), (by_line, [scope, line])):
                if not len(sums) or not len(pick):
                    continue
                found = sums.reindex(pd.MultiIndex.from_arrays([k[pick] for k in keys], names=sums.index.names))
                empty = np.isnan(typical[pick])
                typical[pick] = np.where(empty, (found["x"] / found["n"]).to_numpy(), typical[pick])
                count[pick] = np.where(empty, found["n"].to_numpy(dtype=float), count[pick])
        orders = discounts.orders_of(report, at, typical, revenue, now)
        counts = discounts.orders_of(report, at, count, revenue, now)  # the same lines: count is set with typical
        kept = ~np.isnan(typical) & (revenue > 0) & (line >= 0) & (order >= 0)  # the lines orders_of keeps
        weights = pd.Series(revenue[kept]).groupby([line[kept], order[kept], basis[kept]]).sum()
        main = weights.rename_axis(["line", "order", "basis"]).reset_index().sort_values(0, kind="stable")
        main = main.drop_duplicates(["line", "order"], keep="last")[["line", "order", "basis"]]
        orders = orders.assign(typical=orders["wx"] / orders["w"], base_n=counts["wx"] / counts["w"])
        return orders.merge(main, on=["line", "order"], how="left")

    regional = per_order(region.to_numpy(dtype=object), bases[0])
    whole = per_order(np.full(len(at), ALL, dtype=object), bases[1]) if report.region == ALL else None
    columns = ["scope", "line", "order", "typical", "base_n", "basis"]
    return discounts.with_scopes(report, regional, company=whole)[columns], trailing


def _spread(trailing: list[pd.DataFrame], current: pd.DataFrame) -> pd.DataFrame:
    """Per scope and line: the spread of one order's fall, as :func:`~salesnb.product.discounts.order_spread`.

    Each of this month's orders (``current``) brings the spread of the orders measured as it mostly is (its
    ``basis``): the trailing ones measured against that usual (``trailing``, one frame per row of
    :func:`line_falls`) and this month's measured so. ``variance`` is their average over this month's orders,
    ``df`` the fewest degrees of freedom among them: a fall against another channel's or the company's usual
    scatters with the product's own gap to it, which the orders measured against their own usual do not show.
    """
    keys = ["scope", "line", "basis"]
    table = pd.concat(
        [
            discounts.order_spread(pd.concat([base, current[current["basis"] == row]], ignore_index=True))
            .assign(basis=row)
            .set_index("basis", append=True)
            for row, base in enumerate(trailing)
        ]
    )
    found = table.reindex(pd.MultiIndex.from_frame(current[keys].astype({"basis": int})))
    per_order = current[["scope", "line"]].assign(variance=found["variance"].to_numpy(), df=found["df"].to_numpy())
    grouped = per_order.groupby(["scope", "line"], sort=True)
    variance = grouped["variance"].mean().where(grouped["variance"].count() == grouped.size())
    return pd.DataFrame({"variance": variance, "df": grouped["df"].min()})
