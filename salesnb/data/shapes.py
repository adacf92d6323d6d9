"""Files whose rows are not sales (``salesnb map``): a pivot by month, a summary counting orders per row.

A summary export (日期 × 产品类别 × 地区 with 销售额 and 订单量) holds totals, not orders: making one "order" of
each row counted 560 orders where its 订单量 summed to 18,103, and an average order value 30× too high;
``map`` says so instead of steering the user to such an id (:func:`order_count`).

Such a file has no order to map: a pivot's row is a place or a product and its columns months (排名, 省份,
城市, 1月 … 6月, 总额). Drafting orders from it offered its cities as order numbers; ``map`` says instead that it
must be exported as detail rows, one row per order or order line.
"""

from __future__ import annotations

import re

import pandas as pd

from .column_words import HEADCOUNT_NAMES, NAMES, named_column, normalise
from .dataset import joined_name
from .dates import MONTH_ONLY, parse_dates
from .parsing import parse_number
from .proposal_tables import ONE_UNIT

ORDER_COUNT_NAMES = tuple(NAMES["order_count_names"])  # 订单量, 订单数, 单数: orders counted per row
DIMENSIONS = ("order_date", "product_line", "product_id", "product_name", "region", "country", "channel", "rep_name")

MONTH_NAMES = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?"  # 1月, 十二月, 3月份
    r"|\d{4}\s*[-/.年]\s*\d{1,2}\s*月?"  # 2024-01, 2024年1月
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:[-\s']?\d{2,4})?",  # Jan, Mar-24
    re.IGNORECASE,
)
REPEATED = 0.01  # share of rows sharing a day and dimensions with another that a summary of days may have
GRID_DAYS = 3  # distinct days a summary of days must span
GRID_FILLED = 0.5  # share of its days × dimension combinations a summary of days fills (every store, every day)
UNIQUE_IDS = 0.9  # share of rows with a value of their own that makes an unused column an id
PIVOT_MONTHS = 3  # month columns that make a file a pivot by month
NUMERIC = 0.8  # share of a month column's filled values that must read as numbers


def month_columns(frame: pd.DataFrame) -> list[str]:
    """The columns named as months and holding numbers, when there are enough to make a pivot by month, else []."""
    months = []
    for column in frame.columns:
        if not MONTH_NAMES.fullmatch(str(column).strip()):
            continue
        values = frame[column].dropna()
        if len(values) and parse_number(values)[0].notna().mean() >= NUMERIC:
            months.append(str(column))
    return months if len(months) >= PIVOT_MONTHS else []


def period_totals(frame: pd.DataFrame, found: dict[str, str]) -> tuple[str, list[str]] | None:
    """(the date column, the columns each row totals by) of a summary without order numbers, else ``None``.

    A 月度销售汇总 (月份, 大区, 门店, 品类, 销售额, 目标) or a store's daily sales (Store, Date, Sales) names no order
    and no customer: each row is the total of a month (or a day) of a region, a store, a category. Its month is
    the rows' date (a month is read as its last day, :mod:`.dates`) and its dimensions their id, so the sheet
    gives sales by month, region, channel and product line, and its targets beside them. A file of days is such
    a summary only when its dates have no time of day, no two rows share a day and dimensions (a till's lines
    without receipt numbers repeat them), its rows fill at least half the grid of its days × dimension
    combinations (every store every day) and no other column numbers its rows one by one (an order number).
    """
    if "order_id" in found or "customer_id" in found or "customer_name" in found:
        return None
    if not ({"amount", "unit_price"} & set(found)):
        return None
    column = found.get("order_date") or found.get("period")
    if column is None or column not in frame.columns:
        return None
    values = frame[column].dropna()
    text = (values.astype("Int64") if pd.api.types.is_numeric_dtype(values) else values).astype("str").str.strip()
    dimensions = [found[c] for c in DIMENSIONS if c in found and c != "order_date" and found[c] in frame.columns]
    parts = [column, *dimensions]
    if _row_ids(frame, found):
        return None
    if len(text) and text.str.fullmatch(MONTH_ONLY).mean() >= NUMERIC:
        return column, parts
    dates = parse_dates(values)[0]
    if not dimensions or not len(dates) or dates.isna().mean() > 1 - NUMERIC or (dates != dates.dt.normalize()).any():
        return None
    if frame.duplicated(parts).mean() > REPEATED:
        return None
    days, cells = dates.nunique(), len(frame[dimensions].drop_duplicates())
    return (column, parts) if days >= GRID_DAYS and len(frame) >= GRID_FILLED * days * cells else None


def _row_ids(frame: pd.DataFrame, found: dict[str, str]) -> bool:
    """Whether a column no concept took holds a different code on nearly every row: an order number unrecognised.

    A sales export (销售日期, 销售区域, 销售渠道, 销售订单 182894-455, …) is sales, not a summary of days, though no two
    of its rows share a day, a region and a channel. A row number (1, 2, 3 …) is no such code.
    """
    taken = set(found.values())
    for column in frame.columns:
        if column in taken or normalise(str(column)) in HEADCOUNT_NAMES:  # Customers: a count, however varied
            continue
        values = frame[column].dropna()
        if len(values) < 2 or values.nunique() < UNIQUE_IDS * len(frame):
            continue
        numbers = parse_number(values)[0]
        if numbers.notna().all() and (numbers.diff().dropna() == 1).all():
            continue  # 序号: the rows' own numbering
        if numbers.notna().mean() < NUMERIC or (numbers % 1 == 0).all():
            return True  # codes, or whole numbers that are no amounts
    return False


def order_count(frame: pd.DataFrame, found: dict[str, str]) -> tuple[str, list[str]] | None:
    """(the order-count column, the columns each row totals by) of a summary without order numbers, else ``None``.

    A column named as an order count (订单量, 订单数, 单数) holding whole numbers, in a file where no order number
    was recognised: each row sums the orders of a day, a category, a region (``found``'s date and dimensions).
    """
    column = named_column(frame, ORDER_COUNT_NAMES)
    if column is None or "order_id" in found or column in found.values():
        return None
    counts = parse_number(frame[column].dropna())[0]
    if not len(counts) or counts.isna().mean() > 1 - NUMERIC or (counts.dropna() % 1 != 0).any():
        return None
    return column, [found[c] for c in DIMENSIONS if c in found]


def summary_ids(
    frame: pd.DataFrame, found: dict[str, str]
) -> tuple[dict[str, str], tuple[str, list[str]] | None, tuple[str, list[str]] | None]:
    """``found`` with the id a summary's rows go by; its (order count, dimensions) and (month column, dimensions).

    A summary's month or day is its date (:func:`period_totals`); a count of orders per row (:func:`order_count`)
    then makes each row that many orders, else each row is one period's total.
    """
    monthly = period_totals(frame, found)
    if monthly:
        found = {**found, "order_date": monthly[0]}
    summary = order_count(frame, found)
    if summary and summary[1]:
        return {**found, "order_id": joined_name(summary[1]), "order_count": summary[0]}, summary, monthly
    if monthly:
        found = {**found, "order_id": joined_name(monthly[1])}
        if {"product_id", "product_name", "product_line"} & set(found) and not {"quantity", "unit_price"} & set(found):
            found |= {"quantity": ONE_UNIT, "unit_price": found["amount"]}  # a category's month: one line of its total
        return found, summary, monthly
    return found, summary, None
