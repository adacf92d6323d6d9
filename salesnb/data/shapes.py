"""Files whose rows are not sales (``salesnb map``): a pivot by month, a column per month.

Such a file has no order to map: a pivot's row is a place or a product and its columns months (排名, 省份,
城市, 1月 … 6月, 总额). Drafting orders from it offered its cities as order numbers; ``map`` says instead that it
must be exported as detail rows, one row per order or order line.
"""

from __future__ import annotations

import re

import pandas as pd

from .parsing import parse_number

MONTH_NAMES = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?"  # 1月, 十二月, 3月份
    r"|\d{4}\s*[-/.年]\s*\d{1,2}\s*月?"  # 2024-01, 2024年1月
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:[-\s']?\d{2,4})?",  # Jan, Mar-24
    re.IGNORECASE,
)
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
