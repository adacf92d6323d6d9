"""销售漏斗, 赢单率与销售速度: the funnel (cohort or snapshot, optionally split) and the month's sales velocity.

Two counting bases are named in every funnel table: **cohort** (本期流量) counts what entered a step during the
month — leads created, deals created, deals entering a stage, deals won; **snapshot** (月末快照) counts what
sat in a step at the month's end.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..data import facts
from ..data.deals import DAY_SECONDS, open_at
from ..data.facts import size_band_labels
from ..display import plotting
from ..display.formatting import format_cell, format_int, format_pct, table, text_column
from ..display.panel import Panel, needs
from ..display.plotting.funnels import plot_conversion_matrix, plot_funnel
from ..i18n import joined, t
from ..report import Report, scope_memo
from .common import (
    NAME,
    deals,
    dim_label,
    edges,
    first_month,
    leads,
    snapshot_at,
    stages,
    stays,
    trailing,
    unknown_stages,
)

BY_DIMENSIONS: tuple[str, ...] = ("source", "region", "size_band")


def _segment_order(by: str | None, report: Report, counts: pd.Series) -> list[str]:
    names = [str(k) for k in counts.index]
    if by == "size_band":
        order = [*size_band_labels(list(edges(report))), facts.UNKNOWN]
        return [n for n in order if n in names]
    return sorted(names, key=lambda n: (n == facts.UNKNOWN, -counts.get(n, 0), n))


@scope_memo  # the funnel and its three splits read the same steps
def _steps(report: Report, basis: str) -> list[tuple[str, str, pd.DataFrame, bool]]:
    """The funnel's steps: (key, label, rows, has value), top to bottom."""
    lang = report.lang
    start, end = report.window(report.period)
    steps: list[tuple[str, str, pd.DataFrame, bool]] = []
    if report.ds.has("leads"):
        lead_rows = facts.in_region(leads(report), report.region)
        if basis == "cohort":
            rows = lead_rows[(lead_rows["created_at"] >= start) & (lead_rows["created_at"] < end)]
            steps.append(("leads", t("proc_step_leads", lang), rows, False))
        else:
            recent = end - pd.Timedelta(days=int(report.settings(NAME)["open_lead_days"]))
            decided = lead_rows["converted"].notna() & (lead_rows["decided_at"] < end)
            rows = lead_rows[(lead_rows["created_at"] < end) & (lead_rows["created_at"] >= recent) & ~decided]
            steps.append(("open_leads", t("proc_step_open_leads", lang), rows, False))
    if not report.ds.has("opportunities"):
        return steps
    if basis == "cohort":
        deal_rows = facts.in_region(deals(report), report.region)
        created = deal_rows[(deal_rows["created_at"] >= start) & (deal_rows["created_at"] < end)]
        steps.append(("opportunities", t("proc_step_opportunities", lang), created, True))
        if report.ds.has("stage_events"):
            stay_rows = facts.in_region(stays(report), report.region)
            entered = stay_rows[(stay_rows["entered_at"] >= start) & (stay_rows["entered_at"] < end)]
            entered = entered.drop_duplicates(["opportunity_id", "stage"])
            for stage in stages(report):
                steps.append((stage, stage, entered[entered["stage"] == stage], True))
        won = deal_rows[
            (deal_rows["outcome"] == "won") & (deal_rows["closed_at"] >= start) & (deal_rows["closed_at"] < end)
        ]
        steps.append(("won", t("proc_step_won", lang), won, True))
    else:
        snap = snapshot_at(report, report.period)
        steps.append(("open_deals", t("proc_step_open_deals", lang), snap, True))
        if report.ds.has("stage_events"):
            for stage in stages(report):
                steps.append((stage, stage, snap[snap["stage"] == stage], True))
    return steps


def funnel_frame(report: Report, by: str | None = None, basis: str = "cohort") -> pd.DataFrame:
    """Counts (and deal values) per funnel step, with conversion as % of the previous and of the first step.

    ``basis="cohort"`` (本期流量): leads created in the month → deals created → deals entering each configured
    stage → deals won in the month. ``basis="snapshot"`` (月末快照): leads open at month end (created in the last
    ``process.open_lead_days`` days) → open deals → open deals sitting in each stage. ``by`` splits every step by
    ``source``, ``region`` or ``size_band`` (company size: the lead's, else the customer's employee count).

    Columns: segment, step (key), label, count, value (deal amounts; NaN for leads), pct_prev, pct_first, basis.
    In a snapshot a stage's ``pct_first`` is its share of the open deals and ``pct_prev`` is empty: stock is not a
    conversion.
    """
    if basis not in ("cohort", "snapshot"):
        raise ValueError(f"basis must be 'cohort' or 'snapshot', got {basis!r}")
    if by is not None and by not in BY_DIMENSIONS:
        raise ValueError(f"by must be one of {BY_DIMENSIONS} or None, got {by!r}")
    steps = _steps(report, basis)

    def key_of(rows: pd.DataFrame) -> pd.Series:
        return rows[by].astype(str) if by else pd.Series(report.region_label, index=rows.index, dtype=object)

    first_rows = steps[0][2]
    segments = _segment_order(by, report, key_of(first_rows).value_counts())
    for _, _, rows, _ in steps:
        for name in key_of(rows).unique():
            if str(name) not in segments:
                segments.append(str(name))
    records = []
    for key, label, rows, has_value in steps:
        keys = key_of(rows)
        counts = keys.value_counts()
        values = rows.groupby(keys)["amount"].sum() if has_value and len(rows) else pd.Series(dtype=float)
        for segment in segments:
            records.append(
                {
                    "segment": segment,
                    "step": key,
                    "label": label,
                    "count": int(counts.get(segment, 0)),
                    "value": float(values.get(segment, 0.0)) if has_value else float("nan"),
                }
            )
    frame = pd.DataFrame(records, columns=["segment", "step", "label", "count", "value"])
    grouped = frame.groupby("segment", sort=False)["count"]
    previous = grouped.shift(1)
    first = grouped.transform("first")
    frame["pct_prev"] = frame["count"] / previous.where(previous > 0)
    frame["pct_first"] = frame["count"] / first.where(first > 0)
    frame.loc[grouped.cumcount() == 0, "pct_prev"] = np.nan
    if basis == "snapshot":  # stock is not flow: a stage's share of the open deals, not a conversion
        is_stage = ~frame["step"].isin(["open_leads", "open_deals"])
        open_deals = frame["segment"].map(frame[frame["step"] == "open_deals"].set_index("segment")["count"])
        frame.loc[is_stage, "pct_prev"] = np.nan
        frame.loc[is_stage, "pct_first"] = frame["count"] / open_deals.where(open_deals > 0)
    frame["basis"] = basis
    return frame


@needs("opportunities")
def funnel_panel(report: Report, by: str | None = None, basis: str = "cohort") -> Panel:
    """销售漏斗: the funnel as narrowing bars (or, split ``by`` a dimension, a conversion grid) and its table."""
    lang = report.lang
    frame = funnel_frame(report, by, basis)
    days = int(report.settings(NAME)["open_lead_days"])
    note = t("proc_basis_cohort", lang) if basis == "cohort" else t("proc_basis_snapshot", lang, days=days)
    unknown = unknown_stages(report)
    if unknown:
        note += " " + t("proc_unknown_stages", lang, n=sum(unknown.values()), names=joined(unknown, lang))
    basis_label = t(f"proc_basis_{basis}_short", lang)
    if by is None:
        title = f"{basis_label} · {report.region_label} · {report.period}"
        snap = basis == "snapshot"
        ax = plot_funnel(frame, share="pct_first" if snap else "pct_prev", centred=not snap, lang=lang, title=title)
        share_columns = (
            [("pct_first", "proc_share_open", "pct")]
            if snap
            else [("pct_prev", "proc_pct_prev", "pct"), ("pct_first", "proc_pct_first", "pct")]
        )
        shown = table(
            frame,
            [
                ("label", "proc_step", None),
                ("count", "proc_count", "int"),
                ("value", "proc_value", "amount"),
                *share_columns,
            ],
            lang,
        )
        return Panel(frame=frame, table=shown, figure=ax.figure, note=note)
    if len(frame) and facts.is_unknown(frame["segment"]).all():  # no lead or customer says it: one 未知 at 100 %
        return Panel.skipped(t("needs_column", lang, columns=dim_label(by, lang)))
    frame = frame.assign(segment=text_column(frame["segment"], lang))  # an English page showed 未知 (no source)
    ax = plot_conversion_matrix(frame, lang=lang, title=f"{t('proc_pct_prev', lang)} · {dim_label(by, lang)}")
    wide = frame.pivot_table(index="segment", columns="label", values="count", aggfunc="sum", sort=False)
    labels = list(dict.fromkeys(frame["label"]))
    segments = list(dict.fromkeys(frame["segment"]))
    wide = wide.reindex(index=segments, columns=labels).fillna(0).astype(int)
    last = frame.groupby("segment", sort=False)["pct_first"].last()
    grid = pd.DataFrame({dim_label(by, lang): segments})
    for label in labels:
        grid[label] = [format_int(v) for v in wide[label]]
    grid[f"{labels[-1]} / {labels[0]}"] = [format_pct(last.get(s)) for s in segments]
    return Panel(frame=frame, table=grid, figure=ax.figure, note=note)


# -------------------------------------------------------------------------------------------- velocity


def _month_velocity(deal_rows: pd.DataFrame, span: tuple[pd.Timestamp, pd.Timestamp]) -> dict[str, float]:
    start, end = span
    closed = deal_rows[(deal_rows["closed_at"] >= start) & (deal_rows["closed_at"] < end)]
    won = closed[closed["outcome"] == "won"]
    n_won, n_lost = len(won), int((closed["outcome"] == "lost").sum())
    cycle = (won["closed_at"] - won["created_at"]).dt.total_seconds() / DAY_SECONDS
    win_rate = stats.ratio(n_won, n_won + n_lost)
    avg_won = float(won["amount"].mean()) if n_won else float("nan")
    open_deals = int(open_at(deal_rows, end).sum())
    mean_cycle = float(cycle.mean()) if n_won else float("nan")
    per_day = open_deals * avg_won * win_rate / mean_cycle if mean_cycle and mean_cycle > 0 else float("nan")
    return {
        "won": float(n_won),
        "lost": float(n_lost),
        "win_rate": win_rate,
        "avg_won": avg_won,
        "open": float(open_deals),
        "cycle_mean": mean_cycle,
        "cycle_median": float(cycle.median()) if n_won else float("nan"),
        "velocity_day": per_day,
        "velocity_month": per_day * (end - start).days,
    }


@scope_memo  # its panel, rule and metrics read one computation per report scope
def velocity_frame(report: Report) -> pd.DataFrame:
    """Win rate, average won deal, open deals, cycle length and sales velocity: this month, last month, trailing.

    Win rate = won ÷ (won + lost) over deals closed in the month; velocity per day = open deals at month end ×
    average won amount × win rate ÷ mean cycle days (created → won). ``trailing_avg`` averages the trailing
    months' values (``baselines.trailing_months``, from the first month with deals). Columns: metric, value,
    previous_month, same_month_last_year (NaN before the data), trailing_avg.
    """
    deal_rows = facts.in_region(deals(report), report.region)
    first = first_month(report, "opportunities", "created_at")
    now = _month_velocity(deal_rows, report.window(report.period))
    missing = dict.fromkeys(now, float("nan"))
    prev, last_year = str(report.baselines.previous_month), str(report.baselines.same_month_last_year)
    before = _month_velocity(deal_rows, report.window(prev)) if prev >= first else missing
    year_ago = _month_velocity(deal_rows, report.window(last_year)) if last_year >= first else missing
    usual = [_month_velocity(deal_rows, report.window(m)) for m in trailing(report)]
    rows = []
    for metric in now:
        values = [row[metric] for row in usual if not math.isnan(row[metric])]
        rows.append(
            {
                "metric": metric,
                "value": now[metric],
                "previous_month": before[metric],
                "same_month_last_year": year_ago[metric],
                "trailing_avg": float(np.mean(values)) if values else float("nan"),
            }
        )
    return pd.DataFrame(rows)


@needs("opportunities")
def velocity_panel(report: Report) -> Panel:
    """赢单率与销售速度: win rate, deal size, cycle and velocity against last month and the trailing average."""
    lang = report.lang
    frame = velocity_frame(report)
    kinds = {"win_rate": "pct", "avg_won": "amount", "velocity_day": "amount", "velocity_month": "amount"}
    kinds.update(dict.fromkeys(("cycle_mean", "cycle_median"), "days"))
    n = int(report.config["baselines"]["trailing_months"])
    shown = pd.DataFrame({t("metric", lang): [t(f"proc_metric_{m}", lang) for m in frame["metric"]]})
    for column, header in (
        ("value", t("value", lang)),
        ("previous_month", t("previous_month", lang)),
        ("same_month_last_year", t("same_month_last_year", lang)),
        ("trailing_avg", t("proc_usual", lang, n=n)),
    ):
        shown[header] = [
            format_cell(value, kinds.get(metric, "int"), lang)
            for metric, value in zip(frame["metric"], frame[column], strict=True)
        ]
    chart = frame[frame["metric"].isin(["won", "lost", "open", "cycle_median", "avg_won", "velocity_month"])]
    chart = chart.assign(
        label=chart["metric"].map(lambda m: t(f"proc_metric_{m}", lang)),
        unit=chart["metric"].map(lambda m: "amount" if kinds.get(m) == "amount" else "count"),  # days: one decimal
    )
    ax = plotting.plot_bar_compare(
        chart,
        label="label",
        current="value",
        baseline="trailing_avg",
        scale="row",
        row_units="unit",
        lang=lang,
        legend=(t("proc_this_month", lang), t("proc_usual", lang, n=n)),
        title=f"{t('proc_velocity_title', lang)} · {report.region_label} · {report.period}",
    )
    return Panel(frame=frame, table=shown, figure=ax.figure, note=t("proc_velocity_note", lang))


def metrics(report: Report) -> dict[str, Any]:
    """Win rate, velocity, median cycle, deals won and open (needs opportunities)."""
    if not report.ds.has("opportunities"):
        return {}
    velocity = velocity_frame(report).set_index("metric")["value"]
    return {
        "win_rate": stats.number(velocity["win_rate"]),
        "sales_velocity_per_day": stats.number(velocity["velocity_day"]),
        "sales_velocity_per_month": stats.number(velocity["velocity_month"]),
        "median_cycle_days": stats.number(velocity["cycle_median"]),
        "deals_won": int(velocity["won"]),
        "open_deals": int(velocity["open"]),
    }
