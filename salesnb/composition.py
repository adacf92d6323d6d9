"""收入构成: each segment's share of the period's revenue against last month's (product line, channel, buyer kind).

The buyer kind (新客户 / 老客户) is :func:`~salesnb.market.common.buyer_split`'s, the market page's new customers:
in the data's warm-up, where a buyer first seen may have bought before the export began, a month's buyers are
新老未分 (not told apart), and its new and returning shares are unknown, not made up.
"""

from __future__ import annotations

import pandas as pd

from .angle import BUYERS
from .data import facts
from .data.customers import NEW, RETURNING, UNSPLIT
from .display import plotting
from .display.formatting import format_amounts, format_pct
from .display.panel import Panel
from .i18n import t
from .market.common import acquisition_history, buyer_split
from .report import Report


def split_facts(report: Report, by: str, months: list[str] | str) -> pd.DataFrame:
    """The facts a split ``by`` needs in the region and ``months``: order lines for product lines, else orders."""
    table = facts.line_facts(report.ds) if by == "product_line" else facts.order_facts(report.ds)
    return facts.scoped(table, report.region, months)


def _segment_column(report: Report, data: pd.DataFrame, by: str) -> pd.Series:
    """Segment value per row for composition dimensions that are not plain columns."""
    unnamed = data["customer_id"].isna()  # walk-in sales, guests: neither new nor returning, of no size
    if by == "customer_type":  # the market page's new customers; 新老未分 in the data's warm-up
        kinds = buyer_split(report, data["customer_id"], data["month"])
        return kinds.map(lambda kind: t(kind, report.lang), na_action="ignore").mask(unnamed, t("unnamed", report.lang))
    if by == "customer_size":
        customers = report.ds.get("customers")
        threshold = report.config["customers"]["large_employee_count"]
        size = data["customer_id"].map(customers.set_index("customer_id")["employee_count"])
        labels = pd.Series(t("small", report.lang), index=data.index)
        return labels.mask(size >= threshold, t("large", report.lang)).mask(unnamed, t("unnamed", report.lang))
    return data[by].astype(str)


def warm_up_months(report: Report) -> list[str]:
    """The period and last month, those of them in the data's warm-up (buyers not told apart), oldest first."""
    months = [str(report.baselines.previous_month), report.period]
    return [m for m in months if m not in acquisition_history(report, months)]


def composition_frame(report: Report, by: str) -> pd.DataFrame:
    """Revenue and share per segment this period and last month, with the share change in points.

    ``by``: ``product_line`` (needs order_lines), ``channel``, ``customer_type`` (new/returning)
    or ``customer_size`` (large/small, needs customers). Shares sum to 1 in each period. By ``customer_type``,
    a month in the data's warm-up has a 新老未分 row and no new or returning revenue (``NaN``, as a month after
    it has no 新老未分 row): a share of new customers is not compared with one that was never counted.
    """
    prev = str(report.baselines.previous_month)
    data = split_facts(report, by, [report.period, prev])
    data = data.assign(segment=_segment_column(report, data, by))
    pivot = data.pivot_table(index="segment", columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(columns=[report.period, prev], fill_value=0.0)
    if by == "customer_type":
        warm = warm_up_months(report)
        for month in (report.period, prev):
            unknown = [NEW, RETURNING] if month in warm else [UNSPLIT]
            pivot.loc[pivot.index.intersection([t(k, report.lang) for k in unknown]), month] = float("nan")
    frame = pd.DataFrame({"revenue": pivot[report.period], "baseline_revenue": pivot[prev]}).astype(float)
    for column, share in (("revenue", "share"), ("baseline_revenue", "baseline_share")):
        total = frame[column].sum()
        frame[share] = frame[column] / total if total > 0 else float("nan")
    frame["share_change"] = frame["share"] - frame["baseline_share"]
    frame = frame.rename_axis("segment").reset_index()
    return frame.sort_values(["revenue", "segment"], ascending=[False, True]).reset_index(drop=True)


def composition_panel(report: Report, by: str = "product_line") -> Panel:
    """收入构成: share of revenue per segment this month against last month."""
    lang = report.lang
    needed = {
        "product_line": ("order_lines", "products.product_line"), "customer_size": ("customers", BUYERS),
        "channel": ("orders.channel",),
        "customer_type": (BUYERS,),
    }.get(by, ())  # fmt: skip
    skipped = report.needs(*needed)
    if skipped is not None:
        return skipped
    frame = composition_frame(report, by)
    if frame["revenue"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    if len(frame) == 1 and by != "customer_type":  # one store, one line: 100% both months, a bar saying nothing
        name = t(by, lang) if lang == "zh" else t(by, lang).lower()
        return Panel(frame=frame, note=t("composition_single", lang, dimension=name, value=frame["segment"][0]))
    ax = plotting.plot_composition(
        frame,
        label="segment",
        value="share",
        baseline="baseline_share",
        lang=lang,
        title=f"{t('share', lang)} · {t(by, lang)}",
    )
    table = pd.DataFrame(
        {
            t(by, lang): frame["segment"],
            t("revenue", lang): format_amounts(frame["revenue"], lang),
            t("share", lang): frame["share"].map(format_pct),
            t("baseline_share", lang): frame["baseline_share"].map(format_pct),
            t("share_change", lang): frame["share_change"].map(lambda v: format_pct(v, signed=True)),
        }
    )
    warm = warm_up_months(report) if by == "customer_type" else []
    note = t("composition_warm_up", lang, months="、".join(warm) if lang == "zh" else ", ".join(warm)) if warm else ""
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
