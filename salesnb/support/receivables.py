"""应收账龄, 逾期趋势: open and overdue invoices at month end, DSO, and the part of the month's due amount unpaid.

An invoice is judged at a month end: paid by then (its paid amount counts), or still wholly open. The data's last
day (:func:`invoices_end`) comes first when it falls before: an invoice due on it or later is not overdue yet.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..data import facts
from ..data.event_months import event_cutoffs, event_months
from ..display import plotting
from ..display.formatting import format_amount, format_amounts, format_int, format_pct, table
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import days_through, t
from ..report import Report, scope_memo
from ..trend import trend_months
from .common import NAME, region_rows, row_regions, scoped_rows, table_order_rows, usual_months


def invoice_facts(report: Report) -> pd.DataFrame:
    """Invoices with ``region`` (the order's, else the customer's) and ``paid_amount`` (the amount when missing)."""

    def build(ds) -> pd.DataFrame:
        invoices = ds["invoices"].copy(deep=False)  # columns added, the loaded table's own left as they are
        at = table_order_rows(ds, "invoices")
        invoices["region"] = row_regions(ds, invoices, at).fillna(facts.UNKNOWN).astype(str)
        invoices["paid_amount"] = invoices["paid_amount"].fillna(invoices["amount"])
        return invoices

    return report.cached(NAME, "invoice_facts", build)


def invoices_end(report: Report) -> pd.Timestamp | None:
    """The first instant after the invoices' data: the day after :func:`~salesnb.data.facts.last_day`.

    The orders' last day, or a later issue or payment date (a finance export taken after the orders). The export
    may be taken during that last day: an invoice due on it and unpaid may still be paid on it, so it is neither
    overdue (:func:`open_invoices`) nor unpaid (:func:`due_collection`) yet. ``None`` without any date.
    """

    def build(ds) -> pd.Timestamp | None:
        invoices = ds["invoices"]
        last = facts.last_day(ds, invoices["issued_at"], invoices["paid_at"])
        return None if last is None else last + pd.Timedelta(days=1)

    return report.cached(NAME, "invoices_end", build)


@scope_memo  # its panel, rule and metrics read one computation per report scope
def open_invoices(report: Report, month: str, region: str | None = None) -> pd.DataFrame:
    """Invoices issued by the end of ``month`` with an amount still open then, and their days past due.

    ``outstanding`` = amount − paid amount if paid by month end, else the whole amount; ``days_past_due``
    counts from the due date to the month's last day, or the data's when it comes first (≤ 0: not yet due).
    """
    return _open_invoices(report, month, region or report.region)


def _open_invoices(report: Report, month: str, region: str) -> pd.DataFrame:
    """:func:`open_invoices` of ``region``."""
    cutoff, at, outstanding, keep = _open_amounts(report, month, region)
    rows = invoice_facts(report).take(at[keep]).assign(outstanding=outstanding[keep])  # one take of the rows
    rows["days_past_due"] = (cutoff - pd.Timedelta(days=1) - rows["due_at"]).dt.days
    return rows


def overdue_invoices(report: Report, month: str, region: str | None = None) -> pd.DataFrame:
    """The overdue rows of :func:`open_invoices` (``days_past_due`` > 0): customer_id, outstanding, days_past_due.

    The same rows and values in the same order (``days_past_due`` of the same type: counted over every open
    invoice), without copying every column of every open invoice: the credit check reads these three for each
    of its usual months.
    """
    scope = region or report.region
    cutoff, at, outstanding, keep = _open_amounts(report, month, scope)
    days = (cutoff - pd.Timedelta(days=1) - pd.Series(_invoice_arrays(report, scope)["due_at"][keep])).dt.days
    late = (days > 0).to_numpy()
    rows = invoice_facts(report)[["customer_id"]].take(at[keep][late])
    return rows.assign(outstanding=outstanding[keep][late], days_past_due=days.to_numpy()[late])


def _invoice_arrays(report: Report, region: str) -> dict[str, np.ndarray]:
    """The columns :func:`_open_amounts` reads of ``region``'s invoices, as arrays, and their positions ``at``.

    Per dataset and region: every month end of every report judges the same invoices, so the region's rows are
    found once (:func:`region_rows`) and the month-independent part of the open amount (what is left once paid)
    is computed once.
    """

    def build(_ds) -> dict[str, np.ndarray]:
        invoices = invoice_facts(report)
        found = region_rows(report, "invoice_facts", invoices, region)
        at = np.arange(len(invoices)) if found is None else found
        amount = invoices["amount"].to_numpy(dtype=float, na_value=np.nan)
        residual = np.clip(amount - invoices["paid_amount"].to_numpy(dtype=float, na_value=np.nan), 0, None)
        dates = {name: invoices[name].to_numpy()[at] for name in ("paid_at", "issued_at", "due_at")}
        return {"at": at, "amount": amount[at], "residual": residual[at], **dates}

    return report.cached(NAME, ("invoice_arrays", region), build)


def _open_amounts(report: Report, month: str, region: str) -> tuple[pd.Timestamp, np.ndarray, np.ndarray, np.ndarray]:
    """The month end, the positions of the region's invoices, each one's amount open then and which are open.

    Open: issued by the month end with more than 0.005 open; the amount open is what is left once paid if paid
    by then, else the whole amount. The month end is the end of the data (:func:`invoices_end`) when that comes
    first, so days past due count to the data's last day.
    """
    cutoff, data_end = report.window(month)[1], invoices_end(report)
    if data_end is not None and data_end < cutoff:
        cutoff = data_end
    arrays = _invoice_arrays(report, region)
    end = cutoff.to_datetime64()
    paid = arrays["paid_at"] < end  # NaT (not paid) compares false
    outstanding = np.where(paid, arrays["residual"], arrays["amount"])
    keep = (arrays["issued_at"] < end) & (outstanding > 0.005)
    return cutoff, arrays["at"], outstanding, keep


def _open_sums(report: Report, month: str, region: str) -> tuple[float, float]:
    """Receivables and overdue amount at the end of ``month``: the sums of :func:`open_invoices`, without its rows.

    The same amounts in the same order (so the same sums); overdue is ``days_past_due`` > 0, i.e. due at least
    a whole day before the month's last day. Each month of the trend reads the region's invoices once this way.
    """
    cutoff, _, outstanding, keep = _open_amounts(report, month, region)
    due_at = _invoice_arrays(report, region)["due_at"]
    past_due = (cutoff - pd.Timedelta(days=1)).to_datetime64() - due_at >= np.timedelta64(1, "D")
    return float(pd.Series(outstanding[keep]).sum()), float(pd.Series(outstanding[keep & past_due]).sum())


def bucket_labels(edges: list[int]) -> list[str]:
    """``[30, 60, 90]`` → ``["0–30", "31–60", "61–90", ">90"]``."""
    labels = [f"0–{edges[0]}"] + [f"{a + 1}–{b}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f">{edges[-1]}"]


@scope_memo  # the rule works it out while the invoices are at hand; the panel reads it
def ageing_frame(report: Report) -> pd.DataFrame:
    """Overdue amount and invoices per days-past-due bucket (``support.ageing_buckets``) at this and last month end."""
    edges = report.settings(NAME)["ageing_buckets"]
    labels = bucket_labels(edges)
    out = {}
    for key, month in (("", report.period), ("prev_", str(report.baselines.previous_month))):
        rows = overdue_invoices(report, month)  # the overdue rows of open_invoices
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
    whole amount). An invoice due on the data's last day or later with an amount still open is not judged: no
    ``month``, its due month in ``waiting`` instead (:func:`invoices_end`); one paid in full by then counts.
    """

    def build(ds) -> pd.DataFrame:
        invoices = invoice_facts(report)
        cutoff = event_cutoffs(ds, invoices["due_at"])
        paid = invoices["paid_at"].notna() & (invoices["paid_at"] < cutoff)
        unpaid = np.where(paid, (invoices["amount"] - invoices["paid_amount"]).clip(lower=0), invoices["amount"])
        frame = invoices[["invoice_id", "customer_id", "order_id", "region", "amount"]].copy(deep=False)
        frame["month"] = event_months(ds, invoices["due_at"])
        frame["unpaid"] = unpaid
        frame["is_unpaid"] = frame["unpaid"] > 0.005
        end = invoices_end(report)
        waiting = pd.Series(False, index=frame.index)
        if end is not None:  # due on the data's last day (or after) and not paid yet: not unpaid yet
            waiting = frame["is_unpaid"] & (invoices["due_at"] >= end - pd.Timedelta(days=1))
        frame["waiting"] = frame["month"].where(waiting)  # the month they would be judged in
        frame["month"] = frame["month"].mask(waiting)
        return frame

    return report.cached(NAME, "due_collection", build)


DUE_SUMS = ["amount", "unpaid", "is_unpaid"]  # the columns of due_collection a month's sums read


@scope_memo  # the trend, the panel and the rule ask for the same months (kept when a large dataset's tables go)
def collection_metrics(report: Report, month: str | None = None, region: str | None = None) -> dict[str, Any]:
    """Receivables as of a month end: AR, overdue, DSO, and how much of the month's due amount stayed unpaid.

    ``dso`` = receivables ÷ revenue of the trailing months up to ``month`` × their days; ``unpaid_rate`` =
    the amount of invoices due in ``month`` still open at its end ÷ the amount due; ``unpaid_invoices`` /
    ``due_invoices`` count them. A month's figures do not depend on the report month: computed once per dataset,
    month, region and trailing window, so the trend, the panel, the rule and the next months' reports share them
    (each caller gets its own dict).
    """
    month = month or report.period
    scope = region or report.region
    n = int(report.config["baselines"]["trailing_months"])
    key = ("collection_metrics", month, scope, n)
    return dict(report.cached(NAME, key, lambda _ds: _collection_metrics(report, month, scope, n)))


def _collection_metrics(report: Report, month: str, scope: str, n: int) -> dict[str, Any]:
    ar, overdue = _open_sums(report, month, scope)
    due = scoped_rows(report, "due_collection", due_collection(report), scope, month, DUE_SUMS)
    end = pd.Period(month, freq="M")
    window = [end - k for k in range(n)]
    labels = [str(p) for p in window]
    orders = scoped_rows(report, "order_facts", facts.order_facts(report.ds), scope, labels, ["revenue"])
    days = sum(p.days_in_month for p in window)
    sales = float(orders["revenue"].sum())
    due_amount, unpaid = float(due["amount"].sum()), float(due["unpaid"].sum())
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


@scope_memo  # the rule (region by region), the panel and the metrics read one computation
def receivables_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Collection of the amount due this month against the usual rate (one row), flagging ``receivables_overdue``.

    Columns: the :func:`collection_metrics` of the period, baseline_rate (trailing months, pooled),
    usual_rate (the ``support.history_months`` before, pooled), p_value (binomial chance of so many unpaid
    invoices at the usual share of unpaid invoices), excess (the unpaid amount above the usual rate), flagged —
    unpaid rate ``thresholds.support.overdue_rise_points`` above the scope's usual rate, at least
    ``thresholds.support.min_count`` unpaid invoices, p below ``thresholds.support.p_value``. The level is the
    scope's own: a business that usually leaves a tenth of the month's due amount unpaid and now a third has a
    receivables problem, though a third is below any fixed alert line (one of 40% missed exactly these).
    """
    thr = report.thresholds(NAME)
    scope = region or report.region
    now = collection_metrics(report, report.period, scope)

    def rate(months: list[str]) -> tuple[float | None, float | None]:
        part = scoped_rows(report, "due_collection", due_collection(report), scope, months, DUE_SUMS)
        amount = float(part["amount"].sum())
        if not amount:
            return None, None
        return float(part["unpaid"].sum()) / amount, float(part["is_unpaid"].mean())

    baseline, _ = rate(report.trailing(scope))
    usual, usual_count_share = rate(usual_months(report, scope))
    current = now["unpaid_rate"]
    base = usual or 0.0
    row = {
        **now,
        "baseline_rate": baseline,
        "usual_rate": usual,
        "p_value": stats.binom_high(now["unpaid_invoices"], now["due_invoices"], usual_count_share, floor=0.01),
        "excess": max(0.0, (current - base) * now["due"]) if current is not None else 0.0,
    }
    row["flagged"] = bool(
        current is not None
        and current - base >= thr["overdue_rise_points"]
        and now["unpaid_invoices"] >= thr["min_count"]
        and row["p_value"] < thr["p_value"]
    )
    return pd.DataFrame([row])


def receivables_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Receivables, overdue amount, DSO and unpaid rate at each month end for the ``months`` months up to the period."""
    rows = []
    for month in trend_months(report, months):
        m = collection_metrics(report, month)
        rows.append({"period": month, **{k: m[k] for k in ("receivables", "overdue", "dso", "unpaid_rate")}})
    return pd.DataFrame(rows, columns=["period", "receivables", "overdue", "dso", "unpaid_rate"])


def receivables_overdue(report: Report) -> list[dict[str, Any]]:
    """Rule receivables_overdue: :func:`receivables_frame` flagged, region by region in the ALL report.

    Thresholds: ``thresholds.support.{overdue_rise_points, min_count, p_value}``; the
    effect is the unpaid amount above the usual rate.
    """
    months, lang = report.settings(NAME)["history_months"], report.lang
    for_the_panels(report)
    out = []
    for segment, row in report.flagged_rows(receivables_frame, company=False):
        values = {
            "where": report.where(segment),
            "m": months,
            "due": format_amount(row.due, lang),
            "unpaid": format_amount(row.unpaid, lang),
            "rate": format_pct(row.unpaid_rate),
            "baseline": format_pct(row.usual_rate),
            "overdue": format_amount(row.overdue, lang),
            "dso": format_int(row.dso),
        }
        out.append(
            finding(
                report, "receivables_overdue", segment, values, angle=NAME,
                metric="unpaid_rate", value=row.unpaid_rate, baseline=row.usual_rate, effect=row.excess,
            )
        )  # fmt: skip
    return out


def for_the_panels(report: Report) -> None:
    """The report scope's receivables figures, worked out while the rule has the invoices at hand.

    The angle's large derived tables (invoice facts, their matches to orders) are let go once its findings are
    known; the panels then read these from the scope's memo and the per-dataset month figures instead of
    rebuilding them.
    """
    receivables_frame(report)
    ageing_frame(report)
    receivables_trend_frame(report)


@needs("invoices")
def receivables_panel(report: Report) -> Panel:
    """应收账龄: overdue amount per days-past-due bucket at this and last month end, with DSO and collection."""
    lang = report.lang
    frame = ageing_frame(report)
    ax = plotting.plot_bar_compare(
        frame, label="bucket", current="amount", baseline="prev_amount", lang=lang,
        legend=(t("sup_count", lang), t("previous_month", lang)),
        title=f"{t('sup_receivables_title', lang)} · {report.region_label}",
    )  # fmt: skip
    shown = table(
        frame,
        [
            ("bucket", "sup_bucket", None),
            ("amount", "sup_amount", "amount"),
            ("invoices", "sup_invoices", "int"),
            ("share", "share", "pct"),
            ("prev_amount", "sup_prev_amount", "amount"),
        ],
        lang,
    )
    row = receivables_frame(report).iloc[0]
    note = t(
        "sup_receivables_note_partial" if report.partial else "sup_receivables_note",
        lang,
        day=report.through_day,
        days=days_through(report.through_day, lang),
        ar=format_amount(row["receivables"], lang),
        overdue=format_amount(row["overdue"], lang),
        share=format_pct(row["overdue_share"]),
        dso=format_int(row["dso"]),
        due=format_amount(row["due"], lang),
        unpaid=format_amount(row["unpaid"], lang),
        rate=format_pct(row["unpaid_rate"]),
        baseline=format_pct(row["baseline_rate"]),
        usual=format_pct(row["usual_rate"]),
        m=report.settings(NAME)["history_months"],
        n=len(report.baselines.trailing),
    )
    waiting = facts.in_region(due_collection(report), report.region)["waiting"].eq(report.period).sum()
    if waiting:
        last = invoices_end(report) - pd.Timedelta(days=1)
        note += " " + t("sup_receivables_not_due", lang, n=int(waiting), day=f"{last:%Y-%m-%d}")
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)


@needs("invoices")
def receivables_trend_panel(report: Report) -> Panel:
    """逾期趋势: overdue receivables at each month end, with DSO and the month's unpaid rate."""
    lang = report.lang
    frame = receivables_trend_frame(report)
    ax = plotting.plot_trend(
        frame, y="overdue", target=None, highlight=report.period, lang=lang,
        title=f"{t('sup_overdue_trend_title', lang)} · {report.region_label}",
    )  # fmt: skip
    ax.set_ylabel(t("sup_overdue", lang))
    table = pd.DataFrame(
        {
            t("period", lang): frame["period"],
            t("sup_overdue", lang): format_amounts(frame["overdue"], lang),
            "DSO": frame["dso"].map(format_int),
            t("sup_unpaid_rate", lang): frame["unpaid_rate"].map(format_pct),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


def metrics(report: Report) -> dict[str, Any]:
    """``receivables``, ``overdue``, ``overdue_share``, ``dso``, ``unpaid_rate`` at month end (needs invoices)."""
    if not report.ds.has("invoices"):
        return {}
    m = collection_metrics(report)
    return {k: m[k] for k in ("receivables", "overdue", "overdue_share", "dso", "unpaid_rate")}
