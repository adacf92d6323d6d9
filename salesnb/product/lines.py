"""产品线贡献与增长, 产品贡献（帕累托）: revenue per product line and per product, and the product-line decline.

A line declines when it falls behind its own baseline *and* behind the rest of the scope's business (see
:func:`decline_check`); the effect is the shortfall against that baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, shares, stats
from ..data import facts
from ..display import plotting
from ..display.bounded import bounded, bounded_note
from ..display.formatting import (
    format_amount,
    format_amounts,
    format_chance,
    format_int,
    format_pct,
    table,
    text_column,
)
from ..display.panel import Panel, needs
from ..display.plotting.products import plot_pareto
from ..findings import finding, flagged
from ..i18n import t
from ..periods import ALL, averaged_months
from ..report import Report, scope_memo
from . import codes
from .common import (
    NAME,
    dispersion_around,
    lines,
    named,
    prefer_regions,
    same_month_last_year,
    scoped,
    scoped_lines,
    where,
)

# ------------------------------------------------------------------------------------- 1. product lines


@scope_memo  # the panel and the published metrics read one computation
def line_frame(report: Report) -> pd.DataFrame:
    """Revenue, share and order count per product line this month, against last month, last year and trailing.

    Columns: product_line, revenue, share, orders, prev_revenue, yoy_revenue (``NaN`` when the data does not
    reach back a year), trailing_avg (average month of the trailing months), mom_growth, yoy_growth,
    vs_trailing. Shares sum to 1. Sorted by revenue, largest first.
    """
    data = scoped_lines(report)
    prev = report.covered([str(report.baselines.previous_month)])
    yoy, trailing = same_month_last_year(report), report.trailing()
    months = {report.period, *prev, *trailing, *([yoy] if yoy else [])}
    data = facts.in_months(data, sorted(months))
    pivot = data.pivot_table(index="product_line", columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    orders = facts.in_months(data, report.period).groupby("product_line")["order_id"].nunique()

    def col(month: str | None) -> pd.Series:
        if month is None:
            return pd.Series(np.nan, index=pivot.index)
        return pivot[month] if month in pivot.columns else pd.Series(0.0, index=pivot.index)

    frame = pd.DataFrame({"revenue": col(report.period)})
    total = frame["revenue"].sum()
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["orders"] = orders.reindex(frame.index, fill_value=0).astype(int)
    frame["prev_revenue"] = col(prev[0]) if prev else np.nan
    frame["yoy_revenue"] = col(yoy)
    frame["trailing_avg"] = sum(col(m) for m in trailing) / len(trailing) if trailing else np.nan
    for name, base in (("mom_growth", "prev_revenue"), ("yoy_growth", "yoy_revenue"), ("vs_trailing", "trailing_avg")):
        frame[name] = frame["revenue"] / frame[base].where(frame[base] > 0) - 1
    frame = frame.astype(float).rename_axis("product_line").reset_index()
    frame["orders"] = frame["orders"].astype(int)
    return frame.sort_values(["revenue", "product_line"], ascending=[False, True]).reset_index(drop=True)


def decline_check(report: Report) -> pd.DataFrame:
    """The product-line decline test per scope (region; ALL and every region in an ALL report) and line.

    A line declines when it falls behind what its usual part of the scope's business leads one to expect, so a
    month that is weak for every line (春节, a region losing customers) is not a product-line problem: ``expected``
    is the line's revenue over the ``product.history_months`` months before the period as a share of the scope's
    other lines over the same months, times the other lines this month (:func:`~salesnb.stats.share_expected`): the
    season and the region's good and bad months shared by the lines are in it, and a year of the line's own months
    keeps it steady (the average of its last three months alone is itself a fifth off in an ordinary month). The
    revenue's expectation is weighed with the line's own average month by how well each foresaw the line over those
    months (:func:`salesnb.shares.weighed_expected`): a line that is most of its scope has a yardstick of a few
    small lines, and one lucky month of theirs (+60 % on a key account's orders) read as a 45 % fall of it; and
    where the two part this month, their distance is the expectation's own error in the revenue's reading.
    ``usual_orders`` is the same for the number of orders containing the line.

    The business rule fires when a line's revenue is at least ``thresholds.product.line_decline`` below
    ``expected`` (with at least ``baselines.trailing_months`` months to learn the share from); the evidence is its
    order count, low around ``usual_orders`` (a negative binomial count; never stronger than the conditional test of
    the line's orders against the others', :func:`~salesnb.stats.share_drop`, which carries the error of a share
    learnt from a handful of orders) — or, for a line the rule fires for, its revenue read with its orders' sizes
    (:func:`_revenue_low`, its p doubled: Bonferroni over the two readings): a line that lost a few of its large
    orders, a key account's, keeps most of its count while half its revenue is gone — adjusted by
    Benjamini–Hochberg over every line tested in the report that could be reported: in a
    region's report its four to eight lines (one clean line of a handful of orders, 3 against a usual 6, has a
    chance of about one in six; among the lines looked at, that is an ordinary month), in the ALL report every
    line of every scope (6 scopes × 4 lines: one clean region-line with p = 0.03 is expected there). A line that
    sells an order or two a month cannot be reported whatever it sells: even a month without any order is no rare
    month for it (``least_p``, its p-value at no order, above the gate): it does not dilute the lines that can
    (Tarone's family, :func:`salesnb.evidence.tarone_q_values`, at the report's gate; q = 1 for it). A fired line
    is reported (``flagged``) in a region's report when its q-value is below ``thresholds.product.indicative_q`` —
    a region's line sells a dozen to a few dozen orders a month, too few for a 30% fall to reach a 5%
    false-discovery rate — and is confirmed below ``thresholds.product.fdr`` (see :func:`line_decline` for the
    severity); the ALL report, the company's view over 24 tests, reports only confirmed declines.
    A line is only tested where the other lines usually hold ``product.line_min_other_orders`` orders a month: a
    line that is nearly the whole scope has no yardstick in the others (one stray order of theirs, against a
    usual 0.1 a month, read as a 91% fall of the line that was 98% of the business).
    The count's spread ``dispersion`` is learnt from how far the same expectation missed in each of the
    ``product.history_months`` months before the period (see :func:`~salesnb.product.common.dispersion_around`):
    movements the lines share (season, a region's good month) are already in the expectation, so they do not make
    the test blind. ``effect`` = expected − revenue. Every level of a region reads that region's own months: in
    the ALL report too, a month the export left out for it is no month of its history (:meth:`Report.covered`).

    Columns: scope, product_line, revenue, orders, trailing, yoy (``NaN`` without last year), others_change (the
    other lines against the trailing months), expected, usual_orders, dispersion, change, p_value, effect, q_value,
    flagged.
    """
    thr = report.thresholds(NAME)
    window = report.config["baselines"]["trailing_months"]
    span = report.settings(NAME)["history_months"]
    months = sorted({*report.history(2 * span), report.period})  # a year of expectations, each from a year
    grouped = line_months(report, months)
    revenue = grouped["revenue"].unstack("month").reindex(columns=months).fillna(0.0)
    orders = grouped["orders"].unstack("month").reindex(columns=months).fillna(0.0)
    if not report.orders_counted:  # rows that total a month: their count never moves; the revenue is counted instead
        orders = revenue.copy()

    def others(table: pd.DataFrame) -> pd.DataFrame:
        """Per line, the sum of the scope's other lines."""
        return table.groupby(level="scope").transform("sum") - table

    rest_revenue = others(revenue)
    rest_orders = others(orders)
    scope = revenue.index.get_level_values("scope").astype(str)
    own = {name: tuple(report.covered(months, name)) for name in scope.unique()}  # a region's own months
    parts = [] if own else [_scope_expectations(report, revenue, orders, rest_revenue, rest_orders, span, window)]
    for kept in dict.fromkeys(own.values()):  # the scopes reading the same months: every one without a gap month
        rows = scope.isin([name for name, these in own.items() if these == kept])
        tables = (t.loc[rows, list(kept)] for t in (revenue, orders, rest_revenue, rest_orders))
        parts.append(_scope_expectations(report, *tables, span, window))
    frame = pd.concat(parts).reindex(revenue.index)
    frame["change"] = frame["revenue"] / frame["expected"].where(frame["expected"] > 0) - 1
    low = stats.count_below(frame["orders"], frame["usual_orders"], frame["dispersion"])
    frame["p_value"] = np.maximum(low, frame["thin"])  # never stronger than the share test (see share_drop)
    frame["effect"] = frame["expected"] - frame["revenue"]
    tested = (frame["usual_orders"] > 0) & (frame["expected"] > 0)  # NaN without `window` months to learn from
    tested &= frame["others_usual"] >= report.settings(NAME)["line_min_other_orders"]
    fired = (frame["change"] <= -thr["line_decline"]) & tested
    # or its revenue, its orders and their sizes read together (a few large orders lost): Bonferroni on the second
    frame["p_value"] = np.fmin(frame["p_value"], 2 * _revenue_low(report, frame, fired, months))
    # every line tested that could be reported is one family, in a region's report too (see the docstring)
    gate = thr["fdr"] if report.region == ALL else thr["indicative_q"]  # the company view: confirmed only
    q = evidence.tarone_q_values(frame["p_value"].where(tested), frame["least_p"].where(tested), gate)
    frame["q_value"] = pd.Series(q, index=frame.index).where(fired)
    frame["flagged"] = fired & evidence.confirmed(frame["q_value"], gate)
    frame = frame.drop(columns=["thin", "others_usual", "revenue_misses", "least_p", "parted"])
    return frame.reset_index().sort_values(["scope", "product_line"]).reset_index(drop=True)


def _revenue_low(report: Report, frame: pd.DataFrame, fired: pd.Series, months: list[str]) -> pd.Series:
    """Per fired line (``frame``: scope, product_line index): how likely a month this short of ``expected`` is.

    Its usual orders, each a draw from the sizes of its orders in the scope over the ``product.history_months``
    months before the period (its revenue per order, the line's lines of it summed):
    :func:`salesnb.stats.compound_low`. The count swings as the revenue's own misses showed in those months: a
    total of a negative binomial count with variance ÷ mean φ has variance expected × mean size × (φ + cv²), so φ
    is ``revenue_misses`` ÷ mean size − cv² (at least the count's ``dispersion``): a line whose key accounts buy
    in some months and not in others swings more than independent orders would. Few orders leave a
    month empty by chance and a count of them says so; many orders of a line whose revenue halves are lost
    sizes, which the count alone cannot see. Where the expectation's yardsticks part this month (``parted``, a log
    variance: :func:`salesnb.shares.weighed_expected`), the total's log variance grows by it (φ raised to match).
    NaN where the rule does not fire, and for rows that total a month (their count is the revenue already).
    """
    out = pd.Series(np.nan, index=frame.index)
    if not fired.any() or not report.orders_counted:
        return out
    span = report.settings(NAME)["history_months"]
    before = [m for m in months if m < report.period][-span:]
    rows = codes.report_rows(report, before)
    data = lines(report.ds).iloc[rows]
    data = data[data["product_line"].isin(frame.index[fired.to_numpy()].get_level_values("product_line"))]
    keys = [data["product_line"], data["order_id"]]
    sizes = {ALL: data.groupby(keys, sort=True)["revenue"].sum()} if report.region == ALL else {}
    sizes.update(dict(iter(data.groupby([data["region"], *keys], sort=True)["revenue"].sum().groupby(level=0))))
    for scope, line in frame.index[fired.to_numpy()]:
        row, table = frame.loc[(scope, line)], sizes.get(scope)
        levels = table.index.get_level_values("product_line") if table is not None else pd.Index([])
        own = table[levels == line].to_numpy() if table is not None else np.array([])
        size = own.mean() if len(own) else np.nan
        swing = row["revenue_misses"] / size - own.var() / size**2 if len(own) else np.nan
        spread = max(row["dispersion"], swing) if np.isfinite(swing) else row["dispersion"]
        if len(own) and row["parted"] > 0:  # yardsticks that part this month: their log variance on the total's
            cv2, n = own.var() / size**2, row["usual_orders"]
            spread = max(spread, ((1 + (spread + cv2) / n) * np.exp(row["parted"]) - 1) * n - cv2)
        out[(scope, line)] = stats.compound_low(
            row["revenue"] / row["expected"], row["usual_orders"], own, key=f"{scope}|{line}", spread=spread
        )
    return out


def _scope_expectations(
    report: Report,
    revenue: pd.DataFrame,
    orders: pd.DataFrame,
    rest_revenue: pd.DataFrame,
    rest_orders: pd.DataFrame,
    span: int,
    window: int,
) -> pd.DataFrame:
    """:func:`decline_check`'s levels of the scopes whose own months are the tables' columns (the period last).

    The trailing, usual and expected levels read only those months: in the ALL report a region's rows leave out
    the months the export left out for it (:meth:`Report.covered`), as its own report does, so a gap month is no
    zero pulling its trailing average and its others' usual orders down. Columns: revenue, orders, trailing, yoy,
    others_change, expected, usual_orders, dispersion, thin (the share test's p-value), others_usual,
    revenue_misses (the mean of (revenue − expected)² ÷ expected over the months before: :func:`_revenue_low`),
    parted (how far the expectation's yardsticks part this month, :func:`salesnb.shares.weighed_expected`),
    least_p (the smallest p-value the line could give this month: no order at all).
    """
    months = list(revenue.columns)
    trailing = [m for m in report.trailing() if m in months]  # the report's, less the scopes' own gap months
    yoy = same_month_last_year(report)
    yoy = yoy if yoy in months else None
    expect_orders = stats.share_expected(orders, rest_orders, span, window)
    before = [m for m in months if m < report.period][-span:]
    frame = pd.DataFrame({"revenue": revenue[report.period], "orders": orders[report.period]})
    n = max(len(trailing), 1)
    frame["trailing"] = revenue[trailing].sum(axis=1) / n if trailing else np.nan
    frame["yoy"] = revenue[yoy] if yoy else np.nan
    frame["others_change"] = (
        rest_revenue[report.period] / (rest_revenue[trailing].sum(axis=1) / n).where(lambda v: v > 0) - 1
        if trailing
        else np.nan
    )
    expect_revenue, parted = shares.weighed_expected(revenue, rest_revenue, span, window, before)
    frame["expected"] = expect_revenue[report.period]
    frame["parted"] = parted[report.period]
    missed = expect_revenue[before].where(expect_revenue[before] > 0)  # how far it missed each month before
    frame["revenue_misses"] = ((revenue[before] - missed) ** 2 / missed).mean(axis=1)
    frame["usual_orders"] = expect_orders[report.period]
    frame["dispersion"] = dispersion_around(orders, expect_orders, before)
    frame["thin"] = stats.share_drop(  # a share learnt from few orders: the expectation's own error (see share_drop)
        frame["orders"], orders[before].sum(axis=1), rest_orders[report.period], rest_orders[before].sum(axis=1)
    )
    frame["others_usual"] = rest_orders[before].sum(axis=1) / max(len(before), 1)  # the yardstick's orders a month
    # the smallest p-value the line could give this month: no order at all (both readings of the count fall with
    # it); the revenue's reading, doubled, is a count of no order too, at a spread at least the count's
    none = pd.Series(0.0, index=frame.index)
    empty = stats.count_below(none, frame["usual_orders"], frame["dispersion"])
    thin = stats.share_drop(
        none, orders[before].sum(axis=1), rest_orders[report.period], rest_orders[before].sum(axis=1)
    )
    frame["least_p"] = np.minimum(np.maximum(empty, thin), 2 * empty)
    return frame


def line_months(report: Report, months: list[str]) -> pd.DataFrame:
    """Revenue and orders (distinct) per scope, product line and month of ``months``: :func:`decline_check`'s counts.

    The same as grouping ``with_scopes`` of the months' lines, read from one grouping of every month (per dataset
    and report region, on the lines' codes: :func:`~salesnb.product.codes.scope_groups`): each month's report and
    its history months then slice it instead of grouping two years of lines again. A group's rows and their order
    are those of the months' grouping, so its sums are the same.
    """

    def build(ds) -> pd.DataFrame:
        rows, data = codes.report_rows(report), lines(ds)  # every month's lines of the scope
        order, _ = pd.factorize(data["order_id"].iloc[rows] if report.region != ALL else data["order_id"])
        values = {
            "revenue": (data["revenue"].to_numpy(dtype=float)[rows], "sum"),
            "orders": (order if report.region != ALL else order[rows], "nunique"),  # distinct orders, not the text
        }
        keys = [codes.line_key(ds, "product_line", rows), codes.line_key(ds, "month", rows)]
        return codes.scope_groups(report, rows, keys, values)

    table = report.cached(NAME, ("line_months", report.region), build)
    return table[table.index.get_level_values("month").isin(months)]


def line_decline(report: Report) -> list[dict[str, Any]]:
    """Rule product_line_decline, from :func:`decline_check`: thresholds.product.{line_decline, fdr}.

    Severity: :func:`salesnb.evidence.severity` (``thresholds.product.{strong_q, collapse}``): at least medium
    (the rule's 30% fall is a collapse), high only with a q-value below ``strong_q``, at most medium while the
    q-value is not below ``fdr`` (indicated, not confirmed; the detail states the chance of an ordinary month).
    """
    thr = report.thresholds(NAME)
    if lines(report.ds).empty:
        return []
    lang, span = report.lang, report.settings(NAME)["history_months"]
    learnt = len(report.history(2 * span)[-span:])  # the months decline_check learns the shares from
    window = t("prod_share_year", lang) if learnt == 12 else t("prod_share_months", lang, n=learnt)  # 12: a year
    found, variant = [], "" if report.orders_counted else "totals"  # month totals: no orders to speak of
    for row in flagged(decline_check(report)):
        values = {
            "where": where(report, row.scope), "line": row.product_line, "window": window,
            "revenue": format_amount(row.revenue, lang), "trailing": format_amount(row.trailing, lang),
            "expected": format_amount(row.expected, lang), "change": format_pct(row.change, signed=True),
            "vs_trailing": format_pct(stats.ratio(row.revenue, row.trailing) - 1, signed=True),
            "yoy": format_amount(row.yoy, lang),
            "vs_yoy": format_pct(stats.ratio(row.revenue, row.yoy) - 1 if not pd.isna(row.yoy) else None, signed=True),
            "orders": format_int(row.orders), "usual": f"{row.usual_orders:.0f}",
            "others": format_pct(row.others_change, signed=True), "chance": format_chance(row.p_value),
            # below what its share of the mix expects, yet not below its own recent months: it lagged, not fell
            "what": t("prod_line_lagged" if row.revenue >= row.trailing > 0 else "prod_line_fell", lang),
            "n": averaged_months(report.trailing(), report.baselines),
        }  # fmt: skip
        item = finding(
            report, "product_line_decline", scoped(report, row.scope, {"product_line": row.product_line}), values,
            metric="revenue", value=row.revenue, baseline=row.expected, effect=row.effect, angle=NAME,
            variant=variant, action_key="finding_product_line_decline_action",
            severity=evidence.severity(
                report, row.effect, row.q_value, change=row.change, strong_q=thr["strong_q"],
                collapse=thr["collapse"], cap=not evidence.confirmed(row.q_value, thr["fdr"]),
            ),
        )  # fmt: skip
        found.append((row.scope, ("decline", row.product_line), item))
    return prefer_regions(found)


@needs("order_lines", "products.product_line")
def line_panel(report: Report) -> Panel:
    """产品线贡献: revenue per line this month against the trailing average, with shares and growth."""
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    frame = line_frame(report)
    if frame.empty or frame["revenue"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    drawn = frame[(frame["revenue"] > 0) | (frame["trailing_avg"] > 0)]  # a line sold only last year: no bars
    ax = plotting.plot_bar_compare(
        drawn, label="product_line", current="revenue", baseline="trailing_avg", lang=lang,
        legend=(t("prod_this_month", lang), t("prod_trailing", lang, n=averaged)),
        title=f"{t('prod_line_title', lang, n=averaged)} · {report.region_label}",
    )  # fmt: skip
    shown = table(
        frame,
        [
            ("product_line", "prod_line", None),
            ("revenue", "prod_revenue", "amount"),
            ("share", "prod_share", "pct"),
            *([("orders", "prod_orders", "int")] if report.orders_counted else []),  # month totals: no orders
            ("mom_growth", "prod_mom", "signed_pct"),
            ("yoy_growth", "prod_yoy", "signed_pct"),
            (
                "vs_trailing",
                t("prod_vs_trailing", lang, n=averaged),
                "signed_pct",
            ),
        ],
        lang,
    )
    return Panel(frame=frame, table=shown, figure=ax.figure)


# ------------------------------------------------------------------------------------- 2. product Pareto


@scope_memo  # the panel and the published metrics read one computation
def product_frame(report: Report) -> pd.DataFrame:
    """Revenue per product this month, largest first, with its share, cumulative share and rank.

    Columns: product_id, product_name, product_line, revenue, units, orders, share, cum_share, rank, top
    (within the top ``product.top_products``). Shares sum to 1; ``cum_share`` ends at 1.
    """
    data = named(report.ds, facts.in_months(scoped_lines(report), report.period))
    grouped = data.groupby(["product_id", "product_name", "product_line"], as_index=False).agg(
        revenue=("revenue", "sum"), units=("quantity", "sum"), orders=("order_id", "nunique")
    )
    grouped = grouped[grouped["revenue"] != 0]
    grouped = grouped.sort_values(["revenue", "product_id"], ascending=[False, True]).reset_index(drop=True)
    total = grouped["revenue"].sum()
    grouped["share"] = grouped["revenue"] / total if total > 0 else np.nan
    grouped["cum_share"] = grouped["share"].cumsum()
    grouped["rank"] = np.arange(1, len(grouped) + 1)
    grouped["top"] = grouped["rank"] <= report.settings(NAME)["top_products"]
    return grouped


def pareto_metrics(report: Report) -> dict[str, float | int | None]:
    """Top-N share (N = ``product.top_products``) and how many products make the Pareto share of revenue."""
    frame = product_frame(report)
    if frame.empty or frame["revenue"].sum() <= 0:
        return {"top_share": None, "pareto_products": None, "products_sold": int(len(frame))}
    line = report.settings(NAME)["pareto_share"]
    reached = frame.index[frame["cum_share"] >= line - 1e-12]
    return {
        "top_share": float(frame.loc[frame["top"], "share"].sum()),
        "pareto_products": int(reached[0] + 1) if len(reached) else int(len(frame)),
        "products_sold": int(len(frame)),
    }


@needs("order_lines")
def pareto_panel(report: Report) -> Panel:
    """产品贡献与帕累托: products by revenue with the cumulative share curve, Top-N share in the note."""
    lang = report.lang
    frame = product_frame(report)
    if frame.empty or frame["revenue"].sum() <= 0:
        return Panel(frame=frame, note=t("no_data", lang))
    cfg = report.settings(NAME)
    m = pareto_metrics(report)
    top = bounded(frame, report, "product_name", ["revenue", "units", "share"])
    top["cum_share"] = top["share"].cumsum()  # the kept rows' running share, then 100% with "others"
    _, ax = plotting.subplots(figsize=(8.0, 4.2), dpi=plotting.DPI, layout="constrained")
    plot_pareto(
        top,
        line=cfg["pareto_share"],
        ax=ax,
        lang=lang,
        title=f"{t('prod_pareto_title', lang)} · {report.region_label}",
    )
    table = pd.DataFrame(
        {
            "#": top["rank"].map(format_int),
            t("prod_product", lang): top["product_name"],
            t("prod_line", lang): text_column(top["product_line"], lang),
            t("prod_revenue", lang): format_amounts(top["revenue"], lang),
            t("prod_share", lang): top["share"].map(format_pct),
            t("prod_cum_share", lang): top["cum_share"].map(format_pct),
            t("prod_units", lang): top["units"].map(format_int),
        }
    )
    if not report.units_counted:  # a summary's totals as lines of one unit: no units sold
        table = table.drop(columns=t("prod_units", lang))
    if report.needs("products.product_line") is not None:  # no product lines: a column of 未知 on every row
        table = table.drop(columns=t("prod_line", lang))
    note = t(
        "prod_pareto_note", lang, n=cfg["top_products"], top=format_pct(m["top_share"]),
        k=format_int(m["pareto_products"]), total=format_int(m["products_sold"]),
        line=format_pct(cfg["pareto_share"], 0),
    )  # fmt: skip
    note = " ".join(p for p in (note, bounded_note(top, lang)) if p)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """Top-N share, products making the Pareto share, products sold; growth of every line (needs order_lines)."""
    if not report.ds.has("order_lines"):
        return {}
    out: dict[str, Any] = dict(pareto_metrics(report))
    if report.needs("products.product_line") is not None:  # no lines: one 未知 line would be no line's growth
        return out
    for row in line_frame(report).itertuples():
        out[f"line_growth_mom.{row.product_line}"] = stats.number(row.mom_growth)
        out[f"line_growth_yoy.{row.product_line}"] = stats.number(row.yoy_growth)
        out[f"line_vs_trailing.{row.product_line}"] = stats.number(row.vs_trailing)
    return out
