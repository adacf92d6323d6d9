"""丢单与竞争对手: deals lost per competitor and per reason this month, and a competitor taking more than usual.

A lost deal belongs to the month it closed and to its region, both as the shared deal facts define them
(:mod:`salesnb.data.deals`). The finding's effect is the amount lost to the competitor beyond its
usual share.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..data import facts
from ..data.deals import deal_facts
from ..data.event_months import event_months
from ..data.grouping import aggregate
from ..display import plotting
from ..display.bounded import bounded, bounded_note
from ..display.formatting import format_amount, format_amounts, format_int, format_pct
from ..display.panel import Panel, needs
from ..findings import finding, flagged
from ..i18n import t
from ..periods import averaged_months
from ..report import Report, scope_memo
from .common import NAME, in_scopes, prefer_regions, scoped, where


def closed_deals(report: Report) -> pd.DataFrame:
    """Won and lost opportunities with region, close month, amount, competitor and lost reason.

    Outcome, region and close date come from the shared deal facts (:func:`salesnb.data.deals.deal_facts`), so a
    ``赢单`` deal is won here as in every report; competitor is the named one for lost deals (``""`` when none).
    """

    def build(ds) -> pd.DataFrame:
        deals = deal_facts(ds, tuple(report.config["customers"]["size_bands"]))
        closed = deals[["opportunity_id", "outcome", "region", "closed_at", "amount"]]  # copy only what is read
        closed = closed[closed["outcome"] != "open"]
        raw = ds["opportunities"][["opportunity_id", "competitor", "lost_reason"]].drop_duplicates("opportunity_id")
        at = facts.positions(raw["opportunity_id"].astype(str), closed["opportunity_id"])  # one lookup for both
        lost = closed["outcome"] == "lost"
        competitor = facts.take(raw["competitor"], at, closed.index)
        return pd.DataFrame(
            {
                "opportunity_id": closed["opportunity_id"],
                "lost": lost,
                "region": closed["region"],
                "month": event_months(ds, closed["closed_at"]),
                "amount": closed["amount"],
                "competitor": competitor.astype(str).where(competitor.notna() & lost, ""),
                "reason": facts.take(raw["lost_reason"], at, closed.index).fillna(facts.UNKNOWN).astype(str),
            }
        ).reset_index(drop=True)

    return report.cached("product", ("closed_deals", tuple(report.config["customers"]["size_bands"])), build)


def _lost_by(report: Report, by: str) -> pd.DataFrame:
    closed = closed_deals(report)
    lost = facts.in_region(closed[closed["lost"]], report.region)
    trailing = report.trailing()
    now = aggregate(
        lost[lost["month"] == report.period].groupby(by), deals=("amount", "size"), amount=("amount", "sum")
    )
    base = aggregate(
        lost[lost["month"].isin(trailing)].groupby(by),
        baseline_deals=("amount", "size"),
        baseline_amount=("amount", "sum"),
    ) / max(len(trailing), 1)
    frame = now.join(base, how="outer").fillna(0.0)
    total = frame["amount"].sum()
    frame["share"] = frame["amount"] / total if total > 0 else np.nan
    frame["deals"] = frame["deals"].astype(int)
    return (
        frame.rename_axis(by).reset_index().sort_values(["amount", by], ascending=[False, True]).reset_index(drop=True)
    )


@scope_memo  # the panel and the published metrics read one computation
def lost_frame(report: Report) -> pd.DataFrame:
    """Deals lost this month per competitor (``""`` = none named) against the average trailing month.

    Columns: competitor, deals, amount, baseline_deals, baseline_amount, share (of the amount lost).
    """
    return _lost_by(report, "competitor")


def lost_reasons_frame(report: Report) -> pd.DataFrame:
    """Deals lost this month per lost reason against the average trailing month (columns as :func:`lost_frame`)."""
    return _lost_by(report, "reason")


def lost_check(report: Report) -> pd.DataFrame:
    """The lost-to-competitor test per scope and named competitor, on its share of the month's closed deals.

    ``closed`` counts the deals won or lost this month in the scope and ``deals`` those lost to the competitor;
    ``usual_share`` = (deals lost to it + ½) ÷ (deals closed + 1) over the ``product.lost_history_months`` months
    before the period, ``usual_deals`` its average month. Testing the share of closed deals rather than the count
    keeps a month with many closings from looking like a competitor's attack, and still counts deals it took that
    would otherwise have been won. ``flagged``: at least ``thresholds.product.lost_min_deals`` deals, a share at
    least ``thresholds.product.lost_ratio`` times the usual share and at least three months of history fire it; a
    p-value adjusted over the competitors and scopes tested (``q_value``, Benjamini–Hochberg) below
    ``thresholds.product.fdr`` confirms it. The p-value is beta-binomial (:func:`salesnb.stats.betabinom_high`):
    ``spread`` is how much the competitor's monthly share swung over those months beyond a binomial share
    (:func:`salesnb.stats.intraclass`, 0: binomial), so a month like the ones it already had is no finding while
    a clear jump still is. ``effect`` = the amount lost to it beyond the
    usual share: amount × (1 − usual share × closed ÷ deals).
    """
    thr = report.thresholds(NAME)
    history = report.history(report.settings(NAME)["lost_history_months"])
    closed = in_scopes(report, closed_deals(report), [*history, report.period])
    closed = closed.assign(period=closed["month"] == report.period)
    totals = closed.groupby(["scope", "period"]).size().unstack("period").reindex(columns=[True, False]).fillna(0.0)
    named = closed[closed["competitor"] != ""]
    keys = ["scope", "competitor"]
    now = aggregate(named[named["period"]].groupby(keys), deals=("amount", "size"), amount=("amount", "sum"))
    past = named[~named["period"]].groupby(keys).size().rename("hist_deals")
    frame = now.join(past, how="left").fillna({"hist_deals": 0.0})
    scope = frame.index.get_level_values("scope")
    frame["closed"] = totals[True].reindex(scope).to_numpy()
    hist_closed = totals[False].reindex(scope).to_numpy()
    frame["share"] = frame["deals"] / frame["closed"].where(frame["closed"] > 0)
    frame["usual_share"] = (frame["hist_deals"] + 0.5) / (hist_closed + 1.0)
    frame["usual_deals"] = frame["hist_deals"] / max(len(history), 1)
    frame["spread"] = _spread(named[~named["period"]], closed[~closed["period"]], frame.index, history)
    trials = frame["closed"].clip(lower=frame["deals"])
    frame["p_value"] = [
        stats.betabinom_high(int(d), int(n), u, rho)
        for d, n, u, rho in zip(frame["deals"], trials, frame["usual_share"], frame["spread"], strict=True)
    ]
    frame["q_value"] = evidence.q_values(frame["p_value"])
    frame["flagged"] = (
        (frame["deals"] >= thr["lost_min_deals"])
        & (frame["share"] >= thr["lost_ratio"] * frame["usual_share"])
        & evidence.confirmed(frame["q_value"], thr["fdr"])
        & (len(history) >= 3)
    )
    expected = frame["usual_share"] * frame["closed"]
    frame["effect"] = (frame["amount"] * (1 - expected / frame["deals"])).clip(lower=0.0)
    reasons = named[named["period"]].groupby([*keys, "reason"]).size().rename("n").reset_index()
    reasons = reasons.sort_values([*keys, "n", "reason"], ascending=[True, True, False, True]).drop_duplicates(keys)
    frame["top_reason"] = reasons.set_index(keys)["reason"].reindex(frame.index)
    frame["deals"] = frame["deals"].astype(int)
    return frame.drop(columns=["hist_deals"]).reset_index().sort_values(keys).reset_index(drop=True)


def _spread(named: pd.DataFrame, closed: pd.DataFrame, index: pd.MultiIndex, history: list[str]) -> pd.Series:
    """Each (scope, competitor)'s month-to-month swing of its share of closed deals over ``history`` (ρ ≥ 0).

    ``named``: the history's deals lost to a named competitor, ``closed``: the history's closed deals, both with
    ``scope`` and ``month``; :func:`salesnb.stats.intraclass` of the monthly deals lost to it against the
    monthly deals closed (0: the months swing no more than a binomial share would).
    """
    hits = named.groupby(["scope", "competitor", "month"]).size().unstack("month").reindex(columns=history)
    hits = hits.reindex(index).fillna(0.0)
    totals = closed.groupby(["scope", "month"]).size().unstack("month").reindex(columns=history)
    totals = totals.reindex(index.get_level_values("scope")).fillna(0.0)
    rho = [stats.intraclass(h, n) for h, n in zip(hits.to_numpy(), totals.to_numpy(), strict=True)]
    return pd.Series(rho, index=index, dtype=float)


def lost_to_competitor(report: Report) -> list[dict[str, Any]]:
    """Rule lost_to_competitor, from :func:`lost_check`: thresholds.product.{lost_min_deals, lost_ratio, fdr}.

    Severity: :func:`salesnb.evidence.severity` (``strong_q``; no collapse: a share rise has no natural ceiling).
    """
    thr = report.thresholds(NAME)
    lang = report.lang
    found = []
    for row in flagged(lost_check(report)):
        values = {
            "where": where(report, row.scope), "competitor": row.competitor,
            "deals": format_int(row.deals), "amount": format_amount(row.amount, lang),
            "usual": f"{row.usual_deals:.1f}", "reason": row.top_reason if isinstance(row.top_reason, str) else "—",
        }  # fmt: skip
        item = finding(
            report, "lost_to_competitor", scoped(report, row.scope, {"competitor": row.competitor}), values,
            metric="lost_deals", value=row.deals, baseline=row.usual_deals, effect=row.effect, angle=NAME,
            severity=evidence.severity(
                report, row.effect, row.q_value, strong_q=thr["strong_q"], collapse=thr["collapse"],
            ),
        )  # fmt: skip
        found.append((row.scope, ("lost", row.competitor), item))
    return prefer_regions(found)


@needs("opportunities")
def lost_panel(report: Report) -> Panel:
    """丢单分析: amount lost per competitor and deals lost per reason, this month against the trailing months."""
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    frame = lost_frame(report)
    reasons = lost_reasons_frame(report)
    if frame["deals"].sum() == 0:
        return Panel(frame=frame, note=t("prod_no_lost", lang))
    shown = frame.assign(label=frame["competitor"].replace("", t("prod_not_named", lang)))
    shown = bounded(shown, report, "label", ["deals", "amount", "share", "baseline_amount"])
    reasons = bounded(reasons, report, "reason", ["deals", "baseline_deals"])
    named = frame[frame["competitor"] != ""]
    note = t(
        "prod_lost_note", lang, n=int(frame["deals"].sum()), amount=format_amount(frame["amount"].sum(), lang),
        k=int(named["deals"].sum()), share=format_pct(stats.ratio(named["deals"].sum(), frame["deals"].sum())),
    )  # fmt: skip
    legend = (
        t("prod_this_month", lang),
        t("prod_trailing", lang, n=averaged),
    )
    fig, (left, right) = plotting.subplots(1, 2, figsize=(10.0, max(3.6, 0.55 * len(shown) + 1.2)), dpi=plotting.DPI,
                                      layout="constrained")  # fmt: skip
    plotting.plot_bar_compare(shown, label="label", current="amount", baseline="baseline_amount", ax=left, lang=lang,
                              legend=legend, title=t("prod_lost_title", lang))  # fmt: skip
    plotting.plot_bar_compare(reasons, label="reason", current="deals", baseline="baseline_deals", unit="count",
                              ax=right, lang=lang, legend=legend, title=t("prod_reasons_lost_title", lang))  # fmt: skip
    table = pd.DataFrame(
        {
            t("prod_competitor", lang): shown["label"],
            t("prod_lost_deals", lang): shown["deals"].map(format_int),
            t("prod_lost_amount", lang): format_amounts(shown["amount"], lang),
            t("prod_share", lang): shown["share"].map(format_pct),
            t("prod_trailing", lang, n=averaged): format_amounts(shown["baseline_amount"], lang),
        }
    )
    note = " ".join(p for p in (note, bounded_note(shown, lang)) if p)
    return Panel(frame=frame, table=table, figure=fig, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """Deals and amount lost this month, in all and to named competitors (needs opportunities)."""
    if not report.ds.has("opportunities"):
        return {}
    frame = lost_frame(report)
    named = frame[frame["competitor"] != ""]
    return {
        "lost_deals": int(frame["deals"].sum()),
        "lost_amount": float(frame["amount"].sum()),
        "lost_deals_to_competitors": int(named["deals"].sum()),
        "lost_amount_to_competitors": float(named["amount"].sum()),
    }
