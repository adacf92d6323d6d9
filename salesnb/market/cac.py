"""获客成本: cost per new customer (CAC) per lead source against its usual level (``acquisition_cost_high``).

New customers are counted by ``customers.acquisition_channel`` and acquisition month, spend by
``marketing_spend.channel`` (the same source names). A scope where all acquisition fell is reported once, as
``new_customer_drop``, not again per source.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..angle import BUYERS, metrics_need
from ..data.customers import customer_facts
from ..data.dataset import Dataset
from ..display.formatting import format_amount, format_int, table
from ..display.panel import Panel, needs
from ..display.plotting import plot_bar_compare
from ..evidence import confirmed, q_values
from ..findings import finding
from ..i18n import t
from ..periods import ALL
from ..report import Report, scope_memo
from ..stats import dispersion, poisson_low
from .acquisition import scope_tests
from .common import NAME, acquisition_history, fmt_num, report_rows, rule_severity, signed

PRIOR_CUSTOMERS = 0.5  # customers added to a source's counts, pro rata over its months (a continuity correction)


def spend_has_region(ds: Dataset) -> bool:
    """Whether ``marketing_spend`` names the region of its spend (region reports need it)."""
    spend = ds.get("marketing_spend")
    return spend is not None and "region" in spend.columns and spend["region"].notna().any()


@scope_memo  # the rules and the panel read one computation (the panel's after the rules' tables are let go)
def acquisition_cost_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Marketing spend, new customers and acquisition cost (CAC) per lead source this period and usually.

    A region's source wins a customer or two a month, too few for a month's spend ÷ its customers to mean
    anything. So the **pace** of acquisition is pooled: new customers per month over the ``market.cac_months``
    months up to the period, with one usual stretch of that length added (a customer more or less does not swing
    a source winning a few a quarter), against the ``market.cac_usual_months`` months before those (pooled too).
    The period's spend is set against that pace: a spend surge that brings no more customers raises the cost at
    once, a fall of the pace raises it too.

    Columns: source, spend (the period's), new_customers (the period's), recent_new (over the recent months),
    usual_spend, usual_new (monthly means over the usual months), usual_cac (their ratio), spend_ratio (spend ÷
    usual_spend), pace_ratio (the pooled recent pace ÷ usual_new), cac (spend ÷ the pooled pace), cac_ratio
    (spend_ratio ÷ pace_ratio), expected_new (the recent months' new customers the spend would buy at usual_cac),
    p_value (:func:`_evidence`: the spend beyond its own months' range, or fewer customers than the spend buys),
    q_value (Benjamini–Hochberg over the sources the rule fires for), flagged
    (``acquisition_cost_high``: cac_ratio at least ``thresholds.market.cac_ratio`` and spend beyond what the
    pace would cost at usual_cac at least ``thresholds.market.cac_min_spend_share`` of the scope's spend of the
    period, confirmed by a q_value below ``thresholds.market.fdr``: the spend is known to the cent and a
    source's customers pooled over months, so no merely indicated cost is reported), effect (that excess spend).
    """
    thr, cfg = report.thresholds(NAME), report.settings(NAME)
    scope = report.region if region is None else region
    columns = ["source", "spend", "new_customers", "recent_new", "usual_spend", "usual_new", "usual_cac"]
    columns += ["spend_ratio", "pace_ratio", "cac", "cac_ratio", "expected_new", "p_value", "q_value", "flagged"]
    columns += ["effect"]
    if report.ds.get("marketing_spend") is None or (scope != ALL and not spend_has_region(report.ds)):
        return pd.DataFrame(columns=columns)
    spend, new, paid = _source_months(report, scope)
    recent = [*report.history(cfg["cac_months"] - 1, region=scope), report.period]  # the scope's own months
    months = acquisition_history(report, report.history(cfg["cac_usual_months"], recent[0], scope))
    sources = sorted(set(spend.loc[spend["period"].isin([report.period, *months]), "channel"].dropna()))
    scope_spend = float(paid.xs(report.period, level="period").sum()) if report.period in set(spend["period"]) else 0.0
    rows = []
    for source in sources:
        spent = float(paid.get((source, report.period), 0.0))
        history_spend = [float(paid.get((source, m), 0.0)) for m in months]
        history_new = [int(new.get((source, m), 0)) for m in months]
        recent_new = sum(int(new.get((source, m), 0)) for m in recent)
        usual_spend = float(np.mean(history_spend)) if months else np.nan
        # half a customer spread over the recent and usual months keeps a source that won none finite and even
        prior = PRIOR_CUSTOMERS / (len(recent) + len(months))
        usual_new = (sum(history_new) + prior * len(months)) / len(months) if months else np.nan
        pace = ((recent_new + prior * len(recent)) / len(recent) + usual_new) / 2  # pooled with a usual stretch
        usual_cac = usual_spend / usual_new if usual_new > 0 else np.nan
        cac = spent / pace if pace > 0 else np.nan
        expected = sum(float(paid.get((source, m), 0.0)) for m in recent) / usual_cac if usual_cac > 0 else np.nan
        rows.append(
            {
                "source": source,
                "spend": spent,
                "new_customers": int(new.get((source, report.period), 0)),
                "recent_new": recent_new,
                "usual_spend": usual_spend,
                "usual_new": usual_new,
                "usual_cac": usual_cac,
                "spend_ratio": spent / usual_spend if usual_spend > 0 else np.nan,
                "pace_ratio": pace / usual_new if usual_new > 0 else np.nan,
                "cac": cac,
                "cac_ratio": cac / usual_cac if usual_cac > 0 else np.nan,
                "expected_new": expected,
                "p_value": _evidence(spent, usual_spend, history_spend, recent_new, expected, history_new, thr),
                "effect": max(spent - pace * usual_cac, 0.0) if usual_cac > 0 else 0.0,
            }
        )  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    fired = (frame["cac_ratio"] >= thr["cac_ratio"]) & (frame["effect"] >= thr["cac_min_spend_share"] * scope_spend)
    frame["q_value"] = q_values(frame["p_value"].where(fired))
    frame["flagged"] = fired & confirmed(frame["q_value"], thr["fdr"])
    frame = frame.sort_values(["spend", "source"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def _source_months(report: Report, scope: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """A scope's marketing spend rows, its new customers per (source, month) and its spend per (channel, period).

    Once per scope and dataset: every month's frame (the report's and the look-back's) reads the same counts.
    """

    def build(ds: Dataset) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
        spend, cust = ds.get("marketing_spend"), customer_facts(ds)
        if scope != ALL:
            spend = spend[spend["region"] == scope]
            cust = cust[cust["first_region"] == scope]
        new = cust.groupby(["source", "new_month"]).size()
        return spend, new, spend.groupby(["channel", "period"])["amount"].sum()

    return report.cached(NAME, f"source_months:{scope}", build)


def _spend_high(spent: float, history: list[float]) -> float:
    """Chance of a month's spend at least ``spent`` given the usual months' (t-test of one new month; 1 if unknown)."""
    values = np.asarray(history, dtype=float)
    if len(values) < 3 or not values.mean() > 0:
        return 1.0
    sd = float(values.std(ddof=1))
    if sd <= 0:
        return 0.0 if spent > values.mean() else 1.0
    score = (spent - float(values.mean())) / (sd * math.sqrt(1 + 1 / len(values)))
    return float(stats.t.sf(score, len(values) - 1))


def _evidence(
    spent: float,
    usual_spend: float,
    spend_history: list[float],
    count: int,
    expected: float,
    history: list[int],
    thr: dict,
) -> float:
    """p-value of a source's cost rise: Bonferroni over the two ways it rises, each judged where it is measured.

    The spend beyond its own months' range (:func:`_spend_high`) counts only when the spend alone reaches the
    alert line ``thresholds.market.cac_ratio`` (else a modest spend rise would confirm a cost driven by a customer
    more or less); fewer customers over the recent months than the spend buys at the usual cost
    (:func:`_customers_low`) always counts.
    """
    spend_p = _spend_high(spent, spend_history) if spent >= thr["cac_ratio"] * usual_spend else 1.0
    return min(1.0, 2 * min(spend_p, _customers_low(count, expected, history)))


def _customers_low(count: int, expected: float, history: list[int]) -> float:
    """Chance of at most ``count`` new customers over the recent months when ``expected`` were bought."""
    return poisson_low(count, None if pd.isna(expected) else expected, dispersion(history))


def cost_high(report: Report) -> list[dict[str, Any]]:
    """Rule acquisition_cost_high: the sources :func:`acquisition_cost_frame` flags, per scope.

    Skips the scopes where all acquisition fell (``new_customer_drop`` fired there): one finding, not two.
    Thresholds: ``thresholds.market.{cac_ratio, cac_min_spend_share, fdr, strong_q, collapse}``.
    """
    lang, months, thr = report.lang, report.settings(NAME)["cac_months"], report.thresholds(NAME)
    skip = [segment for _, segment, test in scope_tests(report) if test["flagged"]]
    out = []
    for segment, row, q in report_rows(report, acquisition_cost_frame):
        if segment in skip or not confirmed(q, thr["fdr"]):
            continue
        values = {
            "where": report.where(segment),
            "source": row.source,
            "spend": format_amount(row.spend, lang),
            "usual_spend": format_amount(row.usual_spend, lang),
            "spend_change": signed(row.spend_ratio - 1),
            "recent": format_int(row.recent_new),
            "usual_new": fmt_num(row.usual_new),
            "r": months,
            "cac": format_amount(row.cac, lang),
            "usual": format_amount(row.usual_cac, lang),
            "excess": format_amount(row.effect, lang),
        }
        out.append(
            finding(
                report, "acquisition_cost_high", {**segment, "source": row.source}, values, angle=NAME,
                metric="cac", value=row.cac, baseline=row.usual_cac, effect=row.effect,
                severity=rule_severity(report, row.effect, q, 1 / row.cac_ratio - 1),
            )
        )  # fmt: skip
    return out


@metrics_need(BUYERS)
def metrics(report: Report) -> dict[str, Any]:
    """Marketing spend and the cost per new customer this month (only with marketing_spend and customers)."""
    if not (report.ds.has("marketing_spend") and report.ds.has("customers")):
        return {}
    cac = acquisition_cost_frame(report)
    spend, won = float(cac["spend"].sum()), int(cac["new_customers"].sum())
    return {"marketing_spend": spend, "cac": spend / won if won else None}


@needs(BUYERS)
def acquisition_cost_panel(report: Report) -> Panel:
    """获客成本: acquisition cost per lead source this month against its usual level."""
    lang, cfg = report.lang, report.settings(NAME)
    for table_name in ("marketing_spend", "customers"):
        skipped = report.needs(table_name)
        if skipped:
            return skipped
    if report.region != ALL and not spend_has_region(report.ds):
        return Panel.skipped(t("mk_cac_no_region", lang))
    frame = acquisition_cost_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_bar_compare(
        frame, label="source", current="cac", baseline="usual_cac", lang=lang,
        legend=(t("mk_value", lang), t("mk_usual_short", lang)), title=t("mk_cac_title", lang),
    )  # fmt: skip
    change = (frame["cac_ratio"] - 1).where(np.isfinite(frame["cac_ratio"]))  # no usual cost: no change
    shown = table(
        frame.assign(change=change),
        [
            ("source", "mk_source", None),
            ("spend", "mk_spend", "amount"),
            ("new_customers", "mk_new_customers", "int"),
            ("cac", "mk_cac", "amount"),
            ("usual_cac", "mk_usual_cac", "amount"),
            ("change", "mk_change", "signed_pct"),
        ],
        lang,
    )
    return Panel(
        frame=frame,
        table=shown,
        figure=ax.figure,
        note=t("mk_cac_note", lang, r=cfg["cac_months"], m=cfg["cac_usual_months"]),
    )
