"""阶段转化, 每日监控: stage-exit conversion against the stage's own usual conversion, and the daily watch.

The usual conversion of a stage is pooled over the ``process.conversion_history_months`` months before the report
month (a rate is steady enough to pool a year, and a region's stage sees only a handful of exits a month, so a
longer baseline makes the comparison with this month sharper); same days of a partial month are the Report's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..data import facts
from ..display.formatting import format_amount, format_int, format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.funnels import plot_daily_watch
from ..findings import finding, flagged
from ..i18n import t
from ..periods import bounds
from ..report import Report, scope_memo
from .common import NAME, history, stages, stays
from .confidence import confidence_text, flag_weak, stage_severity
from .evidence import confirm, min_excess


def n_conversion(report: Report) -> int:
    """``process.conversion_history_months``: the months a stage's usual conversion is pooled over."""
    return int(report.settings(NAME)["conversion_history_months"])


def _exits(report: Report, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The region's stays left in [start, end) (moved on or closed): stage_index, left_at, advanced, amount.

    A stage's rows are those whose ``stage_index`` is its place in :func:`stages` (the stays' own numbering):
    matching a number, not every row's stage name, and no text column copied.
    """
    rows = facts.in_region(stays(report), report.region)
    left = ((rows["left_at"] >= start) & (rows["left_at"] < end) & rows["advanced"].notna()).to_numpy()
    return rows.loc[left, ["stage_index", "left_at", "advanced", "amount"]]


@scope_memo  # its panel, rule and metrics read one computation per report scope
def stage_conversion_frame(report: Report) -> pd.DataFrame:
    """Stage-exit conversion: of the deals that left each stage in the month, the share that moved forward.

    A deal leaves a stage when it enters another one or closes; it moved forward when it entered a later stage
    or was won. Columns: stage, exits, advanced, rate, usual_exits, usual (pooled over the
    ``process.conversion_history_months`` before the month), drop (points), relative_drop (drop ÷ usual),
    lost_excess (deals lost beyond the usual rate), value (mean amount of the deals leaving), p_value (exact
    binomial mid-p of so few advancing at the usual rate), rho (how much the stage's monthly conversion over those
    months swings beyond binomial chance: :func:`salesnb.stats.intraclass`), spread_p (the mid-p beta-binomial
    with that ρ: a finding whose fall is a swing normal for the stage, its season or slow months, is no top
    problem, :func:`conversion_low`), q_value (Benjamini–Hochberg over the stages), flagged and confirmed
    (:mod:`salesnb.process.confidence`). The business rule: conversion at least
    ``thresholds.process.conversion_drop_share`` below usual, at least ``min_exits`` deals leaving, and at least
    :func:`~salesnb.process.evidence.min_excess` of them (in whole deals) lost beyond the usual rate (floor
    ``conversion_min_count_floor``); it flags the stage once its q over the stages is below ``indicative_q``.
    """
    thr = report.thresholds(NAME)
    start, end = report.window(report.period)
    now = _exits(report, start, end)
    months = history(report, months=n_conversion(report))
    base = _exits(report, bounds(months[0])[0], bounds(months[-1])[1]) if months else now.iloc[0:0]
    rows = []
    now_at, base_at = now["stage_index"].to_numpy(), base["stage_index"].to_numpy()
    starts = np.array([bounds(m)[0] for m in months], dtype="datetime64[ns]")
    month_at = np.searchsorted(starts, base["left_at"].to_numpy(dtype="datetime64[ns]"), side="right") - 1
    for i, stage in enumerate(stages(report)):
        cur, before = now[now_at == i], base[base_at == i]
        exits, advanced = len(cur), int(cur["advanced"].sum())
        usual = stats.ratio(before["advanced"].sum(), len(before))
        rate = stats.ratio(advanced, exits)
        # how much the stage's monthly conversion swings beyond binomial chance (season, a slow month)
        per_month = np.bincount(month_at[base_at == i], minlength=len(months))
        won = np.bincount(month_at[base_at == i], weights=before["advanced"].to_numpy(float), minlength=len(months))
        rho = stats.intraclass(won, per_month)
        rows.append(
            {
                "stage": stage,
                "exits": exits,
                "advanced": advanced,
                "rate": rate,
                "usual_exits": len(before),
                "usual": usual,
                "drop": usual - rate,
                "relative_drop": (usual - rate) / usual if usual and usual > 0 else float("nan"),
                "lost_excess": exits * (usual - rate) if exits else 0.0,
                "value": float(cur["amount"].mean()) if exits else 0.0,
                "p_value": stats.binom_low_mid(advanced, exits, usual) if exits and len(before) else float("nan"),
                "rho": rho,
                "spread_p": stats.betabinom_low(advanced, exits, usual, rho, mid=True)
                if exits and len(before)
                else float("nan"),
            }
        )
    frame = pd.DataFrame(rows)
    fired = (
        (frame["relative_drop"] >= thr["conversion_drop_share"])
        & (frame["exits"] >= thr["min_exits"])
        # in whole deals, as the detail states them (1.85 more lost is "about 2")
        & (frame["lost_excess"].round() >= min_excess(report, frame["exits"], "conversion_min_count_floor"))
    )
    confirm(report, frame, fired)
    flag_weak(report, frame, fired)
    return frame


def conversion_low(report: Report) -> list[dict[str, Any]]:
    """Rule stage_conversion_low (the frame's flag), severity and confidence from :mod:`.confidence`.

    At most medium when the fall is within the stage's own month-to-month swing (``spread_p`` not below
    ``strong_q``): the binomial test alone made a stage's ordinary bad month a top problem on clean data.

    Reads thresholds.process.{conversion_drop_share, min_exits, conversion_min_count_floor, min_count, indicative_q,
    fdr,
    strong_q}.
    """
    lang, n, strong = report.lang, n_conversion(report), float(report.thresholds(NAME)["strong_q"])
    out = []
    for row in flagged(stage_conversion_frame(report)):
        effect = row.lost_excess * row.value
        values = {
            "stage": row.stage,
            "exits": row.exits,
            "advanced": row.advanced,
            "rate": format_pct(row.rate),
            "usual": format_pct(row.usual),
            "n": n,
            "lost": format_int(row.lost_excess),
            "effect": format_amount(effect, lang),
            "confidence": confidence_text(report, row.confirmed, row.p_value),
        }
        out.append(
            finding(
                report,
                "stage_conversion_low",
                {"stage": row.stage},
                values,
                angle=NAME,
                metric="stage_conversion",
                value=row.rate,
                baseline=row.usual,
                effect=effect,
                severity=stats.capped_severity(
                    stage_severity(report, effect, row.q_value, row.confirmed), row.spread_p, strong
                ),
            )
        )
    return out


def _warning_lines(report: Report, usual: pd.Series) -> pd.Series:
    thr = report.thresholds(NAME)
    lines = usual * float(thr["warning_ratio"])
    for entry in thr.get("warning_lines") or []:
        if str(entry.get("stage")) in lines.index:
            lines[str(entry["stage"])] = float(entry["line"])
    return lines


def daily_watch_frame(report: Report) -> pd.DataFrame:
    """Each stage's daily conversion in the month against its warning line, with runs of days below it.

    On each day the conversion is the share of the deals that left the stage in the ``process.daily_window_days``
    days up to it that moved forward (NaN under ``thresholds.process.min_daily_exits`` deals). The warning line is
    the stage's pooled usual conversion × ``thresholds.process.warning_ratio`` unless
    ``thresholds.process.warning_lines`` sets it. Stages that never lost a deal in the usual months are not
    watched. Columns: stage, date, exits, advanced, conversion, warning_line, below, streak (days below in a
    row), alert (streak ≥ ``thresholds.process.daily_watch_days``).
    """
    thr = report.thresholds(NAME)
    start, end = report.window(report.period)
    window = int(report.settings(NAME)["daily_window_days"])
    min_exits = int(thr["min_daily_exits"])
    conv = stage_conversion_frame(report).set_index("stage")
    lines = _warning_lines(report, conv["usual"])
    exits = _exits(report, start - pd.Timedelta(days=window - 1), end)
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    need = int(thr["daily_watch_days"])
    columns = ["stage", "date", "exits", "advanced", "conversion", "warning_line", "below", "streak", "alert"]
    parts = []
    exits_at = exits["stage_index"].to_numpy()
    for i, stage in enumerate(stages(report)):
        if conv.at[stage, "usual_exits"] < min_exits or not conv.at[stage, "usual"] < 1:
            continue
        rows = exits[exits_at == i]
        day = rows["left_at"].dt.normalize()
        per_day = pd.DataFrame({"n": 1, "adv": rows["advanced"]}).groupby(day).sum()
        per_day = per_day.reindex(
            pd.date_range(start - pd.Timedelta(days=window - 1), days[-1], freq="D"), fill_value=0
        )
        rolled = per_day.rolling(window, min_periods=1).sum().loc[days]
        n, adv = rolled["n"].to_numpy(), rolled["adv"].to_numpy()
        conversion = np.where(n >= min_exits, adv / np.maximum(n, 1), np.nan)
        below = conversion < lines[stage]
        streak = np.zeros(len(days), dtype=int)
        for i, flag in enumerate(below):
            streak[i] = streak[i - 1] + 1 if flag and i else int(flag)
        parts.append(
            pd.DataFrame(
                {
                    "stage": stage,
                    "date": days,
                    "exits": n.astype(int),
                    "advanced": adv.astype(int),
                    "conversion": conversion,
                    "warning_line": float(lines[stage]),
                    "below": below,
                    "streak": streak,
                    "alert": streak >= need,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


@needs("opportunities", "stage_events")
def daily_watch_panel(report: Report) -> Panel:
    """每日监控: each stage's daily conversion in the month with its warning line; a run of days below alerts."""
    lang, thr = report.lang, report.thresholds(NAME)
    frame = daily_watch_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("proc_no_stage_deals", lang))
    axes = plot_daily_watch(frame, lang=lang, title=f"{t('proc_conversion', lang)} · {report.period}")
    alerts = frame[frame["alert"]].groupby("stage", sort=False)["date"].min()
    day_format = t("proc_watch_day_format", lang)
    alert_text = t("proc_list_sep", lang).join(
        t("proc_watch_alert", lang, stage=s, day=d.strftime(day_format)) for s, d in alerts.items()
    )
    summary = (
        frame.groupby("stage", sort=False)
        .agg(
            exits=("exits", "last"),
            conversion=("conversion", "last"),
            warning_line=("warning_line", "first"),
            days_below=("below", "sum"),
            longest=("streak", "max"),
        )
        .reset_index()
    )
    summary["flag"] = summary["stage"].isin(alerts.index).map({True: t("proc_flag_yes", lang), False: ""})
    shown = table(
        summary,
        [
            ("stage", "proc_stage", None),
            ("conversion", "proc_conversion", "pct"),
            ("warning_line", "proc_warning_line", "pct"),
            ("days_below", "proc_days_below", "int"),
            ("longest", "proc_longest_run", "int"),
            ("flag", "proc_flag", None),
        ],
        lang,
    )
    note = t(
        "proc_watch_note",
        lang,
        window=int(report.settings(NAME)["daily_window_days"]),
        min=int(thr["min_daily_exits"]),
        n=n_conversion(report),
        ratio=f"{float(thr['warning_ratio']):.0%}",
        days=int(thr["daily_watch_days"]),
        alerts=alert_text or t("proc_watch_none", lang),
    )
    return Panel(frame=frame, table=shown, figure=axes[0].figure, note=note)
