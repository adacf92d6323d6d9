"""客户集中度: the largest customers' shares of revenue, top-N share and HHI (``customer_concentration``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.customers import customer_facts, customer_names
from ..display.formatting import format_amount, format_int, format_pct
from ..display.panel import Panel
from ..display.plotting.pareto import plot_pareto
from ..findings import finding, make_finding
from ..i18n import t
from ..periods import months_back
from ..report import Report
from .common import NAME, fmt_num, scope_orders


def concentration_shares(revenue: pd.Series, top: int = 10) -> dict[str, Any]:
    """Top-``top`` share, largest share and Herfindahl-Hirschman index of revenue per customer.

    Customers with zero or negative revenue are left out. Returns customers, total, top_share, largest_share,
    largest_customer, hhi (Σ share², between 1/n and 1); shares are ``None`` without revenue.
    """
    values = revenue[revenue > 0].astype(float)
    total = float(values.sum())
    if values.empty or total <= 0:
        return {"customers": 0, "total": 0.0, "top_share": None, "largest_share": None, "largest_customer": None,
                "hhi": None}  # fmt: skip
    shares = (values / total).sort_values(ascending=False, kind="stable")
    ordered = shares.reset_index()
    ordered.columns = ["customer", "share"]
    ordered = ordered.sort_values(["share", "customer"], ascending=[False, True], kind="stable")
    return {
        "customers": int(len(shares)),
        "total": total,
        "top_share": float(min(ordered["share"].head(top).sum(), 1.0)),
        "largest_share": float(ordered["share"].iloc[0]),
        "largest_customer": str(ordered["customer"].iloc[0]),
        "hhi": float(min((shares**2).sum(), 1.0)),
    }


def _window(report: Report) -> list[str]:
    """The ``market.concentration_months`` months up to the period that the data covers."""
    return report.covered(months_back(report.period, report.settings(NAME)["concentration_months"]))


def _revenue(report: Report) -> pd.Series:
    """Revenue per customer in scope over the concentration window."""
    return facts.in_months(scope_orders(report), _window(report)).groupby("customer_id")["revenue"].sum()


def concentration_metrics(report: Report) -> dict[str, Any]:
    """Customer concentration over the ``market.concentration_months`` months up to the period, in scope.

    Keys as in :func:`concentration_shares`, plus months (the window length in the data), top_n, and
    top_revenue / largest_revenue (their average monthly revenue in the window).
    """
    months = _window(report)
    top = report.settings(NAME)["top_customers"]
    out = concentration_shares(_revenue(report), top)
    n = max(len(months), 1)
    out.update({"months": len(months), "top_n": top})
    out["top_revenue"] = (out["top_share"] or 0.0) * out["total"] / n
    out["largest_revenue"] = (out["largest_share"] or 0.0) * out["total"] / n
    return out


def concentration_frame(report: Report) -> pd.DataFrame:
    """The largest customers over the concentration window: revenue, share and cumulative share.

    Columns: rank, customer_id, name, revenue, share, cum_share; the top ``market.top_customers`` rows.
    """
    top = report.settings(NAME)["top_customers"]
    revenue = _revenue(report)
    revenue = revenue[revenue > 0]
    total = float(revenue.sum())
    frame = revenue.rename("revenue").rename_axis("customer_id").reset_index()
    frame = frame.sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable").head(top)
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["cum_share"] = frame["share"].cumsum()
    frame["name"] = customer_names(report.ds, frame["customer_id"])
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[["rank", "customer_id", "name", "revenue", "share", "cum_share"]]


def concentration(report: Report) -> list[dict[str, Any]]:
    """Rule customer_concentration: one customer, or the top N, hold too much of the window's revenue.

    Thresholds: ``thresholds.market.{concentration_largest_share, concentration_top10_share,
    concentration_min_customers}``; only on a window of at least half ``market.concentration_months``.
    """
    thr, settings = report.thresholds(NAME), report.settings(NAME)
    m = concentration_metrics(report)
    if m["top_share"] is None or m["months"] < settings["concentration_months"] / 2:
        return []  # a window of a few months makes any small customer base look concentrated
    largest = m["largest_share"] >= thr["concentration_largest_share"]
    top = (
        m["top_share"] >= thr["concentration_top10_share"] and m["customers"] >= thr["concentration_min_customers"]
    )  # with few customers the top 10 are a large part of the base and hold most revenue by construction
    if not (largest or top):
        return []
    values = {
        "where": "",
        "months": m["months"],
        "n": m["top_n"],
        "largest": format_pct(m["largest_share"]),
        "largest_limit": format_pct(thr["concentration_largest_share"]),
        "top": format_pct(m["top_share"]),
        "top_limit": format_pct(thr["concentration_top10_share"]),
        "hhi": fmt_num(m["hhi"], 3),
    }
    if largest:  # the one-customer title over the shared detail and action
        lang = report.lang
        values["customer"] = customer_facts(report.ds)["name"].get(m["largest_customer"], m["largest_customer"])
        return [
            make_finding(
                angle=NAME, code="customer_concentration", segment={"customer_id": m["largest_customer"]},
                metric="largest_customer_share", value=m["largest_share"],
                baseline=thr["concentration_largest_share"], effect=m["largest_revenue"], revenue=report.revenue,
                config=report.config, title=t("finding_customer_concentration_largest_title", lang, **values),
                detail=t("finding_customer_concentration_detail", lang, **values),
                action=t("finding_customer_concentration_action", lang),
            )
        ]  # fmt: skip
    return [
        finding(
            report, "customer_concentration", {}, values, angle=NAME, metric="top10_share", value=m["top_share"],
            baseline=thr["concentration_top10_share"], effect=m["top_revenue"],
        )
    ]  # fmt: skip


def metrics(report: Report) -> dict[str, Any]:
    """Top-N share, largest customer's share and HHI of the concentration window."""
    conc = concentration_metrics(report)
    return {"top10_share": conc["top_share"], "largest_customer_share": conc["largest_share"], "hhi": conc["hhi"]}


def concentration_panel(report: Report) -> Panel:
    """客户集中度: the largest customers' shares of revenue, top-N share, largest share and HHI."""
    lang = report.lang
    frame = concentration_frame(report)
    m = concentration_metrics(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_pareto(
        frame, limit=report.thresholds(NAME)["concentration_top10_share"], lang=lang,
        title=t("mk_concentration_title", lang, n=m["top_n"]),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_rank", lang): frame["rank"].map(str),
            t("mk_customer", lang): frame["name"],
            t("mk_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("mk_share", lang): frame["share"].map(format_pct),
            t("mk_cum_share", lang): frame["cum_share"].map(format_pct),
        }
    )
    note = t(
        "mk_concentration_note", lang, months=m["months"], customers=format_int(m["customers"]), n=m["top_n"],
        top=format_pct(m["top_share"]), largest=format_pct(m["largest_share"]), hhi=fmt_num(m["hhi"], 4),
    )  # fmt: skip
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
