"""交付准时率: orders promised for the month delivered late or not at all, against the usual share.

Needs the optional ``promised_at`` and ``delivered_at`` columns of ``orders``; without them the section
is skipped and the rule stays quiet.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..data import facts
from ..display import plotting
from ..display.formatting import format_amount, format_int, format_pct
from ..display.panel import Panel
from ..findings import finding
from ..i18n import t
from ..periods import month_labels
from ..report import Report, scope_memo
from ..trend import trend_months
from .common import NAME, excess, in_scope, month_cutoffs, scoped_rows, usual_months

JUDGED = ["late", "undelivered", "delay_days", "revenue"]  # the columns of delivery_facts a month's figures read


def has_delivery(report: Report) -> bool:
    """Whether the orders carry ``promised_at`` and ``delivered_at``."""
    ds = report.ds
    present = ds.present_columns.get("orders")
    if present is None:
        return bool(ds["orders"][["promised_at", "delivered_at"]].notna().any().all())
    return {"promised_at", "delivered_at"} <= set(present)


def delivery_facts(report: Report) -> pd.DataFrame:
    """Orders with a promised date, judged at the end of the month they were promised for.

    ``late``: delivered after the promised date, or not delivered by that month end; ``undelivered``: not
    delivered by then; ``delay_days``: days late of the late deliveries.
    """

    def build(ds) -> pd.DataFrame:
        orders = ds["orders"]
        of = facts.order_facts(ds)  # one row per order, in the orders' order
        promised = np.flatnonzero(orders["promised_at"].notna().to_numpy())  # only these rows are copied
        columns = {"order_id": orders, "customer_id": orders, "promised_at": orders, "delivered_at": orders}
        frame = pd.DataFrame(
            {
                name: pd.Series(table[name].array.take(promised))
                for name, table in {**columns, "region": of, "revenue": of}.items()
            }
        )
        return judged_deliveries(frame)

    return report.cached(NAME, "delivery_facts", build)


def judged_deliveries(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (orders with ``promised_at`` and ``delivered_at``) with month, late, undelivered and delay_days."""
    frame["month"] = month_labels(frame["promised_at"])
    cutoff = month_cutoffs(frame["promised_at"])
    delivered = frame["delivered_at"].notna() & (frame["delivered_at"] < cutoff)
    frame["late"] = (delivered & (frame["delivered_at"] > frame["promised_at"])) | ~delivered
    frame["undelivered"] = ~delivered
    frame["delay_days"] = (frame["delivered_at"] - frame["promised_at"]).dt.days.where(delivered & frame["late"])
    return frame


@scope_memo  # the rule (region by region), the panel and the metrics read one computation
def delivery_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """On-time delivery of the orders promised this period, against the usual share (one row).

    Columns: due, late, late_share, undelivered, delay_p50, delay_max (days, late deliveries), baseline_share
    (trailing months pooled), usual_share (the ``support.history_months`` before, pooled), p_value (binomial
    chance of so many late at the usual share), late_revenue, flagged — late share at least
    ``thresholds.support.delay_share`` and ``thresholds.support.delay_rise_points`` above usual, at least
    ``thresholds.support.min_count`` late orders, p below ``thresholds.support.p_value``.
    """
    thr = report.thresholds(NAME)
    scope = region or report.region

    def months_rows(months: list[str] | str) -> pd.DataFrame:
        return scoped_rows(report, "delivery_facts", delivery_facts(report), scope, months, JUDGED)

    now = months_rows(report.period)

    def share(part: pd.DataFrame) -> float:
        return float(part["late"].mean()) if len(part) else float("nan")

    usual = share(months_rows(usual_months(report)))
    due, late = len(now), int(now["late"].sum())
    row = {
        "due": due,
        "late": late,
        "late_share": late / due if due else float("nan"),
        "undelivered": int(now["undelivered"].sum()),
        "delay_p50": now["delay_days"].median(),
        "delay_max": now["delay_days"].max(),
        "baseline_share": share(months_rows(report.trailing())),
        "usual_share": usual,
        "p_value": stats.binom_high(late, due, None if math.isnan(usual) else usual, floor=0.01),
        "late_revenue": float(now.loc[now["late"], "revenue"].sum()),
    }
    base = 0.0 if math.isnan(usual) else usual
    row["flagged"] = bool(
        due > 0
        and row["late_share"] >= thr["delay_share"]
        and row["late_share"] - base >= thr["delay_rise_points"]
        and late >= thr["min_count"]
        and row["p_value"] < thr["p_value"]
    )
    return pd.DataFrame([row])


def delivery_counts(report: Report) -> pd.DataFrame:
    """Orders due and late per region and promised month: a small table per dataset.

    The trend reads it for every region and for ALL (their sums): it outlives the delivery rows when a large
    dataset's derived tables go, so the panel judges no delivery again.
    """

    def build(ds) -> pd.DataFrame:
        rows = delivery_facts(report)
        grouped = rows.groupby(["region", "month"], dropna=False)["late"]  # ALL counts the orders without a region
        return pd.DataFrame({"due": grouped.size(), "late": grouped.sum()}).reset_index()

    return report.cached(NAME, "delivery_counts", build)


def delivery_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Orders due, late orders and late share per promised month for the ``months`` months up to the period."""
    labels = trend_months(report, months)
    counts = in_scope(delivery_counts(report), report.region, labels)
    grouped = counts.groupby("month")[["due", "late"]].sum()
    frame = grouped.reindex(labels, fill_value=0).rename_axis("period").reset_index()
    frame["late_share"] = frame["late"] / frame["due"].where(frame["due"] > 0)
    return frame


def delivery_delay(report: Report) -> list[dict[str, Any]]:
    """Rule delivery_delay: :func:`delivery_frame` flagged, region by region in the ALL report.

    Thresholds: ``thresholds.support.{delay_share, delay_rise_points, min_count, p_value}``; the effect is the
    late orders' revenue above the usual share. Quiet when the orders carry no delivery dates.
    """
    if not has_delivery(report):
        return []
    months, lang = report.settings(NAME)["history_months"], report.lang
    delivery_frame(report)  # the panel's frames, while the rows are at hand (they go once the findings are known)
    delivery_counts(report)
    out = []
    for segment, row in report.flagged_rows(delivery_frame, company=False):
        values = {
            "where": report.where(segment),
            "m": months,
            "due": format_int(row.due),
            "late": format_int(row.late),
            "share": format_pct(row.late_share),
            "baseline": format_pct(row.usual_share),
            "delay": format_int(row.delay_p50),
            "amount": format_amount(row.late_revenue, lang),
        }
        out.append(
            finding(
                report, "delivery_delay", segment, values, angle=NAME,
                metric="late_share", value=row.late_share, baseline=row.usual_share,
                effect=excess(row.late_revenue, row.late_share, row.usual_share),
            )
        )  # fmt: skip
    return out


def delivery_panel(report: Report) -> Panel:
    """交付: share of the orders due this month delivered late, month by month, with the delay in days."""
    lang = report.lang
    if not has_delivery(report):
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
    labels = [t(k, lang, n=len(report.baselines.trailing)) for k in keys]
    labels += [t("sup_usual", lang, n=report.settings(NAME)["history_months"])]
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


def metrics(report: Report) -> dict[str, Any]:
    """``orders_due`` this period and their ``late_delivery_share``; nothing without delivery dates."""
    if not has_delivery(report):
        return {}
    row = delivery_frame(report).iloc[0]
    return {
        "orders_due": int(row["due"]),
        "late_delivery_share": None if pd.isna(row["late_share"]) else float(row["late_share"]),
    }
