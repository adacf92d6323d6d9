"""工单与响应, SLA超时: tickets per category, their response times, and the share answered after the SLA.

Every ticket is judged at the end of the month it was created in: a ticket still unanswered then counts as
breached once its first response is overdue, and nothing later is used. When it is due (the export's own due
time, its priority's SLA, else ``thresholds.support.ticket_sla_hours``): :mod:`.sla_terms`.
Tickets exported without a first-response time (no ``first_response_at`` column: :data:`RESPONSE`) are not
judged at all: the SLA section is skipped, its rule stays quiet and ``sla_breach_share`` is null (an unknown
answer is not a late one: every ticket of such an export read as a breach).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import evidence, stats
from ..angle import missing
from ..data import facts
from ..data.event_months import event_cutoffs, event_months
from ..display import plotting
from ..display.formatting import format_decimal, format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.service import plot_response_times
from ..findings import finding
from ..i18n import t
from ..periods import ALL
from ..report import Report, need_name, scope_memo
from .common import (
    NAME,
    at_stake,
    excess,
    from_orders,
    in_scope,
    row_regions,
    scoped_rows,
    table_order_rows,
    usual_months,
)
from .sla_terms import response_due, sla_hours, sla_key, sla_text

RESPONSE = "tickets.first_response_at"  # what the SLA figures need: the tickets' first-response times


def responses_known(report: Report) -> bool:
    """Whether the tickets carry a first-response time (the column was exported, see ``Dataset.present_columns``)."""
    return not missing(report.ds, (RESPONSE,))


def ticket_facts(report: Report) -> pd.DataFrame:
    """Tickets with ``month`` (created), ``region`` (the order's, else the customer's) and timestamps.

    ``order_revenue`` is the revenue of the ticket's order (missing when unknown): what :func:`at_stake` counts,
    read with the region from one match of the tickets' order ids.
    """

    def build(ds) -> pd.DataFrame:
        tickets = ds["tickets"]
        at = table_order_rows(ds, "tickets")
        region = row_regions(ds, tickets, at)
        return pd.DataFrame(
            {
                "ticket_id": tickets["ticket_id"],
                "customer_id": tickets["customer_id"],
                "order_id": tickets["order_id"],
                "category": tickets["category"].fillna(facts.UNKNOWN),
                "created_at": tickets["created_at"],
                "first_response_at": tickets["first_response_at"],
                "resolved_at": tickets["resolved_at"],
                "severity": tickets["severity"],
                "response_due_at": tickets["response_due_at"],
                "sla_hours": tickets["sla_hours"],
                "month": event_months(ds, tickets["created_at"]),
                "region": region.fillna(facts.UNKNOWN).astype(str),
                "order_revenue": from_orders(ds, tickets, "revenue", at),
            }
        )

    return report.cached(NAME, "ticket_facts", build)


def judged_tickets(report: Report) -> pd.DataFrame:
    """Every ticket of a month judged against its SLA (:mod:`.sla_terms`) once its fate is known.

    A ticket is judged at the end of the month it was created in or, when it falls due after that, at its due
    time (as far as the export reaches): a ticket opened on the 30th and answered four days later breached a
    48-hour SLA, though at month end it was not yet due. Judged at month end it was pending, and no month ever
    counted it. Adds ``response_hours`` / ``resolution_hours`` (NaN when not answered by the time it is judged /
    resolved by month end), ``breached`` (answered after its due time, or unanswered when judged and past it),
    ``pending`` (unanswered and not yet due where the export ends: not judged) and ``unresolved``.
    """
    sla = sla_key(report)

    def build(ds) -> pd.DataFrame:
        rows = ticket_facts(report).copy(deep=False)  # its own columns added: the ticket facts stay as they are
        cutoff = event_cutoffs(ds, rows["created_at"])
        due = response_due(report, rows)
        # judged at the later of month end and the instant after its due time, within what the export reaches
        late = (due + pd.Timedelta(1, "ns")).clip(upper=_horizon(rows))
        judged_at = late.where(late > cutoff, cutoff)
        reply = rows["first_response_at"]
        answered = reply.notna() & (reply < judged_at)
        hours = (reply - rows["created_at"]).dt.total_seconds() / 3600
        rows["response_hours"] = hours.where(answered)
        rows["breached"] = (answered & (reply > due)) | (~answered & (judged_at > due))
        rows["pending"] = ~answered & ~(judged_at > due)
        resolved = rows["resolved_at"].notna() & (rows["resolved_at"] < cutoff)
        rows["resolution_hours"] = ((rows["resolved_at"] - rows["created_at"]).dt.total_seconds() / 3600).where(
            resolved
        )
        rows["unresolved"] = ~resolved
        return rows

    return report.cached(NAME, f"judged_tickets:{sla}", build)


def _horizon(rows: pd.DataFrame) -> pd.Timestamp:
    """The latest moment the tickets export knows of (its last creation, reply or resolution)."""
    return max(rows[c].max() for c in ("created_at", "first_response_at", "resolved_at"))


def ticket_counts(report: Report) -> pd.DataFrame:
    """Tickets, judged (not pending) and breached tickets per region, month and category: a small table per dataset.

    What the usual months of the SLA and complaint figures read, for every region and for ALL (their sums):
    it outlives the ticket rows when a large dataset's derived tables go, so the panels and the next reports
    count no ticket again.
    """
    sla = sla_key(report)

    def build(ds) -> pd.DataFrame:
        rows = judged_tickets(report)
        keys = [rows["region"], rows["month"], rows["category"]]
        flags = pd.DataFrame({"judged": ~rows["pending"], "breached": rows["breached"]})
        counts = flags.groupby(keys, observed=True).sum()
        counts.insert(0, "tickets", flags.groupby(keys, observed=True).size())
        return counts.reset_index()

    return report.cached(NAME, f"ticket_counts:{sla}", build)


@scope_memo  # the rules and the panels read the month's tickets of a scope after the ticket rows are gone
def month_tickets(report: Report, region: str | None = None) -> pd.DataFrame:
    """The judged tickets of ``region`` created in the report month: ``facts.scoped(judged_tickets, ...)``.

    Every region's are the company's month rows of that region (the same rows in the same order), so the
    company's are taken once per report scope and every region and the panels read them.
    """
    scope = region or report.region
    if scope != ALL:
        rows = month_tickets(report, ALL)
        return rows[(rows["region"] == scope).to_numpy()]
    return scoped_rows(report, "judged_tickets", judged_tickets(report), ALL, report.period)


# ------------------------------------------------------------------------------------------ tickets


def tickets_frame(report: Report) -> pd.DataFrame:
    """Tickets per category this period with first-response and resolution time distributions.

    Columns: category, tickets, response_p50, response_p90, within_sla (share of judged tickets answered
    within their SLA, :mod:`.sla_terms`), resolution_p50, resolution_p90, unresolved (at month
    end). Sorted by ticket count.
    """
    columns = ["category", "tickets", "response_p50", "response_p90", "within_sla", "resolution_p50"]
    columns += ["resolution_p90", "unresolved"]
    rows = month_tickets(report)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    judged = ~rows["pending"]
    grouped = rows.assign(judged=judged, ok=judged & ~rows["breached"]).groupby("category")
    frame = pd.DataFrame(
        {
            "tickets": grouped.size(),
            "response_p50": grouped["response_hours"].median(),
            "response_p90": grouped["response_hours"].quantile(0.9),
            "within_sla": grouped["ok"].sum() / grouped["judged"].sum().where(grouped["judged"].sum() > 0),
            "resolution_p50": grouped["resolution_hours"].median(),
            "resolution_p90": grouped["resolution_hours"].quantile(0.9),
            "unresolved": grouped["unresolved"].sum(),
        }
    ).rename_axis("category")
    frame = frame.reset_index().sort_values(["tickets", "category"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


@needs("tickets")
def tickets_panel(report: Report) -> Panel:
    """工单与响应: tickets per category with the spread of first-response times (not only the average).

    Without first-response times (:data:`RESPONSE`) the table shows the tickets and their resolution times only,
    and the note says what the response figures need.
    """
    lang = report.lang
    frame = tickets_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("sup_no_tickets", lang))
    columns = [("category", "sup_category", None), ("tickets", "sup_tickets", "int")]
    response = [("response_p50", "sup_resp_p50", "decimal"), ("response_p90", "sup_resp_p90", "decimal")]
    response += [("within_sla", "sup_within_sla", "pct")]
    resolution = [("resolution_p50", "sup_res_p50", "decimal"), ("resolution_p90", "sup_res_p90", "decimal")]
    resolution += [("unresolved", "sup_unresolved", "int")]
    if not responses_known(report):
        note = t("sup_no_response_times", lang, need=need_name(RESPONSE, lang))
        return Panel(frame=frame, table=table(frame, columns + resolution, lang), note=note)
    rows = month_tickets(report)
    one = sla_hours(report, rows).drop_duplicates() if rows["response_due_at"].isna().all() else ()
    ax = plot_response_times(
        rows,
        sla_hours=float(one.iloc[0]) if len(one) == 1 else None,  # a line only when one SLA holds for every ticket
        lang=lang,
        title=f"{t('sup_tickets_title', lang)} · {report.region_label}",
    )
    note = t("sup_sla_note", lang, sla=sla_text(report, rows))
    return Panel(frame=frame, table=table(frame, columns + response + resolution, lang), figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ SLA


@scope_memo  # the rule (region by region), the panel and the metrics read one computation
def sla_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """SLA breaches per category this period against the usual share (the ``support.history_months`` before).

    Columns: category, tickets, judged (not pending), breached, breach_share, usual_share (history months
    pooled), median_hours, p_value (binomial chance of so many breaches at the usual share), at_stake
    (revenue of the breached tickets' orders), q_value (Benjamini–Hochberg over the categories that could be
    confirmed: Tarone's family, :func:`salesnb.evidence.testable`, the smallest p-value a category could give being
    every judged ticket breached; the others get q = 1), flagged — the
    rule (breach share at least ``thresholds.support.sla_breach_share`` and ``thresholds.support.sla_rise_points``
    above usual, at least ``thresholds.support.min_count`` breaches) confirmed by a q_value below
    ``thresholds.support.fdr``.
    """
    thr = report.thresholds(NAME)
    now = month_tickets(report, region)
    past = in_scope(ticket_counts(report), region or report.region, usual_months(report, region))
    columns = ["category", "tickets", "judged", "breached", "breach_share", "usual_share", "median_hours"]
    columns += ["p_value", "min_p", "at_stake"]
    usual_judged = past.groupby("category")["judged"].sum()  # the history's counts, one grouping
    usual_breached = past.groupby("category")["breached"].sum()
    rows = []
    for category in sorted(now["category"].unique()):
        cur = now[now["category"] == category]
        judged, breached = int((~cur["pending"]).sum()), int(cur["breached"].sum())
        base_judged = int(usual_judged.get(category, 0))
        usual = float(usual_breached[category] / base_judged) if base_judged else float("nan")
        rate = None if math.isnan(usual) else usual
        rows.append(
            {
                "category": category,
                "tickets": len(cur),
                "judged": judged,
                "breached": breached,
                "breach_share": breached / judged if judged else float("nan"),
                "usual_share": usual,
                "median_hours": cur["response_hours"].median(),
                "p_value": stats.binom_high(breached, judged, rate, floor=0.01),
                "min_p": stats.binom_high(judged, judged, rate, floor=0.01),  # every judged ticket breached
                "at_stake": at_stake(report, cur[cur["breached"]]) if breached else 0.0,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    base = frame["usual_share"].fillna(0.0)
    frame["q_value"] = evidence.tarone_q_values(frame["p_value"], frame.pop("min_p"), thr["fdr"])
    frame["flagged"] = (
        (frame["breach_share"] >= thr["sla_breach_share"])
        & (frame["breach_share"] - base >= thr["sla_rise_points"])
        & (frame["breached"] >= thr["min_count"])
        & evidence.confirmed(frame["q_value"], thr["fdr"])
    )
    frame = frame.sort_values(["breach_share", "category"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def sla_breach(report: Report) -> list[dict[str, Any]]:
    """Rule sla_breach: the flagged rows of :func:`sla_frame`, region by region in the ALL report.

    Thresholds: ``thresholds.support.{ticket_sla_hours, priority_sla_hours, sla_breach_share, sla_rise_points,
    min_count, fdr}``; the finding says which SLA the tickets were judged by (:func:`.sla_terms.sla_text`);
    the effect is the breached tickets' revenue above the usual share; severity: :func:`salesnb.evidence.severity`
    (``strong_q``; ``collapse``: the share within the SLA falling by this share of its usual level).
    """
    thr = report.thresholds(NAME)
    months = report.settings(NAME)["history_months"]
    sla_frame(report)  # the panel's frame, while the rows are at hand (they go once the findings are known)
    out = []
    for segment, row in report.flagged_rows(sla_frame, company=False):
        values = {
            "where": report.where(segment),
            "category": row.category,
            "m": months,
            "n": row.judged,
            "breached": row.breached,
            "sla": sla_text(report, month_tickets(report, segment.get("region"))),
            "share": format_pct(row.breach_share),
            "baseline": format_pct(row.usual_share),
            "median": format_decimal(row.median_hours),
        }
        effect = excess(row.at_stake, row.breach_share, row.usual_share)
        out.append(
            finding(
                report, "sla_breach", {**segment, "category": row.category}, values, angle=NAME,
                metric="sla_breach_share", value=row.breach_share, baseline=row.usual_share,
                effect=effect,
                severity=evidence.severity(
                    report, effect, row.q_value, strong_q=thr["strong_q"], collapse=thr["collapse"],
                    change=(row.usual_share - row.breach_share) / max(1.0 - row.usual_share, 1e-9),
                ),
            )
        )  # fmt: skip
    return out


@needs("tickets", RESPONSE)
def sla_panel(report: Report) -> Panel:
    """SLA超时: share of each category's tickets answered after the SLA, this month against the usual share."""
    lang = report.lang
    frame = sla_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("sup_no_tickets", lang))
    usual = t("sup_usual", lang, n=report.settings(NAME)["history_months"])
    ax = plotting.plot_bar_compare(
        frame,
        label="category",
        unit="pct",
        current="breach_share",
        baseline="usual_share",
        legend=(t("sup_count", lang), usual),
        lang=lang,
        title=f"{t('sup_sla_title', lang)} · {report.region_label}",
    )
    shown = table(
        frame,
        [
            ("category", "sup_category", None),
            ("tickets", "sup_tickets", "int"),
            ("breached", "sup_breached", "int"),
            ("breach_share", "sup_breach_share", "pct"),
            ("usual_share", usual, "pct"),
            ("median_hours", "sup_resp_p50", "decimal"),
        ],
        lang,
    )
    note = t("sup_sla_note", lang, sla=sla_text(report, month_tickets(report)))
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """``tickets`` this period and their ``sla_breach_share`` (of the judged ones); nothing without tickets.

    ``sla_breach_share`` is ``None`` when the tickets carry no first-response time (:data:`RESPONSE`).
    """
    if not report.ds.has("tickets"):
        return {}
    sla = sla_frame(report)
    judged = int(sla["judged"].sum())
    known = judged and responses_known(report)
    return {
        "tickets": int(sla["tickets"].sum()),
        "sla_breach_share": float(sla["breached"].sum() / judged) if known else None,
    }
