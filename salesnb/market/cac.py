"""获客成本: cost per new customer (CAC) per lead source against its usual level (``acquisition_cost_high``).

New customers are counted by ``customers.acquisition_channel`` and acquisition month, spend by
``marketing_spend.channel`` (the same source names). A scope where all acquisition fell is reported once, as
``new_customer_drop``, not again per source.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.customers import customer_facts
from ..data.dataset import Dataset
from ..display.formatting import format_amount, format_int, table
from ..display.panel import Panel
from ..display.plotting import plot_bar_compare
from ..evidence import q_values
from ..findings import finding
from ..i18n import t
from ..periods import ALL
from ..report import Report
from ..stats import dispersion, poisson_low
from .acquisition import new_customer_test, scope_tests
from .common import NAME, fmt_num, history, peer_factor, rule_severity, scope_orders, supported


def spend_has_region(ds: Dataset) -> bool:
    """Whether ``marketing_spend`` names the region of its spend (region reports need it)."""
    spend = ds.get("marketing_spend")
    return spend is not None and "region" in spend.columns and spend["region"].notna().any()


def acquisition_cost_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Marketing spend, new customers and acquisition cost (CAC) per lead source this period and usually.

    Columns: source, spend, new_customers, cac (NaN without new customers), usual_spend, usual_new (monthly
    means over ``market.history_months``), usual_cac (their ratio), expected_new (spend ÷ usual_cac, scaled down
    when the other sources also won fewer customers than their spend usually buys), p_value (Poisson: this few
    new customers given expected_new), cac_ratio (cac ÷ usual_cac; inf with spend and no customer), flagged
    (``acquisition_cost_high``: cac_ratio at least ``thresholds.market.cac_ratio`` and effect at least
    ``thresholds.market.min_effect_share`` of the scope's revenue, confirmed by q_value — Benjamini–Hochberg over
    the sources that rule fires for — below ``thresholds.market.indicative_q``), effect (missing customers × mean
    first-month revenue of a new customer).
    """
    thr = report.thresholds(NAME)
    scope = report.region if region is None else region
    columns = ["source", "spend", "new_customers", "cac", "usual_spend", "usual_new", "usual_cac", "expected_new"]
    columns += ["p_value", "q_value", "cac_ratio", "flagged", "effect"]
    spend = report.ds.get("marketing_spend")
    if spend is None or (scope != ALL and not spend_has_region(report.ds)):
        return pd.DataFrame(columns=columns)
    if scope != ALL:
        spend = spend[spend["region"] == scope]
    months = history(report)
    cust = customer_facts(report.ds)
    if scope != ALL:
        cust = cust[cust["first_region"] == scope]
    new = cust.groupby(["source", "acquired_month"]).size()
    paid = spend.groupby(["channel", "period"])["amount"].sum()
    sources = sorted(set(spend.loc[spend["period"].isin([report.period, *months]), "channel"].dropna()))
    avg_first = new_customer_test(report, scope)["avg_first_revenue"] or 0.0
    scope_revenue = float(facts.in_months(scope_orders(report, scope), report.period)["revenue"].sum())
    rows = []
    for source in sources:
        spent = float(paid.get((source, report.period), 0.0))
        count = int(new.get((source, report.period), 0))
        usual_spend = sum(float(paid.get((source, m), 0.0)) for m in months) / len(months) if months else np.nan
        usual_new = sum(int(new.get((source, m), 0)) for m in months) / len(months) if months else np.nan
        usual_cac = usual_spend / usual_new if usual_new and usual_new > 0 else np.nan
        expected = spent / usual_cac if usual_cac and usual_cac > 0 else np.nan
        cac = spent / count if count > 0 else np.nan
        ratio = cac / usual_cac if count > 0 else (np.inf if spent > 0 else np.nan)
        rows.append(
            {
                "source": source,
                "spend": spent,
                "new_customers": count,
                "cac": cac,
                "usual_spend": usual_spend,
                "usual_new": usual_new,
                "usual_cac": usual_cac,
                "expected_new": expected,
                "cac_ratio": ratio,
            }
        )
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    # peers: how the other sources turned their spend into customers this month (seasonal dips hit them all)
    known = frame["expected_new"].notna()
    won, expected = frame["new_customers"].where(known, 0).sum(), frame["expected_new"].fillna(0.0).sum()
    peer_won = won - frame["new_customers"].where(known, 0)
    peer_expected = expected - frame["expected_new"].fillna(0.0)
    frame["expected_new"] = frame["expected_new"] * peer_factor(peer_won.astype(float), peer_expected)
    spread = [dispersion([new.get((source, m), 0) for m in months]) for source in frame["source"]]
    frame["p_value"] = [
        poisson_low(n, None if pd.isna(e) else e, d)
        for n, e, d in zip(frame["new_customers"], frame["expected_new"], spread, strict=True)
    ]
    frame["effect"] = (frame["expected_new"] - frame["new_customers"]).clip(lower=0.0).fillna(0.0) * avg_first
    fired = (frame["cac_ratio"] >= thr["cac_ratio"]) & (frame["effect"] >= thr["min_effect_share"] * scope_revenue)
    frame["q_value"] = q_values(frame["p_value"].where(fired))
    frame["flagged"] = fired & supported(frame["q_value"], thr)
    frame = frame.sort_values(["spend", "source"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def cost_high(report: Report) -> list[dict[str, Any]]:
    """Rule acquisition_cost_high: the sources :func:`acquisition_cost_frame` flags, per scope.

    Skips the scopes where all acquisition fell (``new_customer_drop`` fired there): one finding, not two.
    Thresholds: ``thresholds.market.{cac_ratio, min_effect_share, indicative_q, fdr, strong_q, collapse}``.
    """
    lang = report.lang
    skip = {region for region, _, test in scope_tests(report) if test["flagged"]}
    out = []
    for region, segment in report.scopes(company=True):
        if region in skip:
            continue
        for row in acquisition_cost_frame(report, region).itertuples():
            if not row.flagged:
                continue
            values = {
                "where": report.where(segment),
                "source": row.source,
                "spend": format_amount(row.spend, lang),
                "count": format_int(row.new_customers),
                "cac": format_amount(row.cac, lang),
                "usual": format_amount(row.usual_cac, lang),
                "expected": fmt_num(row.expected_new),
            }
            out.append(
                finding(
                    report, "acquisition_cost_high", {**segment, "source": row.source}, values, angle=NAME,
                    metric="cac", value=row.cac, baseline=row.usual_cac, effect=row.effect,
                    severity=rule_severity(report, row.effect, row.q_value, 1 / row.cac_ratio - 1),
                )
            )  # fmt: skip
    return out


def metrics(report: Report) -> dict[str, Any]:
    """Marketing spend and the cost per new customer this month (only with marketing_spend and customers)."""
    if not (report.ds.has("marketing_spend") and report.ds.has("customers")):
        return {}
    cac = acquisition_cost_frame(report)
    spend, won = float(cac["spend"].sum()), int(cac["new_customers"].sum())
    return {"marketing_spend": spend, "cac": spend / won if won else None}


def acquisition_cost_panel(report: Report) -> Panel:
    """获客成本: acquisition cost per lead source this month against its usual level."""
    lang, m = report.lang, report.settings(NAME)["history_months"]
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
    return Panel(frame=frame, table=shown, figure=ax.figure, note=t("mk_cac_note", lang, m=m))
