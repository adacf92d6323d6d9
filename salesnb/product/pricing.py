"""折扣与毛利, 价格变化与销量: discount depth and gross margin per product line, price against volume per product.

Discount depth = 1 − amount paid ÷ amount at list price, i.e. each line's 1 − unit_price / list_price
weighted by its list revenue (lines without a list price are left out); gross margin = 1 − cost / revenue over
lines with a known cost. The findings' effects are the discount given beyond the usual depth and the gross
profit lost to a lower margin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from .. import evidence, stats
from ..angle import UNITS
from ..data import facts
from ..data.copied_cost import no_cost_note
from ..data.grouping import aggregate
from ..display import plotting
from ..display.formatting import format_amount, format_amounts, format_pct, text_column
from ..display.panel import Panel, needs
from ..display.plotting.products import plot_price_volume
from ..findings import finding, flagged
from ..i18n import t
from ..periods import ALL, averaged_months
from ..report import Report, scope_memo
from . import codes, discounts, margins
from .common import (
    NAME,
    lines,
    named,
    prefer_regions,
    priced,
    priced_rows,
    rate_parts,
    rate_sums,
    scoped,
    scoped_lines,
    weighted_mean,
    where,
    with_orders,
)

SAME_PRICE = 1e-9  # relative: two average prices this close are one price read back through float sums

# ------------------------------------------------------------------------------------ 6. discount and margin


@scope_memo  # the panel and the published metrics read one computation
def discount_frame(report: Report) -> pd.DataFrame:
    """Discount depth and gross margin per product line (and all lines) this month against the trailing months.

    Columns: product_line (``ALL`` on the all-lines row; the panel names it), is_total, revenue, list_revenue,
    discount (1 − Σ paid ÷ Σ list price), baseline_discount, discount_change, margin (1 − cost/revenue),
    baseline_margin, margin_change, units, baseline_units (average trailing month), units_change.
    """
    data = scoped_lines(report)
    trailing = report.trailing()
    out = []
    for months, tag in (([report.period], "now"), (trailing, "base")):
        part = priced(report.ds, facts.in_months(data, months))
        sums = rate_sums(part.assign(_all=ALL), ["product_line"])
        total = rate_sums(part.assign(_all=ALL), ["_all"])
        sums = pd.concat([sums, total.rename_axis("product_line")])
        discount, _ = weighted_mean(sums, "d")
        margin, _ = weighted_mean(sums, "m")
        n = max(len(months), 1)
        out.append(
            pd.DataFrame(
                {
                    f"{tag}_revenue": sums["revenue"] / n,
                    f"{tag}_list_revenue": sums["list_revenue"] / n,
                    f"{tag}_discount": discount,
                    f"{tag}_margin": margin,
                    f"{tag}_units": sums["quantity"] / n,
                }
            )
        )
    both = out[0].join(out[1], how="left")
    frame = pd.DataFrame(
        {
            "is_total": both.index == ALL,
            "revenue": both["now_revenue"],
            "list_revenue": both["now_list_revenue"],
            "discount": both["now_discount"],
            "baseline_discount": both["base_discount"],
            "margin": both["now_margin"],
            "baseline_margin": both["base_margin"],
            "units": both["now_units"],
            "baseline_units": both["base_units"],
        },
        index=both.index,
    )
    frame["discount_change"] = frame["discount"] - frame["baseline_discount"]
    frame["margin_change"] = frame["margin"] - frame["baseline_margin"]
    frame["units_change"] = frame["units"] / frame["baseline_units"].where(frame["baseline_units"] > 0) - 1
    frame = frame.rename_axis("product_line").reset_index()
    return frame.sort_values(["is_total", "revenue", "product_line"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def price_check(report: Report) -> pd.DataFrame:
    """The discount-deepening and margin-erosion tests per scope and product line, against the trailing months.

    ``discount`` (list-revenue weighted) and ``margin`` (revenue weighted) are this month's averages,
    ``baseline_*`` the same over the trailing months pooled (what the panel shows), ``margin_se`` and
    ``baseline_margin_se`` their standard errors from the spread of the order lines.

    - Discount, channel by channel and order by order (:func:`salesnb.product.discounts.discount_test`): each of
      this month's orders against the line's usual depth in the order's channel over the trailing months, so a
      month with more sales through a deep-discount channel is not discounting. ``discount_points`` = the
      weighted average excess of the compared orders (those of a channel the line sold through in the
      trailing months), ``discount_share`` their share of the list revenue behind ``discount``, ``usual_discount`` =
      discount − points × share (this month's channel mix at the usual depths, an order of a new channel at
      its own), ``discount_orders`` the orders compared. The test counts each order once (one order, one
      negotiation: its lines are not independent evidence): ``discount_shift`` = the average order's excess over
      its channel's usual order, ``discount_se`` its standard error from the spread of one order's depth,
      ``discount_z`` = shift ÷ se as a normal z (read on Student's t: a spread from few orders is uncertain).
      ``discount_flagged``: the line at least ``thresholds.product.discount_rise_points`` deeper than
      ``usual_discount`` and ``discount_z`` ≥ ``thresholds.product.z``; ``discount_effect`` = that extra depth ×
      this month's list revenue (what was given away beyond the usual).
    - Margin, like for like and order by order (:func:`salesnb.product.margins.margin_test`): each order line's
      margin is compared with its product's margin over the trailing months in the scope and the order's channel
      (else any channel, else the company's), so a shift towards low-margin products or channels (normal
      month-to-month mix) is not erosion but a cost rise or a price cut is. ``margin_points`` = the
      revenue-weighted average fall, ``margin_z`` = the average order's fall against the trailing orders' (measured
      against the same usual margins), on Student's t (``margin_shift``, ``margin_se``,
      ``margin_orders``), the whole fall's and its unit cost's part's joined (``margin_cost_points`` the latter's
      size: the finding's cause), ``compared_share`` the compared lines' share of the revenue behind ``margin``,
      ``like_for_like_baseline`` = margin + points × that share (this month's mix at the usual product margins,
      a product without one at its own: the points are over the compared lines only, so added whole to the
      line's margin they gave a usual above every product's margin when few lines compared).
      ``margin_flagged``: the line's margin at least ``thresholds.product.margin_drop_points`` below
      ``like_for_like_baseline`` (points × share: a fall confined to a sliver of the line is not the line's
      margin eroding) and ``margin_z`` ≥ ``thresholds.product.z``, and not already a deeper discount of the
      same line (that finding covers it);
      ``margin_effect`` = points × the revenue of the compared lines (gross profit lost).
    ``baseline_units``: the scope's average trailing month, over its own months (:meth:`Report.covered`).
    """
    thr = report.thresholds(NAME)
    trailing = report.trailing()
    at, data = _priced_rows(report, [report.period, *trailing])  # the scope's lines, never copied into scopes
    line = codes.line_key(report.ds, "product_line", at)
    period = codes.line_key(report.ds, "month", at)
    period = codes.flag_key("period", period.codes == period.labels.get_indexer(pd.Index([report.period]))[0])
    parts = rate_parts(data)
    sums = codes.scope_groups(report, at, [line, period], {c: (parts[c].to_numpy(), "sum") for c in parts.columns})
    flags = set(sums.index.get_level_values("period"))
    now, base = (
        sums.xs(flag, level="period") if flag in flags else sums.iloc[0:0].droplevel("period") for flag in (True, False)
    )
    frame = pd.DataFrame(index=now.index)
    frame["revenue"] = now["revenue"]
    frame["list_revenue"] = now["list_revenue"]
    frame["units"] = now["quantity"]
    scope = frame.index.get_level_values("scope").astype(str)
    own = {name: max(len(report.covered(trailing, name)), 1) for name in scope.unique()}  # a region's own months
    frame["baseline_units"] = base["quantity"].reindex(frame.index) / scope.map(own).to_numpy(dtype=float)
    for prefix, name in (("d", "discount"), ("m", "margin")):
        mean, se = weighted_mean(now, prefix)
        base_mean, base_se = weighted_mean(base, prefix)
        frame[name] = mean
        frame[f"{name}_se"] = se
        frame[f"baseline_{name}"] = base_mean.reindex(frame.index)
        frame[f"baseline_{name}_se"] = base_se.reindex(frame.index)
    margin_weight = now["m_w"]  # the revenue behind this month's margin
    discount_weight = now["d_w"]  # the list revenue behind this month's discount depth
    now = period.codes == 1
    test = discounts.discount_test(report, at, data, now).reindex(frame.index)
    frame["discount_share"] = test["compared_weight"] / discount_weight.where(discount_weight > 0)
    # this month's channel mix, usual depths: the orders of a channel the line sold through recently
    frame["usual_discount"] = frame["discount"] - test["discount_points"] * frame["discount_share"]
    frame["discount_points"] = test["discount_points"]
    frame["discount_shift"] = test["discount_shift"]
    frame["discount_se"] = test["discount_se"]
    frame["discount_z"] = test["discount_z"]
    frame["discount_orders"] = test["orders"]
    frame["discount_flagged"] = (frame["discount"] - frame["usual_discount"] >= thr["discount_rise_points"]) & (
        frame["discount_z"] >= thr["z"]
    )  # the line's depth, not a slice's: the compared orders' points × their share
    deeper = frame["discount"] - frame["usual_discount"]
    frame["discount_effect"] = (deeper * frame["list_revenue"]).clip(lower=0.0)
    # like-for-like margin: this month's lines against their product's usual margin in the scope
    drop = margins.margin_test(report, at, data, now).reindex(frame.index)
    for column in ("margin_points", "margin_shift", "margin_se", "margin_z", "margin_orders", "margin_cost_points"):
        frame[column] = drop[column]
    frame["compared_share"] = drop["margin_revenue"] / margin_weight.where(margin_weight > 0)
    frame["like_for_like_baseline"] = frame["margin"] + frame["margin_points"] * frame["compared_share"]
    frame["margin_flagged"] = (
        (frame["margin_points"] * frame["compared_share"] >= thr["margin_drop_points"])  # the line's, not a slice's
        & (frame["margin_z"] >= thr["z"])
        & ~frame["discount_flagged"]
    )
    frame["margin_effect"] = (frame["margin_points"] * drop["margin_revenue"]).clip(lower=0.0)
    frame["units_change"] = frame["units"] / frame["baseline_units"].where(frame["baseline_units"] > 0) - 1
    for column in ("discount_flagged", "margin_flagged"):
        frame[column] = frame[column].fillna(False).astype(bool)
    return frame.reset_index().sort_values(["scope", "product_line"]).reset_index(drop=True)


def _priced_rows(report: Report, months: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The positions of the report's order lines in ``months`` and their quantity, prices and revenue, priced."""
    at = codes.report_rows(report, months)
    return at, priced_rows(report.ds, at)


def _checked(report: Report) -> pd.DataFrame:
    """:func:`price_check` once per report: both rules read it."""
    return report.memo("product_price_check", lambda: price_check(report))


def _points(value: float) -> str:
    """A difference of two shares in percentage points, unsigned: ``0.052`` → ``5.2``."""
    return f"{abs(value) * 100:.1f}"


def _severity(report: Report, effect: float, z_score: float) -> str:
    """Severity of a confirmed price finding: at least medium, high when the money at stake is large.

    A whole product line sold at least ``discount_rise_points`` deeper, or earning ``margin_drop_points`` less,
    and ``z`` standard errors away is a pricing or cost problem to act on however small the line's share of the
    scope's revenue (a line is a coherent business, unlike one order line): :func:`salesnb.evidence.severity`
    with ``strengthen``; the q-value is the z test's one-sided p-value (at most ``strong_q`` keeps it from being
    held at medium).
    """
    thr = report.thresholds(NAME)
    q = float(norm.sf(z_score)) if np.isfinite(z_score) else 0.0
    return evidence.severity(report, effect, q, strong_q=thr["strong_q"], strengthen=True)


def discount_deepening(report: Report) -> list[dict[str, Any]]:
    """Rule discount_deepening, from :func:`price_check`: thresholds.product.{discount_rise_points, z}.

    Severity: :func:`_severity` (at least medium).
    """
    if lines(report.ds).empty:
        return []
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    found = []
    for row in flagged(_checked(report), "discount_flagged"):
        values = {
            "where": where(report, row.scope), "line": row.product_line,
            "depth": format_pct(row.discount), "usual": format_pct(row.usual_discount),
            "points": _points(row.discount - row.usual_discount), "effect": format_amount(row.discount_effect, lang),
            "units": format_pct(row.units_change, signed=True), "n": averaged,
        }  # fmt: skip
        channels = "channel" in report.ds.present_columns.get("orders", ())
        mix = "prod_discount_usual_channels" if channels else "prod_discount_usual"
        values["usual_text"] = t(
            mix, lang, usual=values["usual"], points=values["points"], n=averaged
        )  # no channel mix
        item = finding(
            report, "discount_deepening", scoped(report, row.scope, {"product_line": row.product_line}), values,
            metric="discount_depth", value=row.discount, baseline=row.usual_discount, effect=row.discount_effect,
            angle=NAME, severity=_severity(report, row.discount_effect, row.discount_z),
        )  # fmt: skip
        found.append((row.scope, ("discount", row.product_line), item))
    return prefer_regions(found)


def margin_erosion(report: Report) -> list[dict[str, Any]]:
    """Rule margin_erosion, from :func:`price_check`: thresholds.product.{margin_drop_points, z}.

    Severity: :func:`_severity` (at least medium).
    """
    if lines(report.ds).empty:
        return []
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    found = []
    for row in flagged(_checked(report), "margin_flagged"):
        values = {
            "where": where(report, row.scope), "line": row.product_line,
            "margin": format_pct(row.margin), "usual": format_pct(row.like_for_like_baseline),
            "points": _points(row.margin_points), "share": format_pct(row.compared_share),
            "effect": format_amount(row.margin_effect, lang), "depth": format_pct(row.discount),
            "usual_depth": format_pct(row.baseline_discount), "n": averaged, "cost_part": _cost_part(row, lang),
        }  # fmt: skip
        item = finding(
            report, "margin_erosion", scoped(report, row.scope, {"product_line": row.product_line}), values,
            metric="gross_margin", value=row.margin, baseline=row.like_for_like_baseline, effect=row.margin_effect,
            angle=NAME, severity=_severity(report, row.margin_effect, row.margin_z), action_key=_cause_action(row),
        )  # fmt: skip
        found.append((row.scope, ("margin", row.product_line), item))
    return prefer_regions(found)


def _cause(row: Any) -> str | None:
    """Why a line's margin fell: ``"cost"``, ``"price"``, or ``None`` where rows total a month (no unit cost).

    Cost where its unit costs took half a point or more off (:func:`~.margins.line_falls`' cost part).
    """
    if pd.isna(row.margin_cost_points):
        return None
    return "price" if row.margin_cost_points * 100 < 0.5 else "cost"


def _cause_action(row: Any) -> str:
    """What to do about a margin's fall: the cost's (purchasing), the price's (approvals), or find out which."""
    cause = _cause(row)
    return f"finding_margin_erosion_{cause}_action" if cause else "finding_margin_erosion_action"


def _cost_part(row: Any, lang: str) -> str:
    """What the products' unit costs did to the fall, in the finding's detail."""
    cause = _cause(row)
    if cause is None:
        return ""
    return t(f"prod_margin_{cause}_part", lang, points=_points(row.margin_cost_points))


@needs("order_lines")
def discount_panel(report: Report) -> Panel:
    """折扣与毛利: discount depth and gross margin per product line, this month against the trailing months."""
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    frame = discount_frame(report)
    if frame.empty or frame["revenue"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    lines = text_column(frame["product_line"], lang)  # the unknown line in the reader's language, chart and table
    shown = frame.assign(product_line=lines.where(~frame["is_total"], t("prod_all_lines", lang)))
    legend = (
        t("prod_this_month", lang),
        t("prod_trailing", lang, n=averaged),
    )
    charts = [
        (column, title)
        for column, title in (("discount", "prod_discount_title"), ("margin", "prod_margin_title"))
        if frame[[column, f"baseline_{column}"]].notna().any().any()
    ]  # no list price / no cost: no empty box
    fig = None
    if charts:
        size = (10.0 if len(charts) == 2 else 7.0, max(3.6, 0.6 * len(frame) + 1.2))
        fig, axes = plotting.subplots(1, len(charts), figsize=size, dpi=plotting.DPI, layout="constrained",
                                      squeeze=False)  # fmt: skip
        for ax, (column, title) in zip(axes[0], charts, strict=True):
            plotting.plot_bar_compare(shown, label="product_line", current=column, baseline=f"baseline_{column}",
                                      unit="pct", ax=ax, lang=lang, legend=legend,
                                      title=t(title, lang, n=averaged))  # fmt: skip
        for ax in axes[0][1:]:
            ax.set_yticklabels([])
    suffix = t("prod_baseline_suffix", lang, n=averaged)
    table = pd.DataFrame(
        {
            t("prod_line", lang): shown["product_line"],
            t("prod_revenue", lang): format_amounts(frame["revenue"], lang),
            t("prod_discount", lang): frame["discount"].map(format_pct),
            t("prod_discount", lang) + suffix: frame["baseline_discount"].map(format_pct),
            t("prod_margin", lang): frame["margin"].map(format_pct),
            t("prod_margin", lang) + suffix: frame["baseline_margin"].map(format_pct),
            t("prod_units_change", lang): frame["units_change"].map(lambda v: format_pct(v, signed=True)),
        }
    )
    if not report.units_counted:  # a summary's totals as lines of one unit: no units sold
        table = table.drop(columns=t("prod_units_change", lang))
    note = t("prod_discount_note", lang)
    if frame["discount"].isna().all():
        note += " " + t("prod_needs_list_price", lang)
    if frame["margin"].isna().all():
        note += " " + no_cost_note(report.ds, lang)
    return Panel(frame=frame, table=table, figure=fig, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """Discount depth and gross margin of all lines, this month and trailing (needs order_lines)."""
    if not report.ds.has("order_lines"):
        return {}
    total = discount_frame(report)
    total = total[total["is_total"]]
    if not len(total):
        return {}
    row = total.iloc[0]
    return {
        "discount_depth": stats.number(row["discount"]),
        "discount_depth_baseline": stats.number(row["baseline_discount"]),
        "gross_margin": stats.number(row["margin"]),
        "gross_margin_baseline": stats.number(row["baseline_margin"]),
    }


# ------------------------------------------------------------------------------------- 7. price and volume


def price_frame(report: Report) -> pd.DataFrame:
    """Price change per product against the trailing months and what happened to its volume and order value.

    Per product sold this month and in the trailing months: price (average unit price = revenue ÷ units),
    baseline_price, price_change; units and baseline_units (average trailing month), units_change; aov and
    baseline_aov (average value of the orders containing it), aov_change; elasticity = ln(units ratio) ÷
    ln(price ratio), ``NaN`` when the price moved less than 1% or the product sold fewer than
    ``elasticity_min_lines`` order lines this month or a trailing month on average (TPC-H, real30: parts of a line
    or two read volume +6575% and elasticity −61 on a 6.6% price cut); price_effect = (price − baseline_price) ×
    units, the revenue the price move made or cost this month (the revenue bridge's price term, per product). Sorted by
    the size of the price effect: a product of one unit whose price doubled is not the month's pricing story;
    among equal effects (prices held), the largest revenue first.
    """
    data = scoped_lines(report)
    trailing = report.trailing()
    keys = ["product_id", "product_name", "product_line"]

    def summary(months: list[str]) -> pd.DataFrame:
        part = facts.in_months(data, months)[["product_id", "product_line", "revenue", "quantity", "order_id"]]
        part = named(report.ds, part)
        n = max(len(months), 1)
        per_order = with_orders(report.ds, part.drop_duplicates(["order_id", "product_id"]), months)
        grouped = aggregate(
            part.groupby(keys), revenue=("revenue", "sum"), units=("quantity", "sum"), lines=("quantity", "size")
        )
        grouped["aov"] = per_order.groupby(keys)["order_revenue"].mean()
        grouped["units"] = grouped["units"] / n
        grouped["lines"] = grouped["lines"] / n
        grouped["revenue"] = grouped["revenue"] / n
        return grouped

    now, base = summary([report.period]), summary(trailing)
    frame = now.join(base.add_suffix("_base"), how="inner")
    frame = frame[(frame["units"] > 0) & (frame["units_base"] > 0)]
    out = pd.DataFrame(
        {
            "revenue": frame["revenue"],
            "price": frame["revenue"] / frame["units"],
            "baseline_price": frame["revenue_base"] / frame["units_base"],
            "units": frame["units"],
            "baseline_units": frame["units_base"],
            "aov": frame["aov"],
            "baseline_aov": frame["aov_base"],
        }
    )
    # a price kept as it was reads back from summed line totals a few 1e-16 off (2.95 × 227 ÷ 227): no change
    same = np.isclose(out["price"], out["baseline_price"], rtol=SAME_PRICE, atol=0.0)
    out["price"] = out["price"].where(~same, out["baseline_price"])
    out["price_change"] = out["price"] / out["baseline_price"] - 1
    out["units_change"] = out["units"] / out["baseline_units"] - 1
    out["aov_change"] = out["aov"] / out["baseline_aov"] - 1
    few = report.settings(NAME)["elasticity_min_lines"]  # a few lines' units are their orders' sizes, not demand
    moved = (
        (out["price_change"].abs() >= 0.01)
        & (frame["lines"] >= few).to_numpy()
        & (frame["lines_base"] >= few).to_numpy()
    )
    out["elasticity"] = (np.log1p(out["units_change"]) / np.log1p(out["price_change"])).where(moved)
    out["price_effect"] = (out["price"] - out["baseline_price"]) * out["units"]
    out = out.reset_index()
    out["_abs"] = out["price_effect"].abs()
    order = ["_abs", "revenue", "product_id"]  # prices held: the month's largest sellers first, not A–Z
    out = out.sort_values(order, ascending=[False, False, True]).drop(columns="_abs")
    return out.reset_index(drop=True)


@needs("order_lines")
def price_panel(report: Report) -> Panel:
    """价格变化的影响: each product's price change against the trailing months and its volume change."""
    skipped = report.needs(UNITS)  # a summary's totals as lines of one unit: no price per unit to change
    if skipped is not None:
        return skipped
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    frame = price_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    title = f"{t('prod_price_title', lang, n=averaged)} · {report.region_label}"
    ax = plot_price_volume(frame, lang=lang, title=title)
    shown = frame.head(report.config["report"]["top_n"])
    table = pd.DataFrame(
        {
            t("prod_product", lang): shown["product_name"],
            t("prod_price", lang): format_amounts(shown["price"], lang),
            t("prod_price_change", lang): shown["price_change"].map(lambda v: format_pct(v, signed=True)),
            t("prod_price_effect", lang): [
                ("+" if v > 0 else "") + text
                for v, text in zip(shown["price_effect"], format_amounts(shown["price_effect"], lang), strict=True)
            ],
            t("prod_units_change", lang): shown["units_change"].map(lambda v: format_pct(v, signed=True)),
            t("prod_aov", lang): format_amounts(shown["aov"], lang),
            t("prod_aov_change", lang): shown["aov_change"].map(lambda v: format_pct(v, signed=True)),
            t("prod_elasticity", lang): shown["elasticity"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
        }
    )
    return Panel(
        frame=frame,
        table=table,
        figure=ax.figure,
        note=t("prod_price_note", lang, lines=report.settings(NAME)["elasticity_min_lines"], n=averaged),
    )
