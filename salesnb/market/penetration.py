"""行业 / 企业规模渗透: customers, active customers and revenue per industry or size band of the scope."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..angle import BUYERS
from ..data import facts
from ..data.customers import customer_facts
from ..data.facts import size_band, size_band_labels
from ..display import plotting
from ..display.formatting import format_pct, table
from ..display.panel import Panel
from ..display.plotting import plot_composition
from ..display.plotting.customers import plot_ranking
from ..display.plotting.style import DPI, FIGSIZE, ROW_HEIGHT
from ..i18n import t
from ..periods import ALL, averaged_months, months_back
from ..report import Report
from ..stats import ratio
from . import keys
from .common import scope_orders


def penetration_frame(report: Report, by: str = "industry") -> pd.DataFrame:
    """Customers, active customers and revenue per industry (``by="industry"``) or size band (``"size_band"``).

    The base is the scope's customers acquired by the end of the period: in a region, those whose home region it is
    and those who bought in it by then (a region taken from the order: one customer buys in several); ``active`` of them
    ordered in the ``rfm.lookback_months`` months up to the period, ``buyers`` in the period. Revenue is the
    period's revenue in scope by the buying customer's segment, ``revenue_share`` its share (sums to 1), and
    ``vs_trailing`` its change against the trailing average.
    """
    if by not in ("industry", "size_band"):
        raise ValueError(f"penetration is by 'industry' or 'size_band', not {by!r}")
    cust = customer_facts(report.ds)
    edges = report.config["customers"]["size_bands"]
    segment_of = cust["industry"] if by == "industry" else size_band(cust["employee_count"], edges)
    window = months_back(report.period, report.config["rfm"]["lookback_months"])
    orders = scope_orders(report)
    rows = keys.facts_rows(report)  # each customer code's row of the customer facts

    def marked(some: pd.DataFrame) -> np.ndarray:  # which customers (rows of the facts) ordered among ``some``
        codes = keys.row_codes(report, some)
        mark = np.zeros(len(cust), dtype=bool)
        mark[rows[codes[codes >= 0]]] = True
        return mark

    in_base = (cust["acquired_month"].isna() | (cust["acquired_month"] <= report.period)).to_numpy(copy=True)
    if report.region != ALL:
        in_base &= (cust["region"] == report.region).to_numpy() | marked(orders[orders["month"] <= report.period])
    now = facts.in_months(orders, report.period)
    trailing = report.trailing()
    before = facts.in_months(orders, trailing)
    seg_base = segment_of[in_base]

    def bought(some: pd.DataFrame) -> np.ndarray:  # which base customers ordered among ``some`` orders
        return marked(some)[in_base]

    def segment(some: pd.DataFrame) -> pd.Series:  # the segment of each order's customer
        codes = keys.row_codes(report, some)
        return facts.take(segment_of, np.where(codes >= 0, rows[codes], -1), some.index).fillna(facts.UNKNOWN)

    frame = pd.DataFrame(
        {
            "customers": seg_base.value_counts(),
            "active": seg_base[bought(facts.in_months(orders, window))].value_counts(),
            "buyers": seg_base[bought(now)].value_counts(),
            "revenue": now.groupby(segment(now))["revenue"].sum(),
            "trailing_revenue": before.groupby(segment(before))["revenue"].sum() / max(len(trailing), 1),
        }
    ).fillna(0.0)
    frame.index.name = "segment"
    for column in ("customers", "active", "buyers"):
        frame[column] = frame[column].astype(int)
    frame["active_rate"] = frame["active"] / frame["customers"].where(frame["customers"] > 0)
    frame["buy_rate"] = frame["buyers"] / frame["customers"].where(frame["customers"] > 0)
    total = frame["revenue"].sum()
    frame["revenue_share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["vs_trailing"] = frame["revenue"] / frame["trailing_revenue"].where(frame["trailing_revenue"] > 0) - 1
    frame = frame.reset_index()
    if by == "size_band":
        order = {label: i for i, label in enumerate(size_band_labels(edges) + [facts.UNKNOWN])}
        frame = frame.sort_values("segment", key=lambda s: s.map(order), kind="stable")
    else:
        frame = frame.sort_values(["revenue", "segment"], ascending=[False, True], kind="stable")
    columns = ["segment", "customers", "active", "active_rate", "buyers", "buy_rate", "revenue", "revenue_share"]
    return frame.reset_index(drop=True)[columns + ["trailing_revenue", "vs_trailing"]]


def penetration_panel(report: Report, by: str = "industry") -> Panel:
    """行业 / 企业规模渗透: revenue share and the share of customers active, per segment."""
    lang = report.lang
    averaged = averaged_months(report.trailing(), report.baselines)  # months in the trailing average
    column = "customers.industry" if by == "industry" else "customers.employee_count"  # else one 未知 at 100 %
    skipped = report.needs("customers", BUYERS, column)
    if skipped:
        return skipped
    frame = penetration_frame(report, by)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    name = t("mk_industry" if by == "industry" else "mk_size_band", lang)
    rows = len(frame)
    fig, (left, right) = plotting.subplots(
        1, 2, figsize=(FIGSIZE[0], max(FIGSIZE[1], ROW_HEIGHT * rows + 1.2)), dpi=DPI, layout="constrained",
        sharey=True,
    )  # fmt: skip
    plot_composition(
        frame, label="segment", value="revenue", baseline="trailing_revenue", ax=left, lang=lang,
        legend=(t("mk_value", lang), t("mk_trailing_avg", lang, n=averaged)),
        title=f"{t('mk_share', lang)} · {name}",
    )  # fmt: skip
    active_all = ratio(frame["active"].sum(), frame["customers"].sum())
    plot_ranking(
        frame, label="segment", value="active_rate", reference=active_all,
        reference_label=t("mk_company_line", lang, value=format_pct(active_all)) if report.region == ALL else None,
        ax=right, lang=lang, title=t("mk_active_rate", lang),
    )  # fmt: skip
    right.tick_params(axis="y", labelleft=False)
    shown = table(
        frame,
        [
            ("segment", name, None),
            ("customers", "mk_customers", "int"),
            ("active", "mk_active", "int"),
            ("active_rate", "mk_active_rate", "pct"),
            ("buyers", "mk_buyers", "int"),
            ("revenue", "mk_revenue", "amount"),
            ("revenue_share", "mk_share", "pct"),
            (
                "vs_trailing",
                t("mk_vs_trailing", lang, n=averaged),
                "signed_pct",
            ),
        ],
        lang,
    )
    note = t("mk_penetration_note", lang, months=report.config["rfm"]["lookback_months"])
    return Panel(frame=frame, table=shown, figure=fig, note=note)
