"""What a dataset holds, for ``salesnb validate``: rows, order dates, months, regions and usable angles."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..angle import ANGLE_NAMES, BUYERS, get, missing
from ..config import default_config
from ..i18n import days_through, joined, t
from . import facts
from .dataset import Dataset
from .day_gaps import calendar_gaps, gap_labels
from .early_ends import early_end_label, early_ends
from .messages import need_name
from .partial_month import last_month_partial, latest_complete_month, partial_reason
from .region_gaps import gap_label, region_gaps
from .validation import ORDERS

CUSTOMERS = "customers"
ORDER_DATE, CUSTOMER_ID = "order_date", "customer_id"


def _regions(ds: Dataset) -> list[str]:
    orders = ds.get(ORDERS)
    if orders is None:
        return []
    named = facts.order_regions(orders, ds.get(CUSTOMERS), ds.get("reps"))
    return sorted(n for n in named.unique().tolist() if n != facts.UNKNOWN)


def _unregioned(ds: Dataset) -> dict | None:
    """The orders no region claims (none of their own, nor their customer's or rep's) where others have one.

    ``{"orders": how many, "share": their share of the revenue}``, or ``None`` when every order has a region or
    none has (one company report, nothing left out). The company's report counts them, no region's does.
    """
    orders = ds.get(ORDERS)
    if orders is None:
        return None
    named = facts.order_regions(orders, ds.get(CUSTOMERS), ds.get("reps"))
    lost = int((named == facts.UNKNOWN).sum())
    if lost == 0 or lost == len(named):
        return None
    rows = facts.order_facts(ds)
    total = float(rows["revenue"].sum())
    share = float(rows.loc[rows["region"] == facts.UNKNOWN, "revenue"].sum()) / total if total > 0 else 0.0
    return {"orders": lost, "share": share}


def _quiet_months(ds: Dataset) -> int:
    """How many months between the first and the last order hold none, besides those named missing.

    :func:`~.facts.empty_months` names a busy business's empty months; a thin one's are only counted. An export of
    a dense year and a few stray orders years later (SAP SHINE, real29) spans 89 months of which 20 hold an
    order, which "2014-09 … 2022-01" alone hid.
    """
    first, last = facts.data_months(ds)
    span = len(pd.period_range(first, last, freq="M"))
    return span - len(facts.month_orders(ds)) - len(facts.empty_months(ds))


def _default_period(ds: Dataset) -> dict:
    """The month a report shows without ``--period``, and the partial last month it passes over (if any).

    ``summary``: how a monthly summary's month was found partial (:func:`~.partial_month.summary_partial`), or
    ``None`` for an order month's days (or no partial month).
    """
    found = last_month_partial(ds)
    month = latest_complete_month(ds)
    period = {"month": month, "partial": None, "through_day": None, "summary": None}
    period["orders"] = facts.month_orders(ds).get(month, 0)
    if found is not None:
        period.update(partial=found["month"], through_day=found["through_day"])
        period["summary"] = None if found["evidence"] == "orders" else found
    return period


def angle_state(ds: Dataset, name: str) -> dict:
    """What ``ds`` lets angle ``name`` do, read from the angle's declaration (:mod:`salesnb.angle`).

    ``ready``: the angle shows something (:meth:`~salesnb.angle.Angle.ready`); ``missing``: its own tables the
    data lacks; ``any_of``: when it has its tables but no section can run, each section's needs (one of them
    would do); ``sections``: ``{section: [missing tables/columns]}`` for every declared section (empty list =
    computable); ``rules``: how many finding rules it declares; ``unavailable``: ``{code: [missing]}`` for each
    rule the data cannot feed. Needs are tables or ``table.column``: the same checks the reports make.
    """
    angle = get(name)
    own = missing(ds, angle.needs)
    sections = {section.key: missing(ds, section.needs) for section in angle.sections}
    unavailable = {rule.code: missing(ds, rule.needs) for rule in angle.rules if missing(ds, rule.needs)}
    state = {"ready": angle.ready(ds), "missing": own, "rules": len(angle.rules), "unavailable": unavailable}
    if sections:
        state["sections"] = sections
        if not own and not state["ready"]:
            options = list(dict.fromkeys(section.needs for section in angle.sections))
            minimal = [o for o in options if not any(set(other) < set(o) for other in options)]  # not invoices + …
            state["any_of"] = [" + ".join(needs) for needs in minimal]
    return state


def summarize(ds: Dataset) -> dict:
    """Describe what the data holds for ``salesnb validate``: rows, order dates, months, regions, usable angles.

    Returns a dict with ``source``, ``tables`` (name -> rows), ``ignored``, ``date_range`` (first, last order
    date as ISO text, or ``None``), ``months`` (``YYYY-MM`` with orders), ``regions`` and ``angles``
    (angle -> :func:`angle_state`); ``period``: ``{"month": the month reported without --period (the latest
    complete one), "partial": the data's last month when it is partial (:func:`~.partial_month.last_month_partial`),
    "through_day": its last day (orders), "summary": why a monthly summary's month looks partial, or None}``;
    ``buyers_named``: whether the orders name their customers; ``unnamed_orders``: how many orders of a customer
    column leave it empty (walk-in sales, guests); ``empty_months``: months inside the range without any order;
    ``unregioned_orders``: :func:`_unregioned`; ``region_gaps``: ``{region: {month: usual orders}}``, a busy
    region's months without any of its orders;
    ``early_ends``: the channels and regions whose orders stop improbably early (:mod:`.early_ends`);
    ``day_gaps``: runs of days inside the data without any order where the business sells daily (:mod:`.day_gaps`).
    """
    orders = ds.get(ORDERS)
    dates = orders[ORDER_DATE].dropna() if orders is not None else pd.Series(dtype="datetime64[ns]")
    return {
        "source": ds.source,
        "tables": {name: len(ds.tables[name]) for name in ds.table_names},
        "ignored": list(ds.ignored),
        "date_range": (dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")) if len(dates) else None,
        "months": sorted(dates.dt.strftime("%Y-%m").unique().tolist()),
        "empty_months": list(facts.empty_months(ds)) if len(dates) else [],
        "quiet_months": _quiet_months(ds) if len(dates) else 0,
        "region_gaps": region_gaps(ds) if len(dates) else {},
        "early_ends": early_ends(ds) if len(dates) else {},
        "day_gaps": list(calendar_gaps(ds, default_config())) if len(dates) else [],
        "regions": _regions(ds),
        "period": _default_period(ds) if len(dates) else None,
        "angles": {name: angle_state(ds, name) for name in ANGLE_NAMES},
        "buyers_named": orders is None or not missing(ds, (BUYERS,)),
        "dimensions": dimensions({table: ds.present_columns.get(table, ()) for table in ds.tables}),
        "unnamed_orders": int(orders[CUSTOMER_ID].isna().sum()) if orders is not None else 0,
        "unregioned_orders": _unregioned(ds),
    }


def format_summary(summary: dict, lang: str = "zh") -> str:
    """Readable multi-line text of :func:`summarize` output, in Chinese (default) or English (``lang="en"``)."""

    def label(key: str, **values: object) -> str:
        return t(f"validate_{key}", lang, **values)

    none = label("none")
    tables = summary["tables"]
    lines = [f"{label('source')}: {summary['source']}", f"{label('tables')} ({len(tables)}):"]
    lines += [f"  {name}: {label('rows', n=rows)}" for name, rows in tables.items()]
    if summary.get("ignored"):
        lines.append(f"{label('ignored')}: {', '.join(summary['ignored'])}")
    first_last = summary["date_range"]
    dates = f" {label('to')} ".join(first_last) if first_last else none
    lines.append(f"{label('dates')}: {dates}")
    months = summary["months"]
    span = f"{months[0]} … {months[-1]}" if len(months) > 1 else (months[0] if months else none)
    quiet = label("months_quiet", n=summary["quiet_months"]) if summary.get("quiet_months") else ""
    lines.append(f"{label('months')} ({len(months)}): {span}{quiet}")
    if summary.get("empty_months"):
        lines.append(f"! {t('validate_empty_months', lang, months=', '.join(summary['empty_months']))}")
    if summary.get("region_gaps"):
        gaps = summary["region_gaps"].items()
        named = [gap_label(f"{r} {m}", u, lang) for r, months in gaps for m, u in months.items()]
        lines.append(f"! {t('validate_region_gaps', lang, gaps=joined(named, lang))}")
    ends = [(d, s, e) for d, segments in summary.get("early_ends", {}).items() for s, e in segments.items()]
    if ends:
        named = joined([early_end_label(d, s, e, lang) for d, s, e in ends], lang)
        lines.append(f"! {t('validate_early_ends', lang, segments=named, end=ends[0][2]['end'])}")
    if summary.get("day_gaps"):
        lines.append(f"! {t('validate_day_gaps', lang, gaps=gap_labels(summary['day_gaps'], lang))}")
    lines.append(f"{label('regions')} ({len(summary['regions'])}): {', '.join(summary['regions']) or none}")
    if lost := summary.get("unregioned_orders"):
        lines.append(f"! {label('unregioned_orders', n=lost['orders'], share=lost['share'])}")
    period = summary.get("period")
    if period and period.get("summary"):  # a monthly summary's month that looks partial: no days to read it by
        lines.append(f"{label('period')}: {period['month']}")
        reason = partial_reason(period["summary"], lang)
        lines.append(f"  {label('partial_summary', month=period['partial'], reason=reason)}")
    elif period and period["partial"] == period["month"]:  # one partial month: no complete one to default to
        lines.append(label("period_only_partial", month=period["month"], day=period["through_day"]))
    elif period:
        orders = label("period_orders", n=period["orders"]) if "orders" in period else ""
        lines.append(f"{label('period')}: {period['month']}{orders}")
        if period["partial"]:
            day = period["through_day"]
            lines.append(f"  {label('partial', month=period['partial'], day=day, days=days_through(day, lang))}")
    if not summary.get("buyers_named", True):
        lines.append(f"! {no_customer_note(summary.get('dimensions', DIMENSIONS), lang)}")
    if summary.get("unnamed_orders"):
        lines.append(f"! {t('validate_unnamed_orders', lang, n=summary['unnamed_orders'])}")
    lines.append(f"{label('angles')}:")
    for angle, state in summary["angles"].items():
        lines += _angle_lines(angle, state, label, lang)
    return "\n".join(lines)


def angle_headline(angle: str, state: dict, lang: str = "zh") -> str:
    """``  ✓ market: 可用`` or what the angle needs (its tables, columns, or one of its sections' needs)."""

    def label(key: str, **values: object) -> str:
        return t(f"validate_{key}", lang, **values)

    if state["ready"]:
        head = label("ready")
    elif state.get("any_of"):
        sets = [_named(needs.split(" + "), lang) for needs in state["any_of"]]
        head = label("needs_any", needs=t("validate_or", lang).join(sets))
    else:
        head = _needs_text(state["missing"], label, lang)
    return f"  {'✓' if state['ready'] else '✗'} {t('angle_' + angle, lang)} ({angle}): {head}"


def _angle_lines(angle: str, state: dict, label, lang: str) -> list[str]:
    """An angle's lines of :func:`format_summary`: ready or what it needs, then section by section and rules."""
    lines = [angle_headline(angle, state, lang)]
    if not state["ready"]:
        return lines
    sections = state.get("sections") or {}
    if sections:
        can = [key for key, lacking in sections.items() if not lacking]
        lines.append(f"      {label('sections', n=len(can), total=len(sections))}: {', '.join(can)}")
        lines += [f"      ✗ {key}: {_needs_text(lacking, label, lang)}" for key, lacking in sections.items() if lacking]
    if state.get("rules"):
        runnable = state["rules"] - len(state["unavailable"])
        lines.append(f"      {label('rules', n=runnable, total=state['rules'])}")
        lines += [
            f"      ✗ {code}: {_needs_text(lacking, label, lang)}" for code, lacking in state["unavailable"].items()
        ]
    return lines


def _needs_text(lacking: list[str], label, lang: str) -> str:
    """``缺少工单表（tickets）`` / ``缺少订单表的承诺交付日期（orders.promised_at）…``: tables and columns apart."""
    tables = [need for need in lacking if "." not in need]
    columns = [need for need in lacking if "." in need]
    parts = [label("needs", tables=_named(tables, lang))] if tables else []
    parts += [label("needs_columns", columns=_named(columns, lang))] if columns else []
    return "; ".join(parts)


def _named(needs: list[str], lang: str) -> str:
    """Tables or columns as a reader names them (:func:`~.messages.need_name`), joined as the language lists."""
    return joined((need_name(need, lang) for need in needs), lang)


DIMENSIONS = ("region", "channel", "product", "rep")  # what a report is cut by besides customers, in this order
_DIMENSION_COLUMNS = {"region": "region", "channel": "channel", "product": "product_id", "rep": "rep_id"}


def dimensions(columns: dict[str, Iterable[str]]) -> list[str]:
    """Of :data:`DIMENSIONS`, those the data names (``columns``: the contract columns per table, mapped or present).

    A region may come with the customers or the reps; a channel and a rep with the orders; the products with the
    order lines.
    """
    tables = {"region": ("orders", "customers", "reps"), "channel": ("orders",), "product": ("order_lines",)}
    return [
        name
        for name in DIMENSIONS
        if any(_DIMENSION_COLUMNS[name] in columns.get(table, ()) for table in tables.get(name, ("orders",)))
    ]


def no_customer_note(named: Iterable[str], lang: str) -> str:
    """The note that the orders name no customer, listing what the reports are still cut by (``named``)."""
    words = [t(f"map_dim_{name}", lang) for name in named] or [t("map_dim_total", lang)]
    listed = words[0] if len(words) == 1 else joined(words[:-1], lang) + t("map_dims_and", lang) + words[-1]
    return t("map_no_customer", lang, dims=listed)
