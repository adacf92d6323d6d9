"""停滞商机: open deals that have sat in their stage longer than usual for it, per stage against usual month ends."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..data import facts
from ..data.deals import DAY_SECONDS
from ..display import plotting
from ..display.formatting import format_amount, format_int, table
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import t
from ..report import Report, scope_memo
from .common import NAME, days_text, edges, history, n_history, snapshot_at, stages, stays
from .confidence import confidence_text, flag_indicated
from .evidence import confirm, count_rise_min_p, min_excess, severity


def _completed_days(report: Report, when: pd.Timestamp) -> pd.Series:
    """Days of each stay of positive length completed in the ``process.stall_history_months`` before ``when``.

    Indexed by the stay's place in ``stages`` (company-wide): what a stage's usual stay is learnt from.
    """
    months = int(report.settings(NAME)["stall_history_months"])

    def build(_ds) -> pd.Series:
        rows = stays(report)
        lo = when - pd.DateOffset(months=months)
        window = ((rows["left_at"] < when) & (rows["left_at"] >= lo)).to_numpy()
        done = rows.loc[window, ["stage_index", "entered_at", "left_at"]]  # only what it reads: a year of stays
        days = (done["left_at"] - done["entered_at"]).dt.total_seconds() / DAY_SECONDS
        positive = (days > 0).to_numpy()
        # grouped by each stay's place in ``stages``, not by its name: the same groups, no text matched
        return pd.Series(days.to_numpy()[positive], index=done["stage_index"].to_numpy()[positive])

    return report.cached(NAME, ("completed_days", tuple(stages(report)), when, float(months)), build)


def stall_limits(report: Report, when: pd.Timestamp) -> pd.Series:
    """Per stage, the usual limit of a stay: a quantile of the stays completed before ``when`` (company-wide).

    The ``thresholds.process.stall_quantile`` of the stays that ended in the ``process.stall_history_months``
    months before ``when`` (:func:`_completed_days`); NaN under ``thresholds.process.min_stays`` stays.
    """
    thr, months = report.thresholds(NAME), int(report.settings(NAME)["stall_history_months"])
    quantile, min_stays = float(thr["stall_quantile"]), int(thr["min_stays"])
    key = ("stall_limits", tuple(stages(report)), when, (quantile, float(months), float(min_stays)))

    def build(_ds) -> pd.Series:
        days = _completed_days(report, when)
        grouped = days.groupby(level=0)
        limits = grouped.quantile(quantile).where(grouped.size() >= min_stays)
        names = stages(report)
        limits.index = pd.Index([names[i] for i in limits.index], name="stage")
        return limits.reindex(names)

    return report.cached(NAME, key, build)


def flow_expected(report: Report, older_than: pd.Series, since: pd.Timestamp | None = None) -> pd.Series:
    """Per stage, how many of the region's stays would still be in it at month end had they moved at the usual pace.

    Each stay of the region that entered the stage more than ``older_than`` (days, per stage) before the month end
    (and at or after ``since``, when given) is still in it with the chance that a usual stay
    (:func:`_completed_days`, company-wide) lasts longer than its age: their sum is what the stage's own entries
    lead one to expect, whenever in the month they came and however long the month. NaN for a stage without a
    completed stay to learn the pace from.
    """
    end = report.window(report.period)[1]
    days = _completed_days(report, end)
    rows = facts.in_region(stays(report), report.region)
    age = ((end - rows["entered_at"]).dt.total_seconds() / DAY_SECONDS).to_numpy()
    index = rows["stage_index"].to_numpy()
    recent = np.ones(len(rows), dtype=bool) if since is None else (rows["entered_at"] >= since).to_numpy()
    out = {}
    for place, stage in enumerate(stages(report)):
        usual = np.sort(days[days.index == place].to_numpy())
        old = age[(index == place) & recent & (age > older_than.get(stage, np.nan))]
        out[stage] = (
            float((len(usual) - np.searchsorted(usual, old, side="right")).sum() / len(usual)) if len(usual) else np.nan
        )
    return pd.Series(out)


@scope_memo  # its panel, rule and metrics read one computation per report scope
def _stalled_at(report: Report, month: str) -> pd.DataFrame:
    """The region's deals stalled at the end of ``month``: the same for every report month that looks back to it.

    Kept per dataset too (``report.cached``, keyed by what it reads): the executive summary's reports of this and
    the previous months each look back over the same history months.
    """
    thr, settings = report.thresholds(NAME), report.settings(NAME)
    limits_key = (float(thr["stall_quantile"]), int(settings["stall_history_months"]), int(thr["min_stays"]))
    key = ("stalled_at", report.region, month, tuple(stages(report)), edges(report), limits_key)

    def build(_ds) -> pd.DataFrame:
        snap = snapshot_at(report, month)
        limits = stall_limits(report, report.window(month)[1])
        snap = snap.assign(limit_days=snap["stage"].map(limits).astype(float))
        return snap[snap["days_in_stage"] > snap["limit_days"]]

    return report.cached(NAME, key, build).copy(deep=False)


def stalled_deals_frame(report: Report) -> pd.DataFrame:
    """Open deals at month end that have sat in their stage longer than usual for it (see :func:`stall_limits`).

    Columns: opportunity_id, stage, days_in_stage, limit_days, amount, rep_id, customer_id, source, region,
    expected_close_at; the longest first.
    """
    stalled = _stalled_at(report, report.period)
    columns = ["opportunity_id", "stage", "days_in_stage", "limit_days", "amount", "rep_id", "customer_id"]
    columns += ["source", "region", "expected_close_at"]
    ordered = stalled.sort_values(["days_in_stage", "opportunity_id"], ascending=[False, True], kind="stable")
    return ordered[columns].reset_index(drop=True)


def n_stalled(report: Report) -> int:
    """``process.stalled_history_months``: the month ends a stage's usual stalled deals are read from."""
    return int(report.settings(NAME)["stalled_history_months"])


def _stalled_counts(report: Report, months: list[str], stuck: set) -> list[pd.Series]:
    """Stalled deals per stage at the end of each of ``months``, without the deals in ``stuck``."""
    past = [_stalled_at(report, m) for m in months]
    return [h.loc[~h["opportunity_id"].isin(stuck), "stage"].value_counts() for h in past]


@scope_memo  # its panel, rule and metrics read one computation per report scope
def stalled_summary_frame(report: Report) -> pd.DataFrame:
    """Stalled deals per stage at month end against the typical month end of the ``process.history_months``.

    ``usual`` is the median of those month ends, not their mean, and counts at each of them only the deals that
    are not stalled now: a deal stuck for three months is stalled at the last month ends too, so a stall that
    builds up would otherwise raise its own baseline (the usual level is what the stage carries besides the
    deals at issue). Columns: stage, stock
    (open deals in it at month end), stalled, value, limit_days, usual, excess, p_value (Poisson against the
    usual level; stages whose counts could never confirm leave the BH family), q_value and flagged
    (:mod:`salesnb.process.evidence`: at least ``thresholds.process.stalled_ratio`` × usual and
    :func:`~salesnb.process.evidence.min_excess` of the stage's stock more than usual fire it, a q-value over the
    stages that fired below ``thresholds.process.fdr`` confirms it), indicated_q and confirmed (a fired stage is
    flagged once indicated, :func:`~salesnb.process.confidence.flag_indicated`), usual_mean, spread and spread_p:
    the same count against all ``process.stalled_history_months`` month ends (their mean, variance ÷ mean, and
    :func:`salesnb.stats.count_rise_spread`). A stage that ends most months with none and some with one or two
    has a median of 0 but usually carries a few: its two or three stalled deals are a finding (a planted stall
    of two deals looks the same) but not a top problem unless strong_q is below ``thresholds.process.strong_q``
    (:func:`stalled_deals`): flow_expected is what the stage's own entries lead one to expect
    (:func:`flow_expected` of the stays older than the limit), strong_p the larger of spread_p and the Poisson p
    against flow_expected, and strong_q its q over the stages whose stock could make it that small (Tarone's
    family at strong_q; strong_floor: every deal of the stage stalled).
    """
    thr = report.thresholds(NAME)
    now = _stalled_at(report, report.period)
    months, year = history(report), history(report, months=n_stalled(report))
    stuck = set(now["opportunity_id"])
    past, past_year = _stalled_counts(report, months, stuck), _stalled_counts(report, year, stuck)
    limits = stall_limits(report, report.window(report.period)[1])
    stock = snapshot_at(report, report.period)["stage"].value_counts()
    flow = flow_expected(report, limits)
    rows = []
    for stage in stages(report):
        cur = now[now["stage"] == stage]
        usual = float(np.median([h.get(stage, 0) for h in past])) if past else float("nan")
        counts = np.array([h.get(stage, 0) for h in past_year], dtype=float)
        spread_p = stats.count_rise_spread(len(cur), counts) if len(counts) else float("nan")
        rows.append(
            {
                "stage": stage,
                "stock": int(stock.get(stage, 0)),
                "stalled": len(cur),
                "value": float(cur["amount"].sum()),
                "limit_days": float(limits.get(stage, np.nan)),
                "usual": usual,
                "excess": len(cur) - usual if not math.isnan(usual) else float("nan"),
                "p_value": stats.count_rise(len(cur), usual * len(months), len(months)) if months else float("nan"),
                "usual_mean": float(counts.mean()) if len(counts) else float("nan"),
                "spread": stats.dispersion(counts),
                "spread_p": spread_p,
                "flow_expected": flow[stage],
                # high needs the count improbable against both the month ends and the stage's own entries
                "strong_p": max(1.0 if math.isnan(spread_p) else spread_p, stats.poisson_high(len(cur), flow[stage])),
                # a stage cannot hold more stalled deals than deals: all of its stock stalled is its smallest p
                "strong_floor": max(
                    stats.count_rise_spread(int(stock.get(stage, 0)), counts) if len(counts) else 1.0,
                    stats.poisson_high(int(stock.get(stage, 0)), flow[stage]),
                ),
            }
        )
    frame = pd.DataFrame(rows)
    fired = (frame["stalled"] >= frame["usual"] * float(thr["stalled_ratio"])) & (
        frame["excess"] >= min_excess(report, frame["stock"], "stalled_min_count_floor")
    )
    k = len(months)
    min_p = count_rise_min_p(frame["stalled"], frame["usual"] * k, k)
    confirm(report, frame, fired, min_p=min_p)
    flag_indicated(report, frame, fired, min_p)
    strong = float(thr["strong_q"])  # the cap's q: over the stages whose stock could make strong_p that small
    frame["strong_q"] = evidence.tarone_q_values(frame["strong_p"], frame["strong_floor"], strong)
    return frame


def stalled_deals(report: Report) -> list[dict[str, Any]]:
    """Rule stalled_deals: thresholds.process.{stalled_ratio, min_count*, fdr} (via the summary's flag).

    Severity: :func:`salesnb.evidence.severity` (``strong_q``; ``collapse``: stalled deals this much above usual),
    at most medium when the count is not improbable (``strong_q`` not below ``thresholds.process.strong_q``)
    against every month end of the ``process.stalled_history_months`` and how much they swing, and against what
    the stage's own entries lead one to expect at the usual pace (:func:`stalled_summary_frame`).
    """
    lang, strong = report.lang, float(report.thresholds(NAME)["strong_q"])
    frame = stalled_summary_frame(report)
    out = []
    for row in frame[frame["flagged"]].itertuples():
        effect = row.excess * (row.value / row.stalled if row.stalled else 0.0)
        values = {
            "stage": row.stage,
            "count": row.stalled,
            "limit": days_text(row.limit_days),
            "usual": format_int(row.usual),
            "value": format_amount(row.value, lang),
            "confidence": confidence_text(report, row.confirmed, row.p_value),
        }
        change, usual_swing = row.excess / max(row.usual, 1.0), not row.strong_q < strong
        weak = usual_swing or not row.confirmed  # indicated only: at most medium, as a usual swing is
        out.append(
            finding(
                report,
                "stalled_deals",
                {"stage": row.stage},
                values,
                angle=NAME,
                metric="stalled_deals",
                value=row.stalled,
                baseline=row.usual,
                effect=effect,
                severity=severity(report, effect, row.q_value, change=change, cap=weak),
            )
        )
    return out


@needs("opportunities", "stage_events")
def stalled_deals_panel(report: Report) -> Panel:
    """停滞商机: open deals stuck in their stage longer than usual, per stage against the usual month ends."""
    lang, thr = report.lang, report.thresholds(NAME)
    n = n_history(report)
    deals = stalled_deals_frame(report)
    summary = stalled_summary_frame(report)
    ax = plotting.plot_bar_compare(
        summary,
        label="stage",
        current="stalled",
        unit="count",
        baseline="usual",
        lang=lang,
        legend=(t("proc_this_month", lang), t("proc_usual_median", lang, n=n)),  # usual: the month ends' median
        title=f"{t('proc_stalled', lang)} · {t('proc_stage', lang)}",
    )
    ax.set_xlabel(t("proc_count", lang))
    shown = deals.head(int(report.config["report"]["top_n"]))
    cells = table(
        shown,
        [
            ("opportunity_id", "proc_deal", None),
            ("stage", "proc_stage", None),
            ("days_in_stage", "proc_days_in_stage", "days"),
            ("limit_days", "proc_limit_days", "days"),
            ("amount", "proc_value", "amount"),
            ("rep_id", "proc_rep", None),
            ("source", "proc_source", None),
        ],
        lang,
    )
    note = t(
        "proc_stalled_note",
        lang,
        q=f"{float(thr['stall_quantile']):.0%}",
        months=int(report.settings(NAME)["stall_history_months"]),
        n=len(deals),
        value=format_amount(deals["amount"].sum(), lang),
        shown=len(shown),
    )
    return Panel(frame=deals, table=cells, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """How many open deals are stalled at month end (needs opportunities and stage_events)."""
    if not (report.ds.has("opportunities") and report.ds.has("stage_events")):
        return {}
    return {"stalled_deals": int(len(stalled_deals_frame(report)))}
