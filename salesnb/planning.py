"""Next month's plan (下月行动计划): a target for the month after the report, split by region, line and rep.

The total is the target already set for next month where the data has one; otherwise a forecast: the
same month last year scaled by the recent year-on-year trend (the trailing months against the same
months a year earlier), or the trailing average where the data does not reach back a year. The split
weighs each segment by half its share in the same month last year (seasonality) and half its share in
the trailing months (current momentum); reps who have left are not given a target. A segment that did not
exist a year ago (a rep hired since, a line first sold since) has no share last year, not a share of 0: it
takes its trailing share, averaged over the months since it started, and the others split the rest.

A region's own report without a target of its own proposes the company plan's row for it (``company``): the
company's total split by region is the number both pages show. Forecast on its own, a small region's plan
read 5.0万 on its page and 3.0万 in the company's split of the same month.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .data import facts
from .data.region_gaps import filled
from .data.reps import rep_info
from .data.targets import total_target
from .display import plotting
from .display.bounded import OTHER, bounded, bounded_note
from .display.formatting import format_amount, format_amounts, format_pct
from .display.panel import Panel
from .i18n import t
from .periods import ALL, months_back, shift_month
from .report import Report, scope_memo

DIMENSIONS: tuple[str, ...] = ("region", "product_line", "rep_id")


def next_month(period: str) -> str:
    """The month after ``period`` (``YYYY-MM``): the month the plan is for."""
    return shift_month(period, -1)


@scope_memo  # the panel and the published metrics read one computation
def plan_total(report: Report) -> tuple[float | None, str]:
    """Next month's target for the report's scope and how it was set (``set``/``forecast``/``trailing``/``company``)."""
    month = next_month(report.period)
    already = total_target(report.whole, [month], report.region)
    if already is not None:
        return already, "set"
    if report.region != ALL:  # the company plan's row for the region: one number on both pages
        company = plan_frame(replace(report, ds=report.whole, region=ALL), by="region")
        row = company.loc[company["segment"] == report.region, "proposed"]
        if len(row) and pd.notna(row.iloc[0]):
            return float(row.iloc[0]), "company"
    orders = facts.in_region(facts.order_facts(report.whole), report.region)
    by_month = orders.groupby("month")["revenue"].sum()
    if report.region == ALL:  # a month the export left out for a region: the company's at the region's usual share
        by_month = filled(report.whole, by_month)
    n = report.config["baselines"]["trailing_months"]
    months = _trailing(report, n)
    recent = by_month.reindex(months).fillna(0.0).sum()
    first, _ = facts.data_months(report.whole)
    year_ago = months_back(report.last_whole_month, n, offset=12)
    last_year_month = shift_month(month, 12)
    if year_ago[0] >= first and report.covered([last_year_month], whole=True):
        # the trend over the months covered both now and a year earlier (a region's own: not its gap months)
        paired = [m for m in months if report.covered([shift_month(m, 12)], whole=True)]
        before = by_month.reindex([shift_month(m, 12) for m in paired]).fillna(0.0).sum()
        same_month = float(by_month.get(last_year_month, 0.0))
        if before > 0 and same_month > 0:
            return same_month * float(by_month.reindex(paired).fillna(0.0).sum() / before), "forecast"
    if recent > 0:
        return float(recent / len(months)), "trailing"
    return None, "none"


def _trailing(report: Report, n: int) -> list[str]:
    """The whole months (at most ``n``) the plan reads: to the report month (the one before a partial one).

    A whole month is planned from whole months: a partial report month (days 1..D) would pull the run-rate
    down, and :attr:`Report.ds` reads every month through those days (:attr:`Report.whole` does not). None
    before the data starts: such a month is unknown, not a month without sales (counted as 0 it made a
    one-month export's plan a third of its sales). Covered as whole months: a month that sold after a partial
    report's day only is no empty month here (the plan read from a partial month's report is the whole month's).
    """
    return report.covered(months_back(report.last_whole_month, n), whole=True)


def _active_reps(report: Report, month: str) -> set[str] | None:
    """Reps still employed at the start of ``month`` (``None`` when the data has no leave dates)."""
    reps = report.ds.get("reps")
    if reps is None or "leave_date" not in reps:
        return None
    start = pd.Period(month, freq="M").start_time
    gone = reps["leave_date"].notna() & (reps["leave_date"] < start)
    return set(reps.loc[~gone, "rep_id"].astype(str))


@scope_memo  # each split's panel asks which split comes first (:func:`_first_split`): one computation per split
def plan_frame(report: Report, by: str = "product_line") -> pd.DataFrame:
    """Proposed next-month target per segment: ``segment, last_year, trailing_avg, weight, proposed``.

    Weights sum to 1 and the proposals to the plan total (tested).
    """
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {DIMENSIONS}, got {by!r}")
    total, _ = plan_total(report)
    source = facts.line_facts(report.whole) if by == "product_line" else facts.order_facts(report.whole)
    source = facts.in_region(source, report.region)
    months = _trailing(report, report.config["baselines"]["trailing_months"])
    month = next_month(report.period)
    last_year = source[source["month"] == shift_month(month, 12)].groupby(by)["revenue"].sum()
    trailing = facts.in_months(source, months).groupby(by)["revenue"].sum()
    frame = pd.concat({"last_year": last_year, "trailing_avg": trailing}, axis=1).fillna(0.0)
    if not report.covered([shift_month(month, 12)], whole=True):
        frame["last_year"] = float("nan")  # before the data: unknown (shown as —), not a month without sales
    frame = frame[frame.index.astype(str) != facts.UNKNOWN]
    segments = frame.index.astype(str)
    hired = _hire_months(report, frame.index) if by == "rep_id" else pd.Series(float("nan"), index=frame.index)
    # a region's own months (Report.covered): a month the export left out for it is unknown, not a month of 0;
    # nor is a month before a rep was hired
    own = {r: report.covered(months, r, whole=True) for r in segments} if by == "region" else {}
    counted = [
        [m for m in own.get(s, months) if not isinstance(start, str) or m >= start]
        for s, start in zip(segments, hired, strict=True)
    ]
    frame["trailing_avg"] /= [max(len(seen), 1) for seen in counted]
    # a segment that began after the month last year (first sale or hire) had no share then, not a share of 0
    first_sale = source.groupby(by)["month"].min().reindex(frame.index)
    began = [min((m for m in (f, h) if isinstance(m, str)), default="") for f, h in zip(first_sale, hired, strict=True)]
    frame.loc[[start > shift_month(month, 12) for start in began], "last_year"] = float("nan")
    if by == "region":
        unknown = [not report.covered([shift_month(month, 12)], r, whole=True) for r in segments]
        frame.loc[unknown, "last_year"] = float("nan")
    if by == "rep_id":
        active = _active_reps(report, month)
        if active is not None:
            frame = frame[frame.index.astype(str).isin(active)]
    frame["weight"] = split_weights(frame["last_year"], frame["trailing_avg"])
    frame["proposed"] = frame["weight"] * (total or 0.0) if total is not None else float("nan")
    if total and report.region == ALL and by in ("region", "rep_id"):  # as each region's own page shows it
        frame["proposed"] = _as_regions_show(report, frame, by, total)
        frame["weight"] = frame["proposed"] / total
    frame = frame.rename_axis("segment").reset_index()
    frame["segment"] = frame["segment"].astype(str)
    return frame.sort_values(["proposed", "segment"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _as_regions_show(report: Report, frame: pd.DataFrame, by: str, total: float) -> pd.Series:
    """The company page's proposals by region or rep, each the number the region's own page shows.

    A region with a target of its own for next month keeps it; the others split what the company total leaves
    by their weights. A rep's proposal is the sum of the rep's rows on the pages of the regions the rep sells in
    (a rep of orders without a region: none), so a rep's number is one on both pages.
    """
    month = next_month(report.period)
    if by == "region":
        own = pd.Series({s: total_target(report.whole, [month], s) for s in frame.index}, dtype=float).dropna()
        rest = ~frame.index.isin(own.index)
        free = frame.loc[rest, "weight"]
        left = max(total - float(own.sum()), 0.0)
        shared = free / free.sum() * left if free.sum() > 0 else free * 0.0
        return pd.concat([own, shared]).reindex(frame.index).fillna(0.0)
    pages = [plan_frame(replace(report, ds=report.whole, region=r), by) for r in facts.regions(report.whole)]
    if not pages:  # no region pages (an export without regions): the company's own split
        return frame["proposed"]
    rows = pd.concat([page.set_index("segment")["proposed"] for page in pages])
    return rows.groupby(level=0).sum().reindex(frame.index.astype(str)).fillna(0.0).set_axis(frame.index)


def split_weights(last_year: pd.Series, trailing: pd.Series) -> pd.Series:
    """Each segment's share of next month: half its share last year, half its trailing share (summing to 1).

    A segment without a last year (NaN: new since, or its month missing from the export) takes its trailing
    share; the segments with one split the rest by both halves, so a new rep is not held to half a share.
    """
    known = last_year.notna()
    recent = trailing / trailing.sum() if trailing.sum() > 0 else None
    seasonal = last_year[known] / last_year[known].sum() if last_year[known].sum() > 0 else None
    if recent is None:
        return seasonal.reindex(last_year.index, fill_value=0.0) if seasonal is not None else trailing * 0.0
    old = float(recent[known].sum())
    if seasonal is None or old == 0:
        return recent
    weight = recent.copy()
    weight[known] = old * (seasonal + recent[known] / old) / 2
    return weight


def _hire_months(report: Report, rep_ids: pd.Index) -> pd.Series:
    """Each rep's hire month (``YYYY-MM``, NaN where the data has no hire date), indexed like ``rep_ids``."""
    hired = pd.to_datetime(rep_ids.map(rep_info(report.ds)["hire_date"]))
    return pd.Series(hired.strftime("%Y-%m"), index=rep_ids)


def _first_split(report: Report) -> str:
    """The first split the report's plan section shows: where it says how the total was set (once, not per panel).

    The notebook shows the regions (the company report only), then product lines, then reps; a split the data
    lacks is skipped.
    """
    shown = [by for by in DIMENSIONS if by != "region" or report.region == ALL]
    return next((by for by in shown if not plan_frame(report, by).empty), shown[0])


def plan_panel(report: Report, by: str = "product_line") -> Panel:
    """下月目标建议: the proposed split as a bar chart and a table, with how the total was set."""
    lang = report.lang
    if by == "region" and report.region != ALL:
        return Panel.skipped(t("plan_title", lang, dimension=t("dim_region", lang)) + ": " + report.region)
    total, how = plan_total(report)
    if total is None:  # no sales in the whole months read, or no whole month yet (a first, partial month)
        whole = _trailing(report, report.config["baselines"]["trailing_months"])
        return Panel.skipped(t("plan_none", lang) if whole else t("plan_no_whole_month", lang, month=report.period))
    frame = plan_frame(report, by)
    month = next_month(report.period)
    if frame.empty:  # the data has no such segments (an export without regions or reps)
        dimension = t(f"dim_{by}", lang)
        return Panel.skipped(
            t("plan_no_split", lang, dimension=dimension, month=month, total=format_amount(total, lang))
        )
    n = len(_trailing(report, report.config["baselines"]["trailing_months"]))
    how = how if by == _first_split(report) else "split_of"  # how the total was set: said once, above
    note = t(f"plan_{how}", lang, month=month, total=format_amount(total, lang), n=n)
    frame["label"] = frame["segment"]
    reps = report.ds.get("reps")
    if by == "rep_id" and reps is not None:
        names = reps.drop_duplicates("rep_id").set_index("rep_id")["rep_name"]
        frame["label"] = frame["segment"].map(names).fillna(frame["segment"]).astype(str)
    # the chart draws the rows the table names (13 regions were drawn beside a table of 10); not their 其他 row,
    # whose sum of 33 reps would dwarf every bar drawn beside it (the note says the rest were combined)
    shown = bounded(frame, report, "label", ["last_year", "trailing_avg", "weight", "proposed"])
    named = shown[~shown[OTHER]] if OTHER in shown.columns else shown
    ax = plotting.plot_bar_compare(
        named, label="label", current="proposed", baseline="trailing_avg", lang=lang,
        legend=(t("col_proposed", lang), t("col_trailing", lang, n=n)),
        title=t("plan_title", lang, dimension=t(f"dim_{by}", lang)),
    )  # fmt: skip
    full, frame = frame, shown
    note = " ".join(p for p in (note, bounded_note(frame, lang)) if p)
    table = pd.DataFrame(
        {
            t(f"dim_{by}", lang): frame["label"],
            t("col_last_year", lang): format_amounts(frame["last_year"], lang),
            t("col_trailing", lang, n=n): format_amounts(frame["trailing_avg"], lang),
            t("col_weight", lang): frame["weight"].map(format_pct),
            t("col_proposed", lang): format_amounts(frame["proposed"], lang),
        }
    )
    return Panel(frame=full, table=table, figure=ax.figure, note=note)
