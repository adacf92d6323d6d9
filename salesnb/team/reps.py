"""销售代表排名: revenue against target per rep, with orders, win rate and activity productivity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.deals import deal_facts
from ..data.event_months import event_months
from ..data.reps import rep_label
from ..display import plotting
from ..display.bounded import bounded_note, top_n_with_other
from ..display.formatting import table
from ..display.panel import Panel
from ..i18n import t
from ..report import Report, scope_memo
from .common import activity_facts, month_rows

RANK_COLUMNS: tuple[str, ...] = (
    "rep_id", "label", "revenue", "orders", "aov", "target", "attainment", "gap",
    "won", "lost", "win_rate", "activities", "revenue_per_activity", "rank",
)  # fmt: skip


def closed_deals(report: Report) -> pd.DataFrame:
    """Opportunities with ``rep_id``, ``status``, ``region`` and ``close_month`` (missing while open).

    Read from the shared deal facts: ``status`` is won / lost / open by the one rule of :mod:`salesnb.data.deals`.
    """
    deals = deal_facts(report.ds, tuple(report.config["customers"]["size_bands"]))
    return pd.DataFrame(
        {
            "opportunity_id": deals["opportunity_id"],
            "rep_id": deals["rep_id"],
            "status": deals["outcome"],
            "region": deals["region"],
            "close_month": event_months(report.ds, deals["closed_at"]),
            "amount": deals["amount"],
        }
    )


@scope_memo  # the ranking, the activity rule and the published metrics read one computation
def rep_frame(report: Report) -> pd.DataFrame:
    """One row per rep in scope this period: revenue, orders, target, attainment, deals, win rate, activity.

    Columns: rep_id, label, revenue, orders, aov, target, attainment, gap, won, lost, win_rate, activities,
    revenue_per_activity (the productivity measure), rank (by revenue, 1 = best). Reps appear when they
    sold in the region this period or have a target there. ``won``/``lost`` count opportunities closed in
    the period (NaN without the opportunities table); ``activities`` needs the activities table.
    """
    now = month_rows(report, report.period)
    if now is None or now.empty:
        now = pd.DataFrame(columns=["revenue", "orders", "target"], dtype=float)
    now = now[(now["revenue"] > 0) | now["target"].notna()].copy()
    now.index.name = "rep_id"
    now["aov"] = now["revenue"] / now["orders"].where(now["orders"] > 0)
    now["attainment"] = now["revenue"] / now["target"].where(now["target"] > 0)
    now["gap"] = now["revenue"] - now["target"]
    ds = report.ds
    if ds.has("opportunities"):
        opps = facts.in_region(closed_deals(report), report.region)
        closed = opps[opps["close_month"] == report.period]
        counts = closed.groupby(["rep_id", "status"]).size().unstack(fill_value=0)
        now["won"] = now.index.map(counts["won"] if "won" in counts else pd.Series(dtype=float)).fillna(0.0)
        now["lost"] = now.index.map(counts["lost"] if "lost" in counts else pd.Series(dtype=float)).fillna(0.0)
        decided = now["won"] + now["lost"]
        now["win_rate"] = now["won"] / decided.where(decided > 0)
    else:
        now["won"] = now["lost"] = now["win_rate"] = np.nan
    if ds.has("activities"):
        acts = facts.in_months(facts.in_region(activity_facts(report), report.region), report.period)
        counts = acts.groupby("rep_id").size()
        now["activities"] = now.index.map(counts).fillna(0.0).astype(float)
        now["revenue_per_activity"] = now["revenue"] / now["activities"].where(now["activities"] > 0)
    else:
        now["activities"] = now["revenue_per_activity"] = np.nan
    now = now.reset_index()
    now["label"] = [rep_label(ds, r, report.lang) for r in now["rep_id"]]
    now = now.sort_values(["revenue", "rep_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    now["rank"] = np.arange(1, len(now) + 1)
    return now[list(RANK_COLUMNS)]


def metrics(report: Report) -> dict[str, Any]:
    """reps, reps_with_target, reps_below_target: the head of the team's key numbers."""
    frame = rep_frame(report)
    return {
        "reps": int(len(frame)),
        "reps_with_target": int(frame["target"].notna().sum()),
        "reps_below_target": int((frame["attainment"] < 1).sum()),
    }


def rep_panel(report: Report) -> Panel:
    """销售代表排名: revenue against target per rep, with orders, win rate and activity productivity."""
    lang = report.lang
    frame = rep_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("team_no_reps", lang))
    top = frame.head(report.config["report"]["top_n"] * 3)
    ax = plotting.plot_bar_compare(
        top,
        label="label",
        current="revenue",
        baseline="target",
        legend=(t("revenue", lang), t("target", lang)),
        lang=lang,
        title=f"{t('team_ranking_title', lang)} · {report.region_label}",
    )
    rows = top_n_with_other(
        frame, None, len(top), "label", ["revenue", "target", "orders", "won", "activities"],
        t("other_rows", lang, n="{n}"),
    )  # fmt: skip
    shown = table(rows, _shown_columns(frame, report.orders_counted), lang)
    note = "" if frame["target"].notna().any() else t("team_no_rep_targets", lang)
    note = " ".join(p for p in (note, bounded_note(rows, lang)) if p)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)


def _shown_columns(frame: pd.DataFrame, counted: bool = True) -> list[tuple[str, str, str | None]]:
    """The ranking's columns the export feeds, as ``table`` takes them.

    Target and attainment with a rep target, deals won with the opportunities, activity with the activities. A
    flat sales sheet has none of them: six columns of "—" beside every rep told the reader nothing the panel's
    note does not (why there is no attainment).
    """
    fed = {key: bool(frame[key].notna().any()) for key in ("target", "won", "activities")}
    fed["orders"] = counted  # rows that total a month (``Report.orders_counted``): no orders to count
    columns: list[tuple[str, str, str | None, str | None]] = [
        ("rank", "team_rank", "int", None),
        ("label", "team_rep", None, None),
        ("revenue", "revenue", "amount", None),
        ("target", "target", "amount", "target"),
        ("attainment", "attainment", "pct", "target"),
        ("orders", "team_orders", "int", "orders"),
        ("won", "team_won", "int", "won"),
        ("win_rate", "team_win_rate", "pct", "won"),
        ("activities", "team_activities", "int", "activities"),
        ("revenue_per_activity", "team_rev_per_activity", "amount", "activities"),
    ]
    return [(column, header, kind) for column, header, kind, needs in columns if needs is None or fed[needs]]
