"""交付准时率: orders delivered late or not at all, against the usual share, by promised month and by order month.

Needs the optional ``promised_at`` and ``delivered_at`` columns of ``orders``; without them the section
is skipped and the rule stays quiet (a promise cannot be guessed from the usual lead time: the lateness the rule
counts is the gap to the promise itself). A month's orders are judged at its end: an order counts when its promise
falls by then, and it is late when delivered after the promise or still undelivered then — the finding says the
two apart (晚交 / 逾期未交), and nothing after the month is read.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..data import facts
from ..data.dataset import Dataset
from ..data.event_months import event_cutoffs, event_months
from ..display import plotting
from ..display.formatting import format_amount, format_int, format_pct
from ..display.panel import Panel
from ..findings import finding
from ..i18n import days_through, t
from ..report import Report, scope_memo
from ..trend import trend_months
from .common import NAME, excess, in_scope, scoped_rows, usual_months

JUDGED = ["late", "undelivered", "delay_days", "revenue"]  # the columns of delivery_facts a month's figures read
COHORTS = ("due", "placed")  # the orders a month is judged on: promised for it, or placed and promised in it


def has_delivery(report: Report) -> bool:
    """Whether the orders carry ``promised_at`` and ``delivered_at``."""
    ds = report.ds
    present = ds.present_columns.get("orders")
    if present is None:
        return bool(ds["orders"][["promised_at", "delivered_at"]].notna().any().all())
    return {"promised_at", "delivered_at"} <= set(present)


def delivery_facts(report: Report) -> pd.DataFrame:
    """Orders with a promised date that has come by the data's end, judged at the end of their promised month.

    ``month``: the promised month; ``placed``: the order month (the order facts' label); ``late``: delivered
    after the promised date, or not delivered by that month end (or by the data's end, when it comes first);
    ``undelivered``: not delivered by then; ``delay_days``: days late of the late deliveries. An order promised
    after the data's last day is not due yet: it is neither late nor on time, so it is left out; so is one promised
    for that day and not delivered yet (:func:`judged_deliveries`).
    """

    def build(ds) -> pd.DataFrame:
        orders = ds["orders"]
        of = facts.order_facts(ds)  # one row per order, in the orders' order
        last = data_end(ds)
        due = orders["promised_at"].notna()
        if last is not None:
            due &= orders["promised_at"] < last
        promised = np.flatnonzero(due.to_numpy())  # only these rows are copied
        columns = {"order_id": orders, "customer_id": orders, "promised_at": orders, "delivered_at": orders}
        frame = pd.DataFrame(
            {
                name: pd.Series(table[name].array.take(promised))
                for name, table in {**columns, "region": of, "revenue": of}.items()
            }
        )
        frame["placed"] = pd.Series(of["month"].array.take(promised))
        return judged_deliveries(ds, frame, last)

    return report.cached(NAME, "delivery_facts", build)


def data_end(ds) -> pd.Timestamp | None:
    """The first day after the data: the day after its latest order or delivery (``None`` without either).

    An export carries the deliveries of orders placed before its last day, so the latest delivery tells how far
    it reaches as well as the latest order does (:func:`~salesnb.data.facts.last_day`). That last day is the
    export's own: it may have been taken during it, so the day is not known to be over (:func:`judged_deliveries`).
    """
    last = facts.last_day(ds, ds["orders"]["delivered_at"])
    return None if last is None else last + pd.Timedelta(days=1)


def placed_facts(report: Report) -> pd.DataFrame:
    """:func:`delivery_facts` with ``month`` the order month: the orders placed in a month whose promise has come.

    A delivery problem that starts with the orders taken in a month (a supplier short, a new line not in stock)
    is late for those orders, whose promises fall over this month and the next; counted by promised month it
    is split in two, each half diluted by the other months' orders (a 69% delay of a month's orders showed as
    44% and 46% of two months' due orders, and went unseen). Each is judged at its promised month's end or the
    data's, whichever comes first (:func:`judged_deliveries`), so a report written later sees more of them; the
    detail says how many were still undelivered when judged. Judging them at the report month's end instead
    (nothing after the month read) found 9 of 20 planted delays where this finds 15 (foreign benchmark, seed 15).
    """

    def build(_ds) -> pd.DataFrame:
        rows = delivery_facts(report)
        placed = rows["placed"].notna()
        rows = rows if placed.all() else rows[placed]  # every order month known (a whole month): no copy of the rows
        return rows.assign(month=rows["placed"])

    return report.cached(NAME, "placed_facts", build)


def judged_deliveries(ds: Dataset, frame: pd.DataFrame, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """``frame`` (orders with ``promised_at`` and ``delivered_at``) with month, late, undelivered and delay_days.

    Each order is judged at the end of its promised month, or at ``end`` (the first instant after the data)
    when that comes first: an order the data cannot follow to its month end is judged by what the data shows.
    In a partial month's view (``ds``) every month is read through the same days (``event_cutoffs``).
    An order promised for the data's last day (or later) and not delivered in the data is not judged, and its
    row is dropped: the export may have been taken during that day, and the order may still go out on it — it
    is neither late nor on time (one delivered by then is on time). Only a promise strictly before the data's
    last day makes an undelivered order late.
    """
    frame["month"] = event_months(ds, frame["promised_at"])
    cutoff = event_cutoffs(ds, frame["promised_at"])
    if end is not None:
        cutoff = cutoff.clip(upper=end)
    delivered = frame["delivered_at"].notna() & (frame["delivered_at"] < cutoff)
    waiting = ~delivered & (frame["promised_at"] >= end - pd.Timedelta(days=1)) if end is not None else None
    if waiting is not None and waiting.any():  # undelivered, the promised day not over where the export ends
        frame, delivered = frame[~waiting].copy(), delivered[~waiting]
    frame["late"] = (delivered & (frame["delivered_at"] > frame["promised_at"])) | ~delivered
    frame["undelivered"] = ~delivered
    frame["delay_days"] = (frame["delivered_at"] - frame["promised_at"]).dt.days.where(delivered & frame["late"])
    return frame


@scope_memo  # the rule (region by region), the panel and the metrics read one computation
def delivery_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """On-time delivery of the orders due this period and of those placed in it, against the usual shares (one row).

    Columns, for the orders promised for the period: due, late (delivered after the promise, or not delivered by
    the month end), late_share, undelivered (of the late: not delivered by the month end), delivered_late (the
    rest of the late), delay_p50, delay_max (days, late deliveries), baseline_share (trailing months pooled),
    usual_share (the ``support.history_months`` before, pooled, over ``usual_due`` orders of which ``usual_late``
    late), p_value (chance of so many late at the usual share; beta-binomial with ``spread``, the usual months'
    intra-class correlation, so months that swing more than independent orders need more), p_baseline (Fisher's
    exact test of the month against the usual months' orders: weak when they are few), late_revenue;
    the same of the orders placed in the period and promised by its end, prefixed ``placed_`` (placed_due, …);
    ``cohort``: the one judged late (``due`` or ``placed``, the smaller p-value), flagged — its late share at least
    ``thresholds.support.delay_share`` and ``thresholds.support.delay_rise_points`` above usual, at least
    ``thresholds.support.min_count`` late orders, p below half ``thresholds.support.p_value`` (two looks at one
    month: each at half the chance, so a clean month is no more often flagged than with one).
    """
    scope = region or report.region
    due = _cohort(report, "delivery_facts", delivery_facts(report), scope)
    placed = _cohort(report, "placed_facts", placed_facts(report), scope)
    row = {**due, **{f"placed_{k}": v for k, v in placed.items()}}
    judged = due if not placed["p_value"] < due["p_value"] else placed
    row["cohort"] = "due" if judged is due else "placed"
    row["flagged"] = _fires(report, judged, looks=len(COHORTS))
    return pd.DataFrame([row])


def _cohort(report: Report, name: str, table: pd.DataFrame, scope: str) -> dict[str, Any]:
    """The late figures of one way of counting a month's orders (``table``: its ``month`` column) in ``scope``."""

    def months_rows(months: list[str] | str) -> pd.DataFrame:
        return scoped_rows(report, name, table, scope, months, JUDGED)

    def share(part: pd.DataFrame) -> float:
        return float(part["late"].mean()) if len(part) else float("nan")

    now = months_rows(report.period)
    history = usual_months(report, scope)
    past = months_rows(history)
    usual = share(past)
    months = [months_rows(month)["late"] for month in history]
    rho = stats.intraclass([m.sum() for m in months], [len(m) for m in months])
    due, late, undelivered = len(now), int(now["late"].sum()), int(now["undelivered"].sum())
    usual_due, usual_late = len(past), int(past["late"].sum())
    return {
        "due": due,
        "late": late,
        "late_share": late / due if due else float("nan"),
        "undelivered": undelivered,
        "delivered_late": late - undelivered,
        "delay_p50": now["delay_days"].median(),
        "delay_max": now["delay_days"].max(),
        "baseline_share": share(months_rows(report.trailing(scope))),
        "usual_share": usual,
        "usual_due": usual_due,
        "usual_late": usual_late,
        "p_value": stats.betabinom_high(late, due, None if math.isnan(usual) else usual, rho, floor=0.01),
        "p_baseline": stats.fisher(late, due, usual_late, usual_due, "greater"),
        "spread": rho,
        "late_revenue": float(now.loc[now["late"], "revenue"].sum()),
    }


def _fires(report: Report, cohort: dict[str, Any], looks: int) -> bool:
    """Whether a cohort's late share is a delivery delay (``thresholds.support``; p below p_value ÷ ``looks``)."""
    thr = report.thresholds(NAME)
    base = 0.0 if math.isnan(cohort["usual_share"]) else cohort["usual_share"]
    return bool(
        cohort["due"] > 0
        and cohort["late_share"] >= thr["delay_share"]
        and cohort["late_share"] - base >= thr["delay_rise_points"]
        and cohort["late"] >= thr["min_count"]
        and cohort["p_value"] < thr["p_value"] / looks
    )


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
    late orders' revenue above the usual share, of the cohort judged late (orders due, or orders placed). The
    detail tells the orders delivered late from those still undelivered at the month end (their delay is not
    known yet: the median delay is said only of late deliveries). Severity: :func:`salesnb.evidence.severity`
    with the month tested against the usual months' own orders (``p_baseline``): high only when its q over the
    report's scopes and the two looks (:func:`strong_q`) is below ``thresholds.support.strong_q``, so a usual
    share read from a handful of orders (0% of one order), or one region's chance month among the ALL report's,
    does not make a finding high. Quiet when the orders carry no delivery dates.
    """
    if not has_delivery(report):
        return []
    thr, months, lang = report.thresholds(NAME), report.settings(NAME)["history_months"], report.lang
    delivery_frame(report)  # the panel's frames, while the rows are at hand (they go once the findings are known)
    delivery_counts(report)
    out = []
    keys = ("due", "late", "late_share", "usual_share", "delay_p50", "undelivered", "delivered_late", "p_baseline")
    scopes = [
        (segment, next(delivery_frame(report, region).itertuples())) for region, segment in report.scopes(company=False)
    ]
    for (segment, row), strong in zip(scopes, strong_q([row for _, row in scopes]), strict=True):
        if not row.flagged:
            continue
        pick = "" if row.cohort == "due" else "placed_"
        judged = {k: getattr(row, pick + k) for k in (*keys, "late_revenue")}
        delay = judged["delay_p50"]
        values = {
            "where": report.where(segment),
            "m": months,
            "cohort": t(f"sup_cohort_{row.cohort}", lang),
            "due": format_int(judged["due"]),
            "late": format_int(judged["late"]),
            "share": format_pct(judged["late_share"]),
            "baseline": format_pct(judged["usual_share"]),
            "delivered_late": format_int(judged["delivered_late"]),
            "overdue": format_int(judged["undelivered"]),
            "delay": "" if pd.isna(delay) else t("sup_delay_median", lang, days=format_int(delay)),
            "amount": format_amount(judged["late_revenue"], lang),
        }
        effect = excess(judged["late_revenue"], judged["late_share"], judged["usual_share"])
        out.append(
            finding(
                report, "delivery_delay", segment, values, angle=NAME,
                metric="late_share", value=judged["late_share"], baseline=judged["usual_share"], effect=effect,
                severity=evidence.severity(report, effect, strong, strong_q=thr["strong_q"]),
            )
        )  # fmt: skip
    return out


def strong_q(rows: list[Any]) -> np.ndarray:
    """The evidence a delay must have to be high: each scope's judged cohort against its usual months' orders.

    ``rows``: :func:`delivery_frame`'s row of every scope the report tests (the ALL report: every region). Each
    row's ``p_baseline`` (Fisher's exact test of the month's orders against the usual months') of the cohort judged
    late, times the looks (:data:`COHORTS`: that cohort is the smaller p of two, as the flag's gate halves its p),
    adjusted with Benjamini–Hochberg over the scopes. Read raw, the one p of a region among the ALL report's
    three to six made a clean month's chance delay high (foreign seed 79 #058: 北京 25 of 68 orders late where 20.5%
    are usual, p 0.0028, q 0.017 over 3 regions × 2 looks). A region's own report tests one scope: q = 2 × p.
    """
    looks = len(COHORTS)
    p = [getattr(row, ("" if row.cohort == "due" else "placed_") + "p_baseline") for row in rows]
    return evidence.q_values(np.minimum(np.asarray(p, dtype=float) * looks, 1.0))


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
    partial = "_partial" if report.partial else ""  # judged by the data's last day, not at a month end
    keys = ["sup_due", "sup_late", "sup_late_share", "sup_baseline_late", f"sup_undelivered{partial}"]
    keys += ["sup_delay_p50", "sup_delay_max"]
    labels = [t(k, lang, n=len(report.baselines.trailing), day=report.through_day) for k in keys]
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
    note = (
        t(f"sup_delivery_note{partial}", lang, day=report.through_day, days=days_through(report.through_day, lang))
        if row["due"]
        else t("sup_no_due", lang)
    )
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
