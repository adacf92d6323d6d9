"""首次响应: how fast leads get their first answer, per source, against the goal and the usual months."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import stats
from ..display.formatting import format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.distributions import plot_goal_bars
from ..findings import finding, flagged
from ..i18n import t
from ..periods import ALL
from ..report import Report, scope_memo
from .common import NAME, history, lead_value, month_leads, n_history
from .confidence import confidence_text, flag_weak, stage_severity
from .evidence import confirm, min_excess


@scope_memo  # its panel, rule and metrics read one computation per report scope
def first_response_frame(report: Report) -> pd.DataFrame:
    """First-response speed per lead source (and all sources) this month against the usual months.

    A lead is *answered* (``judged``) when its first response came before the month's end; ``share`` is the share
    of answered leads answered within ``thresholds.process.first_response_hours``. The usual months are
    the ``process.history_months`` before the month. Columns: source, leads, answered, unanswered, judged,
    within, share, median_hours (of the answered), usual_share, late, late_excess, p_value (Fisher exact), q_value
    and flagged (:mod:`salesnb.process.evidence`: the rule — share below
    ``thresholds.process.first_response_share`` and ``thresholds.process.share_shift_points`` under usual,
    :func:`~salesnb.process.evidence.min_excess` of the judged leads late beyond the usual — flagged once the
    source's q over the sources (from its own Fisher p) is below ``thresholds.process.indicative_q``, ``confirmed``
    with it below ``thresholds.process.fdr``; :mod:`salesnb.process.confidence`).
    """
    thr = report.thresholds(NAME)
    hours = float(thr["first_response_hours"])
    _, end = report.window(report.period)
    now = month_leads(report, [report.period])
    base = month_leads(report, history(report, "leads", "created_at"))

    def answered(frame: pd.DataFrame, until: pd.Timestamp) -> pd.Series:
        return frame["response_hours"].notna() & (frame["first_response_at"] < until)

    def judged(frame: pd.DataFrame, until: pd.Timestamp) -> pd.Series:
        return answered(frame, until)

    def on_time(frame: pd.DataFrame, until: pd.Timestamp) -> pd.Series:
        return answered(frame, until) & (frame["response_hours"] <= hours)

    flags = pd.DataFrame({"within": on_time(base, end), "judged": judged(base, end)})
    per_source = flags.groupby(base["source"]).sum()  # the history's counts per source, one grouping
    rows = []
    for source in [*sorted(set(now["source"].unique())), ALL]:
        cur = now if source == ALL else now[now["source"] == source]
        ok, n_ok = answered(cur, end), int(judged(cur, end).sum())
        within = int(on_time(cur, end).sum())
        counted = flags.sum() if source == ALL else per_source.reindex([source], fill_value=0).iloc[0]
        base_within, base_judged = int(counted["within"]), int(counted["judged"])
        usual = stats.ratio(base_within, base_judged)
        known = n_ok and not math.isnan(usual)
        rows.append(
            {
                "source": source,
                "leads": len(cur),
                "answered": int(ok.sum()),
                "unanswered": len(cur) - int(ok.sum()),
                "judged": n_ok,
                "within": within,
                "share": stats.ratio(within, n_ok),
                "median_hours": float(cur.loc[ok, "response_hours"].median()) if n_ok else float("nan"),
                "usual_share": usual,
                "late": n_ok - within,
                "late_excess": (n_ok - within) - (1 - usual) * n_ok if known else float("nan"),
                "p_value": stats.fisher(within, n_ok, base_within, base_judged, "less"),
            }
        )
    frame = pd.DataFrame(rows)
    fired = (
        (frame["source"] != ALL)
        & (frame["share"] < float(thr["first_response_share"]))
        & (frame["usual_share"] - frame["share"] >= thr["share_shift_points"])
        & (frame["late_excess"] >= min_excess(report, frame["judged"]))
    )
    confirm(report, frame, fired)
    # a region's source brings a dozen leads a month: a third of them left waiting is rarely "significant" across
    # seven sources, so the source's own test flags it (medium, "may still be chance"); BH confirms it
    flag_weak(report, frame, fired)
    return frame


def slow_first_response(report: Report) -> list[dict[str, Any]]:
    """Rule slow_first_response: the frame's flag (see :func:`first_response_frame`).

    Thresholds: thresholds.process.{first_response_hours, first_response_share, share_shift_points, min_count}
    fire it; a q-value (Benjamini–Hochberg over the sources) below ``fdr`` confirms it. Severity as the stage rules'
    (:func:`~salesnb.process.confidence.stage_severity`): medium on the source's own weak evidence, at least medium
    once confirmed (never below the unconfirmed finding), high with the revenue at stake and q below ``strong_q``.
    """
    thr, n = report.thresholds(NAME), n_history(report)
    out = []
    for row in flagged(first_response_frame(report)):
        effect = row.late_excess * lead_value(report, row.source)
        values = {
            "source": row.source,
            "share": format_pct(row.share),
            "hours": thr["first_response_hours"],
            "goal": format_pct(thr["first_response_share"], 0),
            "usual": format_pct(row.usual_share),
            "n": n,
            "median": "—" if math.isnan(row.median_hours) else f"{row.median_hours:.1f}",
            "late": row.late,
            "confidence": confidence_text(report, row.confirmed, row.p_value, subject="source"),
        }
        out.append(
            finding(
                report,
                "slow_first_response",
                {"source": row.source},
                values,
                angle=NAME,
                metric="first_response_within_goal",
                value=row.share,
                baseline=row.usual_share,
                effect=effect,
                severity=stage_severity(report, effect, row.q_value, row.confirmed),
            )
        )
    return out


@needs("leads")
def first_response_panel(report: Report) -> Panel:
    """首次响应: share of leads answered within the goal, per source, against the goal line."""
    lang, thr = report.lang, report.thresholds(NAME)
    n = n_history(report)
    frame = first_response_frame(report)
    hours = thr["first_response_hours"]
    shown = frame.assign(
        label=frame["source"].where(frame["source"] != ALL, t("proc_all_sources", lang)),
        flag=frame["flagged"].map({True: t("proc_flag_slow", lang), False: ""}),
    )
    ax = plot_goal_bars(
        shown,
        label="label",
        value="share",
        goal=float(thr["first_response_share"]),
        lang=lang,
        title=t("proc_within_goal", lang, hours=hours),
    )
    cells = table(
        shown,
        [
            ("label", "proc_source", None),
            ("leads", "proc_leads", "int"),
            ("unanswered", "proc_unanswered", "int"),
            ("share", t("proc_within_goal", lang, hours=hours), "pct"),
            ("usual_share", t("proc_usual_share", lang, n=n), "pct"),
            ("median_hours", "proc_median_hours", "days"),
            ("flag", "proc_flag", None),
        ],
        lang,
    )
    unanswered = int(frame.loc[frame["source"] == ALL, "unanswered"].sum())
    share = format_pct(thr["first_response_share"], 0)
    note = t("proc_response_note", lang, share=share, hours=hours, unanswered=unanswered)
    return Panel(frame=frame, table=cells, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """The share of the month's answered leads answered within the goal, all sources (needs leads)."""
    if not report.ds.has("leads"):
        return {}
    speed = first_response_frame(report)
    return {"first_response_within_goal": stats.number(speed.loc[speed["source"] == ALL, "share"].iloc[0])}
