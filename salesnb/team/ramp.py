"""新人爬坡: attainment per tenure cohort, and whether new hires lag far behind reps of 12+ months."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import evidence
from ..data.reps import tenure_months
from ..display import plotting
from ..display.formatting import format_amount, format_pct, table
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import t
from ..periods import averaged_months
from ..report import Report, scope_memo
from .common import month_rows

SEASONED_MONTHS = 12  # reps of at least this tenure are the yardstick new hires are held against


def cohort_labels(bands: list[float]) -> list[str]:
    """``[3, 6, 12]`` → ``["<3", "3-6", "6-12", ">12"]``."""
    edges = [int(b) if float(b).is_integer() else b for b in bands]
    labels = [f"<{edges[0]}"]
    labels += [f"{lo}-{hi}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f">{edges[-1]}"]


def cohort_of(tenure: pd.Series, bands: list[float]) -> pd.Series:
    """The cohort label of each tenure (NaN where the tenure is unknown)."""
    labels = cohort_labels(bands)
    index = np.searchsorted(np.asarray(bands, dtype=float), tenure.to_numpy(dtype=float), side="right")
    out = pd.Series([labels[i] for i in index], index=tenure.index, dtype=object)
    return out.where(tenure.notna())


def tenured_rows(report: Report, month: str) -> pd.DataFrame:
    """Reps with a target in ``month``: revenue, orders, target and ``tenure`` in months at the month's start."""
    rows = month_rows(report, month)
    if rows is None:
        return pd.DataFrame(columns=["revenue", "orders", "target", "tenure"])
    rows = rows[rows["target"].notna() & (rows["target"] > 0)].copy()
    rows["tenure"] = tenure_months(report.ds, rows.index, month).to_numpy()
    return rows


@scope_memo  # the panel and the published metrics read one computation
def ramp_frame(report: Report) -> pd.DataFrame:
    """Attainment per tenure cohort (months since hire at the start of the month): this period and trailing.

    Cohort edges come from ``team.tenure_bands`` (default <3, 3-6, 6-12, >12 months). Columns: cohort, reps,
    revenue, target, attainment, revenue_per_rep, trailing_attainment (pooled over the trailing months).
    """
    bands = report.settings("team")["tenure_bands"]
    labels = cohort_labels(bands)
    now = tenured_rows(report, report.period)
    now["cohort"] = cohort_of(now["tenure"], bands)
    grouped = now.groupby("cohort").agg(reps=("revenue", "size"), revenue=("revenue", "sum"), target=("target", "sum"))
    past = [tenured_rows(report, m) for m in report.trailing()]
    past = [p.assign(cohort=cohort_of(p["tenure"], bands)) for p in past if len(p)]
    trailing = (
        pd.concat(past).groupby("cohort")[["revenue", "target"]].sum() if past else pd.DataFrame(columns=["revenue"])
    )
    frame = grouped.reindex(labels)
    frame["reps"] = frame["reps"].fillna(0).astype(int)
    frame[["revenue", "target"]] = frame[["revenue", "target"]].fillna(0.0)
    frame["attainment"] = frame["revenue"] / frame["target"].where(frame["target"] > 0)
    frame["revenue_per_rep"] = frame["revenue"] / frame["reps"].where(frame["reps"] > 0)
    if len(trailing):
        trailing = trailing.reindex(labels)
        frame["trailing_attainment"] = trailing["revenue"] / trailing["target"].where(trailing["target"] > 0)
    else:
        frame["trailing_attainment"] = np.nan
    return frame.rename_axis("cohort").reset_index()


@scope_memo  # the rule, the panel and the published metrics read one computation
def ramp_metrics(report: Report) -> dict[str, float | int | None]:
    """New hires (tenure below ``team.ramp_months``) against reps of 12+ months this period."""
    rows = tenured_rows(report, report.period)
    new = rows[rows["tenure"] < report.settings("team")["ramp_months"]]
    old = rows[rows["tenure"] >= SEASONED_MONTHS]

    def att(part: pd.DataFrame) -> float | None:
        return float(part["revenue"].sum() / part["target"].sum()) if len(part) and part["target"].sum() > 0 else None

    return {
        "new_reps": int(len(new)),
        "new_attainment": att(new),
        "tenured_attainment": att(old),
        "new_gap": float((new["target"] - new["revenue"]).sum()) if len(new) else 0.0,
    }


def ramp_slow(report: Report) -> list[dict[str, Any]]:
    """Rule new_hire_ramp_slow: thresholds.team.{ramp_min_reps, ramp_attainment, ramp_gap}.

    At least ``ramp_min_reps`` new hires (``team.ramp_months``) below their target whose pooled attainment is
    ``ramp_gap`` or more below the attainment of the reps of 12+ months this month (relative: 60% against 90% is
    a third below), or below ``ramp_attainment`` outright. Judged against the seasoned reps of the same scope and
    month, a season or a region-wide fall does not read as a slow ramp. Effect: the new hires' gap to target;
    severity from it, at least medium (the new hires fell short by the configured share) and at most medium (a
    handful of new hires is thin evidence).
    """
    thr = report.thresholds("team")
    m = ramp_metrics(report)
    new, old = m["new_attainment"], m["tenured_attainment"]
    if m["new_reps"] < thr["ramp_min_reps"] or new is None or old is None or old <= 0 or new >= 1:
        return []
    if new / old > 1 - thr["ramp_gap"] and new >= thr["ramp_attainment"]:
        return []
    months = report.settings("team")["ramp_months"]
    values = {
        "months": months,
        "n": m["new_reps"],
        "attainment": format_pct(new),
        "baseline": format_pct(old),
        "effect": format_amount(m["new_gap"], report.lang),
    }
    effect = max(m["new_gap"], 0.0)
    level = evidence.severity(report, effect, 0.0, strong_q=0.0, strengthen=True, cap=True)
    return [
        finding(
            report,
            "new_hire_ramp_slow",
            {"tenure_months": f"<{months}"},
            values,
            angle="team",
            metric="attainment",
            value=new,
            baseline=old,
            effect=effect,
            severity=level,
        )
    ]


def metrics(report: Report) -> dict[str, Any]:
    """new_hire_attainment, tenured_attainment (with the reps and targets tables)."""
    if not (report.ds.has("reps") and report.ds.has("targets")):
        return {}
    ramp = ramp_metrics(report)
    return {"new_hire_attainment": ramp["new_attainment"], "tenured_attainment": ramp["tenured_attainment"]}


@needs("reps", "targets")
def ramp_panel(report: Report) -> Panel:
    """新人爬坡: attainment per tenure cohort this period, with the trailing months' attainment for comparison."""
    lang = report.lang
    if report.ds["reps"]["hire_date"].isna().all():
        return Panel.skipped(t("team_no_hire_dates", lang))
    frame = ramp_frame(report)
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing attainment
    chart = frame.assign(label=frame["cohort"] + t("team_months_suffix", lang))
    ax = plotting.plot_attainment(chart, label="label", value="attainment", lang=lang, title=t("team_ramp_title", lang))
    shown = table(
        frame,
        [
            ("cohort", "team_tenure", None),
            ("reps", "team_reps", None),
            ("revenue", "revenue", "amount"),
            ("target", "target", "amount"),
            ("attainment", "attainment", "pct"),
            ("trailing_attainment", t("team_trailing_attainment", lang, n=averaged), "pct"),
            ("revenue_per_rep", "team_revenue_per_rep", "amount"),
        ],
        lang,
    )
    return Panel(frame=frame, table=shown, figure=ax.figure)
