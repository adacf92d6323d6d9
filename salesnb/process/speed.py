"""阶段停留时间, 销售周期: days spent in each stage and days from creation to win, against the usual months.

The usual months are the ``process.history_months`` before the report month.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sp

from .. import stats
from ..data import facts
from ..data.deals import DAY_SECONDS
from ..display.formatting import format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.distributions import plot_boxes
from ..findings import finding
from ..i18n import t
from ..periods import bounds
from ..report import Report, scope_memo
from .common import NAME, days_text, deals, history, n_history, stages, stays
from .evidence import severity


@scope_memo  # its panel, rule and metrics read one computation per report scope
def time_in_stage_frame(report: Report) -> pd.DataFrame:
    """Completed stays that ended in the month (``when="period"``) or in the usual months (``"baseline"``).

    Columns: opportunity_id, stage, days, when. Stays of no length (a deal won as it enters the last stage)
    are left out.
    """
    start, end = report.window(report.period)
    months = history(report)
    lo = bounds(months[0])[0] if months else start
    rows = facts.in_region(stays(report), report.region)
    window = np.flatnonzero(((rows["left_at"] >= lo) & (rows["left_at"] < end)).to_numpy())
    times = rows[["entered_at", "left_at"]].iloc[window]
    days = (times["left_at"] - times["entered_at"]).dt.total_seconds() / DAY_SECONDS
    kept = (days > 0).to_numpy()
    at = window[kept]  # the text columns are taken for the stays kept only
    frame = pd.DataFrame(
        {
            "opportunity_id": rows["opportunity_id"].iloc[at],
            "stage": rows["stage"].iloc[at],
            "days": days[kept],
            "when": np.where(times["left_at"][kept] >= start, "period", "baseline"),
        }
    )
    return frame.reset_index(drop=True)


def _distribution_table(
    frame: pd.DataFrame, group: str | None, report: Report, order: list[str] | None = None
) -> pd.DataFrame:
    """Days per ``group`` (in ``order``) and period: this month's row before the usual months'.

    Grouped as the rows come, then the few summary rows ordered: a sort of every stay cost more than the
    groups (medians and quantiles do not depend on the rows' order).
    """
    lang, n = report.lang, n_history(report)
    keys = [group, "when"] if group else ["when"]
    summary = (
        frame.groupby(keys, sort=False)["days"]
        .agg(n="size", median="median", p75=lambda s: s.quantile(0.75), p90=lambda s: s.quantile(0.9))
        .reset_index()
    )
    rank = summary[group].map({s: i for i, s in enumerate(order or [])}) if group else 0
    summary = (
        summary.assign(_rank=rank)
        .sort_values(["_rank", "when"], ascending=[True, False], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    when = {"period": t("proc_when_period", lang), "baseline": t("proc_when_baseline", lang, n=n)}
    summary["when"] = summary["when"].map(when)
    columns = [(group, "proc_stage", None)] if group else []
    columns += [
        ("when", "period", None),
        ("n", "proc_n", "int"),
        ("median", "proc_median_days", "days"),
        ("p75", "proc_p75_days", "days"),
        ("p90", "proc_p90_days", "days"),
    ]
    return table(summary, columns, lang)


@needs("opportunities", "stage_events")
def time_in_stage_panel(report: Report) -> Panel:
    """阶段停留时间: the distribution of days spent in each stage, this month against the usual months."""
    lang = report.lang
    n = n_history(report)
    frame = time_in_stage_frame(report)
    present = set(frame["stage"].unique())  # once, not per stage (a set of every stay's stage each time)
    order = [s for s in stages(report) if s in present]
    ax = plot_boxes(
        frame, group="stage", order=order, lang=lang, n=n, title=f"{t('proc_stage_time_title', lang)} · {report.period}"
    )
    shown = _distribution_table(frame, "stage", report, order)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=t("proc_stage_time_note", lang, n=n))


# ------------------------------------------------------------------------------------------ sales cycle


@scope_memo  # its panel, rule and metrics read one computation per report scope
def cycle_frame(report: Report) -> pd.DataFrame:
    """Sales-cycle days (created → won) of the deals won in the month (``period``) or usual months (``baseline``).

    Columns: opportunity_id, days, amount, when, month (of the close).
    """
    start, end = report.window(report.period)
    months = history(report)
    lo = bounds(months[0])[0] if months else start
    rows = facts.in_region(deals(report), report.region)
    won = rows[(rows["outcome"] == "won") & (rows["closed_at"] >= lo) & (rows["closed_at"] < end)]
    return pd.DataFrame(
        {
            "opportunity_id": won["opportunity_id"],
            "days": (won["closed_at"] - won["created_at"]).dt.total_seconds() / DAY_SECONDS,
            "amount": won["amount"],
            "when": np.where(won["closed_at"] >= start, "period", "baseline"),
            "month": won["closed_at"].dt.strftime("%Y-%m"),
        }
    ).reset_index(drop=True)


@scope_memo  # its panel, rule and metrics read one computation per report scope
def cycle_summary(report: Report) -> dict[str, Any]:
    """The month's median sales cycle against the usual months, with a one-sided Mann–Whitney test.

    The test pools the usual months' deals as if one month's wins were drawn from them; the deals a month closes
    share its circumstances (a quarter's push, one buyer's committee), so its median swings more than that: the
    p-value is never below the chance of so long a median among the usual months' own medians
    (:func:`salesnb.stats.log_high`; a region closing five deals a month at 77-101 days has a month of 114 now
    and then, p 0.07, where the deals pooled say 0.006).

    Keys: n, median, usual_n, usual_median, rise (median ÷ usual − 1), p_value, won_value, flagged (rise of at
    least ``thresholds.process.cycle_rise`` over ``thresholds.process.min_count`` wins fires it; one test per
    report, so a p below ``thresholds.process.fdr`` confirms it), ``usual_peak`` (the longest median of a usual
    month with ``min_count`` wins: a cycle no longer than it is not lengthening, though the usual months pooled
    have a shorter median — Maven's CRM closes short deals in a quarter's first month: 76 days in December against
    49 pooled, 77 in June) and the stage whose median stay grew most (``stage``, ``stage_before``,
    ``stage_after``; ``None`` without stage data).
    """
    thr = report.thresholds(NAME)
    frame = cycle_frame(report)
    now, base = frame[frame["when"] == "period"], frame[frame["when"] == "baseline"]
    median = float(now["days"].median()) if len(now) else float("nan")
    usual = float(base["days"].median()) if len(base) else float("nan")
    monthly = base.groupby("month")["days"].agg(["median", "size"])
    p = float("nan")
    if len(now) and len(base):
        p = float(sp.mannwhitneyu(now["days"], base["days"], alternative="greater").pvalue)
        p = float(np.fmax(p, stats.log_high(median, monthly["median"])))  # never stronger than the months' swing
    rise = median / usual - 1 if usual and usual > 0 else float("nan")
    peak = float(monthly.loc[monthly["size"] >= thr["min_count"], "median"].max()) if len(monthly) else float("nan")
    out: dict[str, Any] = {
        "n": int(len(now)),
        "median": median,
        "usual_n": int(len(base)),
        "usual_median": usual,
        "rise": rise,
        "p_value": p,
        "won_value": float(now["amount"].sum()),
        "usual_peak": peak,
        "flagged": bool(
            len(now) >= thr["min_count"] and rise >= thr["cycle_rise"] and p < thr["fdr"] and not peak >= median
        ),
        "stage": None,
        "stage_before": None,
        "stage_after": None,
    }
    if report.ds.has("stage_events"):
        stay_rows = time_in_stage_frame(report)
        medians = stay_rows.groupby(["stage", "when"])["days"].median().unstack()
        if {"period", "baseline"} <= set(medians.columns):
            growth = (medians["period"] - medians["baseline"]).dropna()
            if len(growth) and growth.max() > 0:
                stage = str(growth.sort_values(ascending=False, kind="stable").index[0])
                out.update(
                    stage=stage,
                    stage_before=float(medians.at[stage, "baseline"]),
                    stage_after=float(medians.at[stage, "period"]),
                )
    return out


def cycle_lengthening(report: Report) -> list[dict[str, Any]]:
    """Rule sales_cycle_lengthening: thresholds.process.{cycle_rise, min_count, fdr} (see :func:`cycle_summary`).

    Severity: :func:`salesnb.evidence.severity` (``strong_q``; ``collapse``: the cycle this much longer).
    """
    summary = cycle_summary(report)
    if not summary["flagged"]:
        return []
    effect = summary["won_value"] * (1 - summary["usual_median"] / summary["median"])
    stage_text = ""
    if summary["stage"] is not None:
        stage_text = t(
            "proc_f_cycle_stage",
            report.lang,
            stage=summary["stage"],
            before=days_text(summary["stage_before"]),
            after=days_text(summary["stage_after"]),
        )
    values = {
        "n": summary["n"],
        "median": days_text(summary["median"]),
        "usual": days_text(summary["usual_median"]),
        "m": n_history(report),
        "rise": format_pct(summary["rise"], signed=True),
        "stage_text": stage_text,
    }
    return [
        finding(
            report,
            "sales_cycle_lengthening",
            {},
            values,
            angle=NAME,
            metric="median_cycle_days",
            value=summary["median"],
            baseline=summary["usual_median"],
            effect=effect,
            severity=severity(report, effect, summary["p_value"], change=summary["rise"]),
            action_key=None if report.ds.has("stage_events") else "finding_sales_cycle_lengthening_action_no_stages",
        )
    ]


@needs("opportunities")
def cycle_panel(report: Report) -> Panel:
    """销售周期: the distribution of days from creation to win, this month against the usual months."""
    lang = report.lang
    n = n_history(report)
    frame = cycle_frame(report)
    summary = cycle_summary(report)
    ax = plot_boxes(
        frame.assign(stage=t("proc_step_won", lang)),
        group="stage",
        order=[t("proc_step_won", lang)],
        lang=lang,
        n=n,
        horizontal=True,
        title=f"{t('proc_cycle_title', lang)} · {report.period}",
    )
    shown = _distribution_table(frame, None, report)
    note = t(
        "proc_cycle_note",
        lang,
        n=summary["n"],
        median=days_text(summary["median"]),
        m=n,
        usual_n=summary["usual_n"],
        usual=days_text(summary["usual_median"]),
    )
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)
