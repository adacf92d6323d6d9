"""退货分析: return rate per product and returns per reason this month against the trailing months.

Return rate = units returned in the month (by ``returned_at``, region of the returned order) ÷ units sold in the
month: what a manager sees at month end, without waiting for later returns. The finding's effect is the revenue
refunded beyond the usual return rate.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import binom

from .. import stats
from ..data import facts
from ..display import plotting
from ..display.formatting import format_amount, format_int, format_pct, table
from ..display.panel import Panel, needs
from ..findings import finding, flagged
from ..i18n import t
from ..report import Report
from .common import NAME, lines, prefer_regions, returned, scoped, scoped_lines, where, with_scopes


def _sold_by_product(report: Report, months: list[str]) -> pd.DataFrame:
    data = facts.in_months(scoped_lines(report), months)
    return data.groupby("product_id").agg(units_sold=("quantity", "sum"), lines_sold=("quantity", "size"))


def returns_frame(report: Report) -> pd.DataFrame:
    """Return rate per product this month against the trailing months.

    Columns: product_id, product_name, product_line, units_sold, units_returned, lines_returned, returned_value,
    return_rate (units returned ÷ units sold, both in the month), baseline_rate (the same over the trailing
    months pooled), top_reason. Products with sales or returns this month; sorted by units returned.
    """
    back = facts.in_region(returned(report.ds), report.region)
    trailing = report.trailing()
    now = back[back["month"] == report.period]
    sold = _sold_by_product(report, [report.period])
    back_now = now.groupby("product_id").agg(
        units_returned=("quantity", "sum"), lines_returned=("quantity", "size"), returned_value=("value", "sum")
    )
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
    info = lines(report.ds).drop_duplicates("product_id").set_index("product_id")
    frame = frame.rename_axis("product_id").reset_index()
    frame.insert(1, "product_name", frame["product_id"].map(info["product_name"]).fillna(frame["product_id"]))
    frame.insert(2, "product_line", frame["product_id"].map(info["product_line"]).fillna(facts.UNKNOWN))
    return frame.sort_values(
        ["units_returned", "return_rate", "product_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def return_reasons_frame(report: Report) -> pd.DataFrame:
    """Returns per reason this month against the average trailing month: lines, units, refunded value, unit share."""
    back = facts.in_region(returned(report.ds), report.region)
    trailing = report.trailing()
    now = (
        back[back["month"] == report.period]
        .groupby("reason")
        .agg(lines=("quantity", "size"), units=("quantity", "sum"), value=("value", "sum"))
    )
    base = back[back["month"].isin(trailing)].groupby("reason")["quantity"].sum() / max(len(trailing), 1)
    frame = now.join(base.rename("baseline_units"), how="outer").fillna(0.0)
    total = frame["units"].sum()
    frame["share"] = frame["units"] / total if total > 0 else np.nan
    frame = frame.rename_axis("reason").reset_index()
    return frame.sort_values(["units", "reason"], ascending=[False, True]).reset_index(drop=True)


def return_check(report: Report) -> pd.DataFrame:
    """The return-rate test per scope and product.

    ``usual_rate`` is the product's unit return rate over the ``product.history_months`` months before the period
    in the scope. The test counts order lines: ``lines_returned`` this month against ``lines_sold``, with the
    usual probability that a line comes back = (the product's returned lines in the history + 20 × its product
    line's company-wide rate) ÷ (its lines sold in the history + 20), so a product with little history leans on
    its line. ``flagged``: at least ``thresholds.product.min_returns`` lines returned, a unit return rate at least
    ``thresholds.product.return_ratio`` times the usual rate, and a binomial p-value below
    ``thresholds.product.p_value`` ÷ the number of products sold in the scope.
    ``effect`` = refunded value − usual rate × the product's revenue this month.
    """
    thr = report.thresholds(NAME)
    history = report.history(report.settings(NAME)["history_months"])
    months = [*history, report.period]
    sold = with_scopes(facts.in_months(lines(report.ds), months), report)
    back = with_scopes(facts.in_months(returned(report.ds), months), report)
    sold = sold.assign(period=sold["month"] == report.period)
    back = back.assign(period=back["month"] == report.period)
    keys = ["scope", "product_id"]
    s = sold.groupby([*keys, "period"]).agg(
        units=("quantity", "sum"), n=("quantity", "size"), revenue=("revenue", "sum")
    )
    r = back.groupby([*keys, "period"]).agg(units=("quantity", "sum"), n=("quantity", "size"), value=("value", "sum"))
    s, r = s.unstack("period"), r.unstack("period")

    def pick(frame: pd.DataFrame, column: str, period: bool) -> pd.Series:
        if (column, period) in frame.columns:
            return frame[(column, period)]
        return pd.Series(0.0, index=frame.index)

    index = s.index.union(r.index)
    frame = pd.DataFrame(index=index)
    frame["units_sold"] = pick(s, "units", True).reindex(index).fillna(0.0)
    frame["lines_sold"] = pick(s, "n", True).reindex(index).fillna(0.0)
    frame["revenue"] = pick(s, "revenue", True).reindex(index).fillna(0.0)
    frame["units_returned"] = pick(r, "units", True).reindex(index).fillna(0.0)
    frame["lines_returned"] = pick(r, "n", True).reindex(index).fillna(0.0)
    frame["returned_value"] = pick(r, "value", True).reindex(index).fillna(0.0)
    hist_units = pick(s, "units", False).reindex(index).fillna(0.0)
    hist_lines = pick(s, "n", False).reindex(index).fillna(0.0)
    hist_back_units = pick(r, "units", False).reindex(index).fillna(0.0)
    hist_back_lines = pick(r, "n", False).reindex(index).fillna(0.0)
    # the product line's company-wide rates over the history, the prior of products with little history
    info = lines(report.ds).drop_duplicates("product_id").set_index("product_id")
    product_line = index.get_level_values("product_id").map(info["product_line"])
    company_sold = facts.in_months(lines(report.ds), history)
    company_back = facts.in_months(returned(report.ds), history)
    line_lines = company_sold.groupby("product_line")["quantity"].size()
    line_back = company_back.groupby(company_back["product_id"].map(info["product_line"]))["quantity"].size()
    prior = (line_back.reindex(line_lines.index).fillna(0.0) / line_lines.where(line_lines > 0)).fillna(0.0)
    prior_p = pd.Series(product_line.map(prior), index=index).astype(float).fillna(0.0)
    strength = 20.0
    frame["usual_line_p"] = (hist_back_lines + strength * prior_p) / (hist_lines + strength)
    frame["return_rate"] = frame["units_returned"] / frame["units_sold"].where(frame["units_sold"] > 0)
    frame["usual_rate"] = (hist_back_units / hist_units.where(hist_units > 0)).fillna(prior_p)
    k = frame["lines_returned"]
    n = np.maximum(frame["lines_sold"], k)
    p0 = frame["usual_line_p"].clip(1e-6, 1 - 1e-6)
    frame["p_value"] = binom.sf(k - 1, n, p0)
    ratio_ok = frame["return_rate"] >= thr["return_ratio"] * frame["usual_rate"]
    tested = (n > 0).groupby(level="scope").transform("sum").clip(lower=1)
    alpha = thr["p_value"] / tested
    frame["flagged"] = (k >= thr["min_returns"]) & ratio_ok.fillna(False) & (frame["p_value"] < alpha)
    frame["effect"] = (frame["returned_value"] - frame["usual_rate"] * frame["revenue"]).clip(lower=0.0)
    now = back[back["period"]].groupby([*keys, "reason"])["quantity"].sum().reset_index()
    now = now.sort_values([*keys, "quantity", "reason"], ascending=[True, True, False, True])
    top = now.drop_duplicates(keys).set_index(keys)
    frame["top_reason"] = top["reason"].reindex(index)
    frame["top_reason_share"] = top["quantity"].reindex(index) / frame["units_returned"].where(
        frame["units_returned"] > 0
    )
    frame = frame.reset_index()
    frame.insert(2, "product_name", frame["product_id"].map(info["product_name"]).fillna(frame["product_id"]))
    return frame.sort_values(keys).reset_index(drop=True)


def return_rate_high(report: Report) -> list[dict[str, Any]]:
    """Rule return_rate_high, from :func:`return_check`: thresholds.product.{min_returns, return_ratio, p_value}."""
    if lines(report.ds).empty:
        return []
    lang = report.lang
    found = []
    for row in flagged(return_check(report)):
        reason = row.top_reason if isinstance(row.top_reason, str) else "—"
        values = {
            "where": where(report, row.scope), "product": row.product_name, "reason": reason,
            "units": format_int(row.units_returned), "lines": format_int(row.lines_returned),
            "rate": format_pct(row.return_rate), "usual": format_pct(row.usual_rate),
            "reason_share": format_pct(row.top_reason_share), "value": format_amount(row.returned_value, lang),
        }  # fmt: skip
        segment = scoped(report, row.scope, {"product_id": row.product_id, "product_name": row.product_name})
        item = finding(
            report, "return_rate_high", segment, values, metric="return_rate", value=row.return_rate,
            baseline=row.usual_rate, effect=row.effect, angle=NAME,
        )  # fmt: skip
        found.append((row.scope, ("return", row.product_id), item))
    return prefer_regions(found)


@needs("order_lines", "returns")
def returns_panel(report: Report) -> Panel:
    """退货分析: return rate of the products with returns against the trailing months, and returns by reason."""
    lang = report.lang
    frame = returns_frame(report)
    reasons = return_reasons_frame(report)
    sold = frame["units_sold"].sum()
    units = frame["units_returned"].sum()
    trailing = report.trailing()
    base_sold = _sold_by_product(report, trailing)["units_sold"].sum()
    back = facts.in_region(returned(report.ds), report.region)
    base_units = back[back["month"].isin(trailing)]["quantity"].sum()
    note = t(
        "prod_returns_note", lang, rate=format_pct(stats.ratio(units, sold)), units=format_int(units),
        sold=format_int(sold), base=format_pct(stats.ratio(base_units, base_sold)),
    )  # fmt: skip
    shown = frame[frame["units_returned"] > 0].head(report.config["report"]["top_n"])
    if shown.empty:
        return Panel(frame=frame, note=t("prod_no_returns", lang) + " " + note)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, max(3.6, 0.5 * len(shown) + 1.2)), dpi=plotting.DPI,
                                      layout="constrained")  # fmt: skip
    legend = (t("prod_this_month", lang), t("prod_trailing", lang))
    plotting.plot_bar_compare(shown, unit="pct", label="product_name", current="return_rate",
                              baseline="baseline_rate", ax=left, lang=lang, legend=legend,
                              title=t("prod_returns_title", lang))  # fmt: skip
    plotting.plot_bar_compare(reasons, unit="count", label="reason", current="units", baseline="baseline_units",
                              ax=right, lang=lang, legend=legend, title=t("prod_reasons_title", lang))  # fmt: skip
    cells = table(
        shown.assign(top_reason=shown["top_reason"].fillna("—")),
        [
            ("product_name", "prod_product", None),
            ("units_sold", "prod_units", "int"),
            ("units_returned", "prod_returned", "int"),
            ("return_rate", "prod_return_rate", "pct"),
            ("baseline_rate", "prod_trailing", "pct"),
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
