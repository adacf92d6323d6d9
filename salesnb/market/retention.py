"""客户留存: of the customers who bought in the trailing window, the share who buy again (``customer_churn_rise``).

**Retention** of a month: of the customers who bought in the ``baselines.trailing_months`` months before it,
the share who buy again in the month; the others are **lapsed**. A **returning buyer** is a buyer acquired
before the month.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..angle import BUYERS, metrics_need
from ..data.customers import customer_facts
from ..display.formatting import format_amount, format_int, format_pct
from ..display.panel import Panel, needs
from ..display.plotting.customers import plot_monthly
from ..evidence import confirmed, q_values
from ..findings import finding
from ..i18n import days_through, t
from ..periods import ALL
from ..report import Report, scope_memo
from ..seasons import festival_months, in_festival_block, year_back
from ..stats import betabinom_low, intraclass, predictive_low
from ..trend import trend_rows
from .common import (
    NAME,
    acquisition_history,
    all_months,
    fmt_count,
    history,
    last_year,
    partial_days,
    peer_factor,
    rule_severity,
)
from .keys import Cells, customer_ids, customer_month_revenue

SEASON_MIN_MONTHS = 3  # known months a year back that a usual rate for the season factor needs


@scope_memo  # the rules and the panel read one computation (the panel's after the rules' tables are let go)
def retention_months(report: Report, region: str | None = None) -> pd.DataFrame:
    """Buyers, returning buyers, retention and lapsing per month in a scope (all months of the data).

    Columns: month, buyers, returning_buyers (acquired before the month), repeat_rate (their share of
    buyers), revenue, returning_revenue, window_buyers (bought in the ``baselines.trailing_months`` months
    before), retained (of them, bought in the month), lapsed (did not), retention_rate, retained_revenue.
    The first months, whose window is not fully inside the data, have NaN retention.
    """
    scope = report.region if region is None else region
    k = report.config["baselines"]["trailing_months"]

    def build(ds) -> pd.DataFrame:
        cells, months = customer_month_revenue(report, scope), all_months(ds)
        return retention_counts(cells, months, _acquired_after(report, months)[cells.customer], k)

    return report.cached(NAME, f"retention_months:{scope}:{k}", build)


def _acquired_after(report: Report, months: list[str]) -> np.ndarray:
    """Per customer code, the position in ``months`` of the first month after its acquisition month; once per dataset.

    ``len(months)`` for a customer without an acquisition month: never a returning buyer in the data.
    """

    def build(ds) -> np.ndarray:
        acquired = customer_facts(ds)["acquired_month"].reindex(customer_ids(report))
        return _first_after(acquired, months)

    return report.cached(NAME, "acquired_after", build)


def _first_after(acquired: pd.Series, months: list[str]) -> np.ndarray:
    """Per value of ``acquired`` (a month label), the position in ``months`` of the first month after it."""
    known = acquired.notna().to_numpy()
    after = np.full(len(acquired), len(months), dtype=np.intp)
    values = acquired.to_numpy(dtype=object)[known]
    after[known] = np.searchsorted(np.array(months, dtype=object), values, side="right")
    return after


def retention_table(cells: Cells, acquired: pd.Series, months: list[str], k: int) -> pd.DataFrame:
    """:func:`retention_months` of the revenue per customer and month ``cells`` over ``months`` (all of theirs).

    ``acquired`` is the acquisition month per customer id, ``k`` the window in months.
    """
    after = _first_after(acquired.reindex(cells.ids), months)
    return retention_counts(cells, months, after[cells.customer], k)


def retention_counts(cells: Cells, months: list[str], after: np.ndarray, k: int) -> pd.DataFrame:
    """:func:`retention_table` of ``cells``, ``after`` the first month after each cell's customer was acquired.

    Counted from the cells alone, never a customers × months table: a cell is a buyer of its month, returning
    when its month is at or after ``after``, retained when its customer's previous cell is at most ``k`` months
    before; a customer is in the window of the months from its cell's month + 1 to + ``k`` (up to its next cell,
    which takes over from there). Revenue is added per month in customer order: the sums of that table's column
    sums.
    """
    n = len(months)
    column = pd.Index(months).get_indexer(cells.months)[cells.month]
    inside = column >= 0
    customer, column = cells.customer[inside], column[inside]
    revenue, after = cells.revenue[inside], after[inside]
    same = np.zeros(len(customer), dtype=bool)
    same[1:] = customer[1:] == customer[:-1]  # the cell before is the same customer's
    gap = np.diff(column, prepend=0)
    retained = same & (gap <= k)
    following = np.append(same[1:], False)  # the cell after is the same customer's
    until = np.minimum(column + k, np.where(following, np.append(column[1:], 0), n))
    covered = np.bincount(column + 1, minlength=n + 2) - np.bincount(np.minimum(until, n - 1) + 1, minlength=n + 2)
    returning = column >= after

    def count(mask: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(column if mask is None else column[mask], minlength=n)

    def total(mask: np.ndarray | None = None) -> np.ndarray:
        if mask is None:
            return np.bincount(column, weights=revenue, minlength=n)
        return np.bincount(column[mask], weights=revenue[mask], minlength=n)

    frame = pd.DataFrame(
        {
            "month": months,
            "buyers": count(),
            "returning_buyers": count(returning),
            "revenue": total(),
            "returning_revenue": total(returning),
            "window_buyers": np.cumsum(covered)[:n],
            "retained": count(retained),
            "retained_revenue": total(retained),
        }
    )
    frame["lapsed"] = frame["window_buyers"] - frame["retained"]
    frame["repeat_rate"] = frame["returning_buyers"] / frame["buyers"].where(frame["buyers"] > 0)
    frame["retention_rate"] = frame["retained"] / frame["window_buyers"].where(frame["window_buyers"] > 0)
    frame.loc[frame.index < k, ["retention_rate"]] = np.nan  # window reaches before the data
    return frame


@scope_memo  # the rules and the panel read one computation (the panel's after the rules' tables are let go)
def retention_test(report: Report, region: str | None = None) -> dict[str, Any]:
    """Retention of the period against the usual rate and last year, with the beta-binomial test.

    Retention swings from month to month more than independent customers would (a festival, a slow quarter):
    the test's spread is the history's own (:func:`~salesnb.stats.intraclass`), so an ordinary low month of a
    region that always swings is not a churn rise. A usual rate read off few window buyers is itself unsure
    (:func:`~salesnb.stats.predictive_low`; the larger p-value counts): a country of one customer who came back the
    one month counted has a usual 100 %, and his first month away read as a certain, high churn rise.

    Keys: window_buyers, retained, lapsed, rate, usual (pooled over ``market.history_months``), last_year,
    peer_factor (for a region: the rest of the company's retention this month against its usual rate, at most
    1, or in the 春节 block its own :func:`season_factor` where lower: a region the holiday empties, beside peers it
    does not, had its every festival month read as churn; for the company, which has no peers, and a region
    without any (the company's only one): :func:`season_factor`; ``festival_unknown``: :func:`festival_unknown`),
    baseline (usual × peer_factor: last year is
    shown, not a baseline, so growth does not hide a fall),
    expected (window_buyers × baseline: the customers expected back), p_value, avg_retained_revenue (usual revenue
    of a retained customer in a month), effect (customers missing against the baseline rate ×
    avg_retained_revenue), flagged (``customer_churn_rise``: rate at most (1 − ``thresholds.market.churn_drop``) ×
    baseline with effect at least ``thresholds.market.min_effect_share`` of the month's revenue, p_value below
    :func:`evidence_gate`; the rule adjusts it over the scopes), plus buyers, returning_buyers, repeat_rate,
    returning_revenue (``None`` in the data's warm-up: a buyer first seen may have bought before the export
    began, so returning buyers are not told from new ones, :func:`~salesnb.market.common.buyer_split`).
    """
    thr = report.thresholds(NAME)
    scope = report.region if region is None else region
    months, usual_months, usual, avg = _usual_rate(report, scope)
    row = months.loc[report.period]
    ly_month = last_year(report, region=scope)
    hist = months.loc[usual_months]
    ly = None
    if ly_month and not pd.isna(months.loc[ly_month, "retention_rate"]):
        ly = float(months.loc[ly_month, "retention_rate"])
    base, retained = int(row["window_buyers"]), int(row["retained"])
    factor, peers_known = 1.0, False
    if scope != ALL and usual is not None:
        company = retention_months(report, ALL).set_index("month")
        peers = company[["retained", "window_buyers"]] - months[["retained", "window_buyers"]]
        now, before = peers.loc[report.period], peers.loc[usual_months].sum()
        peers_known = bool(now["window_buyers"] > 0 and before["window_buyers"] > 0)
        if peers_known:
            factor = peer_factor(now["retained"] / now["window_buyers"], before["retained"] / before["window_buyers"])
    festival = False
    if usual is not None and not peers_known:  # the company, or a region alone in it: its own season
        factor = season_factor(report, months, scope)
        festival = festival_unknown(report, months, scope)
    elif usual is not None and in_festival_block(report.period):  # its own 春节, which its peers may not share
        factor = min(factor, season_factor(report, months, scope))
    baseline = None if usual is None else usual * factor
    rate = retained / base if base > 0 else float("nan")
    expected = (baseline or 0.0) * base
    missing = max(expected - retained, 0.0)
    effect = missing * avg if avg is not None else 0.0
    rho = intraclass(hist["retained"].to_numpy(), hist["window_buyers"].to_numpy())
    usual_base = float(hist["window_buyers"].sum())  # the trials the usual rate was read off: few make it unsure
    p_value = max(betabinom_low(retained, base, baseline, rho), predictive_low(retained, base, baseline, usual_base))
    flagged = (
        baseline is not None
        and base > 0
        and rate <= (1 - thr["churn_drop"]) * baseline
        and p_value < evidence_gate(thr, expected)
        and effect >= thr["min_effect_share"] * float(row["revenue"])
    )
    told = bool(acquisition_history(report, [report.period]))  # after the warm-up: new told from returning
    return {
        "buyers": int(row["buyers"]),
        "returning_buyers": int(row["returning_buyers"]) if told else None,
        "repeat_rate": None if pd.isna(row["repeat_rate"]) or not told else float(row["repeat_rate"]),
        "returning_revenue": float(row["returning_revenue"]) if told else None,
        "window_buyers": base,
        "retained": retained,
        "lapsed": int(row["lapsed"]),
        "rate": rate,
        "usual": usual,
        "last_year": ly,
        "peer_factor": factor,
        "baseline": baseline,
        "expected": expected,
        "p_value": p_value,
        "avg_retained_revenue": avg,
        "effect": effect,
        "flagged": bool(flagged),
        "festival_unknown": festival,
    }


def _usual_rate(report: Report, scope: str) -> tuple[pd.DataFrame, list[str], float | None, float | None]:
    """A scope's :func:`retention_months` (indexed by month), its usual months, usual rate and retained revenue.

    The usual rate is pooled over the scope's ``market.history_months`` with a known rate; the revenue is a
    retained customer's month over them (``None`` each without any).
    """
    months = retention_months(report, scope).set_index("month")
    usual_months = [m for m in history(report, region=scope) if not pd.isna(months.loc[m, "retention_rate"])]
    hist = months.loc[usual_months]
    usual = float(hist["retained"].sum() / hist["window_buyers"].sum()) if hist["window_buyers"].sum() > 0 else None
    avg = float(hist["retained_revenue"].sum() / hist["retained"].sum()) if hist["retained"].sum() > 0 else None
    return months, usual_months, usual, avg


def churn_in_region(report: Report, region: str) -> float:
    """The part of the company's churn rise that lies in ``region``: its missing returning customers' revenue.

    The region's window customers expected back at its own usual rate, scaled by the company's season as the
    company's baseline is (not by its peers: they share the fall being measured), less those who came back, times
    the region's retained customer's month. A company-wide churn's effect is the company's; a region's gap is
    held by the churn only as far as the region's own customers stayed away.
    """
    company = retention_test(report, ALL)
    months, _, usual, avg = _usual_rate(report, region)
    if usual is None or avg is None or not company["usual"] or report.period not in months.index:
        return 0.0
    row = months.loc[report.period]
    expected = float(row["window_buyers"]) * usual * company["baseline"] / company["usual"]
    return max(expected - float(row["retained"]), 0.0) * avg


def evidence_gate(thr: dict[str, Any], expected: float) -> float:
    """The q-value a fall needs: ``indicative_q``, or ``fdr`` when fewer than ``churn_few_retained`` are expected back.

    A region of a few returning customers swings by whole customers: 1 back where 3 were expected is an
    ordinary month one time in seven (binomial), inside indicative_q's one in five. Such a scope's fall is
    reported only when confirmed, as a region of few orders is (``thresholds.market.region_few_orders``).
    """
    return thr["fdr"] if expected < thr["churn_few_retained"] else thr["indicative_q"]


def season_factor(report: Report, months: pd.DataFrame, region: str = ALL) -> float:
    """A scope's retention a year back against its usual rate then, at most 1 (1 without that history).

    A region's usual rate is scaled by how the rest of the company retained this month, so a month every region
    shares (春节: buyers come back later) is not its fall; the company has no such peers, and its February after
    a January festival read as a churn rise, as did the region of a company of one region. Last year's month
    that played the same part (:func:`salesnb.seasons.year_back`: the festival month against last year's
    festival month) against its own ``market.history_months`` before it (at least ``SEASON_MIN_MONTHS`` of them
    known) measures the season. At most 1, as peer factors are: it explains a dip, it does not raise the bar.
    ``months``: :func:`retention_months` of ``region`` (default the company), indexed by month.
    """
    season = _year_back(report, months, region)
    return 1.0 if season is None else season


def _year_back(report: Report, months: pd.DataFrame, region: str) -> float | None:
    """:func:`season_factor`, ``None`` where last year's month or enough months before it are unknown."""
    back = year_back(report.period, festival_months(report.config))
    rates = months["retention_rate"].reindex([back, *history(report, back, region)])
    before = [m for m in rates.index[1:] if not pd.isna(rates[m])]  # as the usual rate: the months it is known
    if pd.isna(rates[back]) or len(before) < SEASON_MIN_MONTHS:
        return None
    usual = months.loc[before, "retained"].sum() / months.loc[before, "window_buyers"].sum()
    return min(1.0, float(rates[back]) / float(usual)) if usual > 0 else 1.0


def festival_unknown(report: Report, months: pd.DataFrame, region: str = ALL) -> bool:
    """Whether the period is in the 春节 block (January, February) with no year back to measure the festival by.

    Buyers come back later around 春节, so such a month's retention falls in every company; without peers (the
    company, a region alone) and without last year's same month the data cannot tell the festival from churn.
    """
    return in_festival_block(report.period) and _year_back(report, months, region) is None


def retention_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Retention per month for the ``months`` months up to the period, with each month's usual (pooled) rate."""
    frame = retention_months(report).copy()
    n = report.settings(NAME)["history_months"]
    valid = frame["retention_rate"].notna()
    retained = frame["retained"].where(valid, 0).shift(1).rolling(n, min_periods=1).sum()
    base = frame["window_buyers"].where(valid, 0).shift(1).rolling(n, min_periods=1).sum()
    frame["usual"] = retained / base.where(base > 0)
    return trend_rows(report, frame, months)


def churn_rise(report: Report) -> list[dict[str, Any]]:
    """Rule customer_churn_rise: the scopes (ALL: company and regions) whose :func:`retention_test` is flagged.

    Thresholds: ``thresholds.market.{churn_drop, churn_few_retained, min_effect_share, indicative_q, fdr, strong_q,
    collapse}``; the evidence is adjusted over the scopes tested (Benjamini–Hochberg) and read against
    :func:`evidence_gate`. A fall in the 春节 block that the data has no year back to measure the festival by
    (``festival_unknown``) is listed low, saying so: a late return is not yet churn.
    """
    out, thr = [], report.thresholds(NAME)
    k = report.config["baselines"]["trailing_months"]
    scopes = [(segment, retention_test(report, region)) for region, segment in report.scopes(company=True)]
    qs = q_values([test["p_value"] for _, test in scopes])
    for (segment, test), q in zip(scopes, qs, strict=True):
        if not (test["flagged"] and confirmed(q, evidence_gate(thr, test["expected"]))):
            continue
        values = {
            "where": report.where(segment),
            "k": k,
            "days": partial_days(report),
            "base": format_int(test["window_buyers"]),
            "retained": format_int(test["retained"]),
            "rate": format_pct(test["rate"]),
            "usual": format_pct(test["baseline"]),
            "lapsed": format_int(test["lapsed"]),
            "extra": format_int(max(test["window_buyers"] * test["baseline"] - test["retained"], 0.0)),
            "festival": t("mk_churn_festival_unknown", report.lang) if test["festival_unknown"] else "",
        }
        level = rule_severity(report, test["effect"], q, test["rate"] / test["baseline"] - 1)
        out.append(
            finding(
                report, "customer_churn_rise", segment, values, angle=NAME,
                metric="retention_rate", value=test["rate"], baseline=test["baseline"], effect=test["effect"],
                severity="low" if test["festival_unknown"] else level,
            )
        )  # fmt: skip
    return out


@metrics_need(BUYERS)
def metrics(report: Report) -> dict[str, Any]:
    """Buyers, returning buyers and their revenue, repeat-purchase and retention rate, lapsed customers."""
    test = retention_test(report)
    return {
        "buyers": test["buyers"],
        "returning_buyers": test["returning_buyers"],
        "repeat_purchase_rate": test["repeat_rate"],
        "returning_revenue": test["returning_revenue"],
        "retention_rate": None if math.isnan(test["rate"]) else test["rate"],
        "lapsed_customers": test["lapsed"],
    }


@needs(BUYERS)
def retention_panel(report: Report) -> Panel:
    """客户留存: the retention rate per month against its usual level, and this month's repeat-purchase figures."""
    lang, m = report.lang, report.settings(NAME)["history_months"]
    k = report.config["baselines"]["trailing_months"]
    frame = retention_frame(report)
    test = retention_test(report)
    months = retention_months(report).set_index("month")
    # the export's first months had no one to return yet (all first seen): no usual level of repeat buying
    hist = months.loc[acquisition_history(report, [h for h in history(report) if h in months.index])]
    m = len(hist) or m  # the usual is named by the months it averages: a short export has fewer than history_months
    ax = plot_monthly(
        frame, y="retention_rate", reference="usual", reference_label=t("mk_usual", lang, m=m),
        highlight=report.period, kind="pct", lang=lang, title=t("mk_retention_title", lang),
    )  # fmt: skip

    def usual(column: str) -> float | None:
        return float(hist[column].mean()) if len(hist) else None

    def pooled(part: str, whole: str) -> float | None:
        return float(hist[part].sum() / hist[whole].sum()) if len(hist) and hist[whole].sum() > 0 else None

    rows = [  # the usual counts are means, to one decimal where not whole: 570.4 = 0.6 retained + 569.8 lapsed
        (t("mk_buyers", lang), format_int(test["buyers"]), fmt_count(usual("buyers"))),
        (t("mk_returning_buyers", lang), format_int(test["returning_buyers"]), fmt_count(usual("returning_buyers"))),
        (t("mk_repeat_rate", lang), format_pct(test["repeat_rate"]), format_pct(pooled("returning_buyers", "buyers"))),
        (
            t("mk_returning_revenue", lang),
            format_amount(test["returning_revenue"], lang),
            format_amount(usual("returning_revenue"), lang),
        ),
        (t("mk_window_buyers", lang, k=k), format_int(test["window_buyers"]), fmt_count(usual("window_buyers"))),
        (t("mk_retained", lang), format_int(test["retained"]), fmt_count(usual("retained"))),
        (t("mk_lapsed", lang), format_int(test["lapsed"]), fmt_count(usual("lapsed"))),
        (t("mk_retention_rate", lang), format_pct(test["rate"]), format_pct(test["usual"])),
    ]
    table = pd.DataFrame(
        {
            t("mk_metric", lang): [r[0] for r in rows],
            t("mk_value", lang): [r[1] for r in rows],
            t("mk_usual", lang, m=m): [r[2] for r in rows],
        }
    )
    note = t("mk_retention_note", lang, k=k, m=m)
    if test["returning_buyers"] is None:  # the data's warm-up: returning buyers not told from new ones
        note += " " + t("mk_repeat_warm_up", lang)
    if report.partial:  # the window's counts are days 1..D of each month too: say so beside them
        note += " " + t("mk_retention_partial", lang, days=days_through(report.through_day, lang), k=k)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
