"""Which SLA a ticket's first response is held to: the export's own, its priority's, or the one default.

A helpdesk sets its SLA per priority (紧急 4 小时, 低 72 小时); judging every ticket against one 48 h read a
real export whose own SLA said 60.5% of tickets were late as 0% late. Per ticket, in order:

1. the export's due time (``tickets.response_due_at``) or SLA hours (``tickets.sla_hours``), when given;
2. its priority (``tickets.severity``, read by :func:`~salesnb.data.priority_words.priority_level`) and that
   level's hours (``thresholds.support.priority_sla_hours``);
3. ``thresholds.support.ticket_sla_hours``.
"""

from __future__ import annotations

import pandas as pd

from ..data.priority_words import priority_level
from ..i18n import t
from ..report import Report
from .common import NAME

LEVELS = ("urgent", "high", "medium", "low")  # the order the text names them in


def sla_key(report: Report) -> str:
    """The SLA settings as a cache key: the judged tickets change with any of them."""
    thr, own = report.thresholds(NAME), report.settings(NAME).get("priority_words") or {}
    words = sorted((str(level), sorted(map(str, extra))) for level, extra in own.items())
    return f"{thr['ticket_sla_hours']:g}:{sorted(thr['priority_sla_hours'].items())}:{words}"


def levels_of(report: Report, rows: pd.DataFrame) -> pd.Series:
    """Each ticket's priority level, with the company's own words (``support.priority_words``) first."""
    return priority_level(rows["severity"], report.settings(NAME).get("priority_words"))


def sla_hours(report: Report, rows: pd.DataFrame) -> pd.Series:
    """Hours each ticket's first response is due within: its own ``sla_hours``, its priority's, else the default."""
    thr = report.thresholds(NAME)
    by_level = levels_of(report, rows).map({k: float(v) for k, v in thr["priority_sla_hours"].items()})
    hours = by_level.astype(float).fillna(float(thr["ticket_sla_hours"]))
    own = pd.to_numeric(rows["sla_hours"], errors="coerce")
    return own.where(own.notna(), hours)


def response_due(report: Report, rows: pd.DataFrame) -> pd.Series:
    """When each ticket's first response is due: the export's ``response_due_at``, else created + :func:`sla_hours`."""
    due = rows["created_at"] + pd.to_timedelta(sla_hours(report, rows), unit="h")
    return rows["response_due_at"].where(rows["response_due_at"].notna(), due)


def sla_text(report: Report, rows: pd.DataFrame) -> str:
    """The SLA the tickets ``rows`` were judged by, in words: the export's, per priority (with hours), or one."""
    thr, lang = report.thresholds(NAME), report.lang
    flat = f"{thr['ticket_sla_hours']:g}"
    own = rows["response_due_at"].notna() | rows["sla_hours"].notna()  # the export's own deadline
    if len(rows) and own.all():
        return t("sup_sla_export", lang)
    levels = levels_of(report, rows)
    named = rows["severity"].where(levels.notna())
    if not named.notna().any():
        return t("sup_sla_flat_export" if own.any() else "sup_sla_flat", lang, h=flat)
    words = named.groupby(levels).agg(lambda s: "/".join(sorted(s.dropna().astype(str).unique())))
    parts = [
        t("sup_sla_level", lang, word=words[k], h=f"{thr['priority_sla_hours'][k]:g}") for k in LEVELS if k in words
    ]
    text = t("sup_sla_priority", lang, levels=t("sup_sla_join", lang).join(parts))
    if (levels.isna() & ~own).any():  # held to the one default: neither a known priority nor a deadline of its own
        text += t("sup_sla_other", lang, h=flat)
    if own.any():
        text += t("sup_sla_own_some", lang)
    return text
