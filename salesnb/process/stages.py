"""阶段存量, 阶段转化, 每日监控: open deals per stage at month end, stage-exit conversion, the daily watch.

The usual level is the ``process.history_months`` months (or month ends) before the report month, pooled.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..data import facts
from ..data.facts import size_band_labels
from ..display import plotting
from ..display.formatting import format_amount, format_int, format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.funnels import plot_daily_watch
from ..findings import finding, flagged
from ..i18n import t
from ..periods import bounds
from ..report import Report
from .common import NAME, edges, first_month, history, n_history, snapshot_at, stages, stays
from .evidence import confirm, count_rise_min_p, min_excess, severity

# ------------------------------------------------------------------------------------------ stage stock


def _held(report: Report, months: list[str]) -> pd.DataFrame:
    """Per stage and month of the report region: deals entering the stage (``entered``), still there at its end."""
    rows = facts.in_region(stays(report), report.region)
    parts = []
    for month in months:
        start, end = bounds(month)
        entered = rows[(rows["entered_at"] >= start) & (rows["entered_at"] < end)]
        held = entered["left_at"].isna() | (entered["left_at"] >= end)
        parts.append(pd.DataFrame({"stage": entered["stage"], "month": month, "held": held.astype(int)}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["stage", "month", "held"])
    return frame.groupby(["stage", "month"])["held"].agg(entered="size", held="sum").reset_index()


def stage_stock_frame(report: Report) -> pd.DataFrame:
    """Open deals per stage at month end against the usual month ends, and the month's entries held at the stage.

    The held view is the month's pile-up: of the deals that entered the stage in the month, how many were still
    in it at its end. The usual month ends are the ``process.history_months`` before the report month.
    Columns: stage, stock, value, previous_month, usual, change (stock ÷ usual − 1), excess, entered, held,
    held_usual (the usual share of a month's entries still in the stage at its end, pooled), held_excess (held
    beyond that share of this month's entries), p_value, q_value, flagged. A stage is congested when deals sit
    there longer than usual, and the month-end count alone is a noisy snapshot (deals come in bursts), so the
    business rule fires on either view: the stock up by more than ``thresholds.process.stage_stock_surge`` with
    at least :func:`~salesnb.process.evidence.min_excess` more deals than usual (scaled to the stage's usual
    stock), or the month's entries held beyond the usual share by as many deals (that share of the usual stock,
    at least :func:`~salesnb.process.evidence.min_excess`). The evidence is the smaller of the two tests'
    p-values (Poisson against the usual month ends; Fisher exact of held ÷ entered against the usual months),
    doubled (Bonferroni over the two views). The rule flags a stage once that p is below
    ``thresholds.process.fdr``; the BH q over the stages that could confirm (Tarone) sets the confidence: above
    ``strong_q`` the finding is at most medium.
    """
    thr = report.thresholds(NAME)
    now = snapshot_at(report, report.period)
    prev = str(report.baselines.previous_month)
    months = history(report)
    past = [snapshot_at(report, m)["stage"].value_counts() for m in months]
    k = len(months)
    prev_counts = (
        snapshot_at(report, prev)["stage"].value_counts()
        if prev >= first_month(report, "opportunities", "created_at")
        else None
    )
    held = _held(report, [*months, report.period]).set_index(["stage", "month"])
    rows = []
    for stage in stages(report):
        in_stage = now[now["stage"] == stage]
        usual = float(np.mean([h.get(stage, 0) for h in past])) if past else float("nan")
        stock = len(in_stage)
        mine = held.loc[stage] if stage in held.index.get_level_values(0) else held.iloc[0:0]
        cur = mine.loc[report.period] if report.period in mine.index else {"entered": 0, "held": 0}
        base = mine.drop(index=report.period, errors="ignore")
        entered, kept = int(cur["entered"]), int(cur["held"])
        held_usual = stats.ratio(base["held"].sum(), base["entered"].sum())
        p_stock = stats.count_rise(stock, usual * k, k) if k else float("nan")
        p_held = stats.fisher(kept, entered, base["held"].sum(), base["entered"].sum(), "greater")
        known = [p for p in (p_stock, p_held) if not math.isnan(p)]
        floor = [  # the smallest p-value each view could give with these counts (for Tarone's family)
            float(count_rise_min_p(pd.Series([stock]), pd.Series([usual * k]), k)[0]) if k else math.nan,
            stats.fisher(entered, entered, base["held"].sum(), base["entered"].sum(), "greater"),
        ]
        floor = [p for p in floor if not math.isnan(p)]
        rows.append(
            {
                "stage": stage,
                "stock": stock,
                "value": float(in_stage["amount"].sum()),
                "previous_month": float(prev_counts.get(stage, 0)) if prev_counts is not None else float("nan"),
                "usual": usual,
                "change": stock / usual - 1 if usual and usual > 0 else float("nan"),
                "excess": stock - usual if not math.isnan(usual) else float("nan"),
                "entered": entered,
                "held": kept,
                "held_usual": held_usual,
                "held_excess": kept - entered * held_usual if entered and not math.isnan(held_usual) else 0.0,
                "p_value": min(1.0, len(known) * min(known)) if known else float("nan"),
                "min_p": min(1.0, len(known) * min(floor)) if floor else 1.0,
            }
        )
    frame = pd.DataFrame(rows)
    need = np.maximum(min_excess(report, frame["usual"]), frame["usual"] * thr["stage_stock_surge"])
    surge = (frame["stock"] > frame["usual"] * (1 + thr["stage_stock_surge"])) & (
        frame["excess"] >= min_excess(report, frame["usual"])
    )
    fired = surge | (frame["held_excess"] >= need)
    confirm(report, frame, fired, min_p=frame.pop("min_p"))
    # the business rule fires the finding once its own test holds (p below fdr); q over the stages sets the
    # confidence and severity (a stage's count is small: BH over six stages alone would need a doubling of ten)
    frame["flagged"] = fired & (frame["p_value"] < thr["fdr"])
    return frame


def _surge_source(report: Report, stage: str) -> tuple[str | None, int, float]:
    """The deal source behind most of a stage's rise: (source, deals now, usual deals), or ``None``."""
    now = snapshot_at(report, report.period)
    now = now[now["stage"] == stage]["source"].value_counts()
    months = history(report)
    if not months:
        return None, 0, 0.0
    snaps = [snapshot_at(report, m) for m in months]
    past = pd.concat([snap.loc[snap["stage"] == stage, "source"] for snap in snaps])
    usual = past.value_counts() / len(months)
    excess = (now - usual.reindex(now.index).fillna(0.0)).sort_index()
    total = float(now.sum() - usual.sum())
    if excess.empty or total <= 0:
        return None, 0, 0.0
    top = excess[excess == excess.max()].index[0]
    if excess[top] * 2 < total:
        return None, 0, 0.0
    return str(top), int(now[top]), float(usual.get(top, 0.0))


def stock_surge(report: Report) -> list[dict[str, Any]]:
    """Rule stage_stock_surge: thresholds.process.{stage_stock_surge, min_count, fdr, strong_q} (the frame's flag).

    Names the source behind most of the rise and its commonest size band; when that band is the smallest,
    the action says to reassign those deals.
    """
    lang, n = report.lang, n_history(report)
    frame = stage_stock_frame(report)
    out = []
    for row in frame[frame["flagged"]].itertuples():
        now = snapshot_at(report, report.period)
        in_stage = now[now["stage"] == row.stage]
        effect = max(row.excess, row.held_excess) * float(in_stage["amount"].mean())
        rise = max(row.excess, row.held_excess) / max(row.usual, 1.0)  # the stage's stock up by this share
        profile, action_key, extra = "", None, {}
        source, count, usual_count = _surge_source(report, row.stage)
        if source is not None:
            rows = in_stage[in_stage["source"] == source]
            bands = rows["size_band"][rows["size_band"] != facts.UNKNOWN].value_counts()
            if len(bands):
                band = str(bands[bands == bands.iloc[0]].sort_index().index[0])
                share = bands.iloc[0] / len(rows)
                profile = t(
                    "proc_f_stock_profile",
                    lang,
                    source=source,
                    count=count,
                    usual=format_int(usual_count),
                    band=band,
                    share=format_pct(share),
                )
                if band == size_band_labels(list(edges(report)))[0]:
                    action_key, extra = "finding_stage_stock_surge_action_profile", {"source": source, "band": band}
        values = {
            "stage": row.stage,
            "stock": row.stock,
            "usual": format_int(row.usual),
            "n": n,
            "change": format_pct(row.change, signed=True),
            "profile": profile,
            "flow": t(
                "proc_f_stock_flow",
                lang,
                entered=row.entered,
                held=row.held,
                share=format_pct(row.held / row.entered if row.entered else 0.0),
                usual_share=format_pct(row.held_usual if not math.isnan(row.held_usual) else 0.0),
            ),  # fmt: skip
            **extra,
        }
        out.append(
            finding(
                report,
                "stage_stock_surge",
                {"stage": row.stage},
                values,
                angle=NAME,
                action_key=action_key,
                metric="stage_stock",
                value=row.stock,
                baseline=row.usual,
                effect=effect,
                severity=severity(report, effect, row.q_value, change=rise),
            )
        )
    return out


@needs("opportunities", "stage_events")
def stage_stock_panel(report: Report) -> Panel:
    """阶段存量: open deals per stage at month end against the usual month ends' average (a snapshot)."""
    lang = report.lang
    n = n_history(report)
    frame = stage_stock_frame(report)
    ax = plotting.plot_bar_compare(
        frame,
        label="stage",
        current="stock",
        unit="count",
        baseline="usual",
        lang=lang,
        legend=(t("proc_stock_now", lang), t("proc_usual", lang, n=n)),
        title=f"{t('proc_step_open_deals', lang)} · {t('proc_stage', lang)}",
    )
    ax.set_xlabel(t("proc_count", lang))
    shown = frame.assign(flag=frame["flagged"].map({True: t("proc_flag_surge", lang), False: ""}))
    shown = table(
        shown,
        [
            ("stage", "proc_stage", None),
            ("stock", "proc_stock_now", "int"),
            ("value", "proc_value", "amount"),
            ("previous_month", "proc_stock_prev", "int"),
            ("usual", t("proc_usual", lang, n=n), "days"),
            ("change", "proc_change", "signed_pct"),
            ("flag", "proc_flag", None),
        ],
        lang,
    )
    surge = format_pct(report.thresholds(NAME)["stage_stock_surge"], 0)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=t("proc_stock_note", lang, n=n, surge=surge))


# ------------------------------------------------------------------------------------- stage conversion


def _exits(report: Report, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    rows = facts.in_region(stays(report), report.region)
    return rows[(rows["left_at"] >= start) & (rows["left_at"] < end) & rows["advanced"].notna()]


def stage_conversion_frame(report: Report) -> pd.DataFrame:
    """Stage-exit conversion: of the deals that left each stage in the month, the share that moved forward.

    A deal leaves a stage when it enters another one or closes; it moved forward when it entered a later stage
    or was won. Columns: stage, exits, advanced, rate, usual_exits, usual (pooled over the
    ``process.history_months`` before the month), drop (points), lost_excess (deals lost beyond the usual rate),
    value (mean amount of the deals leaving), p_value (Fisher exact against the usual months), q_value and
    flagged (:mod:`salesnb.process.evidence`: the rule — at least ``thresholds.process.conversion_drop_points``
    below usual, at least ``min_exits`` deals leaving, :func:`~salesnb.process.evidence.min_excess` of them lost
    beyond the usual rate — confirmed by a q-value below ``fdr``).
    """
    thr = report.thresholds(NAME)
    start, end = bounds(report.period)
    now = _exits(report, start, end)
    months = history(report)
    base = _exits(report, bounds(months[0])[0], bounds(months[-1])[1]) if months else now.iloc[0:0]
    rows = []
    for stage in stages(report):
        cur, before = now[now["stage"] == stage], base[base["stage"] == stage]
        exits, advanced = len(cur), int(cur["advanced"].sum())
        usual = stats.ratio(before["advanced"].sum(), len(before))
        rate = stats.ratio(advanced, exits)
        rows.append(
            {
                "stage": stage,
                "exits": exits,
                "advanced": advanced,
                "rate": rate,
                "usual_exits": len(before),
                "usual": usual,
                "drop": usual - rate,
                "lost_excess": exits * (usual - rate) if exits else 0.0,
                "value": float(cur["amount"].mean()) if exits else 0.0,
                "p_value": stats.fisher(advanced, exits, before["advanced"].sum(), len(before), "less"),
            }
        )
    frame = pd.DataFrame(rows)
    fired = (
        (frame["drop"] >= thr["conversion_drop_points"])
        & (frame["exits"] >= thr["min_exits"])
        & (frame["lost_excess"] >= min_excess(report, frame["exits"]))
    )
    confirm(report, frame, fired)
    return frame


def conversion_low(report: Report) -> list[dict[str, Any]]:
    """Rule stage_conversion_low: thresholds.process.{conversion_drop_points, min_exits, min_count, fdr, strong_q}."""
    lang, n = report.lang, n_history(report)
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
                severity=severity(report, effect, row.q_value),
            )
        )
    return out


# ------------------------------------------------------------------------------------------ daily watch


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
    start, end = bounds(report.period)
    window = int(report.settings(NAME)["daily_window_days"])
    min_exits = int(thr["min_daily_exits"])
    conv = stage_conversion_frame(report).set_index("stage")
    lines = _warning_lines(report, conv["usual"])
    exits = _exits(report, start - pd.Timedelta(days=window - 1), end)
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    need = int(thr["daily_watch_days"])
    columns = ["stage", "date", "exits", "advanced", "conversion", "warning_line", "below", "streak", "alert"]
    parts = []
    for stage in stages(report):
        if conv.at[stage, "usual_exits"] < min_exits or not conv.at[stage, "usual"] < 1:
            continue
        rows = exits[exits["stage"] == stage]
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
        n=n_history(report),
        ratio=f"{float(thr['warning_ratio']):.0%}",
        days=int(thr["daily_watch_days"]),
        alerts=alert_text or t("proc_watch_none", lang),
    )
    return Panel(frame=frame, table=shown, figure=axes[0].figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """Open deals per stage at month end, ``stage_stock_<stage>`` (needs opportunities and stage_events)."""
    if not (report.ds.has("opportunities") and report.ds.has("stage_events")):
        return {}
    return {f"stage_stock_{row.stage}": int(row.stock) for row in stage_stock_frame(report).itertuples()}
