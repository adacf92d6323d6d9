"""What a dataset holds, for ``salesnb validate``: rows, order dates, months, regions and usable angles."""

from __future__ import annotations

import pandas as pd

from ..angle import ANGLE_NAMES, get
from ..i18n import t
from .dataset import Dataset
from .validation import ORDERS

CUSTOMERS = "customers"
ORDER_DATE, REGION, CUSTOMER_ID = "order_date", "region", "customer_id"


def _regions(ds: Dataset) -> list[str]:
    orders = ds.get(ORDERS)
    if orders is None:
        return []
    region = orders[REGION]
    customers = ds.get(CUSTOMERS)
    if customers is not None and region.isna().any():
        by_customer = customers.dropna(subset=[CUSTOMER_ID]).drop_duplicates(CUSTOMER_ID).set_index(CUSTOMER_ID)
        region = region.fillna(orders[CUSTOMER_ID].map(by_customer[REGION]))
    return sorted(region.dropna().astype(str).unique().tolist())


def angle_state(ds: Dataset, name: str) -> dict:
    """What ``ds`` lets angle ``name`` do, read from the angle's declaration (:mod:`salesnb.angle`).

    ``ready``: the angle's own tables are there; ``missing``: those that are not; ``rules``: how many finding
    rules it declares; ``unavailable``: ``{code: [missing tables]}`` for each rule the data cannot feed.
    """
    angle = get(name)
    missing = ds.missing(angle.needs)
    unavailable = {rule.code: ds.missing(rule.needs) for rule in angle.rules if ds.missing(rule.needs)}
    return {"ready": not missing, "missing": missing, "rules": len(angle.rules), "unavailable": unavailable}


def summarize(ds: Dataset) -> dict:
    """Describe what the data holds for ``salesnb validate``: rows, order dates, months, regions, usable angles.

    Returns a dict with ``source``, ``tables`` (name -> rows), ``ignored``, ``date_range`` (first, last order
    date as ISO text, or ``None``), ``months`` (``YYYY-MM`` with orders), ``regions`` and ``angles``
    (angle -> :func:`angle_state`).
    """
    orders = ds.get(ORDERS)
    dates = orders[ORDER_DATE].dropna() if orders is not None else pd.Series(dtype="datetime64[ns]")
    return {
        "source": ds.source,
        "tables": {name: len(ds.tables[name]) for name in ds.table_names},
        "ignored": list(ds.ignored),
        "date_range": (dates.min().strftime("%Y-%m-%d"), dates.max().strftime("%Y-%m-%d")) if len(dates) else None,
        "months": sorted(dates.dt.strftime("%Y-%m").unique().tolist()),
        "regions": _regions(ds),
        "angles": {name: angle_state(ds, name) for name in ANGLE_NAMES},
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
    lines.append(f"{label('months')} ({len(months)}): {span}")
    lines.append(f"{label('regions')} ({len(summary['regions'])}): {', '.join(summary['regions']) or none}")
    lines.append(f"{label('angles')}:")
    for angle, state in summary["angles"].items():
        mark = "✓" if state["ready"] else "✗"
        detail = label("ready") if state["ready"] else label("needs", tables=", ".join(state["missing"]))
        lines.append(f"  {mark} {angle}: {detail}")
        if state["ready"] and state.get("rules"):
            runnable = state["rules"] - len(state["unavailable"])
            lines.append(f"      {label('rules', n=runnable, total=state['rules'])}")
            for code, tables in state["unavailable"].items():
                lines.append(f"      ✗ {code}: {label('needs', tables=', '.join(tables))}")
    return "\n".join(lines)
