"""退货分析: return rate of the period's sales per product line and product, and returns per reason.

Return rate = units of the period's order lines that came back within ``product.return_window_days`` days of
the order ÷ units sold in the period. Counting the returns of the period's own sales (not every return that
arrived in the month, which holds earlier orders too) keeps the rate a rate: never above 100%. The latest
month's last orders may still come back, so its rate is, if anything, low against its baseline.

Returns are judged where the problem is coherent: first per product line (severity on the line's aggregate; its
products become the finding's ``members`` table), then per product only where its line as a whole is not
flagged. The finding's effect is the revenue refunded beyond the usual return rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from .. import stats
from ..data import facts
from ..data.grouping import aggregate
from ..display import plotting
from ..display.formatting import format_amount, format_int, format_pct, table
from ..display.panel import Panel, needs
from ..findings import finding, severity_of
from ..i18n import t
from ..periods import averaged_months
from ..report import Report, scope_memo
from . import codes
from .common import (
    NAME,
    in_scopes,
    lines,
    prefer_regions,
    product_info,
    returned,
    returned_lines,
    scoped,
    scoped_lines,
    where,
    with_orders,
)

BACK = ["order_id", "quantity", "lines", "value", "reason"]  # what return_check counts of the returns
# return_check's counts, additive over products: a line's minus one product's are the rest of the line's
COUNTS = ["units_sold", "lines_sold", "revenue", "units_returned", "lines_returned", "returned_value",
          "hist_units", "hist_lines", "hist_back_units", "hist_back_lines"]  # fmt: skip
PRIOR_LINES = 20.0  # order lines of pseudo-history: a segment with little history leans on the wider rate


def matched_returns(report: Report) -> pd.DataFrame:
    """Returns matched to their sale: ``month`` is the returned order's month, ``lag`` the days since the order.

    Only returns within ``product.return_window_days`` of the order count, the same for the period and its
    history, so an old order returned long after does not land in a month's rate. ``lines`` is 1 on the first
    return row of an order line (several partial returns of one line are one returned line).
    """
    window = int(report.settings(NAME)["return_window_days"])

    def build(ds) -> pd.DataFrame:
        back = returned(ds)
        sold = returned_lines(ds).drop_duplicates("order_id")[["order_id", "month"]]  # back: the returns' rows
        sold = with_orders(ds, sold).set_index("order_id")  # the returned orders' dates, not every line's
        frame = back.assign(
            returned_month=back["month"],
            month=back["order_id"].map(sold["month"]),
            product_line=back["product_id"].map(product_info(ds)["product_line"]),
        )
        lag = (frame["returned_at"] - frame["order_id"].map(sold["order_date"])).dt.days
        frame = frame.assign(lag=lag)[(lag >= 0) & (lag <= window)]
        frame = frame.assign(lines=(~frame.duplicated(["order_id", "product_id"])).astype(float))
        return frame.assign(product_line=frame["product_line"].fillna(facts.UNKNOWN)).reset_index(drop=True)

    return report.cached(NAME, ("matched_returns", window), build)


def _sold_by_product(report: Report, months: list[str]) -> pd.DataFrame:
    data = scoped_lines(report, months)
    return aggregate(data.groupby("product_id"), units_sold=("quantity", "sum"), lines_sold=("quantity", "size"))


@scope_memo  # the panel and the published metrics read one computation
def returns_frame(report: Report) -> pd.DataFrame:
    """Return rate per product of the period's sales against the trailing months.

    Columns: product_id, product_name, product_line, units_sold, units_returned, lines_returned, returned_value,
    return_rate (units of the period's sales returned within the window ÷ units sold), baseline_rate (the same
    over the trailing months pooled), top_reason. Products with sales or returns; sorted by units returned.
    """
    back = facts.in_region(matched_returns(report), report.region)
    trailing = report.trailing()
    now = back[back["month"] == report.period]
    sold = _sold_by_product(report, [report.period])
    back_now = aggregate(
        now.groupby("product_id"),
        units_returned=("quantity", "sum"), lines_returned=("lines", "sum"), returned_value=("value", "sum"),
    )  # fmt: skip
    frame = sold.join(back_now, how="outer").fillna(0.0)
    base_sold = _sold_by_product(report, trailing)["units_sold"]
    base_back = back[back["month"].isin(trailing)].groupby("product_id")["quantity"].sum()
    frame["return_rate"] = frame["units_returned"] / frame["units_sold"].where(frame["units_sold"] > 0)
    frame["baseline_rate"] = base_back.reindex(frame.index).fillna(0.0) / base_sold.reindex(frame.index).where(
        lambda s: s > 0
    )
    reasons = now.groupby(["product_id", "reason"])["quantity"].sum().reset_index()
    reasons = reasons.sort_values(["product_id", "quantity", "reason"], ascending=[True, False, True])
    frame["top_reason"] = reasons.drop_duplicates("product_id").set_index("product_id")["reason"].reindex(frame.index)
    info = product_info(report.ds)
    frame = frame.rename_axis("product_id").reset_index()
    frame.insert(1, "product_name", frame["product_id"].map(info["product_name"]).fillna(frame["product_id"]))
    frame.insert(2, "product_line", frame["product_id"].map(info["product_line"]).fillna(facts.UNKNOWN))
    return frame.sort_values(
        ["units_returned", "return_rate", "product_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def return_reasons_frame(report: Report) -> pd.DataFrame:
    """Returns of the period's sales per reason against the average trailing month: lines, units, value, share."""
    back = facts.in_region(matched_returns(report), report.region)
    trailing = report.trailing()
    now = aggregate(
        back[back["month"] == report.period].groupby("reason"),
        lines=("quantity", "size"), units=("quantity", "sum"), value=("value", "sum"),
    )  # fmt: skip
    base = back[back["month"].isin(trailing)].groupby("reason")["quantity"].sum() / max(len(trailing), 1)
    frame = now.join(base.rename("baseline_units"), how="outer").fillna(0.0)
    total = frame["units"].sum()
    frame["share"] = frame["units"] / total if total > 0 else np.nan
    frame = frame.rename_axis("reason").reset_index()
    return frame.sort_values(["units", "reason"], ascending=[False, True]).reset_index(drop=True)


def _sold(report: Report, months: list[str], key: str) -> pd.DataFrame:
    """Per scope, ``key`` and ``period`` (the report's month or not): the order lines' units, count and revenue.

    ``aggregate(in_scopes(lines, months).groupby(["scope", key, "period"]), ...)`` made on the lines' codes
    (:func:`~salesnb.product.codes.scope_groups`): the same groups and sums without copying a year of lines
    into scopes nor hashing their text.
    """
    data, rows = lines(report.ds), codes.month_rows(report.ds, months)
    period = codes.line_key(report.ds, "month", rows)
    is_period = period.codes == period.labels.get_indexer(pd.Index([report.period], dtype=object))[0]
    keys = [codes.line_key(report.ds, key, rows), codes.flag_key("period", is_period & (period.codes >= 0))]
    units, revenue = data["quantity"].to_numpy(dtype=float)[rows], data["revenue"].to_numpy(dtype=float)[rows]
    return codes.scope_groups(report, rows, keys, {"units": (units, "sum"), "n": (None, "size"),
                                                   "value": (revenue, "sum")})  # fmt: skip


def _company_sold(report: Report, months: list[str]) -> pd.DataFrame:
    """Units and order lines sold per product line in ``months``, every region: the wider rate's denominator."""
    data, rows = lines(report.ds), codes.month_rows(report.ds, months)
    units = data["quantity"].to_numpy(dtype=float)[rows]
    return codes.grouped(
        [codes.line_key(report.ds, "product_line", rows)], {"units": (units, "sum"), "n": (None, "size")}
    )


def _counts(s: pd.DataFrame, back: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per (scope, ``key``): the period's and the history's units and lines sold and returned, revenue, refunds.

    ``s``: the lines sold per scope, ``key`` and period (:func:`_sold`); ``back``: the matched returns in scopes.
    """
    keys = ["scope", key]
    r = aggregate(
        back.groupby([*keys, "period"]), units=("quantity", "sum"), n=("lines", "sum"), value=("value", "sum"),
        orders=("order_id", "nunique"),
    )  # fmt: skip
    s, r = s.unstack("period"), r.unstack("period")
    index = s.index.union(r.index)

    def pick(frame: pd.DataFrame, column: str, period: bool) -> pd.Series:
        found = frame[(column, period)] if (column, period) in frame.columns else pd.Series(dtype=float)
        return found.reindex(index).fillna(0.0)

    return pd.DataFrame(
        {
            "units_sold": pick(s, "units", True), "lines_sold": pick(s, "n", True), "revenue": pick(s, "value", True),
            "units_returned": pick(r, "units", True), "lines_returned": pick(r, "n", True),
            "returned_value": pick(r, "value", True), "orders_returned": pick(r, "orders", True),
            "hist_units": pick(s, "units", False),
            "hist_lines": pick(s, "n", False), "hist_back_units": pick(r, "units", False),
            "hist_back_lines": pick(r, "n", False),
        },
        index=index,
    )  # fmt: skip


def _usual(frame: pd.DataFrame, prior_lines: pd.Series, prior_units: pd.Series) -> pd.DataFrame:
    """The segment's usual rates from its history, leaning on the wider rate (``prior_*``) when history is thin."""
    frame["usual_line_p"] = (frame["hist_back_lines"] + PRIOR_LINES * prior_lines) / (frame["hist_lines"] + PRIOR_LINES)
    frame["usual_rate"] = (frame["hist_back_units"] / frame["hist_units"].where(frame["hist_units"] > 0)).fillna(
        prior_units
    )
    frame["return_rate"] = frame["units_returned"] / frame["units_sold"].where(frame["units_sold"] > 0)
    k, n = frame["lines_returned"], np.maximum(frame["lines_sold"], frame["lines_returned"])
    frame["p_value"] = np.where(n > 0, binom.sf(k - 1, n, frame["usual_line_p"].clip(1e-6, 1 - 1e-6)), np.nan)
    frame["excess_units"] = frame["units_returned"] - frame["usual_rate"] * frame["units_sold"]
    frame["effect"] = (frame["returned_value"] - frame["usual_rate"] * frame["revenue"]).clip(lower=0.0)
    return frame


def return_check(report: Report) -> pd.DataFrame:
    """The return-rate test per scope, product line (``level`` "line") and product (``level`` "product").

    The usual rates come from the ``product.history_months`` months before the period in the scope, matched the
    same way (:func:`matched_returns`). The test counts order lines: ``lines_returned`` of ``lines_sold`` against
    the usual chance that a line comes back = (returned lines in the history + 20 × the wider rate) ÷ (lines
    sold in the history + 20), the wider rate being the company's over all products for a line and the product
    line's for a product. The p-values of every line and product of the report are Benjamini–Hochberg adjusted
    together (``q_value``). ``flagged`` (thresholds.product): a unit return rate at least ``return_ratio`` times
    the usual and ``return_points`` above it, and either ``min_returns`` returned lines with ``q_value`` below
    ``fdr`` or — a large rate on large volume is never hidden — ``min_units`` units sold with at least
    ``return_alarm`` of them back in ``return_alarm_lines`` returned lines or more. A product is flagged only
    where its line (same scope) is not; ``focus`` names the product a flagged line's finding is about
    (:func:`_focus`).
    """
    thr = report.thresholds(NAME)
    history = report.history(report.settings(NAME)["history_months"])
    months = [*history, report.period]
    back = in_scopes(report, matched_returns(report), months, ["region", "month", "product_line", "product_id"] + BACK)
    back = back.assign(period=back["month"] == report.period)
    info = product_info(report.ds)
    company_back = facts.in_months(matched_returns(report), history)
    line_sold = _company_sold(report, history)
    line_back = aggregate(company_back.groupby("product_line"), units=("quantity", "sum"), n=("lines", "sum"))
    line_back = line_back.reindex(line_sold.index).fillna(0.0)
    all_p = stats.ratio(line_back["n"].sum(), line_sold["n"].sum())
    all_rate = stats.ratio(line_back["units"].sum(), line_sold["units"].sum())
    by_line = _counts(_sold(report, months, "product_line"), back, "product_line")
    by_line = _usual(by_line, pd.Series(np.nan_to_num(all_p), index=by_line.index), np.nan_to_num(all_rate))
    by_product = _counts(_sold(report, months, "product_id"), back, "product_id")
    product_line = pd.Series(by_product.index.get_level_values("product_id").map(info["product_line"]),
                             index=by_product.index).fillna(facts.UNKNOWN)  # fmt: skip
    prior_p = (line_back["n"] / line_sold["n"].where(line_sold["n"] > 0)).fillna(0.0)
    prior_rate = (line_back["units"] / line_sold["units"].where(line_sold["units"] > 0)).fillna(0.0)
    by_product = _usual(
        by_product, product_line.map(prior_p).astype(float).fillna(0.0),
        product_line.map(prior_rate).astype(float).fillna(0.0),
    )  # fmt: skip
    by_line = by_line.reset_index().assign(level="line", product_id="", product_name="")
    by_product = by_product.reset_index().assign(level="product", product_line=product_line.to_numpy())
    by_product["product_name"] = by_product["product_id"].map(info["product_name"]).fillna(by_product["product_id"])
    frame = pd.concat([by_line, by_product], ignore_index=True)
    frame["q_value"] = stats.bh_adjust(frame["p_value"])
    tested = (frame["lines_returned"] >= thr["min_returns"]) & (frame["q_value"] < thr["fdr"])
    alarm = (frame["units_sold"] >= thr["min_units"]) & (frame["return_rate"] >= thr["return_alarm"])
    alarm &= frame["lines_returned"] >= thr["return_alarm_lines"]  # not one customer's order line sent back
    frame["flagged"] = (_above_usual(frame, thr) & (tested | alarm)).fillna(False).astype(bool)
    lines_hit = frame[(frame["level"] == "line") & frame["flagged"]]
    covered = set(zip(lines_hit["scope"], lines_hit["product_line"], strict=True))
    inside = [(s, ln) in covered for s, ln in zip(frame["scope"], frame["product_line"], strict=True)]
    frame["flagged"] &= ~((frame["level"] == "product") & np.array(inside, dtype=bool))
    frame["focus"] = _focus(frame, prior_p, prior_rate, thr)
    return _with_reasons(frame, back[back["period"]])


def _above_usual(frame: pd.DataFrame, thr: dict[str, Any]) -> pd.Series:
    """The business rule: a unit return rate ``return_ratio`` times the usual and ``return_points`` above it."""
    rate, usual = frame["return_rate"], frame["usual_rate"]
    return (rate >= thr["return_ratio"] * usual) & (rate - usual >= thr["return_points"])


def _focus(frame: pd.DataFrame, prior_p: pd.Series, prior_rate: pd.Series, thr: dict[str, Any]) -> pd.Series:
    """Per row of the check, the product a flagged line's finding names ("": the line itself).

    The line's product with the most excess returned units is named when it holds at least ``return_focus`` of
    the line's excess and the rest of the line (its other products together, same scope) does not return more
    than usual too: the rule of :func:`_above_usual` with a one-sided binomial p of its returned lines below
    ``return_spread_p``, its usual chance leaning on the line's company-wide rate as a product's does. A line
    selling mostly one product holds most of its excess in that product even when every product returns more;
    the share alone would name the product of a line-wide problem. Nor is it named when the rest of the line sold
    too few lines to be seen returning less than the product (:func:`_set_apart`).
    """
    focus = pd.Series("", index=frame.index, dtype=object)
    products = frame[(frame["level"] == "product") & ((frame["units_sold"] > 0) | (frame["units_returned"] > 0))]
    for i, row in frame[(frame["level"] == "line") & frame["flagged"]].iterrows():
        part = products[(products["scope"] == row["scope"]) & (products["product_line"] == row["product_line"])]
        part = part.sort_values(["excess_units", "product_id"], ascending=[False, True])
        excess = part["excess_units"].clip(lower=0.0).sum()
        if part.empty or not part["excess_units"].iloc[0] >= thr["return_focus"] * excess > 0:
            continue
        top = part.iloc[0]
        rest = (row[COUNTS] - top[COUNTS]).astype(float).to_frame().T
        line = row["product_line"]
        rest = _usual(rest, pd.Series(prior_p.get(line, 0.0), index=rest.index),
                      pd.Series(prior_rate.get(line, 0.0), index=rest.index))  # fmt: skip
        spread = bool((_above_usual(rest, thr) & (rest["p_value"] < thr["return_spread_p"])).iloc[0])
        focus[i] = "" if spread or not _set_apart(frame, row, top, rest, thr) else str(top["product_id"])
    return focus


def _set_apart(frame: pd.DataFrame, row: pd.Series, top: pd.Series, rest: pd.DataFrame, thr: dict) -> bool:
    """Whether the line's other products are seen to return less than ``top`` this month (or there are none).

    Naming the product says the rest of the line is spared. That needs the rest to have sold enough lines that,
    had they come back at ``top``'s chance, this few returned lines would be unlikely (one-sided binomial p below
    ``return_spread_p``). A line whose other products sold nothing this month cannot show it: the line is named.
    A line that is one product (no other product sold in the scope, this month or in the history) is the product.
    """
    same = frame[(frame["level"] == "product") & (frame["scope"] == row["scope"])
                 & (frame["product_line"] == row["product_line"])]  # fmt: skip
    same = same[same["product_id"] != top["product_id"]]
    if not ((same["lines_sold"] > 0) | (same["hist_lines"] > 0)).any():
        return True
    chance = stats.ratio(top["lines_returned"], top["lines_sold"])
    p = stats.binom_low(int(rest["lines_returned"].iloc[0]), int(rest["lines_sold"].iloc[0]), chance)
    return p < thr["return_spread_p"]


def _with_reasons(frame: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """``top_reason`` and its share of the units returned, per row of the check."""
    out = []
    for level, key in (("line", "product_line"), ("product", "product_id")):
        part = frame[frame["level"] == level]
        counts = now.groupby(["scope", key, "reason"])["quantity"].sum().reset_index()
        counts = counts.sort_values(["scope", key, "quantity", "reason"], ascending=[True, True, False, True])
        top = counts.drop_duplicates(["scope", key]).set_index(["scope", key])
        index = pd.MultiIndex.from_frame(part[["scope", key]])
        out.append(part.assign(top_reason=top["reason"].reindex(index).to_numpy(),
                               top_reason_share=top["quantity"].reindex(index).to_numpy()
                               / part["units_returned"].where(part["units_returned"] > 0).to_numpy()))  # fmt: skip
    result = pd.concat(out, ignore_index=True)
    return result.sort_values(["level", "scope", "product_line", "product_id"]).reset_index(drop=True)


def _members(check: pd.DataFrame, scope: str, line: str) -> list[dict[str, Any]]:
    """The products of a flagged line in ``scope``: the finding's detail table, most excess returns first."""
    part = check[(check["level"] == "product") & (check["scope"] == scope) & (check["product_line"] == line)]
    part = part[(part["units_sold"] > 0) | (part["units_returned"] > 0)]
    part = part.sort_values(["excess_units", "product_id"], ascending=[False, True])
    return [
        {"segment": {"product_id": str(r.product_id), "product_name": str(r.product_name)},
         "value": stats.number(r.return_rate), "baseline": stats.number(r.usual_rate),
         "units_returned": float(r.units_returned), "units_sold": float(r.units_sold)}
        for r in part.itertuples()
    ]  # fmt: skip


def return_rate_high(report: Report) -> list[dict[str, Any]]:
    """Rule return_rate_high, from :func:`return_check`: one finding per flagged line (its products as ``members``).

    When the line's excess is one product's (``focus`` of :func:`return_check`: thresholds.product.return_focus
    and return_spread_p), the line's finding names that product (the problem is the product, stated within its
    line); when its other products return more too, the line is named, its products folded under it. Severity
    comes from the refunds beyond the usual rate, lowered to medium when the q-value is above ``strong_q``.
    """
    if lines(report.ds).empty:
        return []
    thr = report.thresholds(NAME)
    check = return_check(report)
    found = []
    for row in check[check["flagged"]].itertuples():
        members = _members(check, row.scope, row.product_line) if row.level == "line" else []
        shown = row
        if row.focus:
            shown = next(check[(check["level"] == "product") & (check["scope"] == row.scope)
                               & (check["product_id"] == row.focus)].itertuples())  # fmt: skip
        found.append((row.scope, ("return", row.product_line if row.level == "line" else row.product_id),
                      _finding(report, row, shown, members, thr)))  # fmt: skip
    return prefer_regions(found)


def _finding(report: Report, row: Any, shown: Any, members: list[dict[str, Any]], thr: dict[str, Any]) -> dict:
    """One return_rate_high finding: ``row`` is the flagged check row, ``shown`` the row whose numbers it states."""
    lang = report.lang
    reason = shown.top_reason if isinstance(shown.top_reason, str) else "—"
    known = reason not in (facts.UNKNOWN, "—")  # no reason column, or the returns' top one blank: none to trace
    said = {"reason": reason, "reason_share": format_pct(shown.top_reason_share)}
    values = {
        "where": where(report, row.scope), "product": shown.product_name, "line": row.product_line,
        "reason": reason, "units": format_int(shown.units_returned), "lines": format_int(shown.lines_returned),
        "sold": format_int(shown.units_sold), "rate": format_pct(shown.return_rate),
        "usual": format_pct(shown.usual_rate), "reason_share": format_pct(shown.top_reason_share),
        "value": format_amount(shown.returned_value, lang), "products": len(members),
        "reason_part": t("prod_return_reason_part" if known else "prod_return_reason_none", lang, **said),
        "reason_cause": t("prod_return_cause" if known else "prod_return_cause_none", lang, **said),
        "reason_trace": t("prod_return_trace" if known else "prod_return_trace_none", lang, **said),
    }  # fmt: skip
    if shown.level == "product":
        segment = {"product_id": shown.product_id, "product_name": shown.product_name}
        segment = {"product_line": row.product_line, **segment} if row.level == "line" else segment
    else:
        segment = {"product_line": row.product_line}
    effect = float(row.effect)
    level = severity_of(effect, report.revenue, report.config)
    if level == "low" and quality_problem(row, thr):
        level = "medium"
    severity = stats.capped_severity(level, row.q_value, thr["strong_q"])
    item = finding(
        report, "return_rate_high", scoped(report, row.scope, segment), values, metric="return_rate",
        value=shown.return_rate, baseline=shown.usual_rate, effect=effect, angle=NAME,
        variant="line" if shown.level == "line" else "", severity=severity,
    )  # fmt: skip
    if members:
        item["members"] = members
    return item


def quality_problem(row: Any, thr: dict[str, Any]) -> bool:
    """Whether a flagged return rise is a quality problem to act on, however little its refunds weigh.

    Returns from at least ``min_returns`` different orders (several customers', not one big order sent back)
    that are either strongly confirmed (q-value below ``strong_q``: a line returning 13.5% of its lines where
    1.7% were usual, its refunds 6% of the region's revenue, read low by money alone) or a third (``collapse``)
    of what the segment sold beyond its usual rate on at least ``min_units`` units. Clean worlds of the foreign
    generator held rises from three to five orders confirmed at q 0.03-0.05: not strong.
    """
    several = row.orders_returned >= thr["min_returns"]
    confirmed = row.q_value < thr["strong_q"]
    collapsed = row.units_sold >= thr["min_units"] and row.return_rate - row.usual_rate >= thr["collapse"]
    return bool(several and (confirmed or collapsed))


@needs("order_lines", "returns")
def returns_panel(report: Report) -> Panel:
    """退货分析: return rate of the products with returns against the trailing months, and returns by reason."""
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    frame = returns_frame(report)
    reasons = return_reasons_frame(report)
    sold = frame["units_sold"].sum()
    units = frame["units_returned"].sum()
    trailing = report.trailing()
    base_sold = _sold_by_product(report, trailing)["units_sold"].sum()
    back = facts.in_region(matched_returns(report), report.region)
    base_units = back[back["month"].isin(trailing)]["quantity"].sum()
    note = t(
        "prod_returns_note", lang, rate=format_pct(stats.ratio(units, sold)), units=format_int(units),
        sold=format_int(sold), base=format_pct(stats.ratio(base_units, base_sold)),
        days=report.settings(NAME)["return_window_days"], n=averaged,
    )  # fmt: skip
    shown = frame[frame["units_returned"] > 0].head(report.config["report"]["top_n"])
    if shown.empty:
        return Panel(frame=frame, note=t("prod_no_returns", lang) + " " + note)
    fig, (left, right) = plotting.subplots(1, 2, figsize=(10.0, max(3.6, 0.5 * len(shown) + 1.2)), dpi=plotting.DPI,
                                      layout="constrained")  # fmt: skip
    legend = (
        t("prod_this_month", lang),
        t("prod_trailing", lang, n=averaged),
    )
    plotting.plot_bar_compare(shown, unit="pct", label="product_name", current="return_rate",
                              baseline="baseline_rate", ax=left, lang=lang, legend=legend,
                              title=t("prod_returns_title", lang, n=averaged))  # fmt: skip
    plotting.plot_bar_compare(reasons, unit="count", label="reason", current="units", baseline="baseline_units",
                              ax=right, lang=lang, legend=legend, title=t("prod_reasons_title", lang))  # fmt: skip
    cells = table(
        shown.assign(top_reason=shown["top_reason"].fillna("—")),
        [
            ("product_name", "prod_product", None),
            ("units_sold", "prod_units", "int"),
            ("units_returned", "prod_returned", "int"),
            ("return_rate", "prod_return_rate", "pct"),
            ("baseline_rate", t("prod_trailing", lang, n=averaged), "pct"),
            ("returned_value", "prod_returned_value", "amount"),
            ("top_reason", "prod_top_reason", None),
        ],
        lang,
    )
    return Panel(frame=frame, table=cells, figure=fig, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """Units returned and the return rate this month (needs order_lines and returns)."""
    if not report.ds.has("order_lines") or not report.ds.has("returns"):
        return {}
    frame = returns_frame(report)
    sold = frame["units_sold"].sum()
    return {
        "units_returned": float(frame["units_returned"].sum()),
        "return_rate": stats.number(stats.ratio(frame["units_returned"].sum(), sold)),
    }
