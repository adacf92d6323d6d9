"""商机流转, 延期: the month's pipeline waterfall and the deals due in it that slipped past it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..data import facts
from ..data.deals import last_deal_day, not_due_yet, open_at
from ..display import plotting
from ..display.formatting import format_amount, format_pct, table
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import t
from ..report import Report, scope_memo
from .common import NAME, deals, history, n_history
from .evidence import min_excess, severity


def _cents(values: pd.Series) -> int:
    return int(np.round(values.to_numpy(dtype=float) * 100).astype(np.int64).sum())


@scope_memo  # its panel, rule and metrics read one computation per report scope
def pipeline_flow_frame(report: Report) -> pd.DataFrame:
    """The month's pipeline waterfall: open at the start + new − won − lost − slipped ± value changes = open at end.

    *Slipped* deals are open at month end although their expected close date has already passed (it has to be
    pushed past the month); *open at end* counts the open deals still on schedule, those expected on the data's
    last day or later among them (:func:`~salesnb.data.deals.not_due_yet`). Amounts are summed in cents, so the
    parts add up exactly. Value changes are 0: the data holds one amount per deal. Columns: step, value, count,
    is_total; ``frame.attrs`` holds ``slipped_due`` / ``slipped_stale`` (deals due this month / before) and
    ``not_due_yet`` (open deals of the month expected on the data's last day, not slipped yet).
    """
    rows = facts.in_region(deals(report), report.region)
    start, end = report.window(report.period)
    open_start = open_at(rows, start)
    new = (rows["created_at"] >= start) & (rows["created_at"] < end)
    closed_now = rows["closed_at"].notna() & (rows["closed_at"] >= start) & (rows["closed_at"] < end)
    won, lost = closed_now & (rows["outcome"] == "won"), closed_now & (rows["outcome"] == "lost")
    open_end = open_at(rows, end)
    expected = open_end & rows["expected_close_at"].notna() & (rows["expected_close_at"] < end)
    waiting = expected & not_due_yet(rows, last_deal_day(report.ds))
    slipped = expected & ~waiting
    on_schedule = open_end & ~slipped
    parts = [
        ("start", open_start, 1, True),
        ("new", new, 1, False),
        ("won", won, -1, False),
        ("lost", lost, -1, False),
        ("slipped", slipped, -1, False),
        ("value_change", pd.Series(False, index=rows.index), 1, False),
        ("end", on_schedule, 1, True),
    ]
    records = [
        {"step": step, "cents": sign * _cents(rows.loc[mask, "amount"]), "count": int(mask.sum()), "is_total": total}
        for step, mask, sign, total in parts
    ]
    frame = pd.DataFrame(records)
    frame["value"] = frame["cents"] / 100.0
    frame.attrs["slipped_due"] = int((slipped & (rows["expected_close_at"] >= start)).sum())
    frame.attrs["slipped_stale"] = int((slipped & (rows["expected_close_at"] < start)).sum())
    frame.attrs["not_due_yet"] = int(waiting.sum())
    frame.attrs["open_end_total"] = float(_cents(rows.loc[open_end, "amount"]) / 100.0)
    return frame[["step", "value", "count", "is_total", "cents"]]


def _slippage_month(
    rows: pd.DataFrame, month: str, span: tuple[pd.Timestamp, pd.Timestamp], waiting: pd.Series
) -> dict[str, float]:
    start, end = span
    due = (
        rows["expected_close_at"].notna()
        & (rows["expected_close_at"] >= start)
        & (rows["expected_close_at"] < end)
        & (rows["created_at"] < end)
        & (rows["closed_at"].isna() | (rows["closed_at"] >= start))
        & ~waiting
    )
    slipped = due & (rows["closed_at"].isna() | (rows["closed_at"] >= end))
    return {
        "month": month,
        "due": int(due.sum()),
        "due_value": float(rows.loc[due, "amount"].sum()),
        "slipped": int(slipped.sum()),
        "slipped_value": float(rows.loc[slipped, "amount"].sum()),
    }


def pipeline_slippage_frame(report: Report) -> pd.DataFrame:
    """Deals due per month (expected close in it, still open at its start or created in it) and how many slipped.

    One row per usual month (``process.history_months`` before the report month) and the report month
    (``is_period``): due, due_value, slipped (still open at the month's end), slipped_value, share (of deals)
    and value_share. A deal still open and expected on the data's last day or later is not due yet, in no month
    (:func:`~salesnb.data.deals.not_due_yet`): the export may be taken during that day.
    """
    rows = facts.in_region(deals(report), report.region)
    waiting = not_due_yet(rows, last_deal_day(report.ds))
    records = [{**_slippage_month(rows, m, report.window(m), waiting), "is_period": False} for m in history(report)]
    records.append({**_slippage_month(rows, report.period, report.window(report.period), waiting), "is_period": True})
    frame = pd.DataFrame(records)
    frame["share"] = frame["slipped"] / frame["due"].where(frame["due"] > 0)
    frame["value_share"] = frame["slipped_value"] / frame["due_value"].where(frame["due_value"] > 0)
    return frame


def slippage(report: Report) -> list[dict[str, Any]]:
    """Rule pipeline_slippage: thresholds.process.{slippage_rise_points, min_count*, fdr, strong_q, collapse}.

    The share of this month's due deals that slipped is at least ``slippage_rise_points`` above the usual months'
    pooled share, with :func:`~salesnb.process.evidence.min_excess` of the deals due slipped beyond the usual (the
    business rule); one test per report, so a Fisher p below ``fdr`` confirms it; the severity:
    :func:`salesnb.evidence.severity`.
    """
    thr, lang, n = report.thresholds(NAME), report.lang, n_history(report)
    frame = pipeline_slippage_frame(report)
    now, base = frame[frame["is_period"]].iloc[0], frame[~frame["is_period"]]
    if not len(base) or not base["due"].sum() or not now["due"]:
        return []
    usual = base["slipped"].sum() / base["due"].sum()
    usual_value = base["slipped_value"].sum() / base["due_value"].sum() if base["due_value"].sum() else usual
    p = stats.fisher(now["slipped"], now["due"], base["slipped"].sum(), base["due"].sum(), "greater")
    excess_count = now["slipped"] - usual * now["due"]
    if not (
        now["share"] - usual >= thr["slippage_rise_points"]
        and excess_count >= min_excess(report, now["due"])
        and evidence.confirmed(p, thr["fdr"])
    ):
        return []
    effect = max(0.0, now["slipped_value"] - usual_value * now["due_value"])
    values = {
        "due": int(now["due"]),
        "due_value": format_amount(now["due_value"], lang),
        "slipped": int(now["slipped"]),
        "slipped_value": format_amount(now["slipped_value"], lang),
        "share": format_pct(now["share"]),
        "usual": format_pct(usual),
        "n": n,
    }
    return [
        finding(
            report,
            "pipeline_slippage",
            {},
            values,
            angle=NAME,
            metric="slipped_share",
            value=now["share"],
            baseline=usual,
            effect=effect,
            severity=severity(report, effect, p, change=now["share"] / usual - 1 if usual > 0 else math.inf),
        )
    ]


@needs("opportunities")
def pipeline_flow_panel(report: Report) -> Panel:
    """商机流转: a waterfall from the open pipeline at the month's start to its end."""
    lang = report.lang
    frame = pipeline_flow_frame(report)
    chart = frame.assign(label=frame["step"].map(lambda s: t(f"proc_flow_{s}", lang)))
    ax = plotting.plot_waterfall(
        chart,
        label="label",
        value="value",
        total="is_total",
        lang=lang,
        title=f"{t('proc_step_open_deals', lang)} · {report.region_label} · {report.period}",
    )
    ax.set_ylabel(t("proc_value", lang))
    total_row = pd.DataFrame(
        [
            {
                "label": t("proc_flow_open_total", lang),
                "value": frame.attrs["open_end_total"],
                "count": int(frame.loc[frame["step"].isin(["end", "slipped"]), "count"].sum()),
            }
        ]
    )
    shown = pd.concat([chart[["label", "value", "count"]], total_row], ignore_index=True)
    shown = table(
        shown,
        [
            ("label", "proc_step", None),
            ("value", "proc_value", "amount"),
            ("count", "proc_flow_deals", "int"),
        ],
        lang,
    )
    note = t("proc_flow_note", lang, due=frame.attrs["slipped_due"], stale=frame.attrs["slipped_stale"])
    if frame.attrs["not_due_yet"]:
        day = last_deal_day(report.ds)
        note += " " + t("proc_flow_not_due", lang, n=frame.attrs["not_due_yet"], day=f"{day:%Y-%m-%d}")
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """The open pipeline at month end, slipped deals included (needs opportunities)."""
    if not report.ds.has("opportunities"):
        return {}
    return {"open_pipeline": float(pipeline_flow_frame(report).attrs["open_end_total"])}
