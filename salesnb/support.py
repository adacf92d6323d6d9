"""Support angle (服务保障): tickets and SLA, complaint spikes, delivery delays, satisfaction, receivables, credit risk.

Every analysis is a ``*_frame(report)`` with the raw numbers and a ``*_panel(report)`` showing them.
Figures are judged as of the end of the report month: a ticket still unanswered then, an order due
but not delivered, an invoice due but not paid all count against the month, and nothing later is used.
In the ALL report the findings look for problems region by region (segment ``{"region": ...}``), so a
problem in one region is not averaged away.

The revenue at stake of a service problem is the revenue of the orders it touches (the order a ticket
or a late delivery is about), or of the customers it touches (their average monthly revenue over
``support.customer_value_months``); only the part above the baseline rate counts.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from .data import facts
from .display import plotting
from .display.formatting import format_amount, format_int, format_pct
from .display.panel import Panel
from .findings import make_finding
from .i18n import t
from .periods import ALL, month_labels
from .report import Report

ANGLE = "support"


# ----------------------------------------------------------------------------------------------- helpers


def _cached(ds, key: str, build):
    return facts.per_dataset(ds, ("support", key), lambda: build(ds))


def _cfg(report: Report) -> dict[str, Any]:
    return report.config["support"]


def _cutoff(month: str) -> pd.Timestamp:
    """First instant after ``month``: the report's "as of" moment."""
    return (pd.Period(month, freq="M") + 1).start_time.normalize()


def _trailing(report: Report) -> list[str]:
    first, last = facts.data_months(report.ds)
    return [m for m in report.baselines.trailing_labels if first <= m <= last]


def _history(report: Report) -> list[str]:
    """The ``support.history_months`` months before the period that the data covers: the usual level."""
    first, last = facts.data_months(report.ds)
    end = pd.Period(report.period, freq="M")
    months = (str(end - k) for k in range(_cfg(report)["history_months"], 0, -1))
    return [m for m in months if first <= m <= last]


def _month_cutoffs(stamps: pd.Series) -> pd.Series:
    """First instant after the month of each timestamp (NaT stays NaT)."""
    return (stamps.dt.to_period("M") + 1).dt.to_timestamp()


def _report_revenue(report: Report) -> float:
    orders = facts.in_months(facts.in_region(facts.order_facts(report.ds), report.region), report.period)
    return float(orders["revenue"].sum())


def _scopes(report: Report) -> list[tuple[str, dict[str, str]]]:
    """(region, segment) pairs the findings check: the report's region, or each region in the ALL report."""
    if report.region == ALL:
        return [(region, {"region": region}) for region in facts.regions(report.ds)]
    return [(report.region, {})]


def _where(report: Report, segment: dict[str, str]) -> str:
    region = segment.get("region")
    if not region:
        return ""
    return f"{region} · " if report.lang == "en" else f"{region}："


def _customer_regions(ds) -> pd.Series:
    """Region per customer: customers.region, else the region of the customer's latest order."""

    def build(ds) -> pd.Series:
        orders = facts.order_facts(ds).sort_values(["order_date", "order_id"])
        region = orders.groupby("customer_id")["region"].last()
        customers = ds.get("customers")
        if customers is not None:
            own = customers.set_index("customer_id")["region"].dropna()
            region = own.combine_first(region)
        return region

    return _cached(ds, "customer_regions", build)


def customer_value(report: Report) -> pd.Series:
    """Average monthly revenue per customer over the ``support.customer_value_months`` months up to the period."""
    months = _cfg(report)["customer_value_months"]
    end = pd.Period(report.period, freq="M")
    labels = [str(end - k) for k in range(months)]

    def build(ds) -> pd.Series:
        orders = facts.in_months(facts.order_facts(ds), labels)
        return orders.groupby("customer_id")["revenue"].sum() / months

    return _cached(report.ds, f"customer_value:{report.period}:{months}", build)


def _order_revenue(ds) -> pd.Series:
    return _cached(ds, "order_revenue", lambda ds: facts.order_facts(ds).set_index("order_id")["revenue"])


def _at_stake(report: Report, rows: pd.DataFrame) -> float:
    """Revenue touched by ``rows``: their orders' revenue (each order once), else their customers' monthly value."""
    if rows.empty:
        return 0.0
    orders = pd.Series(rows["order_id"].dropna().unique())
    amounts = _order_revenue(report.ds).reindex(orders.to_numpy())
    known = set(orders[amounts.notna().to_numpy()])
    without = rows[~rows["order_id"].map(lambda o: o in known)]
    customers = without["customer_id"].dropna().unique()
    return float(amounts.sum()) + float(customer_value(report).reindex(customers).fillna(0.0).sum())


def _excess(total: float, rate: float, baseline: float | None) -> float:
    """The part of ``total`` above what the baseline rate would give: total × (1 − baseline / rate)."""
    if not rate or rate <= 0:
        return 0.0
    base = baseline if baseline is not None and not math.isnan(baseline) else 0.0
    return max(0.0, total * (1 - base / rate))


def _binom_p(hits: int, n: int, rate: float | None) -> float:
    """Probability of at least ``hits`` of ``n`` at the baseline ``rate`` (floored at 1% so a zero baseline works)."""
    if n <= 0 or hits <= 0:
        return 1.0
    return float(stats.binom.sf(hits - 1, n, max(rate or 0.0, 0.01)))


def _hours(value: float) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f}"


# ------------------------------------------------------------------------------------------ tickets and SLA


def ticket_facts(ds) -> pd.DataFrame:
    """Tickets with ``month`` (created), ``region`` (the order's, else the customer's) and timestamps."""

    def build(ds) -> pd.DataFrame:
        tickets = ds["tickets"]
        orders = facts.order_facts(ds).set_index("order_id")["region"]
        region = tickets["order_id"].map(orders)
        region = region.fillna(tickets["customer_id"].map(_customer_regions(ds)))
        return pd.DataFrame(
            {
                "ticket_id": tickets["ticket_id"],
                "customer_id": tickets["customer_id"],
                "order_id": tickets["order_id"],
                "category": tickets["category"].fillna(facts.UNKNOWN),
                "created_at": tickets["created_at"],
                "first_response_at": tickets["first_response_at"],
                "resolved_at": tickets["resolved_at"],
                "month": month_labels(tickets["created_at"]),
                "region": region.fillna(facts.UNKNOWN).astype(str),
            }
        )

    return _cached(ds, "ticket_facts", build)


def judged_tickets(report: Report) -> pd.DataFrame:
    """Every ticket judged at the end of the month it was created in, against ``thresholds.ticket_sla_hours``.

    Adds ``response_hours`` / ``resolution_hours`` (NaN when not answered / resolved by that month end),
    ``breached`` (answered after the SLA, or unanswered at month end and older than the SLA), ``pending``
    (unanswered at month end but still inside the SLA: not judged) and ``unresolved``.
    """
    sla = float(report.config["thresholds"]["ticket_sla_hours"])

    def build(ds) -> pd.DataFrame:
        rows = ticket_facts(ds).copy()
        cutoff = _month_cutoffs(rows["created_at"])
        answered = rows["first_response_at"].notna() & (rows["first_response_at"] < cutoff)
        hours = (rows["first_response_at"] - rows["created_at"]).dt.total_seconds() / 3600
        age = (cutoff - rows["created_at"]).dt.total_seconds() / 3600
        rows["response_hours"] = hours.where(answered)
        rows["breached"] = (answered & (hours > sla)) | (~answered & (age > sla))
        rows["pending"] = ~answered & (age <= sla)
        resolved = rows["resolved_at"].notna() & (rows["resolved_at"] < cutoff)
        rows["resolution_hours"] = ((rows["resolved_at"] - rows["created_at"]).dt.total_seconds() / 3600).where(
            resolved
        )
        rows["unresolved"] = ~resolved
        return rows

    return _cached(report.ds, f"judged_tickets:{sla}", build)


def tickets_frame(report: Report) -> pd.DataFrame:
    """Tickets per category this period with first-response and resolution time distributions.

    Columns: category, tickets, response_p50, response_p90, within_sla (share of judged tickets answered
    within ``thresholds.ticket_sla_hours``), resolution_p50, resolution_p90, unresolved (at month end).
    Sorted by ticket count.
    """
    columns = ["category", "tickets", "response_p50", "response_p90", "within_sla", "resolution_p50"]
    columns += ["resolution_p90", "unresolved"]
    rows = facts.in_months(facts.in_region(judged_tickets(report), report.region), report.period)
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


def plot_response_times(
    rows: pd.DataFrame,
    *,
    category: str = "category",
    hours: str = "response_hours",
    sla_hours: float | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Box plot of first-response hours per category on a log scale, with the SLA as a vertical line.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per ticket.
    category, hours : str
        Columns with the category and the hours to first response (missing = not answered, left out).
    sla_hours : float, optional
        Where to draw the SLA line.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.boxplot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    data = rows.dropna(subset=[hours]) if rows is not None and len(rows) else rows
    names = sorted(data[category].unique().tolist()) if data is not None and len(data) else []
    ax = plotting.axes(ax, rows=len(names))
    if not names:
        return plotting.no_data(ax, lang, title)
    values = [np.clip(data.loc[data[category] == n, hours].to_numpy(dtype=float), 0.05, None) for n in names]
    box = ax.boxplot(values, orientation="horizontal", widths=0.55, patch_artist=True, **kwargs)
    for patch in box["boxes"]:
        patch.set(facecolor=plotting.PRIMARY_LIGHT, edgecolor=plotting.PRIMARY)
    for median in box["medians"]:
        median.set(color=plotting.PRIMARY, linewidth=1.5)
    ax.set_yticks(np.arange(1, len(names) + 1), labels=names)
    ax.set_xscale("log")
    if sla_hours:
        ax.axvline(sla_hours, color=plotting.BAD, linestyle="--", linewidth=1.2)
        label = f" {t('sup_sla_line', lang, h=f'{sla_hours:g}')}"
        ax.text(sla_hours, len(names) + 0.45, label, color=plotting.BAD, fontsize=8)
    ax.set_xlabel(t("sup_hours", lang))
    ax.grid(axis="x", color=plotting.GRID, linewidth=0.6)
    return plotting.finish(ax, title)


def tickets_panel(report: Report) -> Panel:
    """工单与响应: tickets per category with the spread of first-response times (not only the average)."""
    lang = report.lang
    if not report.ds.has("tickets"):
        return Panel.skipped(t("needs_table", lang, tables="tickets"))
    frame = tickets_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("sup_no_tickets", lang))
    rows = facts.in_months(facts.in_region(judged_tickets(report), report.region), report.period)
    ax = plot_response_times(
        rows,
        sla_hours=report.config["thresholds"]["ticket_sla_hours"],
        lang=lang,
        title=f"{t('sup_tickets_title', lang)} · {report.region_label}",
    )
    table = pd.DataFrame(
        {
            t("sup_category", lang): frame["category"],
            t("sup_tickets", lang): frame["tickets"].map(format_int),
            t("sup_resp_p50", lang): frame["response_p50"].map(_hours),
            t("sup_resp_p90", lang): frame["response_p90"].map(_hours),
            t("sup_within_sla", lang): frame["within_sla"].map(format_pct),
            t("sup_res_p50", lang): frame["resolution_p50"].map(_hours),
            t("sup_res_p90", lang): frame["resolution_p90"].map(_hours),
            t("sup_unresolved", lang): frame["unresolved"].map(format_int),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


def sla_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """SLA breaches per category this period against the usual share (the ``support.history_months`` before).

    Columns: category, tickets, judged (not pending), breached, breach_share, usual_share (history months
    pooled), median_hours, p_value (binomial chance of so many breaches at the usual share), at_stake
    (revenue of the breached tickets' orders), flagged — breach share at least ``support.sla_breach_share``
    and ``support.sla_rise_points`` above usual, at least ``support.min_count`` breaches, p below
    ``support.p_value``.
    """
    cfg = _cfg(report)
    tickets = facts.in_region(judged_tickets(report), region or report.region)
    now = facts.in_months(tickets, report.period)
    past = facts.in_months(tickets, _history(report))
    columns = ["category", "tickets", "judged", "breached", "breach_share", "usual_share", "median_hours"]
    columns += ["p_value", "at_stake"]
    rows = []
    for category in sorted(set(now["category"])):
        cur, before = now[now["category"] == category], past[past["category"] == category]
        judged, breached = int((~cur["pending"]).sum()), int(cur["breached"].sum())
        base_judged = int((~before["pending"]).sum())
        usual = float(before["breached"].sum() / base_judged) if base_judged else float("nan")
        rows.append(
            {
                "category": category,
                "tickets": len(cur),
                "judged": judged,
                "breached": breached,
                "breach_share": breached / judged if judged else float("nan"),
                "usual_share": usual,
                "median_hours": cur["response_hours"].median(),
                "p_value": _binom_p(breached, judged, None if math.isnan(usual) else usual),
                "at_stake": _at_stake(report, cur[cur["breached"]]) if breached else 0.0,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    base = frame["usual_share"].fillna(0.0)
    frame["flagged"] = (
        (frame["breach_share"] >= cfg["sla_breach_share"])
        & (frame["breach_share"] - base >= cfg["sla_rise_points"])
        & (frame["breached"] >= cfg["min_count"])
        & (frame["p_value"] < cfg["p_value"])
    )
    frame = frame.sort_values(["breach_share", "category"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def sla_panel(report: Report) -> Panel:
    """SLA超时: share of each category's tickets answered after the SLA, this month against the usual share."""
    lang = report.lang
    if not report.ds.has("tickets"):
        return Panel.skipped(t("needs_table", lang, tables="tickets"))
    frame = sla_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("sup_no_tickets", lang))
    sla = report.config["thresholds"]["ticket_sla_hours"]
    usual = t("sup_usual", lang, n=_cfg(report)["history_months"])
    ax = plotting.plot_bar_compare(
        frame,
        label="category",
        unit="pct",
        current="breach_share",
        baseline="usual_share",
        legend=(t("sup_count", lang), usual),
        lang=lang,
        title=f"{t('sup_sla_title', lang)} ({sla:g}h) · {report.region_label}",
    )
    table = pd.DataFrame(
        {
            t("sup_category", lang): frame["category"],
            t("sup_tickets", lang): frame["tickets"].map(format_int),
            t("sup_breached", lang): frame["breached"].map(format_int),
            t("sup_breach_share", lang): frame["breach_share"].map(format_pct),
            usual: frame["usual_share"].map(format_pct),
            t("sup_resp_p50", lang): frame["median_hours"].map(_hours),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


# ------------------------------------------------------------------------------------------ complaints


def complaint_counts(report: Report, region: str | None = None) -> pd.DataFrame:
    """Complaints per month (index, every month of the data) and category (``support.complaint_categories``)."""
    categories = list(_cfg(report)["complaint_categories"])
    scope = region or report.region

    def build(ds) -> pd.DataFrame:
        first, last = facts.data_months(ds)
        months = [str(p) for p in pd.period_range(first, last, freq="M")]
        tickets = facts.in_region(ticket_facts(ds), scope)
        tickets = tickets[tickets["category"].isin(categories)]
        counts = tickets.groupby(["month", "category"]).size().unstack("category", fill_value=0)
        return counts.reindex(index=months, columns=categories, fill_value=0).astype(float).rename_axis("period")

    return _cached(report.ds, f"complaints:{scope}:{'|'.join(categories)}", build)


def complaint_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Complaints per category this period against the trailing average, last year and the usual month.

    Columns: category, count, baseline (trailing months' average), last_year (same month last year, NaN
    outside the data), usual (average over the ``support.history_months`` before), ratio (count / usual),
    z (spreads above usual, the spread being the month-to-month standard deviation, at least √usual),
    at_stake (revenue of the complaints' orders), flagged — at least ``support.spike_ratio`` × usual,
    ``support.min_count`` more than usual and ``support.spike_z`` spreads above it.
    """
    cfg = _cfg(report)
    counts = complaint_counts(report, region)
    history, trailing = _history(report), _trailing(report)
    last_year = str(report.baselines.same_month_last_year)
    tickets = facts.in_months(facts.in_region(ticket_facts(report.ds), region or report.region), report.period)
    rows = []
    for category in counts.columns:
        past = counts.loc[history, category] if history else pd.Series(dtype=float)
        usual = float(past.mean()) if len(past) else float("nan")
        spread = max(float(past.std(ddof=1)) if len(past) > 1 else 0.0, math.sqrt(usual) if usual > 0 else 1.0)
        count = float(counts[category].get(report.period, 0.0))
        rows.append(
            {
                "category": category,
                "count": count,
                "baseline": float(counts.loc[trailing, category].mean()) if trailing else float("nan"),
                "last_year": float(counts[category].get(last_year, np.nan)),
                "usual": usual,
                "ratio": count / usual if usual > 0 else float("nan"),
                "z": (count - (usual if not math.isnan(usual) else 0.0)) / spread,
                "at_stake": _at_stake(report, tickets[tickets["category"] == category]) if count else 0.0,
            }
        )
    columns = ["category", "count", "baseline", "last_year", "usual", "ratio", "z", "at_stake"]
    frame = pd.DataFrame(rows, columns=columns)
    base = frame["usual"].fillna(0.0)
    frame["flagged"] = (
        (frame["count"] >= cfg["spike_ratio"] * base)
        & (frame["count"] - base >= cfg["min_count"])
        & (frame["z"] >= cfg["spike_z"])
    )
    return frame


def complaint_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Complaints per month (rows) and category (columns) for the ``months`` months up to the period."""
    counts = complaint_counts(report)
    counts = counts[counts.index <= report.period].tail(months)
    return counts.reset_index()


def plot_lines(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    columns: list[str] | None = None,
    highlight: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """One line per column over the months (counts), the report month marked with a shaded band.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month.
    x : str
        Column with the month label.
    columns : list of str, optional
        Columns drawn as lines (default: every column but ``x``).
    highlight : str, optional
        The month to shade.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to every ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if frame is None or frame.empty:
        return plotting.no_data(ax, lang, title)
    columns = columns or [c for c in frame.columns if c != x]
    periods = frame[x].astype(str).tolist()
    positions = plotting.category_axis(ax, periods, horizontal=False)
    for k, column in enumerate(columns):
        values = frame[column].to_numpy(dtype=float)
        color = plotting.PALETTE[k % len(plotting.PALETTE)]
        ax.plot(positions, values, marker="o", markersize=3, color=color, label=column, **kwargs)
    if highlight in periods:
        i = periods.index(highlight)
        ax.axvspan(i - 0.4, i + 0.4, color=plotting.NEUTRAL_LIGHT, alpha=0.5, zorder=0)
    ax.set_ylim(bottom=0)
    plotting.legend(ax)
    return plotting.finish(ax, title)


def complaints_panel(report: Report) -> Panel:
    """投诉: complaints per category per month, and this month against the trailing average, last year and usual."""
    lang = report.lang
    if not report.ds.has("tickets"):
        return Panel.skipped(t("needs_table", lang, tables="tickets"))
    frame = complaint_frame(report)
    trend = complaint_trend_frame(report)
    ax = plot_lines(
        trend, highlight=report.period, lang=lang, title=f"{t('sup_complaints_title', lang)} · {report.region_label}"
    )

    def one(v: float) -> str:
        return "—" if pd.isna(v) else f"{v:.1f}"

    table = pd.DataFrame(
        {
            t("sup_category", lang): frame["category"],
            t("sup_count", lang): frame["count"].map(format_int),
            t("sup_baseline_count", lang): frame["baseline"].map(one),
            t("sup_last_year", lang): frame["last_year"].map(format_int),
            t("sup_usual", lang, n=_cfg(report)["history_months"]): frame["usual"].map(one),
            t("sup_ratio", lang): frame["ratio"].map(one),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


# ------------------------------------------------------------------------------------------ delivery


def _has_delivery(ds) -> bool:
    present = ds.present_columns.get("orders")
    if present is None:
        return bool(ds["orders"][["promised_at", "delivered_at"]].notna().any().all())
    return {"promised_at", "delivered_at"} <= set(present)


def delivery_facts(ds) -> pd.DataFrame:
    """Orders with a promised date, judged at the end of the month they were promised for.

    ``late``: delivered after the promised date, or not delivered by that month end; ``undelivered``: not
    delivered by then; ``delay_days``: days late of the late deliveries.
    """

    def build(ds) -> pd.DataFrame:
        orders = ds["orders"]
        of = facts.order_facts(ds)
        frame = pd.DataFrame(
            {
                "order_id": orders["order_id"].to_numpy(),
                "customer_id": orders["customer_id"].to_numpy(),
                "promised_at": orders["promised_at"].to_numpy(),
                "delivered_at": orders["delivered_at"].to_numpy(),
                "region": of["region"].to_numpy(),
                "revenue": of["revenue"].to_numpy(),
            }
        )
        frame = frame[frame["promised_at"].notna()].reset_index(drop=True)
        frame["month"] = month_labels(frame["promised_at"])
        cutoff = _month_cutoffs(frame["promised_at"])
        delivered = frame["delivered_at"].notna() & (frame["delivered_at"] < cutoff)
        frame["late"] = (delivered & (frame["delivered_at"] > frame["promised_at"])) | ~delivered
        frame["undelivered"] = ~delivered
        frame["delay_days"] = (frame["delivered_at"] - frame["promised_at"]).dt.days.where(delivered & frame["late"])
        return frame

    return _cached(ds, "delivery_facts", build)


def delivery_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """On-time delivery of the orders promised this period, against the usual share (one row).

    Columns: due, late, late_share, undelivered, delay_p50, delay_max (days, late deliveries), baseline_share
    (trailing months pooled), usual_share (the ``support.history_months`` before, pooled), p_value (binomial
    chance of so many late at the usual share), late_revenue, flagged — late share at least
    ``support.delay_share`` and ``support.delay_rise_points`` above usual, at least ``support.min_count`` late
    orders, p below ``support.p_value``.
    """
    cfg = _cfg(report)
    orders = facts.in_region(delivery_facts(report.ds), region or report.region)
    now = facts.in_months(orders, report.period)

    def share(part: pd.DataFrame) -> float:
        return float(part["late"].mean()) if len(part) else float("nan")

    usual = share(facts.in_months(orders, _history(report)))
    due, late = len(now), int(now["late"].sum())
    row = {
        "due": due,
        "late": late,
        "late_share": late / due if due else float("nan"),
        "undelivered": int(now["undelivered"].sum()),
        "delay_p50": now["delay_days"].median(),
        "delay_max": now["delay_days"].max(),
        "baseline_share": share(facts.in_months(orders, _trailing(report))),
        "usual_share": usual,
        "p_value": _binom_p(late, due, None if math.isnan(usual) else usual),
        "late_revenue": float(now.loc[now["late"], "revenue"].sum()),
    }
    base = 0.0 if math.isnan(usual) else usual
    row["flagged"] = bool(
        due > 0
        and row["late_share"] >= cfg["delay_share"]
        and row["late_share"] - base >= cfg["delay_rise_points"]
        and late >= cfg["min_count"]
        and row["p_value"] < cfg["p_value"]
    )
    return pd.DataFrame([row])


def delivery_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Orders due, late orders and late share per promised month for the ``months`` months up to the period."""
    orders = facts.in_region(delivery_facts(report.ds), report.region)
    first, _ = facts.data_months(report.ds)
    end = pd.Period(report.period, freq="M")
    labels = [m for m in (str(end - k) for k in range(months - 1, -1, -1)) if m >= first]
    grouped = facts.in_months(orders, labels).groupby("month").agg(due=("late", "size"), late=("late", "sum"))
    frame = grouped.reindex(labels, fill_value=0).rename_axis("period").reset_index()
    frame["late_share"] = frame["late"] / frame["due"].where(frame["due"] > 0)
    return frame


def delivery_panel(report: Report) -> Panel:
    """交付: share of the orders due this month delivered late, month by month, with the delay in days."""
    lang = report.lang
    if not _has_delivery(report.ds):
        return Panel.skipped(t("sup_needs_columns", lang, columns="promised_at, delivered_at"))
    frame = delivery_frame(report)
    trend = delivery_trend_frame(report)
    ax = plotting.plot_trend(
        trend,
        y="late_share",
        target=None,
        highlight=report.period,
        lang=lang,
        title=f"{t('sup_delivery_title', lang)} · {report.region_label}",
    )
    ax.yaxis.set_major_formatter(plotting.pct_formatter())
    ax.set_ylabel(t("sup_late_share", lang))
    row = frame.iloc[0]
    keys = ["sup_due", "sup_late", "sup_late_share", "sup_baseline_late", "sup_undelivered"]
    keys += ["sup_delay_p50", "sup_delay_max"]
    labels = [t(k, lang) for k in keys] + [t("sup_usual", lang, n=_cfg(report)["history_months"])]
    values = [
        format_int(row["due"]),
        format_int(row["late"]),
        format_pct(row["late_share"]),
        format_pct(row["baseline_share"]),
        format_int(row["undelivered"]),
        format_int(row["delay_p50"]),
        format_int(row["delay_max"]),
        format_pct(row["usual_share"]),
    ]
    table = pd.DataFrame({t("sup_metric", lang): labels, t("value", lang): values})
    note = t("sup_delivery_note", lang) if row["due"] else t("sup_no_due", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ satisfaction


def _survey_facts(ds) -> pd.DataFrame:
    def build(ds) -> pd.DataFrame:
        surveys = ds["surveys"].copy()
        surveys["month"] = month_labels(surveys["responded_at"])
        surveys["region"] = surveys["customer_id"].map(_customer_regions(ds)).fillna(facts.UNKNOWN).astype(str)
        return surveys

    return _cached(ds, "survey_facts", build)


def _aspects(surveys: pd.DataFrame) -> list[str]:
    return sorted(c for c in surveys.columns if c.startswith("score_") and surveys[c].notna().any())


def _nps_points(scores: pd.Series, promoter: int, detractor: int) -> pd.Series:
    """+100 for a promoter, −100 for a detractor, 0 otherwise: NPS is the mean of these."""
    points = pd.Series(0.0, index=scores.index)
    points[scores >= promoter] = 100.0
    points[scores <= detractor] = -100.0
    return points.where(scores.notna())


def satisfaction_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """NPS, CSAT and every ``score_*`` aspect this period against the usual level (``support.history_months``).

    Columns: metric (``nps``, ``csat`` or ``score_<aspect>``), label, n, value, baseline, change, p_value
    (one-sided Welch t-test that the mean fell), dissatisfied_value (monthly revenue of this period's
    respondents scoring low on it), flagged — a drop of at least ``support.satisfaction_drop_points``
    (``support.nps_drop_points`` for NPS) over at least ``support.min_responses`` responses, p below
    ``support.p_value``.
    """
    cfg = _cfg(report)
    surveys = facts.in_region(_survey_facts(report.ds), region or report.region)
    now = surveys[surveys["month"] == report.period]
    past = surveys[surveys["month"].isin(_history(report))]
    value = customer_value(report)
    metrics = [m for m in ("nps", "csat") if surveys[m].notna().any()] + _aspects(surveys)
    rows = []
    for metric in metrics:
        if metric == "nps":
            cur = _nps_points(now["nps"], cfg["nps_promoter"], cfg["nps_detractor"])
            before = _nps_points(past["nps"], cfg["nps_promoter"], cfg["nps_detractor"])
            low = now["nps"] <= cfg["nps_detractor"]
            threshold, label = cfg["nps_drop_points"], t("sup_nps", report.lang)
        else:
            cur, before = now[metric], past[metric]
            low = now[metric] < cfg["dissatisfied_score"]
            threshold = cfg["satisfaction_drop_points"]
            label = t("sup_csat", report.lang) if metric == "csat" else t("sup_aspect", report.lang, aspect=metric[6:])
        cur, before = cur.dropna(), before.dropna()
        p = float("nan")
        if len(cur) >= 2 and len(before) >= 2 and (cur.std() > 0 or before.std() > 0):
            with warnings.catch_warnings():  # near-identical scores only cost precision, not correctness
                warnings.simplefilter("ignore", RuntimeWarning)
                p = float(stats.ttest_ind(cur, before, equal_var=False, alternative="less").pvalue)
        elif len(cur) >= 2 and len(before) >= 2:  # no spread at all: a lower mean is certainly lower
            p = 0.0 if cur.mean() < before.mean() else 1.0
        mean, base = (cur.mean() if len(cur) else np.nan), (before.mean() if len(before) else np.nan)
        rows.append(
            {
                "metric": metric,
                "label": label,
                "n": len(cur),
                "value": mean,
                "baseline": base,
                "change": mean - base,
                "p_value": p,
                "dissatisfied_value": float(value.reindex(now.loc[low, "customer_id"].unique()).fillna(0.0).sum()),
                "flagged": bool(len(cur) >= cfg["min_responses"] and base - mean >= threshold and p < cfg["p_value"]),
            }
        )
    columns = ["metric", "label", "n", "value", "baseline", "change", "p_value", "dissatisfied_value", "flagged"]
    return pd.DataFrame(rows, columns=columns)


def satisfaction_by_tier_frame(report: Report) -> pd.DataFrame:
    """NPS and CSAT this period: top customers (``support.top_customer_share`` by revenue) against the rest."""
    cfg = _cfg(report)
    surveys = facts.in_months(facts.in_region(_survey_facts(report.ds), report.region), report.period)
    value = customer_value(report)
    buyers = facts.in_region(facts.order_facts(report.ds), report.region)["customer_id"].unique()
    ranked = value.reindex(buyers).fillna(0.0).sort_values(ascending=False, kind="stable")
    top = set(ranked.index[: max(1, math.ceil(cfg["top_customer_share"] * len(ranked)))]) if len(ranked) else set()
    rows = []
    for key, part in (
        ("sup_top", surveys[surveys["customer_id"].isin(top)]),
        ("sup_rest", surveys[~surveys["customer_id"].isin(top)]),
    ):
        nps = _nps_points(part["nps"], cfg["nps_promoter"], cfg["nps_detractor"]).dropna()
        rows.append(
            {
                "group": t(key, report.lang),
                "n": len(part),
                "nps": nps.mean() if len(nps) else np.nan,
                "csat": part["csat"].mean() if part["csat"].notna().any() else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["group", "n", "nps", "csat"])


def satisfaction_panel(report: Report) -> Panel:
    """满意度: NPS, CSAT and each aspect this month against the usual level; top customers against the rest."""
    lang = report.lang
    usual = t("sup_usual", lang, n=_cfg(report)["history_months"])
    if not report.ds.has("surveys"):
        return Panel.skipped(t("needs_table", lang, tables="surveys"))
    frame = satisfaction_frame(report)
    if frame.empty or frame["n"].sum() == 0:
        return Panel(frame=frame, note=t("sup_no_surveys", lang))
    chart = frame[frame["metric"] != "nps"]
    ax = plotting.plot_bar_compare(
        chart, label="label", current="value", baseline="baseline", lang=lang,
        legend=(t("sup_count", lang), usual),
        title=f"{t('sup_satisfaction_title', lang)} · {report.region_label}",
    )  # fmt: skip
    ax.set_xticks([])
    tiers = satisfaction_by_tier_frame(report)

    def score(v: float) -> str:
        return "—" if pd.isna(v) else f"{v:.1f}"

    table = pd.DataFrame(
        {
            t("sup_metric", lang): list(frame["label"]) + [f"{g} · NPS / CSAT" for g in tiers["group"]],
            t("sup_responses", lang): list(frame["n"].map(format_int)) + list(tiers["n"].map(format_int)),
            t("value", lang): list(frame["value"].map(score))
            + [f"{score(a)} / {score(b)}" for a, b in zip(tiers["nps"], tiers["csat"], strict=True)],
            usual: list(frame["baseline"].map(score)) + ["" for _ in range(len(tiers))],
            t("sup_change", lang): list(frame["change"].map(lambda v: "—" if pd.isna(v) else f"{v:+.1f}"))
            + ["" for _ in range(len(tiers))],
        }
    )
    cfg = _cfg(report)
    note = t("sup_satisfaction_note", lang, d=cfg["nps_detractor"], top=format_pct(cfg["top_customer_share"], 0))
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ receivables


def _invoice_facts(ds) -> pd.DataFrame:
    def build(ds) -> pd.DataFrame:
        invoices = ds["invoices"].copy()
        orders = facts.order_facts(ds).set_index("order_id")["region"]
        region = invoices["order_id"].map(orders).fillna(invoices["customer_id"].map(_customer_regions(ds)))
        invoices["region"] = region.fillna(facts.UNKNOWN).astype(str)
        invoices["paid_amount"] = invoices["paid_amount"].fillna(invoices["amount"])
        return invoices

    return _cached(ds, "invoice_facts", build)


def open_invoices(report: Report, month: str, region: str | None = None) -> pd.DataFrame:
    """Invoices issued by the end of ``month`` with an amount still open then, and their days past due.

    ``outstanding`` = amount − paid amount if paid by month end, else the whole amount; ``days_past_due``
    counts from the due date to the month's last day (≤ 0: not yet due).
    """
    cutoff = _cutoff(month)
    invoices = facts.in_region(_invoice_facts(report.ds), region or report.region)
    rows = invoices[invoices["issued_at"] < cutoff].copy()
    paid = rows["paid_at"].notna() & (rows["paid_at"] < cutoff)
    rows["outstanding"] = np.where(paid, (rows["amount"] - rows["paid_amount"]).clip(lower=0), rows["amount"])
    rows = rows[rows["outstanding"] > 0.005]
    rows["days_past_due"] = (cutoff - pd.Timedelta(days=1) - rows["due_at"]).dt.days
    return rows


def _bucket_labels(edges: list[int]) -> list[str]:
    labels = [f"0–{edges[0]}"] + [f"{a + 1}–{b}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f">{edges[-1]}"]


def ageing_frame(report: Report) -> pd.DataFrame:
    """Overdue amount and invoices per days-past-due bucket (``support.ageing_buckets``) at this and last month end."""
    edges = _cfg(report)["ageing_buckets"]
    labels = _bucket_labels(edges)
    out = {}
    for key, month in (("", report.period), ("prev_", str(report.baselines.previous_month))):
        rows = open_invoices(report, month)
        rows = rows[rows["days_past_due"] > 0]
        index = np.searchsorted(np.asarray(edges), rows["days_past_due"].to_numpy(), side="left")
        bucket = pd.Series([labels[i] for i in index], index=rows.index, dtype=object)
        out[key + "amount"] = rows.groupby(bucket)["outstanding"].sum().reindex(labels, fill_value=0.0)
        out[key + "invoices"] = rows.groupby(bucket).size().reindex(labels, fill_value=0)
    frame = pd.DataFrame(out).rename_axis("bucket").reset_index()
    total = frame["amount"].sum()
    frame["share"] = frame["amount"] / total if total > 0 else np.nan
    return frame


def due_collection(report: Report) -> pd.DataFrame:
    """Invoices judged at the end of the month they fall due in: the amount then still open.

    Adds ``month`` (due month) and ``unpaid`` (amount − paid amount if paid by that month end, else the
    whole amount).
    """

    def build(ds) -> pd.DataFrame:
        invoices = _invoice_facts(ds)
        cutoff = _month_cutoffs(invoices["due_at"])
        paid = invoices["paid_at"].notna() & (invoices["paid_at"] < cutoff)
        unpaid = np.where(paid, (invoices["amount"] - invoices["paid_amount"]).clip(lower=0), invoices["amount"])
        frame = invoices[["invoice_id", "customer_id", "order_id", "region", "amount"]].copy()
        frame["month"] = month_labels(invoices["due_at"])
        frame["unpaid"] = unpaid
        frame["is_unpaid"] = frame["unpaid"] > 0.005
        return frame

    return _cached(report.ds, "due_collection", build)


def collection_metrics(report: Report, month: str | None = None, region: str | None = None) -> dict[str, Any]:
    """Receivables as of a month end: AR, overdue, DSO, and how much of the month's due amount stayed unpaid.

    ``dso`` = receivables ÷ revenue of the trailing months up to ``month`` × their days; ``unpaid_rate`` =
    the amount of invoices due in ``month`` still open at its end ÷ the amount due; ``unpaid_invoices`` /
    ``due_invoices`` count them.
    """
    month = month or report.period
    scope = region or report.region
    rows = open_invoices(report, month, scope)
    due = facts.in_months(facts.in_region(due_collection(report), scope), month)
    n = report.config["baselines"]["trailing_months"]
    end = pd.Period(month, freq="M")
    window = [end - k for k in range(n)]
    orders = facts.in_months(facts.in_region(facts.order_facts(report.ds), scope), [str(p) for p in window])
    days = sum(p.days_in_month for p in window)
    ar, sales = float(rows["outstanding"].sum()), float(orders["revenue"].sum())
    due_amount, unpaid = float(due["amount"].sum()), float(due["unpaid"].sum())
    overdue = float(rows.loc[rows["days_past_due"] > 0, "outstanding"].sum())
    return {
        "receivables": ar,
        "overdue": overdue,
        "overdue_share": overdue / ar if ar else None,
        "dso": ar / sales * days if sales else None,
        "due": due_amount,
        "unpaid": unpaid,
        "unpaid_rate": unpaid / due_amount if due_amount else None,
        "due_invoices": int(len(due)),
        "unpaid_invoices": int(due["is_unpaid"].sum()),
    }


def receivables_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Collection of the amount due this month against the usual rate (one row), flagging ``receivables_overdue``.

    Columns: the :func:`collection_metrics` of the period, baseline_rate (trailing months, pooled),
    usual_rate (the ``support.history_months`` before, pooled), p_value (binomial chance of so many unpaid
    invoices at the usual share of unpaid invoices), excess (the unpaid amount above the usual rate), flagged —
    unpaid rate at least ``support.overdue_rate_warning`` and ``support.overdue_rise_points`` above usual, at
    least ``support.min_count`` unpaid invoices, p below ``support.p_value``.
    """
    cfg = _cfg(report)
    scope = region or report.region
    now = collection_metrics(report, report.period, scope)
    due = facts.in_region(due_collection(report), scope)

    def rate(months: list[str]) -> tuple[float | None, float | None]:
        part = facts.in_months(due, months)
        amount = float(part["amount"].sum())
        if not amount:
            return None, None
        return float(part["unpaid"].sum()) / amount, float(part["is_unpaid"].mean())

    baseline, _ = rate(_trailing(report))
    usual, usual_count_share = rate(_history(report))
    current = now["unpaid_rate"]
    base = usual or 0.0
    row = {
        **now,
        "baseline_rate": baseline,
        "usual_rate": usual,
        "p_value": _binom_p(now["unpaid_invoices"], now["due_invoices"], usual_count_share),
        "excess": max(0.0, (current - base) * now["due"]) if current is not None else 0.0,
    }
    row["flagged"] = bool(
        current is not None
        and current >= cfg["overdue_rate_warning"]
        and current - base >= cfg["overdue_rise_points"]
        and now["unpaid_invoices"] >= cfg["min_count"]
        and row["p_value"] < cfg["p_value"]
    )
    return pd.DataFrame([row])


def receivables_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Receivables, overdue amount, DSO and unpaid rate at each month end for the ``months`` months up to the period."""
    first, _ = facts.data_months(report.ds)
    end = pd.Period(report.period, freq="M")
    rows = []
    for month in (str(end - k) for k in range(months - 1, -1, -1)):
        if month >= first:
            m = collection_metrics(report, month)
            rows.append({"period": month, **{k: m[k] for k in ("receivables", "overdue", "dso", "unpaid_rate")}})
    return pd.DataFrame(rows, columns=["period", "receivables", "overdue", "dso", "unpaid_rate"])


def receivables_panel(report: Report) -> Panel:
    """应收账龄: overdue amount per days-past-due bucket at this and last month end, with DSO and collection."""
    lang = report.lang
    if not report.ds.has("invoices"):
        return Panel.skipped(t("needs_table", lang, tables="invoices"))
    frame = ageing_frame(report)
    ax = plotting.plot_bar_compare(
        frame, label="bucket", current="amount", baseline="prev_amount", lang=lang,
        legend=(t("sup_count", lang), t("previous_month", lang)),
        title=f"{t('sup_receivables_title', lang)} · {report.region_label}",
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("sup_bucket", lang): frame["bucket"],
            t("sup_amount", lang): frame["amount"].map(lambda v: format_amount(v, lang)),
            t("sup_invoices", lang): frame["invoices"].map(format_int),
            t("share", lang): frame["share"].map(format_pct),
            t("sup_prev_amount", lang): frame["prev_amount"].map(lambda v: format_amount(v, lang)),
        }
    )
    row = receivables_frame(report).iloc[0]
    note = t(
        "sup_receivables_note",
        lang,
        ar=format_amount(row["receivables"], lang),
        overdue=format_amount(row["overdue"], lang),
        share=format_pct(row["overdue_share"]),
        dso=format_int(row["dso"]),
        due=format_amount(row["due"], lang),
        unpaid=format_amount(row["unpaid"], lang),
        rate=format_pct(row["unpaid_rate"]),
        baseline=format_pct(row["baseline_rate"]),
        usual=format_pct(row["usual_rate"]),
        m=_cfg(report)["history_months"],
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def receivables_trend_panel(report: Report) -> Panel:
    """逾期趋势: overdue receivables at each month end, with DSO and the month's unpaid rate."""
    lang = report.lang
    if not report.ds.has("invoices"):
        return Panel.skipped(t("needs_table", lang, tables="invoices"))
    frame = receivables_trend_frame(report)
    ax = plotting.plot_trend(
        frame, y="overdue", target=None, highlight=report.period, lang=lang,
        title=f"{t('sup_overdue_trend_title', lang)} · {report.region_label}",
    )  # fmt: skip
    ax.set_ylabel(t("sup_overdue", lang))
    table = pd.DataFrame(
        {
            t("period", lang): frame["period"],
            t("sup_overdue", lang): frame["overdue"].map(lambda v: format_amount(v, lang)),
            "DSO": frame["dso"].map(format_int),
            t("sup_unpaid_rate", lang): frame["unpaid_rate"].map(format_pct),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


# ------------------------------------------------------------------------------------------ credit risk


def _late_stage_deals(report: Report, month: str) -> pd.DataFrame:
    """Deals open at the end of ``month`` whose furthest stage reached by then is one of the last configured ones."""
    cutoff = _cutoff(month)
    stages = report.config["stages"]
    late = stages[max(0, len(stages) - _cfg(report)["credit_stages"]) :]
    opps = report.ds["opportunities"]
    status = opps["status"].str.lower()
    open_then = (opps["created_at"] < cutoff) & (
        (opps["closed_at"].notna() & (opps["closed_at"] >= cutoff)) | (opps["closed_at"].isna() & (status == "open"))
    )
    opps = opps[open_then & opps["customer_id"].notna()]
    events = report.ds["stage_events"]
    events = events[(events["entered_at"] < cutoff) & events["opportunity_id"].isin(opps["opportunity_id"])]
    rank = {name: k for k, name in enumerate(stages)}
    events = events.assign(rank=events["stage"].map(rank)).dropna(subset=["rank"])
    furthest = events.sort_values(["opportunity_id", "rank"]).groupby("opportunity_id")["stage"].last()
    opps = opps.assign(stage=opps["opportunity_id"].map(furthest))
    return opps[opps["stage"].isin(late)]


def credit_risk_frame(report: Report) -> pd.DataFrame:
    """Customers with overdue invoices who still have open deals in the last stages: credit risk.

    A customer counts with an invoice at least ``support.credit_days_past_due`` days past due at month end and
    an open deal in one of the last ``support.credit_stages`` configured stages (e.g. 商务谈判, 合同签订).

    Columns: customer_id, customer_name, region, overdue_invoices, overdue_amount (all their overdue
    invoices), max_days_past_due, deals (ids), deal_count, deal_amount, stage (the furthest). Largest deal
    amount first.
    """
    columns = ["customer_id", "customer_name", "region", "overdue_invoices", "overdue_amount", "max_days_past_due"]
    columns += ["deals", "deal_count", "deal_amount", "stage"]
    rows = open_invoices(report, report.period)
    overdue = rows[rows["days_past_due"] > 0]
    risky = overdue.groupby("customer_id")["days_past_due"].max()
    risky = risky[risky >= _cfg(report)["credit_days_past_due"]]
    deals = _late_stage_deals(report, report.period)
    deals = deals[deals["customer_id"].isin(risky.index)]
    if deals.empty:
        return pd.DataFrame(columns=columns)
    stages = report.config["stages"]
    grouped = deals.groupby("customer_id")
    frame = pd.DataFrame(
        {
            "overdue_invoices": overdue.groupby("customer_id").size(),
            "overdue_amount": overdue.groupby("customer_id")["outstanding"].sum(),
            "max_days_past_due": risky,
        }
    ).reindex(sorted(grouped.groups))
    frame["deals"] = grouped["opportunity_id"].apply(lambda s: ", ".join(sorted(s)))
    frame["deal_count"] = grouped.size()
    frame["deal_amount"] = grouped["amount"].sum(min_count=1).fillna(0.0)
    frame["stage"] = grouped["stage"].apply(lambda s: max(s, key=stages.index))
    frame = frame.rename_axis("customer_id").reset_index()
    customers = report.ds.get("customers")
    names = customers.set_index("customer_id")["customer_name"] if customers is not None else pd.Series(dtype=object)
    frame["customer_name"] = frame["customer_id"].map(names).fillna(frame["customer_id"]).astype(str)
    frame["region"] = frame["customer_id"].map(_customer_regions(report.ds))
    frame = frame.sort_values(["deal_amount", "customer_id"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def credit_risk_panel(report: Report) -> Panel:
    """信用风险: customers with overdue invoices whose deals are about to be signed, overdue against deal amount."""
    lang = report.lang
    missing = [n for n in ("invoices", "opportunities", "stage_events") if not report.ds.has(n)]
    if missing:
        return Panel.skipped(t("needs_table", lang, tables=", ".join(missing)))
    frame = credit_risk_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("sup_no_credit", lang))
    ax = plotting.plot_bar_compare(
        frame.head(report.config["report"]["top_n"]), label="customer_name", current="deal_amount",
        baseline="overdue_amount", lang=lang, legend=(t("sup_deal_amount", lang), t("sup_amount", lang)),
        title=t("sup_credit_title", lang),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("sup_customer", lang): frame["customer_name"],
            t("region", lang): frame["region"],
            t("sup_overdue_invoices", lang): frame["overdue_invoices"].map(format_int),
            t("sup_amount", lang): frame["overdue_amount"].map(lambda v: format_amount(v, lang)),
            t("sup_max_dpd", lang): frame["max_days_past_due"].map(format_int),
            t("sup_deals", lang): frame["deals"],
            t("sup_deal_amount", lang): frame["deal_amount"].map(lambda v: format_amount(v, lang)),
            t("sup_stage", lang): frame["stage"],
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


# ------------------------------------------------------------------------------------------ findings


def _finding(report: Report, code: str, segment: dict, key: str, fmt: dict, title_fmt: dict, **kw) -> dict:
    lang = report.lang
    return make_finding(
        angle=ANGLE,
        code=code,
        segment=segment,
        revenue=_report_revenue(report),
        config=report.config,
        title=t(f"sup_f_{key}_title", lang, **title_fmt),
        detail=t(f"sup_f_{key}_detail", lang, m=_cfg(report)["history_months"], **fmt),
        action=t(f"sup_f_{key}_action", lang),
        **kw,
    )


def _ticket_findings(report: Report) -> list[dict]:
    lang, sla = report.lang, report.config["thresholds"]["ticket_sla_hours"]
    out = []
    for region, segment in _scopes(report):
        where = _where(report, segment)
        for row in sla_frame(report, region).itertuples():
            if not row.flagged:
                continue
            fmt = {
                "n": row.judged,
                "breached": row.breached,
                "h": f"{sla:g}",
                "share": format_pct(row.breach_share),
                "baseline": format_pct(row.usual_share),
                "median": _hours(row.median_hours),
            }
            out.append(
                _finding(
                    report, "sla_breach", {**segment, "category": row.category}, "sla", fmt,
                    {"where": where, "category": row.category},
                    metric="sla_breach_share", value=row.breach_share, baseline=row.usual_share,
                    effect=_excess(row.at_stake, row.breach_share, row.usual_share),
                )
            )  # fmt: skip
        for row in complaint_frame(report, region).itertuples():
            if not row.flagged:
                continue
            fmt = {
                "count": format_int(row.count),
                "baseline": f"{row.usual:.1f}",
                "ratio": "—" if pd.isna(row.ratio) else f"{row.ratio:.1f}",
                "effect": format_amount(row.at_stake, lang),
            }
            out.append(
                _finding(
                    report, "complaint_spike", {**segment, "category": row.category}, "complaint", fmt,
                    {"where": where, "category": row.category},
                    metric="complaints", value=row.count, baseline=row.usual,
                    effect=_excess(row.at_stake, row.count, row.usual),
                )
            )  # fmt: skip
    return out


def _delivery_findings(report: Report) -> list[dict]:
    lang = report.lang
    out = []
    for region, segment in _scopes(report):
        row = delivery_frame(report, region).iloc[0]
        if not row["flagged"]:
            continue
        fmt = {
            "due": format_int(row["due"]),
            "late": format_int(row["late"]),
            "share": format_pct(row["late_share"]),
            "baseline": format_pct(row["usual_share"]),
            "delay": format_int(row["delay_p50"]),
            "amount": format_amount(row["late_revenue"], lang),
        }
        out.append(
            _finding(
                report, "delivery_delay", segment, "delivery", fmt, {"where": _where(report, segment)},
                metric="late_share", value=row["late_share"], baseline=row["usual_share"],
                effect=_excess(row["late_revenue"], row["late_share"], row["usual_share"]),
            )
        )  # fmt: skip
    return out


def _satisfaction_findings(report: Report) -> list[dict]:
    lang = report.lang
    out = []
    for region, segment in _scopes(report):
        frame = satisfaction_frame(report, region)
        if frame.empty:
            continue
        flagged = frame[frame["flagged"].astype(bool)]
        overall = flagged[flagged["metric"].isin(["csat", "nps"])].sort_values("metric", key=lambda m: m != "csat")
        picked = list(overall.head(1).itertuples()) + list(
            flagged[flagged["metric"].str.startswith("score_")].itertuples()
        )
        for row in picked:
            aspect = row.metric[6:] if row.metric.startswith("score_") else None
            fmt = {
                "n": row.n,
                "value": f"{row.value:.1f}",
                "baseline": f"{row.baseline:.1f}",
                "change": f"{row.change:+.1f}",
                "effect": format_amount(row.dissatisfied_value, lang),
            }
            out.append(
                _finding(
                    report, "satisfaction_drop", {**segment, "aspect": aspect} if aspect else dict(segment),
                    "satisfaction", fmt, {"where": _where(report, segment), "what": row.label},
                    metric=row.metric, value=row.value, baseline=row.baseline, effect=row.dissatisfied_value,
                )
            )  # fmt: skip
    return out


def _receivables_findings(report: Report) -> list[dict]:
    lang = report.lang
    out = []
    for region, segment in _scopes(report):
        row = receivables_frame(report, region).iloc[0]
        if not row["flagged"]:
            continue
        fmt = {
            "due": format_amount(row["due"], lang),
            "unpaid": format_amount(row["unpaid"], lang),
            "rate": format_pct(row["unpaid_rate"]),
            "baseline": format_pct(row["usual_rate"]),
            "overdue": format_amount(row["overdue"], lang),
            "dso": format_int(row["dso"]),
        }
        out.append(
            _finding(
                report, "receivables_overdue", segment, "receivables", fmt, {"where": _where(report, segment)},
                metric="unpaid_rate", value=row["unpaid_rate"], baseline=row["usual_rate"], effect=row["excess"],
            )
        )  # fmt: skip
    return out


def _credit_findings(report: Report) -> list[dict]:
    lang = report.lang
    out = []
    for row in credit_risk_frame(report).itertuples():
        fmt = {
            "invoices": row.overdue_invoices,
            "overdue": format_amount(row.overdue_amount, lang),
            "dpd": format_int(row.max_days_past_due),
            "deals": row.deal_count,
            "stage": row.stage,
            "amount": format_amount(row.deal_amount, lang),
        }
        out.append(
            _finding(
                report, "credit_risk_open_deal", {"customer_id": row.customer_id}, "credit", fmt,
                {"customer": row.customer_name},
                metric="overdue_amount", value=row.overdue_amount, baseline=0.0, effect=row.deal_amount,
            )
        )  # fmt: skip
    return out


def angle_findings(report: Report) -> list[dict[str, Any]]:
    """Every support finding of the report, computed once per report.

    Codes: sla_breach, complaint_spike, delivery_delay, satisfaction_drop, receivables_overdue,
    credit_risk_open_deal; codes whose tables are missing are left out.
    """

    def build() -> list[dict[str, Any]]:
        ds = report.ds
        found = _ticket_findings(report) if ds.has("tickets") else []
        found += _delivery_findings(report) if _has_delivery(ds) else []
        found += _satisfaction_findings(report) if ds.has("surveys") else []
        found += _receivables_findings(report) if ds.has("invoices") else []
        if ds.has("invoices", "opportunities", "stage_events"):
            found += _credit_findings(report)
        return found

    return report.memo("support_findings", build)


def angle_metrics(report: Report) -> dict[str, Any]:
    """The support angle's key numbers: tickets and SLA, complaints, delivery, NPS/CSAT, receivables, credit risk."""
    ds = report.ds
    out: dict[str, Any] = {}
    if ds.has("tickets"):
        sla = sla_frame(report)
        judged = int(sla["judged"].sum())
        out["tickets"] = int(sla["tickets"].sum())
        out["sla_breach_share"] = float(sla["breached"].sum() / judged) if judged else None
        out["complaints"] = int(complaint_frame(report)["count"].sum())
    if _has_delivery(ds):
        row = delivery_frame(report).iloc[0]
        out["orders_due"] = int(row["due"])
        out["late_delivery_share"] = None if pd.isna(row["late_share"]) else float(row["late_share"])
    if ds.has("surveys"):
        frame = satisfaction_frame(report).set_index("metric")
        for metric in ("nps", "csat"):
            value = frame["value"].get(metric)
            out[metric] = None if value is None or pd.isna(value) else float(value)
        out["survey_responses"] = int(frame["n"].max()) if len(frame) else 0
    if ds.has("invoices"):
        m = collection_metrics(report)
        out.update({k: m[k] for k in ("receivables", "overdue", "overdue_share", "dso", "unpaid_rate")})
    if ds.has("invoices", "opportunities", "stage_events"):
        credit = credit_risk_frame(report)
        out["credit_risk_customers"] = int(len(credit))
        out["credit_risk_deal_amount"] = float(credit["deal_amount"].sum())
    return out
