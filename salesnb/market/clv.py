"""客户终身价值, 高价值客户流失风险: customer value from BG/NBD + Gamma-Gamma, and the valuable customers at risk.

The models are :mod:`salesnb.models.customer_value`, fitted on the scope's purchase histories up to the month end
(in a partial month, up to the last day the data covers: :meth:`salesnb.report.Report.as_of`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..angle import BUYERS, metrics_need
from ..display.bounded import bounded, bounded_note
from ..display.formatting import format_amount, format_amounts, format_int, format_pct
from ..display.panel import Panel, needs
from ..display.plotting.customers import plot_clv, plot_ranking
from ..i18n import t
from ..models import customer_value
from ..periods import ALL
from ..report import Report
from . import keys
from .common import NAME, fmt_num, scope_orders


def _horizon_weeks(period: str) -> float:
    """Length of the month after ``period`` in the model's time unit (weeks)."""
    nxt = pd.Period(period, freq="M") + 1
    return nxt.days_in_month / customer_value.DAYS_PER_UNIT


def clv_model(report: Report) -> dict[str, Any]:
    """Fit BG/NBD and Gamma-Gamma on the scope's purchase histories up to the period end (memoised per report).

    Returns ``{"customers": frame, "codes": their customer codes, "bgnbd": BGNBD or None, "spend": GammaGamma or
    None, "horizon": weeks, "repeat_share": the share of customers who bought more than once}``; not fitted below
    ``market.clv_min_repeat_share`` (94 % one-time buyers gave a retailer a next month of 4万 against 30万). The
    frame is :func:`salesnb.models.customer_value.customer_values`' output (empty when the model cannot be fitted),
    indexed by customer id; ``codes`` are :mod:`.keys`' codes of its rows.
    """

    def build() -> dict[str, Any]:
        summary, codes = _summary(report)
        horizon = _horizon_weeks(report.period)
        repeat = float((summary["frequency"] > 0).mean()) if len(summary) else 0.0
        try:
            if not report.buyers_named:  # each order its own buyer: no history to fit, and a fit per order is slow
                raise customer_value.ModelFitError("the orders name no customer")
            if repeat < report.settings(NAME)["clv_min_repeat_share"]:  # a fit would be all P(alive) of one-timers
                raise customer_value.ModelFitError("too few customers bought again")
            frame, bgnbd, spend = customer_value.customer_values(summary, horizon)
        except customer_value.ModelFitError:
            return {"customers": summary.iloc[0:0], "codes": codes[:0], "bgnbd": None, "spend": None,
                    "horizon": horizon, "repeat_share": repeat}  # fmt: skip
        return {"customers": frame, "codes": codes, "bgnbd": bgnbd, "spend": spend, "horizon": horizon,
                "repeat_share": repeat}  # fmt: skip

    return report.memo(f"{NAME}_clv", build)


def _histories(report: Report) -> tuple[pd.DataFrame, np.ndarray]:
    """The orders the scope's customers placed anywhere, and their customer codes (``-1``: no customer).

    A region's customers are those who bought in it by the report's end; their histories hold their orders in
    every region. Where the region is the order's (one customer buys in several), a customer buying on elsewhere
    is not lost: on the region's orders alone, one who bought there twice was read as gone (P(alive) 0 %).
    Where each customer buys in one region, these are the region's own orders.
    """
    everyone = scope_orders(report, ALL)
    codes = keys.row_codes(report, everyone)
    if report.region == ALL:
        return everyone, codes
    mine = scope_orders(report)
    mine = keys.row_codes(report, mine[mine["order_date"] < report.as_of()])
    kept = np.isin(codes, mine[mine >= 0])
    return everyone[kept], codes[kept]


def bought_elsewhere(report: Report) -> bool:
    """Whether the region's customers (:func:`_histories`) also bought in other regions."""
    if report.region == ALL:
        return False
    orders, _ = _histories(report)
    return bool((orders["region"] != report.region).any())


def _summary(report: Report) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`~salesnb.models.customer_value.summarise` of the scope's customers' histories, and its rows' codes.

    The histories are :func:`_histories`'. The orders are grouped by customer code (:mod:`.keys`), not by the id
    texts: the same groups in the same order, the same sums.
    """
    orders, codes = _histories(report)
    known = codes >= 0  # an order without a customer is no one's history
    history = pd.DataFrame(
        {"customer": codes[known], "order_date": orders["order_date"].to_numpy()[known],
         "revenue": orders["revenue"].to_numpy()[known]}
    )  # fmt: skip
    summary = customer_value.summarise(history, report.as_of(), customer_col="customer")
    codes = summary.index.to_numpy()
    summary.index = keys.customer_ids(report).take(codes).rename("customer_id")
    return summary, codes


def clv_frame(report: Report) -> pd.DataFrame:
    """Per customer in scope: purchase history, P(alive) and the expected purchases and value next month.

    Columns: customer_id, frequency, recency, T (weeks), monetary, first_value, total_value, last_purchase,
    p_alive, expected_purchases, expected_spend, expected_value, name. Sorted by expected value, largest first.
    """
    fit = clv_model(report)
    frame = fit["customers"].reset_index()
    if frame.empty:
        return frame
    frame["name"] = keys.names_of(report, fit["codes"])
    order = frame.assign(_code=fit["codes"]).sort_values(  # the codes sort as the ids
        ["expected_value", "_code"], ascending=[False, True], kind="stable"
    )
    return frame.take(order.index).reset_index(drop=True)


def clv_at_risk_frame(report: Report) -> pd.DataFrame:
    """Valuable customers likely to be lost, ranked by value at risk = historic revenue × (1 − P(alive)).

    Valuable: the top ``market.clv_top_share`` of customers by historic revenue; likely lost: P(alive) below
    ``thresholds.market.clv_risk_p_alive``.
    """
    top_share, risk = report.settings(NAME)["clv_top_share"], report.thresholds(NAME)["clv_risk_p_alive"]
    frame = clv_frame(report)
    columns = ["customer_id", "name", "total_value", "frequency", "last_purchase", "days_since", "p_alive"]
    columns += ["expected_value", "value_at_risk"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    cutoff = frame["total_value"].quantile(1 - top_share)
    valuable = frame[(frame["total_value"] >= cutoff) & (frame["p_alive"] < risk)].copy()
    valuable["days_since"] = (report.as_of() - valuable["last_purchase"]).dt.days
    valuable["value_at_risk"] = valuable["total_value"] * (1 - valuable["p_alive"])
    valuable = valuable.sort_values(["value_at_risk", "customer_id"], ascending=[False, True], kind="stable")
    return valuable.reset_index(drop=True)[columns]


@metrics_need(BUYERS)
def metrics(report: Report) -> dict[str, Any]:
    """Customers modelled, their mean P(alive), expected purchases and value next month, value at risk."""
    fit = clv_model(report)
    customers = fit["customers"]
    if fit["bgnbd"] is None or not len(customers):
        return {}
    at_risk = clv_at_risk_frame(report)
    return {
        "clv_customers": int(len(customers)),
        "clv_mean_p_alive": float(customers["p_alive"].mean()),
        "clv_expected_purchases_next_month": float(customers["expected_purchases"].sum()),
        "clv_expected_value_next_month": float(customers["expected_value"].sum()),
        "clv_at_risk_customers": int(len(at_risk)),
        "clv_value_at_risk": float(at_risk["value_at_risk"].sum()),
    }


@needs(BUYERS)
def clv_panel(report: Report) -> Panel:
    """客户终身价值: historic value against P(alive) per customer, and the customers worth most next month."""
    lang = report.lang
    fit = clv_model(report)
    frame = clv_frame(report)
    if fit["bgnbd"] is None or frame.empty:
        return Panel(frame=frame, note=_unfit_note(report, fit))
    ax = plot_clv(
        frame, risk=report.thresholds(NAME)["clv_risk_p_alive"], lang=lang, title=t("mk_clv_title", lang),
        xlabel=t("mk_historic_value", lang), ylabel=t("mk_p_alive", lang),
    )  # fmt: skip
    shown = bounded(frame, report, "name", ["total_value", "frequency", "expected_purchases", "expected_value"])
    table = pd.DataFrame(
        {
            t("mk_customer", lang): shown["name"],
            t("mk_historic_value", lang): format_amounts(shown["total_value"], lang),
            t("mk_frequency", lang): shown["frequency"].map(format_int),
            t("mk_p_alive", lang): shown["p_alive"].map(format_pct),
            t("mk_expected_purchases", lang): shown["expected_purchases"].map(lambda v: fmt_num(v, 2)),
            t("mk_expected_value", lang): format_amounts(shown["expected_value"], lang),
        }
    )
    b, s = fit["bgnbd"], fit["spend"]
    repeat = s.customers if s else int(((frame["frequency"] > 0) & (frame["monetary"] > 0)).sum())  # fitted on
    note = t(
        "mk_clv_note", lang, r=fmt_num(b.r, 3), alpha=fmt_num(b.alpha, 3), a=fmt_num(b.a, 3), b=fmt_num(b.b, 3),
        n=format_int(b.customers), p=fmt_num(s.p if s else None, 2), q=fmt_num(s.q if s else None, 2),
        gamma=fmt_num(s.gamma if s else None, 1), k=format_int(repeat),
        total=format_amount(frame["expected_value"].sum(), lang),
    )  # fmt: skip
    if s is None:  # too few repeat buyers, or their spend too uneven for the model (no fit, or q ≤ 1)
        note += " " + t("mk_clv_no_spend" if repeat < 2 else "mk_clv_spend_unfit", lang)
    if bought_elsewhere(report):
        note += " " + t("mk_clv_elsewhere", lang, region=report.region)
    note = " ".join(p for p in (note, bounded_note(shown, lang)) if p)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _unfit_note(report: Report, fit: dict[str, Any]) -> str:
    """Why there is no customer-value model: too few customers bought twice, or too few customers at all."""
    if report.buyers_named and fit["repeat_share"] < report.settings(NAME)["clv_min_repeat_share"]:
        return t("mk_clv_one_time", report.lang, share=format_pct(fit["repeat_share"]))
    return t("mk_clv_unfit", report.lang)


@needs(BUYERS)
def clv_at_risk_panel(report: Report) -> Panel:
    """高价值客户流失风险: the valuable customers least likely to still be active, by value at risk."""
    lang = report.lang
    top_share, risk = report.settings(NAME)["clv_top_share"], report.thresholds(NAME)["clv_risk_p_alive"]
    frame = clv_at_risk_frame(report)
    fit = clv_model(report)
    if fit["bgnbd"] is None:  # no model: no one can be said to be at risk, nor safe
        return Panel(frame=frame, note=_unfit_note(report, fit))
    note = t("mk_at_risk_note", lang, top=format_pct(top_share, 0), p=format_pct(risk, 0))
    if frame.empty:
        return Panel(frame=frame, note=t("mk_at_risk_none", lang) + " " + note)
    shown = bounded(frame, report, "name", ["total_value", "frequency", "value_at_risk"])
    note = " ".join(p for p in (note, bounded_note(shown, lang)) if p)
    ax = plot_ranking(
        shown, label="name", value="value_at_risk", kind="amount", lang=lang, title=t("mk_at_risk_title", lang)
    )
    table = pd.DataFrame(
        {
            t("mk_customer", lang): shown["name"],
            t("mk_historic_value", lang): format_amounts(shown["total_value"], lang),
            t("mk_frequency", lang): shown["frequency"].map(format_int),
            t("mk_last_purchase", lang): pd.to_datetime(shown["last_purchase"]).dt.strftime("%Y-%m-%d").fillna("—"),
            t("mk_p_alive", lang): shown["p_alive"].map(format_pct),
            t("mk_value_at_risk", lang): format_amounts(shown["value_at_risk"], lang),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
