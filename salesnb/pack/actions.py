"""下月行动计划: every root finding becomes an action with an owner, a due date and the metric to watch.

The owner is read from the data, never invented: the rep's name when the finding is about one rep, else the
region's (the finding's region, or the report's), else the company's sales operations. The due date follows
the severity (``pack.due_day``: a high finding is due mid next month, others at its end). The timetable is what
``actions.json`` holds and what next month's pack follows up (:mod:`salesnb.pack.tracking`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..cause_tree import roots
from ..data.reps import rep_label
from ..display.panel import Panel
from ..findings import all_findings
from ..followup import as_reported, previous_months, watched_metric
from ..i18n import t
from ..periods import ALL, bounds
from ..planning import next_month
from ..report import Report

ACTION_FIELDS = ("id", "finding", "severity", "action", "owner", "due", "metric", "value", "baseline", "effect")


def owner_of(report: Report, segment: dict[str, str]) -> str:
    """Who answers for a finding on ``segment``: the rep (by name), else the region, else sales operations."""
    lang = report.lang
    if segment.get("rep_id"):
        return rep_label(report.ds, segment["rep_id"], lang)
    region = segment.get("region") or (report.region if report.region != ALL else "")
    if region:
        return t("pack_owner_region", lang, region=region)
    return t("pack_owner_company", lang)


def due_date(report: Report, severity: str) -> str:
    """``YYYY-MM-DD`` in the month after the report: ``pack.due_day[severity]`` (``end`` = the month's last day)."""
    month = next_month(report.period)
    day = report.settings("pack")["due_day"].get(severity, "end")
    start, after = bounds(month)
    last = after - pd.Timedelta(days=1)
    due = last if day == "end" else min(start + pd.Timedelta(days=int(day) - 1), last)
    return due.strftime("%Y-%m-%d")


def action_items(report: Report) -> list[dict[str, Any]]:
    """The report's root findings as actions, ranked as the executive summary: one dict per root finding.

    Keys: ``ACTION_FIELDS`` (``finding`` is the finding's title, ``metric`` its code, ``value`` the metric now and
    ``baseline`` the level it is measured against, ``effect`` the revenue at stake) plus ``code`` and ``segment``.
    """
    items = []
    for f in roots(all_findings(report)):
        items.append(
            {
                "id": f["id"], "code": f["code"], "segment": f["segment"], "finding": f["title"],
                "severity": f["severity"], "action": f["action"], "owner": owner_of(report, f["segment"]),
                "due": due_date(report, f["severity"]), "metric": f["metric"], "value": f["value"],
                "baseline": f["baseline"], "effect": f["effect"],
            }
        )  # fmt: skip
    return items


def actions_document(report: Report) -> dict[str, Any]:
    """What ``actions.json`` holds: the scope, the month the actions are for, and the actions."""
    return {
        "period": report.period,
        "region": report.region,
        "for_month": next_month(report.period),
        "actions": action_items(report),
    }


def previous_actions(report: Report) -> list[dict[str, Any]]:
    """Last month's action timetable, recomputed from the data for the month before (never from old files)."""
    back = previous_months(report)
    if not back:
        return []
    return action_items(as_reported(report, back[0]))  # last month as its own report read it (whole)


def actions_frame(report: Report) -> pd.DataFrame:
    """The action timetable as a frame (one row per root finding, ``ACTION_FIELDS`` as columns)."""
    return pd.DataFrame(action_items(report), columns=[*ACTION_FIELDS, "code"])


def actions_panel(report: Report) -> Panel:
    """The action timetable: what, who, by when, and the metric that will show it worked."""
    lang = report.lang
    frame = actions_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("pack_no_actions", lang))
    table = pd.DataFrame(
        {
            t("pack_col_finding", lang): frame["finding"],
            t("col_action", lang): frame["action"],
            t("pack_col_owner", lang): frame["owner"],
            t("pack_col_due", lang): frame["due"],
            t("pack_col_metric", lang): [
                watched_metric(m, v, lang) for m, v in zip(frame["metric"], frame["value"], strict=True)
            ],
        }
    )
    note = t("pack_actions_note", lang, count=len(frame), month=next_month(report.period))
    return Panel(frame=frame, table=table, note=note)
