"""两极分化: the Lorenz curve of rep revenue, the Gini coefficient and the top reps' share against usual."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .. import evidence
from ..data import facts
from ..data.reps import rep_label
from ..display.bounded import bounded, bounded_note
from ..display.formatting import format_amount, format_amounts, format_pct
from ..display.panel import Panel
from ..display.plotting.people import plot_lorenz
from ..findings import finding
from ..i18n import t
from ..periods import averaged_months
from ..report import Report, scope_memo
from .common import month_rows


def gini(values: Any) -> float:
    """Gini coefficient of non-negative amounts: 0 when everyone has the same, towards 1 when one has all.

    Uses G = 2·Σ i·x₍ᵢ₎ / (n·Σx) − (n+1)/n over the values sorted ascending (i = 1..n), which lies in
    [0, (n−1)/n]. Negative values are treated as 0; NaN when there are no values or they sum to 0.
    """
    x = np.sort(np.clip(np.asarray(values, dtype=float), 0.0, None))
    x = x[~np.isnan(x)]
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return float("nan")
    ranks = np.arange(1, n + 1)
    return float(max(0.0, 2.0 * np.sum(ranks * x) / (n * total) - (n + 1) / n))


def top_count(n: int, share: float = 0.2) -> int:
    """How many of ``n`` values the top ``share`` holds: rounded up, at least one (the top 20% of 12 reps: 3)."""
    return max(1, math.ceil(share * n - 1e-9))


def top_share(values: Any, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of the values (:func:`top_count`); NaN for a zero total."""
    x = np.sort(np.clip(np.asarray(values, dtype=float), 0.0, None))[::-1]
    x = x[~np.isnan(x)]
    if len(x) == 0 or x.sum() <= 0:
        return float("nan")
    return float(x[: top_count(len(x), share)].sum() / x.sum())


def lorenz_points(values: Any) -> pd.DataFrame:
    """Points of the Lorenz curve: cumulative share of reps (poorest first) against cumulative share of revenue."""
    x = np.sort(np.clip(np.asarray(values, dtype=float), 0.0, None))
    x = x[~np.isnan(x)]
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return pd.DataFrame({"rep_share": [0.0, 1.0], "revenue_share": [0.0, 1.0]})
    return pd.DataFrame(
        {
            "rep_share": np.concatenate([[0.0], np.arange(1, len(x) + 1) / len(x)]),
            "revenue_share": np.concatenate([[0.0], np.cumsum(x) / total]),
        }
    )


def active_rep_revenue(report: Report, month: str) -> pd.Series:
    """Revenue per rep active in ``month`` (sold in scope or had a target there)."""
    now = month_rows(report, month)
    if now is None:
        return pd.Series(dtype=float, index=pd.Index([], name="rep_id"), name="revenue")
    now = now[(now["revenue"] > 0) | now["target"].notna()]
    return now["revenue"].rename_axis("rep_id").sort_index()


@scope_memo  # the rule, the panel and the published metrics read one computation
def polarization_metrics(report: Report) -> dict[str, float | int | None]:
    """Gini and top-share (``team.top_share``) of rep revenue this period, and the Gini over the trailing months.

    ``shortfall`` is what the reps below the median would add by reaching the median rep's revenue;
    ``gini_spread`` the month-to-month standard deviation of the Gini over the ``team.own_months`` months before
    the period (how much it moves on its own, with ``gini_months`` months measured).
    """
    share = report.settings("team")["top_share"]
    revenue = active_rep_revenue(report, report.period)
    baseline = [gini(active_rep_revenue(report, m)) for m in report.trailing()]
    baseline = [g for g in baseline if not math.isnan(g)]
    history = [gini(active_rep_revenue(report, m)) for m in report.history(report.settings("team")["own_months"])]
    history = [g for g in history if not math.isnan(g)]
    median = float(revenue.median()) if len(revenue) else float("nan")
    shortfall = float((median - revenue[revenue < median]).sum()) if len(revenue) else 0.0
    value = gini(revenue)
    return {
        "reps": int(len(revenue)),
        "gini": None if math.isnan(value) else value,
        "top_share": None if len(revenue) == 0 or math.isnan(top_share(revenue, share)) else top_share(revenue, share),
        "baseline_gini": float(np.mean(baseline)) if baseline else None,
        "gini_spread": float(np.std(history, ddof=1)) if len(history) > 2 else None,
        "gini_months": len(history),
        "median_revenue": None if math.isnan(median) else median,
        "shortfall": shortfall,
    }


def polarization_frame(report: Report) -> pd.DataFrame:
    """Reps this period sorted by revenue (lowest first) with cumulative shares: the Lorenz curve's points."""
    revenue = active_rep_revenue(report, report.period)
    frame = revenue.rename("revenue").reset_index().sort_values(["revenue", "rep_id"], kind="stable")
    total = frame["revenue"].sum()
    frame["label"] = [rep_label(report.ds, r, report.lang) for r in frame["rep_id"]]
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["rep_share"] = np.arange(1, len(frame) + 1) / max(len(frame), 1)
    frame["revenue_share"] = frame["share"].cumsum()
    return frame.reset_index(drop=True)


def rise_without(report: Report, customer_id: str) -> tuple[float, float] | None:
    """The Gini's rise over its trailing mean this month, and the rise left without one customer's extra orders.

    One customer's exceptional order makes its rep the team's top and the team look split (a 205,000 order of a
    paper wholesaler's customer: Gini 0.41 where 0.23). Its extra is what it bought beyond its own monthly mean
    over the trailing months, taken from its reps in proportion to their part of its month. ``None`` without the
    month's or the trailing Gini.
    """
    m = polarization_metrics(report)
    if m["gini"] is None or m["baseline_gini"] is None:
        return None
    revenue = active_rep_revenue(report, report.period)
    orders = facts.in_region(facts.order_facts(report.ds), report.region)
    theirs = orders[(orders["customer_id"].astype(str) == str(customer_id)).to_numpy()]
    months = report.trailing()
    now = facts.in_months(theirs, report.period).groupby("rep_id")["revenue"].sum().reindex(revenue.index)
    now = now.fillna(0.0)
    usual = float(facts.in_months(theirs, months)["revenue"].sum()) / len(months) if months else 0.0
    extra = max(float(now.sum()) - usual, 0.0)
    less = now * (extra / float(now.sum())) if now.sum() > 0 else now
    left = gini((revenue - less).clip(lower=0.0))
    return m["gini"] - m["baseline_gini"], (0.0 if math.isnan(left) else left) - m["baseline_gini"]


def fmt_ratio(value: float | None) -> str:
    """``0.47`` (a Gini coefficient in a note or finding); ``—`` when missing."""
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def polarization(report: Report) -> list[dict[str, Any]]:
    """Rule rep_polarization: thresholds.team.{polarization_min_reps, polarization_rise, polarization_spread, fdr}.

    The business rule: the Gini of rep revenue is ``polarization_rise`` or more above the trailing months' Gini,
    with at least ``polarization_min_reps`` reps in scope (whatever its level: a team going from even to uneven
    is the news). The evidence: the rise against the Gini's own month-to-month spread over ``team.own_months``
    months (at least ``polarization_spread``), a one-sided normal p-value below ``fdr``. Effect: the lower half's
    shortfall to the median rep. Severity: medium (a confirmed shift of the team's shape; not high, the shortfall
    is the team's shape, not money lost this month).
    """
    thr = report.thresholds("team")
    m = polarization_metrics(report)
    if m["reps"] < thr["polarization_min_reps"] or m["gini"] is None or m["baseline_gini"] is None:
        return []
    rise = m["gini"] - m["baseline_gini"]
    if rise < thr["polarization_rise"] or m["gini_spread"] is None:
        return []
    p_value = float(stats.norm.sf(rise / max(m["gini_spread"], thr["polarization_spread"])))
    if not evidence.confirmed(p_value, thr["fdr"]):
        return []
    values = {
        "gini": fmt_ratio(m["gini"]),
        "baseline": fmt_ratio(m["baseline_gini"]),
        **_top_values(report, m),
        "effect": format_amount(m["shortfall"], report.lang),
        "months": averaged_months(report.trailing(), report.baselines),
    }
    return [
        finding(
            report,
            "rep_polarization",
            {},
            values,
            angle="team",
            metric="gini",
            value=m["gini"],
            baseline=m["baseline_gini"],
            effect=m["shortfall"],
            severity=evidence.severity(
                report, m["shortfall"], p_value, strong_q=thr["strong_q"], strengthen=True, cap=True
            ),
        )
    ]


def _top_values(report: Report, m: dict[str, Any]) -> dict[str, str]:
    """The top reps' words: their share of revenue, the ``team.top_share`` they are and how many reps that is."""
    share = report.settings("team")["top_share"]
    return {
        "top": format_pct(m["top_share"]),
        "top_part": f"{share * 100:g}%",
        "top_n": str(top_count(m["reps"], share)),
    }


def metrics(report: Report) -> dict[str, Any]:
    """gini, top20_share, baseline_gini."""
    pol = polarization_metrics(report)
    return {"gini": pol["gini"], "top20_share": pol["top_share"], "baseline_gini": pol["baseline_gini"]}


def polarization_panel(report: Report) -> Panel:
    """两极分化: the Lorenz curve of rep revenue, the Gini coefficient and the top-20% reps' share."""
    lang = report.lang
    frame = polarization_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("team_no_reps", lang))
    m = polarization_metrics(report)
    points = pd.concat(
        [pd.DataFrame({"rep_share": [0.0], "revenue_share": [0.0]}), frame[["rep_share", "revenue_share"]]]
    )
    ax = plot_lorenz(points, lang=lang, title=f"{t('team_lorenz_title', lang)} · {report.region_label}")
    shown = frame.sort_values(["revenue", "rep_id"], ascending=[False, True], kind="stable")
    shown = bounded(shown, report, "label", ["revenue", "share"])
    table = pd.DataFrame(
        {
            t("team_rep", lang): shown["label"],
            t("revenue", lang): format_amounts(shown["revenue"], lang),
            t("share", lang): shown["share"].map(format_pct),
        }
    )
    note = t(
        "team_polarization_note",
        lang,
        gini=fmt_ratio(m["gini"]),
        baseline=fmt_ratio(m["baseline_gini"]),
        **_top_values(report, m),
        n=m["reps"],
        months=averaged_months(report.trailing(), report.baselines),
    )
    note = " ".join(p for p in (note, bounded_note(shown, lang)) if p)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
