"""阶段存量: open deals per stage at month end and the month's entries still held there, against usual.

The usual level is the ``process.history_months`` month ends before the report month, pooled. Stage conversion
and the daily watch are :mod:`salesnb.process.conversion`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..data import facts
from ..data.facts import size_band_labels
from ..display import plotting
from ..display.formatting import format_int, format_pct, table
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import t
from ..report import Report, scope_memo
from .common import NAME, edges, first_month, history, n_history, snapshot_at, stages, stays
from .confidence import confidence_text, flag_indicated, stage_severity
from .evidence import confirm, count_rise_min_p, min_excess
from .stalled import flow_expected

# ------------------------------------------------------------------------------------------ stage stock


def _held(report: Report, months: list[str]) -> pd.DataFrame:
    """Per stage and month of the report region: deals entering the stage (``entered``), still there at its end."""
    rows = facts.in_region(stays(report), report.region)
    parts = []
    for month in months:
        start, end = report.window(month)
        month_rows = ((rows["entered_at"] >= start) & (rows["entered_at"] < end)).to_numpy()
        entered = rows.loc[month_rows, ["stage", "left_at"]]  # only what it reads, not every column of the stays
        held = entered["left_at"].isna() | (entered["left_at"] >= end)
        parts.append(pd.DataFrame({"stage": entered["stage"], "month": month, "held": held.astype(int)}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["stage", "month", "held"])
    return frame.groupby(["stage", "month"])["held"].agg(entered="size", held="sum").reset_index()


@scope_memo  # its panel, rule and metrics read one computation per report scope
def stage_stock_frame(report: Report) -> pd.DataFrame:
    """Open deals per stage at month end against the usual month ends, and the month's entries held at the stage.

    The held view is the month's pile-up: of the deals that entered the stage in the month, how many were still
    in it at its end. The usual month ends are the ``process.history_months`` before the report month.
    Columns: stage, stock, value, previous_month, usual, change (stock ÷ usual − 1), excess, entered, held,
    held_usual (the usual share of a month's entries still in the stage at its end, pooled), held_excess (held
    beyond that share of this month's entries), p_value, q_value, indicated_q, flagged, confirmed. A stage is
    congested when deals sit there longer than usual, and the month-end count alone is a noisy snapshot (deals come
    in bursts), so the business rule fires on either view: the stock up by more than
    ``thresholds.process.stage_stock_surge`` with at least :func:`~salesnb.process.evidence.min_excess` more deals
    than usual (scaled to the stage's usual stock), or the month's entries held beyond the usual share by as many
    deals (that share of the usual stock, at least :func:`~salesnb.process.evidence.min_excess`). The evidence is
    the smaller of the two tests' p-values (Poisson against the usual month ends; Fisher exact of held ÷ entered
    against the usual months), doubled (Bonferroni over the two views). The rule flags a stage once the BH q of that
    p over the stages that could be indicated (Tarone's family at that level, ``indicated_q``) is below
    ``thresholds.process.indicative_q`` (a medium finding); ``confirmed``: the q over the stages that could confirm
    (``q_value``) below ``fdr`` (high only with q below ``strong_q``), see
    :func:`salesnb.process.confidence.flag_indicated`. A month-end count also rises when the month's deals came
    late in it or the month is short (a February ends a day or three sooner after its last entries than a
    March): ``flow_expected`` and ``held_expected`` are the stock and the month's held entries the stage's own
    entries lead one to expect at the usual pace (:func:`salesnb.process.stalled.flow_expected`), ``strong_p``
    the larger of ``p_value`` and the smaller Poisson p against them (doubled, NaN pace: ``p_value`` alone), and
    ``strong_q`` its q (Tarone's family at ``strong_q``): a pile-up its entries explain is no top problem
    (:func:`stock_surge`).
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
    at_pace = pd.Series(0.0, index=stages(report))  # every stay that entered before the month end
    flow = flow_expected(report, at_pace)
    flow_held = flow_expected(report, at_pace, since=report.window(report.period)[0])
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
        paced = [  # the stock and the held entries against their pace (no pace known: p_value alone)
            stats.poisson_high(n, e) for n, e in ((stock, flow[stage]), (kept, flow_held[stage])) if not math.isnan(e)
        ]
        p_value = min(1.0, len(known) * min(known)) if known else float("nan")
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
                "p_value": p_value,
                "min_p": min(1.0, len(known) * min(floor)) if floor else 1.0,
                "flow_expected": flow[stage],
                "held_expected": flow_held[stage],
                "strong_p": max(p_value, min(1.0, len(paced) * min(paced))) if paced else p_value,
            }
        )
    frame = pd.DataFrame(rows)
    need = np.maximum(min_excess(report, frame["usual"]), frame["usual"] * thr["stage_stock_surge"])
    surge = (frame["stock"] > frame["usual"] * (1 + thr["stage_stock_surge"])) & (
        frame["excess"] >= min_excess(report, frame["usual"])
    )
    fired = surge | (frame["held_excess"] >= need)
    min_p = frame.pop("min_p")
    confirm(report, frame, fired, min_p=min_p)
    # the business rule fires the finding once q over the stages that could be indicated is below indicative_q
    # (weak evidence, medium); q below fdr confirms it and sets severity by the revenue at stake
    flag_indicated(report, frame, fired, min_p)
    # strong_p is never below p_value: the stages that could confirm p_value are a family wide enough for it
    frame["strong_q"] = evidence.tarone_q_values(frame["strong_p"], min_p, float(thr["strong_q"]))
    return frame


def _surge_source(report: Report, stage: str) -> tuple[str | None, int, float, float, float]:
    """The deal source behind most of a stage's rise: (source, deals now, usual deals, its rise, the stage's rise).

    ``(None, 0, 0.0, 0.0, 0.0)`` when no source accounts for at least half of the rise.
    """
    now = snapshot_at(report, report.period)
    now = now[now["stage"] == stage]["source"].value_counts()
    months = history(report)
    if not months:
        return None, 0, 0.0, 0.0, 0.0
    snaps = [snapshot_at(report, m) for m in months]
    past = pd.concat([snap.loc[snap["stage"] == stage, "source"] for snap in snaps])
    usual = past.value_counts() / len(months)
    excess = (now - usual.reindex(now.index).fillna(0.0)).sort_index()
    total = float(now.sum() - usual.sum())
    if excess.empty or total <= 0:
        return None, 0, 0.0, 0.0, 0.0
    top = excess[excess == excess.max()].index[0]
    if excess[top] * 2 < total:
        return None, 0, 0.0, 0.0, 0.0
    return str(top), int(now[top]), float(usual.get(top, 0.0)), float(excess[top]), total


def surge_effects(report: Report) -> dict[str, float]:
    """The revenue at stake of each flagged stage: its extra deals (month end or held) at the stage's mean amount.

    The rule's ``effect``, and what :mod:`salesnb.causes` adds up when several stages pile up in one month.
    """
    frame = stage_stock_frame(report)
    now = snapshot_at(report, report.period)
    return {
        str(row.stage): float(max(row.excess, row.held_excess) * now.loc[now["stage"] == row.stage, "amount"].mean())
        for row in frame[frame["flagged"]].itertuples()
    }


def stock_surge(report: Report) -> list[dict[str, Any]]:
    """Rule stage_stock_surge: thresholds.process.{stage_stock_surge, min_count, indicative_q, fdr, strong_q}.

    Names the source behind most of the rise and its commonest size band; when that band is the smallest,
    the action says to reassign those deals. Severity: :func:`~salesnb.process.confidence.stage_severity`, at most
    medium when the pile-up is not improbable (``strong_q`` not below ``thresholds.process.strong_q``) against what
    the stage's own entries lead one to expect at the usual pace (:func:`stage_stock_frame`).
    """
    lang, n = report.lang, n_history(report)
    strong = float(report.thresholds(NAME)["strong_q"])
    frame, effects = stage_stock_frame(report), surge_effects(report)
    now = snapshot_at(report, report.period)
    out = []
    for row in frame[frame["flagged"]].itertuples():
        in_stage = now[now["stage"] == row.stage]
        effect = effects[str(row.stage)]
        profile, action_key, extra = "", None, {}
        source, count, usual_count, _, _ = _surge_source(report, row.stage)
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
            "confidence": confidence_text(report, row.confirmed, row.p_value),
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
                severity=stage_severity(report, effect, row.q_value, row.confirmed and row.strong_q < strong),
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


def metrics(report: Report) -> dict[str, Any]:
    """Open deals per stage at month end, ``stage_stock_<stage>`` (needs opportunities and stage_events)."""
    if not (report.ds.has("opportunities") and report.ds.has("stage_events")):
        return {}
    return {f"stage_stock_{row.stage}": int(row.stock) for row in stage_stock_frame(report).itertuples()}
