"""RFM 客户分层, 层级迁移: customers in tiers by recency, frequency and monetary, and their moves since last month.

The tiers are ``rfm.tiers`` of the configuration (shared, in ``defaults/common.yaml``); the service cadence of
each is ``market.cadence`` unless the tier sets its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..angle import BUYERS, metrics_need
from ..data import facts
from ..display.formatting import format_amounts, format_int, format_pct
from ..display.panel import Panel, needs
from ..display.plotting import plot_composition
from ..display.plotting.customers import plot_transitions
from ..i18n import t
from ..periods import months_back
from ..report import Report, scope_memo
from . import keys
from .common import NAME, fmt_num, scope_months

INACTIVE = "inactive"  # RFM pseudo-tier: no order in the lookback window


def _tiers(report: Report) -> list[dict[str, Any]]:
    return list(report.config["rfm"]["tiers"])


def tier_label(report: Report, name: str) -> str:
    """Display name of an RFM tier: ``label_zh`` / ``label_en`` from the configuration, else the name."""
    if name == INACTIVE:
        return t("mk_inactive", report.lang)
    for tier in _tiers(report):
        if tier["name"] == name:
            if report.lang == "en":
                return str(tier.get("label_en") or name.replace("_", " ").capitalize())
            return str(tier.get("label_zh") or name)
    return name


def tier_cadence(report: Report, name: str) -> str:
    """Service cadence of a tier: the tier's ``cadence_zh``/``cadence_en``, else ``market.cadence``."""
    for tier in _tiers(report):
        if tier["name"] == name and tier.get(f"cadence_{report.lang}"):
            return str(tier[f"cadence_{report.lang}"])
    entry = report.settings(NAME).get("cadence", {}).get(name) or {}
    return str(entry.get(report.lang) or entry.get("zh") or "—")


def assign_tiers(rfm: pd.DataFrame, tiers: list[dict[str, Any]]) -> pd.Series:
    """Tier name per customer: the first tier whose every rule holds (the last tier has no rule: the rest).

    Rules a tier may set: ``max_recency_days``, ``min_frequency``, ``min_monetary_x_mean`` (monetary at least
    this multiple of the mean monetary of the customers in ``rfm``), ``min_monetary`` (an absolute amount).
    Customers matching no tier get the last tier's name.
    """
    mean_m = float(rfm["monetary"].mean()) if len(rfm) else 0.0
    result = pd.Series(pd.NA, index=rfm.index, dtype=object)
    for tier in tiers:
        match = pd.Series(True, index=rfm.index)
        if tier.get("max_recency_days") is not None:
            match &= rfm["recency_days"] <= tier["max_recency_days"]
        if tier.get("min_frequency") is not None:
            match &= rfm["frequency"] >= tier["min_frequency"]
        if tier.get("min_monetary_x_mean") is not None:
            match &= rfm["monetary"] >= tier["min_monetary_x_mean"] * mean_m
        if tier.get("min_monetary") is not None:
            match &= rfm["monetary"] >= tier["min_monetary"]
        result = result.where(result.notna() | ~match, tier["name"])
    if tiers:
        result = result.fillna(tiers[-1]["name"])
    return result.astype(object)


@scope_memo  # its panel, rule and metrics read one computation per report scope
def rfm_frame(report: Report, period: str | None = None) -> pd.DataFrame:
    """Recency, frequency, monetary and tier per customer as of the end of ``period`` (default: the report's).

    Over the ``rfm.lookback_months`` months up to the period, in scope, every day of them also in a partial
    month's report: recency_days (days from the last order to the month end; in a partial report month to the
    end of its last day in the data, :meth:`~salesnb.report.Report.as_of`), frequency (orders), monetary
    (revenue). Only customers with an order in the window. Sorted by monetary, largest first.
    """
    period = period or report.period
    window = months_back(period, report.config["rfm"]["lookback_months"])
    orders = scope_months(report, window, whole=True)  # a state as of the month end: every day of the window
    codes = keys.row_codes(report, orders)  # grouped by customer code: the groups and sums of the ids
    known = codes >= 0
    cutoff = report.as_of(period)  # a partial report month: at the end of its last day in the data
    grouped = orders[["order_date", "revenue"]][known].groupby(codes[known], sort=True)
    frame = pd.DataFrame(
        {
            "recency_days": (cutoff - grouped["order_date"].max()).dt.days.astype(int),
            "frequency": grouped.size().astype(int),
            "monetary": grouped["revenue"].sum().astype(float),
        }
    )
    frame["tier"] = assign_tiers(frame, _tiers(report))
    order = frame.rename_axis("code").reset_index()  # the codes sort as the ids
    order = order.sort_values(["monetary", "code"], ascending=[False, True], kind="stable")
    frame = frame.take(order.index).reset_index(names="code")
    frame.insert(0, "customer_id", keys.customer_ids(report).take(frame.pop("code").to_numpy()))
    return frame


@scope_memo  # its panel, rule and metrics read one computation per report scope
def rfm_tiers_frame(report: Report) -> pd.DataFrame:
    """Customers per RFM tier now and at the end of last month, their revenue this period and averages.

    Columns: tier, label, customers, share (sums to 1), baseline_customers, baseline_share, revenue (this
    period, in scope), revenue_share, avg_recency, avg_frequency, avg_monetary, cadence. One row per
    configured tier, in configuration order.
    """
    now = rfm_frame(report)
    before = rfm_frame(report, str(report.baselines.previous_month))
    revenue = scope_months(report, report.period).groupby("customer_id")["revenue"].sum()
    names = [tier["name"] for tier in _tiers(report)]
    grouped = now.groupby("tier")
    frame = pd.DataFrame(index=pd.Index(names, name="tier"))
    frame["label"] = [tier_label(report, n) for n in names]
    frame["customers"] = now["tier"].value_counts().reindex(names, fill_value=0).astype(int)
    frame["baseline_customers"] = before["tier"].value_counts().reindex(names, fill_value=0).astype(int)
    for column, total in (("customers", "share"), ("baseline_customers", "baseline_share")):
        count = frame[column].sum()
        frame[total] = frame[column] / count if count > 0 else np.nan
    tier_revenue = now.assign(rev=revenue.reindex(now["customer_id"]).fillna(0.0).to_numpy(dtype=float))
    tier_revenue = tier_revenue.groupby("tier")["rev"].sum()
    frame["revenue"] = tier_revenue.reindex(names, fill_value=0.0).astype(float)
    total_revenue = frame["revenue"].sum()
    frame["revenue_share"] = frame["revenue"] / total_revenue if total_revenue > 0 else np.nan
    frame["avg_recency"] = grouped["recency_days"].mean().reindex(names)
    frame["avg_frequency"] = grouped["frequency"].mean().reindex(names)
    frame["avg_monetary"] = grouped["monetary"].mean().reindex(names)
    frame["cadence"] = [tier_cadence(report, n) for n in names]
    return frame.reset_index()


def rfm_transition_frame(report: Report) -> pd.DataFrame:
    """Customer counts moving from their tier at the end of last month (rows) to their tier now (columns).

    Both axes list the configured tiers then ``inactive`` (no order in the lookback window at that date); the
    customers inactive at both dates are not counted. Every customer in a tier at either date is counted once.
    """
    now = rfm_frame(report).set_index("customer_id")["tier"]
    before = rfm_frame(report, str(report.baselines.previous_month)).set_index("customer_id")["tier"]
    names = [tier["name"] for tier in _tiers(report)] + [INACTIVE]
    return tier_moves(before, now, names)


def tier_moves(before: pd.Series, now: pd.Series, names: list[str]) -> pd.DataFrame:
    """Customers per (tier ``before``, tier ``now``) cell, both series indexed by customer; rows and columns ``names``.

    A customer absent from one date is :data:`INACTIVE` there; a tier outside ``names`` is not counted. Each
    customer's cell is found by the tiers' positions in ``names`` and counted at once (a crosstab, without its
    pivot): the customers of ``now`` with their tier ``before`` (found by one hash lookup of their ids), and
    the customers of ``before`` alone, inactive now.
    """
    earlier = facts.take(before, facts.positions(before.index, now.index.to_series()), now.index).fillna(INACTIVE)
    gone = before[~facts.among(before.index, now.index.to_series())]
    tiers = pd.Index(names)
    moves = [
        np.concatenate([tiers.get_indexer(earlier), tiers.get_indexer(gone)]),
        np.concatenate([tiers.get_indexer(now), np.full(len(gone), tiers.get_indexer([INACTIVE])[0])]),
    ]
    counted = (moves[0] >= 0) & (moves[1] >= 0)
    matrix = np.zeros((len(names), len(names)), dtype=int)
    np.add.at(matrix, (moves[0][counted], moves[1][counted]), 1)
    return pd.DataFrame(matrix, index=pd.Index(names, name="from"), columns=pd.Index(names, name="to"))


@metrics_need(BUYERS)
def metrics(report: Report) -> dict[str, Any]:
    """Customers per RFM tier now: ``rfm_<tier>``."""
    return {f"rfm_{row.tier}": int(row.customers) for row in rfm_tiers_frame(report).itertuples()}


@needs(BUYERS)
def rfm_panel(report: Report) -> Panel:
    """RFM 客户分层: customers per tier now against last month end, revenue per tier and each tier's cadence."""
    lang = report.lang
    frame = rfm_tiers_frame(report)
    if frame["customers"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_composition(
        frame, label="label", value="customers", baseline="baseline_customers", lang=lang,
        legend=(t("mk_value", lang), t("mk_prev_customers", lang)), title=t("mk_rfm_title", lang),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_tier", lang): frame["label"],
            t("mk_customers", lang): frame["customers"].map(format_int),
            t("mk_prev_customers", lang): frame["baseline_customers"].map(format_int),
            t("mk_month_revenue", lang): format_amounts(frame["revenue"], lang),
            t("mk_month_share", lang): frame["revenue_share"].map(format_pct),
            t("mk_avg_recency", lang): frame["avg_recency"].map(lambda v: fmt_num(v, 0)),
            t("mk_avg_frequency", lang): frame["avg_frequency"].map(lambda v: fmt_num(v, 1)),
            t("mk_avg_monetary", lang, months=report.config["rfm"]["lookback_months"]): format_amounts(
                frame["avg_monetary"], lang
            ),
            t("mk_cadence", lang): frame["cadence"],
        }
    )
    day = report.through_day  # a partial month's state is read at its last day in the data (Report.as_of)
    end = t("mk_as_of_month_end", lang) if day is None else t("mk_as_of_day", lang, day=day)
    note = t("mk_rfm_note", lang, end=end, months=report.config["rfm"]["lookback_months"])
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


@needs(BUYERS)
def rfm_transition_panel(report: Report) -> Panel:
    """层级迁移: how many customers moved between tiers from last month end to this month end."""
    lang = report.lang
    matrix = rfm_transition_frame(report)
    labels = [tier_label(report, n) for n in matrix.index]
    ax = plot_transitions(
        matrix, labels=labels, lang=lang, title=t("mk_transition_title", lang), xlabel=t("mk_to", lang),
        ylabel=t("mk_from", lang),
    )  # fmt: skip
    table = matrix.copy()
    table.index, table.columns = labels, labels
    table = table.map(format_int).rename_axis(f"{t('mk_from', lang)} \\ {t('mk_to', lang)}").reset_index()
    frame = matrix.reset_index()
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("mk_transition_note", lang))
