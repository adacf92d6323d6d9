"""A report's header: its scope and baselines, then every note on how the data was read.

The notes: a partial month read through day D (naming only the dataset's tables), a summary's month that looks
partial (:mod:`.data.partial_month`), a region's months the export
left out, a channel's or region's part of the export ending days early, days inside a month without any order
(:mod:`.data.day_gaps`), rows the mapping excluded, orders of 0 left out, a cost that copies the amount left out,
currencies converted, summary rows made into orders, orders that name no customer (each section that needs them
then says only that it is skipped).
"""

from __future__ import annotations

from typing import Any

from .data import facts
from .data.copied_cost import copied_cost_share
from .data.dataset import Dataset
from .data.day_gaps import day_gap_notes
from .data.early_ends import early_end_labels
from .data.exclude import exclude_rule
from .data.partial_month import partial_reason
from .data.region_gaps import gap_label, region_gaps
from .data.summaries import orders_counted, total_rows
from .i18n import days_through, joined, t
from .periods import ALL, months_back

GAP_NOTE_MONTHS = 13  # a region's left-out months this far back are named under a report's header (its baselines)
CUT: tuple[str, ...] = ("orders", "leads", "opportunities", "activities", "tickets", "invoices")  # days 1..D
AT_DAY: tuple[str, ...] = ("opportunities", "invoices")  # open deals, unpaid invoices at the end of day D
PRORATED: tuple[str, ...] = ("targets", "marketing_spend")  # a month's amount × D / days of the month


def opens_the_data(ds: Dataset, period: str) -> bool:
    """Whether ``period`` is the data's first month: a partial one has no month before it to compare or to pick."""
    return str(period) == facts.data_months(ds)[0]


def partial_note(ds: Dataset, lang: str, period: str, day: int) -> str:
    """``⚠ 2016-12 是不完整月 …`` naming the tables of ``ds`` a partial month through ``day`` is read by.

    The data's first month (an export of a few days) has no baseline to cut to the same days: it says so instead.
    A last day left out as exported before it ended (:func:`~.data.facts.cut_last_day`) is named after it.
    """
    cut = facts.cut_last_day(ds)
    told = "" if cut is None else (" " if lang == "en" else "") + t("partial_cut_day", lang, **cut)
    days = {"day": day, "days": days_through(day, lang)}
    if opens_the_data(ds, period):
        return t("partial_note_first", lang, period=period, **days) + told

    def listed(tables: tuple[str, ...], kind: str) -> str:
        names = [t(f"partial_{kind}_{name}", lang) for name in tables if ds.has(name)]
        return joined(names, lang) if lang == "zh" or kind == "cut" else " and ".join(names)

    extras = ""
    if listed(AT_DAY, "at"):
        extras += t("partial_at_day", lang, tables=listed(AT_DAY, "at"), day=day)
    if listed(PRORATED, "pro"):
        extras += t("partial_prorated", lang, tables=listed(PRORATED, "pro"))
    return t("partial_note", lang, period=period, tables=listed(CUT, "cut"), extras=extras, **days) + told


def header_markdown(report: Any) -> str:
    """The header of ``report`` (a :class:`~salesnb.report.Report`) as Markdown: scope line, then the notes."""
    base, ds, lang = report.baselines, report.ds, report.lang
    first = facts.data_months(ds)[0]
    previous, last_year = (_month(str(m), first, lang) for m in (base.previous_month, base.same_month_last_year))
    trailing = f"{base.trailing[0]}–{base.trailing[-1]}"
    if str(base.trailing[-1]) < first:
        trailing += t("header_before_data", lang)
    elif str(base.trailing[0]) < first:  # a quarter's export: the window's first months lie before the data
        trailing += t("header_trailing_from", lang, first=first, n=len(report.trailing()))
    elif 0 < len(counted := report.trailing()) < len(base.trailing):  # empty (same-days) or left-out months
        days = "" if report.through_day is None else t("header_days", lang, days=days_through(report.through_day, lang))
        trailing += t("header_trailing_counted", lang, months=joined(counted, lang), n=len(counted), days=days)
    if lang == "en":
        text = (
            f"**Region:** {report.region_label} | **Month:** {report.period_label} | "
            f"**Baselines:** {previous} (MoM), {last_year} (YoY), {trailing} (trailing)"
        )
    else:
        text = (
            f"**区域：** {report.region_label} ｜ **月份：** {report.period_label} ｜ "
            f"**对比基准：** 上月 {previous}，去年同月 {last_year}，近{len(base.trailing)}月 {trailing}"
        )
    if report.through_day is not None:
        text += "\n\n" + partial_note(ds, lang, report.period, report.through_day)
    if report.looks_partial is not None:  # a summary's month exported mid-month (:mod:`.data.partial_month`)
        reason = partial_reason(report.looks_partial, lang)
        text += "\n\n" + t("partial_summary_note", lang, period=report.period, reason=reason, previous=previous)
    text += gap_notes(ds, report.region, report.period, lang)
    months = [str(base.previous_month), str(base.same_month_last_year), *report.trailing()]
    text += day_gap_notes(report.whole, report.config, report.period, months, lang)  # days left out (day_gaps)
    labels, end = early_end_labels(ds, report.period, lang, None if report.region == ALL else report.region)
    if labels:  # a shop's or branch's part of the export ending days before the rest (:mod:`.data.early_ends`)
        text += "\n\n" + t("early_end_note", lang, segments=joined(labels, lang), end=end)
    if ds.excluded:
        text += "\n\n" + excluded_note(ds, lang)
    if ds.zero_orders:
        text += "\n\n" + t("zero_orders_note", lang, orders=f"{sum(ds.zero_orders.values()):,}")
    copied = copied_cost_share(ds)
    if copied:  # a cost column holding the amount, left out (:mod:`.data.copied_cost`): no margin, not 0 %
        text += "\n\n" + t("copied_cost_note", lang, column=copied[0], share=copied[1])
    currency = ds.mapping.currency
    if currency:  # amounts of several currencies, converted at the mapping's rates: said where figures are read
        rates = ", ".join(f"1 {code} = {rate:g} {currency['base']}" for code, rate in currency["rates"].items())
        text += "\n\n" + t("currency_note", lang, base=currency["base"], rates=rates)
    parts = total_rows(ds)
    if parts:  # rows that total a month (:func:`salesnb.data.summaries.total_rows`): no orders to count
        text += "\n\n" + t("totals_note", lang, parts=" × ".join(parts))
    counted = ds.mapping.renames("orders").get("order_count")
    if counted and orders_counted(ds):  # rows made into the orders they count (:mod:`salesnb.data.summaries`)
        text += "\n\n" + t("summary_orders_note", lang, column=counted)
    elif ds.has("orders") and not parts and not report.buyers_named:  # said once, not under every customer section
        text += "\n\n" + t("buyers_note", lang)
    return text


def _month(month: str, first: str, lang: str) -> str:
    """A baseline month as the header names it: said to lie before the data when the export starts later."""
    return month + (t("header_before_data", lang) if month < first else "")


def excluded_note(ds: Dataset, lang: str) -> str:
    """What the mapping's exclude left out: the orders' rules only; a pipeline's other deals are still deals."""
    left, names = ds.excluded, ds.mapping
    sales_rules = {k: v for k, v in names.exclude.items() if k in ("orders", "order_lines")}  # those counted
    key = "excluded_note" if ds.has("order_lines") else "excluded_note_orders"  # no lines: none said
    if ds.has("opportunities") and names.table_name("opportunities") == names.table_name("orders"):
        key = "excluded_note_deals"  # a pipeline's lost and open deals: no sales, still deals
    returns = "returns" in names.rows and ds.has("returns")  # an ERP's 红字 lines: out of the sales, in the returns
    return t(
        "excluded_note_returns" if returns and key == "excluded_note" else key,
        lang,
        rule=exclude_rule(sales_rules, lang),
        orders=f"{left.get('orders', 0):,}",
        lines=f"{left.get('order_lines', 0):,}",
        returns_rule=exclude_rule({"returns": names.rows.get("returns", {})}, lang),
        returns=f"{len(ds['returns']):,}" if returns else "",
    )


def gap_notes(ds: Dataset, region: str, period: str, lang: str) -> str:
    """The header's warnings of months the export left out for a region (:mod:`salesnb.data.region_gaps`)."""
    gaps = region_gaps(ds)
    if region == ALL:
        now = [gap_label(r, months[period], lang) for r, months in gaps.items() if period in months]
        return "\n\n" + t("region_gap_note_all", lang, regions=joined(now, lang)) if now else ""
    own = gaps.get(region, {})
    if period in own:
        usual = f"{own[period]:,.0f}"
        return "\n\n" + t("region_gap_note", lang, region=region, period=period, usual=usual)
    recent = [m for m in months_back(period, GAP_NOTE_MONTHS, offset=1) if m in own]
    if not recent:
        return ""
    return "\n\n" + t("region_gap_baseline_note", lang, region=region, months=joined(recent, lang))
