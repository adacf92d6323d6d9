"""新客户获取: new customers per month against their usual level (``new_customer_drop``), and by lead source.

A **new customer** of a month is one acquired in it (its acquisition month: the earlier of
``customers.acquired_at`` and its first order), counted in the region of its first order. Customers bought
before the data window are not new just because their first order in the data is recent.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..angle import BUYERS, metrics_need
from ..data import facts
from ..data.customers import customer_facts
from ..display.formatting import format_amount, format_amounts, format_chance, format_int
from ..display.panel import Panel, needs
from ..display.plotting.customers import plot_monthly
from ..evidence import q_values
from ..expect import expected
from ..findings import finding
from ..i18n import t
from ..periods import ALL
from ..report import Report, scope_memo
from ..stats import change, dispersion, poisson_low
from ..trend import trend_rows
from .common import (
    NAME,
    acquisition_history,
    all_months,
    fmt_count,
    fmt_num,
    history,
    last_year,
    partial_days,
    peer_factor,
    rule_severity,
    scope_months,
    scope_warm_up,
    shrunk,
    signed,
    supported,
)
from .retention import retention_months


def _acquisition_orders(report: Report) -> pd.DataFrame:
    """The orders placed in their customer's acquisition month (month, region, revenue), with its first region.

    Built once per dataset: each scope's :func:`new_customer_months` keeps its own rows of it.
    """

    def build(ds) -> pd.DataFrame:
        cust = customer_facts(ds)
        cust = cust[cust["new_month"].notna()]
        orders = facts.order_facts(ds)
        at = facts.positions(cust.index, orders["customer_id"])  # one lookup for both columns
        first = orders["month"] == facts.take(cust["new_month"], at, orders.index)
        rows = orders.loc[first, ["month", "region", "revenue"]]
        return rows.assign(first_region=facts.take(cust["first_region"], at[first.to_numpy()], rows.index))

    return report.cached(NAME, "acquisition_orders", build)


@scope_memo  # the rules and the panel read one computation (the panel's after the rules' tables are let go)
def new_customer_months(report: Report, region: str | None = None) -> pd.DataFrame:
    """New customers per month in a scope (all months of the data, no gaps), and their first-month revenue.

    A customer belongs to the region of its first order (its home region when it has none). Columns: month,
    new_customers, first_revenue (their revenue in scope in the month they were acquired).
    """
    scope = report.region if region is None else region

    def build(ds) -> pd.DataFrame:
        cust = customer_facts(ds)
        first = _acquisition_orders(report)
        if scope != ALL:
            cust = cust[cust["first_region"] == scope]
            first = first[(first["region"] == scope) & (first["first_region"] == scope)]
        cust = cust[cust["new_month"].notna()]
        months = all_months(ds)
        return pd.DataFrame(
            {
                "month": months,
                "new_customers": cust.groupby("new_month").size().reindex(months, fill_value=0).to_numpy(),
                "first_revenue": first.groupby("month")["revenue"].sum().reindex(months, fill_value=0.0).to_numpy(),
            }
        )

    return report.cached(NAME, f"new_customer_months:{scope}", build)


def own_expectation(counts: np.ndarray, months: int, floor: float = 0.0) -> float | None:
    """What a scope's own history leads one to expect of next month's count: its usual level, moved by the trend.

    ``counts``: the scope's months before the one judged, oldest first; the usual level is the mean of the last
    ``months`` of them. The trend and season (:func:`salesnb.expect.expected`) of a few customers a month are
    mostly noise: a line through 3, 6, 2, 5, 1 runs to 0 and a clipped season can too, so every drop would read
    as "as expected". The usual level is moved only as far as the forecast's own interval (80%) requires: where
    the history really trends or swings with the season the interval excludes the usual level and the
    expectation follows the forecast; where the forecast is as uncertain as small counts make it, the usual
    level stands. Never below ``floor`` × the lower of the usual level and the last half of its months: a season
    read from two cycles of a few customers, or a line run past the last months, can still put the whole
    interval near 0, while a history that really went there has already brought its last months down. ``None``
    without history.
    """
    values = np.asarray(counts, dtype=float)
    if not len(values) or months < 1:
        return None
    forecast = expected(values)
    usual = float(values[-months:].mean())
    recent = float(values[-max(min(months, len(values)) // 2, 1) :].mean())
    return float(max(min(max(usual, forecast.low), forecast.high), floor * min(usual, recent)))


@scope_memo  # the rules and the panel read one computation (the panel's after the rules' tables are let go)
def new_customer_test(report: Report, region: str | None = None) -> dict[str, Any]:
    """New customers of the period against the usual month and last year, with the Poisson test.

    Keys: count, usual (mean over ``market.history_months``), last_year, peer_factor (for a region: how the
    rest of the company's new customers did this month against their usual level; for the whole company: how
    its returning buyers did; both with ``market.new_customer_prior`` customers added to either side, so a
    handful of peers' customers falling to none does not zero the expectation; at most 1), peers_now and
    peers_usual (those peers' count this month and usual level, ``None`` without a usual level), peers_are_regions
    (whether the peers are the other regions' new customers, not the returning buyers), baseline (the
    scope's own expectation, :func:`own_expectation`, × peer_factor), change, p_value (negative binomial: the
    usual months' variance ÷ mean, × (1 + 1/n) for the error of a level read from n months), avg_first_revenue
    (mean first-month revenue of a new
    customer over the history months), effect (missing customers × avg_first_revenue), rule (the business rule
    of ``new_customer_drop``: count at most (1 − ``thresholds.market.new_customer_drop``) × baseline, at least
    ``thresholds.market.new_customer_min_missing`` customers missing, with effect at least
    ``thresholds.market.min_effect_share`` of the scope's revenue), flagged (the rule, with a p_value
    below ``thresholds.market.indicative_q``; the rule adjusts it over the scopes of the report), settled (the
    period lies after the data's warm-up, :func:`~salesnb.market.common.acquisition_history`: else its count is of
    buyers first seen in the export, no usual level is read and nothing fires).
    """
    thr = report.thresholds(NAME)
    scope = report.region if region is None else region
    months = new_customer_months(report, scope).set_index("month")
    usual_months = acquisition_history(report, history(report, region=scope), scope)  # the scope's own months
    ly_month = last_year(report, region=scope)
    ly_month = ly_month if ly_month and acquisition_history(report, [ly_month], scope) else None
    settled = bool(acquisition_history(report, [report.period], scope))
    if not settled:  # within the warm-up: first seen is not new
        usual_months = []
    count = int(months["new_customers"].get(report.period, 0))
    hist = months.reindex(usual_months)
    usual = float(hist["new_customers"].mean()) if usual_months else None
    ly = float(months["new_customers"].get(ly_month)) if ly_month else None
    factor, peers = 1.0, (None, None)
    prior = report.settings(NAME)["new_customer_prior"]
    if scope != ALL and usual is not None:  # peers: the rest of the company's new customers
        company = new_customer_months(report, ALL).set_index("month")["new_customers"]
        rest_now = float(company.get(report.period, 0)) - count
        rest_usual = float(company.reindex(usual_months).mean()) - usual
        # the rest's dip is read from a few dozen customers: kept only as far as it stands out of their count
        # noise (a region's own stream does not fall because its peers' chance month did)
        noise = math.sqrt(1 / (rest_now + prior) + 1 / (len(usual_months) * (rest_usual + prior)))
        factor, peers = shrunk(peer_factor(rest_now + prior, rest_usual + prior), noise), (rest_now, rest_usual)
    elif usual is not None:  # the whole company: its returning customers' buying (the same seasons, not acquisition)
        returning = retention_months(report, ALL).set_index("month")["returning_buyers"]
        peers = float(returning.get(report.period, 0)), float(returning.reindex(usual_months).mean())
        factor = peer_factor(peers[0] + prior, peers[1] + prior)
    span = acquisition_history(report, report.history(report.settings(NAME)["expect_months"], region=scope), scope)
    history_counts = months["new_customers"].reindex(span).fillna(0.0).to_numpy()
    own = own_expectation(history_counts, len(usual_months), report.settings(NAME)["new_customer_floor"])
    baseline = None if usual is None or own is None else own * factor
    hist_new = float(hist["new_customers"].sum()) if usual_months else 0.0
    avg_first = float(hist["first_revenue"].sum()) / hist_new if hist_new > 0 else None
    missing = max((baseline or 0.0) - count, 0.0)
    effect = missing * avg_first if avg_first is not None else 0.0
    spread = dispersion(hist["new_customers"]) * (1 + 1 / max(len(usual_months), 1))  # + the level's own error
    p_value = poisson_low(count, baseline, spread)
    scope_revenue = float(scope_months(report, report.period, region)["revenue"].sum())
    rule = (
        baseline is not None
        and count <= (1 - thr["new_customer_drop"]) * baseline
        and missing >= thr["new_customer_min_missing"]
        and effect >= thr["min_effect_share"] * scope_revenue
    )
    return {
        "count": count,
        "usual": usual,
        "last_year": ly,
        "peer_factor": factor,
        "peers_now": peers[0],
        "peers_usual": peers[1],
        "peers_are_regions": scope != ALL,
        "baseline": baseline,
        "change": change(count, baseline),
        "p_value": p_value,
        "avg_first_revenue": avg_first,
        "effect": effect,
        "rule": bool(rule),
        "flagged": bool(rule and p_value < thr["indicative_q"]),
        "settled": settled,
    }


def new_customers_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """New customers per month for the ``months`` months up to the period, with the usual level of each month.

    Columns: period, new_customers, first_revenue, usual (mean of the ``market.history_months`` months before).
    """
    frame = new_customer_months(report).copy()
    n = report.settings(NAME)["history_months"]
    counted = frame["month"].isin(acquisition_history(report, list(frame["month"])))
    frame["usual"] = frame["new_customers"].where(counted).shift(1).rolling(n, min_periods=1).mean()
    return trend_rows(report, frame, months)


def new_customers_by_source(report: Report) -> pd.DataFrame:
    """New customers per acquisition source (``customers.acquisition_channel``): this period, usual, last year."""
    cust = customer_facts(report.ds)
    if report.region != ALL:
        cust = cust[cust["first_region"] == report.region]
    usual_months, ly_month = acquisition_history(report, history(report)), last_year(report)
    counts = cust.groupby(["source", "new_month"]).size().unstack(fill_value=0)
    frame = pd.DataFrame(index=counts.index)
    frame["new_customers"] = counts.get(report.period, 0)
    frame["usual"] = counts.reindex(columns=usual_months, fill_value=0).mean(axis=1) if usual_months else np.nan
    frame["last_year"] = counts.get(ly_month, 0) if ly_month else np.nan
    frame = frame[(frame["new_customers"] > 0) | (frame["usual"] > 0)].rename_axis("source").reset_index()
    frame["new_customers"] = frame["new_customers"].astype(int)
    return frame.sort_values(["new_customers", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def scope_tests(report: Report) -> list[tuple[str, dict[str, str], dict[str, Any]]]:
    """``(region, segment, new_customer_test)`` per scope a rule checks (ALL: company and regions), once per report.

    ``acquisition_cost_high`` reads it too: where all acquisition fell, one finding is enough.
    """

    def build() -> list[tuple[str, dict[str, str], dict[str, Any]]]:
        return [(region, segment, new_customer_test(report, region)) for region, segment in report.scopes(company=True)]

    return report.memo(f"{NAME}_new_customer_tests", build)


def _check_against(report: Report) -> str:
    """What a new-customer drop is checked against in its detail: the deals and leads the data has, else channels."""
    deals, leads = report.ds.has("opportunities"), report.ds.has("leads")
    return {(True, True): "mk_check_both", (True, False): "mk_check_deals", (False, True): "mk_check_leads"}.get(
        (deals, leads), "mk_check_channels"
    )


def new_customer_drop(report: Report) -> list[dict[str, Any]]:
    """Rule new_customer_drop: the business rule of :func:`new_customer_test` fires it; the evidence sizes it.

    A region acquires five to fifteen customers a month: a third of them missing (6 → 4) is a problem to chase,
    yet an ordinary month is that low about one time in three, so no count test can confirm it. A region's own
    report (one scope, a family of one) therefore reports the fired rule, with the chance of an ordinary month in
    its detail: at least medium once that chance is below ``indicative_q`` (one in five), low (to watch) above it;
    high only when the evidence is strong (``strong_q``) and the revenue at stake large. The ALL report scans the
    company and every region (six tests): there a scope is reported only when its evidence holds across them
    (flagged, with a Benjamini–Hochberg q-value below ``indicative_q``), so the company view is not one region's
    ordinary swing in six.

    Thresholds: ``thresholds.market.{new_customer_drop, min_effect_share, indicative_q, fdr, strong_q, collapse}``.
    """
    lang, thr = report.lang, report.thresholds(NAME)
    tests = scope_tests(report)
    qs = q_values([test["p_value"] for _, _, test in tests])
    out = []
    for (_, segment, test), q in zip(tests, qs, strict=True):
        if not (test["rule"] if report.region != ALL else test["flagged"] and supported(q, thr)):
            continue
        level = rule_severity(report, test["effect"], q, test["change"])
        values = {
            "where": report.where(segment),
            "count": format_int(test["count"]),
            "days": partial_days(report),
            "baseline": fmt_count(test["baseline"]),
            "usual": fmt_count(test["usual"]),
            "last_year": format_int(test["last_year"]),
            "change": signed(test["change"]),
            "avg": format_amount(test["avg_first_revenue"], lang),
            "missing": format_int(max(test["baseline"] - test["count"], 0.0)),  # 约 124 个: whole customers
            "effect": format_amount(test["effect"], lang),
            "chance": format_chance(test["p_value"]),
            "check": t(_check_against(report), lang),
            "peers": _peers_clause(test, lang),
        }
        deals = report.ds.has("opportunities")  # the action chases slipped deals only where deals are recorded
        out.append(
            finding(
                report, "new_customer_drop", segment, values, angle=NAME,
                metric="new_customers", value=test["count"], baseline=test["baseline"], effect=test["effect"],
                severity=_at_least_medium(level, q, thr),
                action_key=None if deals else "finding_new_customer_drop_action_channels",
            )
        )  # fmt: skip
    return out


def _peers_clause(test: dict[str, Any], lang: str) -> str:
    """Why the baseline is below the usual level, when the peers lowered it (``""`` otherwise).

    The peers are the rest of the company's new customers (a region) or the returning buyers (the company), this
    month against their usual level.
    """
    if not test["peer_factor"] < 1 or test["peers_now"] is None:
        return ""
    key = "mk_new_customer_peers_region" if test["peers_are_regions"] else "mk_new_customer_peers"
    return t(key, lang, now=format_int(test["peers_now"]), usual=fmt_count(test["peers_usual"]))


def _at_least_medium(level: str, q: float, thr: dict) -> str:
    """A fired rule's severity: at least medium once an ordinary month would be this low less than one time in five.

    A region winning three or four customers a month has months of one or two by chance (the chance near one in
    three): listed low, to watch, with the chance in its detail, not a problem the review must take up.
    """
    if not supported(q, thr):
        return "low"
    return "medium" if level == "low" else level


@metrics_need(BUYERS)
def new_customer_metrics(report: Report) -> dict[str, Any]:
    """New customers this month and in the usual month; ``None`` in the data's warm-up (buyers first seen, not new)."""
    new = new_customer_test(report)
    return {"new_customers": new["count"] if new["settled"] else None, "new_customers_usual": new["usual"]}


@needs(BUYERS)
def new_customers_panel(report: Report) -> Panel:
    """新客户获取: new customers per month against the usual level, and this month's by acquisition source."""
    lang, m = report.lang, report.settings(NAME)["history_months"]
    m = len(acquisition_history(report, history(report))) or m  # named by the months it averages (a short export)
    frame = new_customers_frame(report)
    ax = plot_monthly(
        frame, y="new_customers", reference="usual", reference_label=t("mk_usual", lang, m=m),
        highlight=report.period, lang=lang, title=t("mk_new_title", lang),
    )  # fmt: skip
    if "acquisition_channel" in report.ds.present_columns.get("customers", ()):  # else every source 未知: no table
        sources = new_customers_by_source(report)
        table = pd.DataFrame(
            {
                t("mk_source", lang): sources["source"],
                t("mk_new_customers", lang): sources["new_customers"].map(format_int),
                t("mk_usual", lang, m=m): sources["usual"].map(lambda v: fmt_num(v)),
                t("mk_yoy", lang): sources["last_year"].map(format_int),
            }
        )
    else:
        row = frame[frame["period"] == report.period]
        table = pd.DataFrame(
            {
                t("period", lang): row["period"],
                t("mk_new_customers", lang): row["new_customers"].map(format_int),
                t("mk_usual", lang, m=m): row["usual"].map(lambda v: fmt_num(v)),
                t("mk_first_revenue", lang): format_amounts(row["first_revenue"], lang),
            }
        )
    note = t("mk_new_note", lang, m=m)
    if not new_customer_test(report)["settled"]:  # first seen in the export is not new: say so, judge nothing
        (first, start), end = scope_warm_up(report), facts.data_months(report.ds)[1]
        key = "mk_new_warm_up" if start <= end else "mk_new_too_early"
        note += t(key, lang, first=first, start=start)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
