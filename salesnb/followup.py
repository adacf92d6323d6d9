"""Memory across months: each finding's status, and the follow-up of last month's findings (上月问题跟踪).

A finding's ``status`` is ``new`` or ``persisting`` (with ``months``: how many consecutive months, this one
included, the same ``id`` was found); last month's findings that are gone are ``resolved`` — or, when the report
month is partial (:attr:`~salesnb.report.Report.partial`: the data ends inside it), ``unconfirmed`` (待观察): not
found in the days the data covers, which does not tell a problem solved from one that has not shown yet.
``metrics.json`` lists them as ``resolved_findings``, and a partial month's as ``unconfirmed_findings`` (its
``resolved_findings`` then empty; a complete month writes no ``unconfirmed_findings``). Everything is
recomputed from the data and the parameters by running the same scope's rules for the previous months (never by
reading old output files), memoised per dataset, scope and period so a batch of months runs each month's rules
once. The look-back is capped by the setting ``findings.status_months`` and stops as soon as no finding of an
angle was present in the month before.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from .angle import ANGLE_NAMES, get
from .cause_tree import roots
from .causes import link
from .data.facts import forget_derived
from .data.store_read import release_freed_memory
from .display.formatting import format_amount, format_decimal, format_int, format_pct
from .display.panel import Panel
from .findings import SEVERITY_RANK, STANDING_SINCE, scoped_id
from .i18n import days_through, t, texts
from .periods import months_back
from .report import Report

PCT_METRICS = frozenset(
    {
        "attainment", "band_share", "lead_share", "first_response_within_goal", "largest_customer_share",
        "late_share", "retention_rate", "return_rate", "sla_breach_share", "slipped_share", "stage_conversion",
        "unpaid_rate", "discount_depth", "gross_margin", "target_to_run_rate", "industry_share",
        "period_largest_customer_share", "top10_share", "revenue_vs_expected",
    }
)  # fmt: skip
AMOUNT_METRICS = frozenset(
    {"revenue", "revenue_vs_baseline", "channel_revenue", "cac", "overdue_amount", "credit_risk_deal_amount"}
)
EXPOSURE_METRICS = frozenset({"credit_risk_deal_amount"})  # an amount at risk: more is worse, whatever its usual
COUNT_METRICS = frozenset(
    {"new_customers", "complaints", "lost_deals", "stage_stock", "stalled_deals", "activities"}
)  # whole things: 0 new customers, not 0.0


def previous_months(report: Report) -> list[str]:
    """The months before the report's the look-back reads, most recent first (at most ``findings.status_months``)."""
    count = int(report.settings("findings")["status_months"])
    return list(reversed(report.covered(months_back(report.period, count, offset=1))))


def _rules(report: Report, name: str, codes: set[str] | None = None) -> list[dict[str, Any]]:
    """The angle's rule findings (of ``codes``) for ``report``, memoised, with ids completed with the scope."""
    found = get(name).rule_findings(report, codes)
    return [{**f, "id": scoped_id(f["id"], report.region)} for f in found]


def as_reported(report: Report, period: str) -> Report:
    """The report of an earlier ``period`` of the scope as its own report read it.

    The whole dataset, not the first days of every month that a partial report month reads.
    """
    return replace(report, ds=report.whole, period=period)


def scope_state(report: Report) -> dict[str, list[dict[str, Any]]]:
    """``{"findings": this month's, "previous": last month's}`` findings of every angle, linked and with status.

    Computed once per report scope: each angle's rules run for the period, then for last month (all of them, for
    the follow-up), then further back only the rules whose findings were still present the month after — earlier
    months read whole, as their own reports did, also when this month is partial: last month's problems are the
    ones last month's report raised, not those of its first days —, then
    the angle's derived tables are let go (see :func:`salesnb.data.facts.forget_derived`). Findings keep the
    angles' rule order.
    """

    def build() -> dict[str, list[dict[str, Any]]]:
        back = previous_months(report)
        current: list[dict[str, Any]] = []
        previous: list[dict[str, Any]] = []
        for name in ANGLE_NAMES[1:]:
            now = _rules(report, name)
            runs = {f["id"]: 1 for f in now}
            alive = set(runs)
            for k, period in enumerate(back):
                if k and not alive:
                    break
                codes = None if k == 0 else {f["code"] for f in now if f["id"] in alive}
                past = _rules(as_reported(report, period), name, codes)
                if k == 0:
                    previous += past
                alive &= {f["id"] for f in past}
                for key in alive:
                    runs[key] += 1
            forget_derived(report.ds)  # keep one angle's derived tables in memory at a time, not five
            release_freed_memory()  # ... and their freed pages not resident beside the next angle's
            current += [
                {**f, "status": "new" if runs[f["id"]] == 1 else "persisting", "months": runs[f["id"]]} for f in now
            ]
        last = link(as_reported(report, back[0]), previous) if back else []
        return {"findings": link(report, current), "previous": last}

    return report.memo("scope_state", build)


def scope_findings(report: Report) -> list[dict[str, Any]]:
    """Every angle's findings of the report scope with ``id``, ``parent``, ``status`` and ``months``."""
    return scope_state(report)["findings"]


def gone_status(report: Report) -> str:
    """The status of last month's findings not found this month: ``resolved``, or ``unconfirmed`` when partial.

    A partial month (the data ends inside it) is read through its first days only: a problem not found yet may
    show later in the month, or be one its days cannot show, so it is not called solved.
    """
    return "unconfirmed" if report.partial else "resolved"


def gone_findings(report: Report) -> list[dict[str, Any]]:
    """Last month's findings not found this month, ``status`` :func:`gone_status` (not this month's findings)."""
    state = scope_state(report)
    now = {f["id"] for f in state["findings"]}
    status = gone_status(report)
    return [{**f, "status": status, "months": 0} for f in state["previous"] if f["id"] not in now]


def resolved_findings(report: Report) -> list[dict[str, Any]]:
    """Last month's findings gone this month and so ``resolved``: none in a partial month (they are unconfirmed)."""
    return [f for f in gone_findings(report) if f["status"] == "resolved"]


def _follow_status(then: dict[str, Any], now: dict[str, Any] | None, worse_change: float, gone: str) -> str:
    """Last month's finding ``then`` against ``now``: ``gone`` (not found again), ``worse`` or ``persisting``.

    ``worse`` when its severity rose, or its revenue at stake grew by more than ``worse_change`` while its severity
    held and its metric did not improve (:func:`_improved`): a region whose revenue rose from 1,444 to 1,875 while
    its peers' growth raised its expected level (and so its gap) is not worse, as the table shows it then and now.
    A finding its rule judged the same problem as when raised, no worse (``standing_since``: a customer dependence
    standing for months, its share measured against the month it was raised) persists: the table says what its
    text says, whatever its revenue at stake did since last month.
    """
    if now is None:
        return gone
    if now.get(STANDING_SINCE):
        return "persisting"
    rank_now, rank_then = SEVERITY_RANK[now["severity"]], SEVERITY_RANK[then["severity"]]
    grown = (now.get("effect") or 0.0) > (then.get("effect") or 0.0) * (1 + worse_change)
    worse = rank_now < rank_then or (grown and rank_now == rank_then and not _improved(then, now))
    return "worse" if worse else "persisting"


def _improved(then: dict[str, Any], now: dict[str, Any]) -> bool:
    """The metric moved from last month's value towards last month's baseline, ``False`` when one is unknown.

    A finding's value lies on the bad side of its baseline: moving towards it is getting better. An exposure
    (:data:`EXPOSURE_METRICS`) is no level to return to: its baseline is the most a scope usually carries, and one
    flagged below it (43,500 where the region carries up to 97,383) that grew to 144,400 got worse, not nearer.
    """
    values = [then.get("value"), then.get("baseline"), now.get("value")]
    if any(v is None or pd.isna(v) for v in values):
        return False
    value_then, baseline_then, value_now = (float(v) for v in values)
    if then.get("metric") in EXPOSURE_METRICS:
        return value_now < value_then
    return (value_now - value_then) * (baseline_then - value_then) > 0


def followup_frame(report: Report) -> pd.DataFrame:
    """Last month's root findings against this month: one row each, ranked as last month.

    Columns: id, angle, code, title and action (last month's), metric, value_then, value_now (``NaN`` when the
    finding is gone), effect_then, effect_now, status (``resolved``, or ``unconfirmed`` in a partial month, see
    :func:`gone_status`; ``persisting``; or ``worse``: the severity rose, or the revenue at stake grew by more than
    ``findings.worse_change`` while the severity held and the metric did not improve, :func:`_follow_status`).
    """
    state = scope_state(report)
    now = {f["id"]: f for f in state["findings"]}
    worse_change = float(report.settings("findings")["worse_change"])
    gone = gone_status(report)
    rows = []
    for then in roots(state["previous"]):
        current = now.get(then["id"])
        rows.append(
            {
                "id": then["id"], "angle": then["angle"], "code": then["code"], "title": then["title"],
                "action": then["action"], "metric": then["metric"], "value_then": then["value"],
                "value_now": current["value"] if current else None,
                "effect_then": then["effect"], "effect_now": current["effect"] if current else None,
                "status": _follow_status(then, current, worse_change, gone),
            }
        )  # fmt: skip
    columns = ["id", "angle", "code", "title", "action", "metric", "value_then", "value_now"]
    return pd.DataFrame(rows, columns=[*columns, "effect_then", "effect_now", "status"])


def format_metric(metric: str, value: Any, lang: str) -> str:
    """A finding's metric value as a reader expects it: a share as a percentage, money as an amount."""
    if value is None or pd.isna(value):
        return "—"
    if metric in PCT_METRICS:
        return format_pct(value)
    if metric in AMOUNT_METRICS:
        return format_amount(value, lang)
    if metric in COUNT_METRICS and float(value).is_integer():
        return format_int(value)
    return format_decimal(value)


def metric_name(metric: str, lang: str) -> str:
    """The reader's name of a finding metric (the key itself when there is no text for it)."""
    key = f"followup_metric_{metric}"
    if key in texts():
        return t(key, lang)
    if metric in ("nps", "csat"):  # the satisfaction rule's metrics, named as its panel names them
        return t(f"sup_{metric}", lang)
    return t("sup_aspect", lang, aspect=metric[6:]) if metric.startswith("score_") else metric


def watched_metric(metric: str, value: Any, lang: str) -> str:
    """``延迟交付占比：35.4%``: a finding's metric named with its value, as an action plan shows what to watch."""
    name, shown = metric_name(metric, lang), format_metric(metric, value, lang)
    return t("followup_metric_with_value", lang, name=name, value=shown)


def then_now(frame: pd.DataFrame, gone: pd.Series, lang: str, so_far: bool = False) -> dict[str, list[str]]:
    """The "then" and "now" columns of a follow-up table: the metric formatted, "gone" where the finding is.

    ``so_far``: this month is partial, so a finding gone is only not flagged so far (至今未触发).
    """
    gone_text = t("followup_gone_so_far" if so_far else "followup_gone", lang)
    return {
        t("followup_col_then", lang): [
            format_metric(m, v, lang) for m, v in zip(frame["metric"], frame["value_then"], strict=True)
        ],
        t("followup_col_now", lang): [
            gone_text if g else format_metric(m, v, lang)
            for m, v, g in zip(frame["metric"], frame["value_now"], gone, strict=True)
        ],
    }


def followup_panel(report: Report) -> Panel:
    """上月问题跟踪: each of last month's root findings, its action, its metric then and now, and where it stands."""
    lang = report.lang
    back = previous_months(report)
    if not back:
        return Panel(frame=followup_frame(report), note=t("followup_no_history", lang))
    frame = followup_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("followup_none", lang, period=back[0]))
    table = pd.DataFrame(
        {
            t("followup_col_finding", lang, period=back[0]): frame["title"],
            t("followup_col_action", lang): frame["action"],
            t("followup_col_metric", lang): frame["metric"].map(lambda m: metric_name(m, lang)),
            **then_now(frame, frame["status"] == gone_status(report), lang, so_far=report.partial),
            t("followup_col_status", lang): frame["status"].map(lambda s: t(f"followup_status_{s}", lang)),
        }
    )
    counts = {s: int((frame["status"] == s).sum()) for s in ("resolved", "unconfirmed", "persisting", "worse")}
    space = "" if lang == "zh" else " "  # Chinese sentences need no space between
    if not report.partial:
        return Panel(
            frame=frame, table=table, note=t("followup_counts", lang, period=back[0], total=len(frame), **counts)
        )
    # a partial month: what is not found yet is not called solved; last month read whole, this month through day D
    note = t("followup_counts_partial", lang, period=back[0], total=len(frame), **counts)
    if counts["unconfirmed"]:
        note += space + t("followup_unconfirmed", lang, days=days_through(report.through_day, lang))
    note += " " + t("followup_partial", lang, days=days_through(report.through_day, lang))
    return Panel(frame=frame, table=table, note=note)


def resolved_metrics(report: Report) -> dict[str, Any]:
    """For ``metrics.json``: last month's findings gone this month (id, where, how big), by status.

    ``resolved_findings`` always; in a partial month it is empty and ``unconfirmed_findings`` lists them instead
    (:func:`gone_status`): a complete month's ``metrics.json`` has no ``unconfirmed_findings`` key.
    """
    keep = ("id", "angle", "code", "segment", "severity", "metric", "value", "effect")
    gone = gone_findings(report)
    listed = {"resolved_findings": [{k: f[k] for k in keep} for f in gone if f["status"] == "resolved"]}
    if report.partial:
        listed["unconfirmed_findings"] = [{k: f[k] for k in keep} for f in gone if f["status"] == "unconfirmed"]
    return listed
