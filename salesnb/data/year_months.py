"""A year and a month kept in two columns (年份 2024, 月份 1 … 12): one month, the date of a summary's rows.

Chinese monthly summaries (月度销售汇总) and target sheets often write 年份 and 月份 apart. 月份 alone (1 … 12) names no
month of any one year, so ``map`` found no date in such a sheet. The two columns make one id-like column
(``order_date: {per: [年份, 月份]}``, its values ``2024 + 1``), which :mod:`.dates` reads as that month's last day
and a target's period as ``2024-01``.
"""

from __future__ import annotations

import re

import pandas as pd

from .dataset import JOINED, joined_name
from .parsing import id_text, parse_number
from .wide_targets import YEAR_NAMES

MONTH_NAMES = re.compile(r"月份?|month|mon|mth", re.IGNORECASE)  # the month column's name
READ = 0.95  # share of a column's filled values that must be a year (1990 … 2100) or a month (1 … 12)


def year_month(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str] | None]:
    """``frame`` with its year and month columns joined as one column (``年份 + 月份``), and the two names.

    Only a column named as a year holding years beside one named as a month holding 1 … 12 (or 1月 … 12月);
    ``(frame, None)`` otherwise.
    """
    parts = year_month_columns(frame)
    if parts is None or joined_name(parts) in frame.columns:
        return frame, parts
    year, month = parts
    name = joined_name(parts)
    values = id_text(frame[year]).astype("object") + JOINED + id_text(frame[month]).astype("object")
    return frame.assign(**{name: values.astype("str")}), [year, month]


def year_month_columns(frame: pd.DataFrame) -> list[str] | None:
    """[the year column, the month column] of ``frame`` (:func:`year_month`), else ``None``."""
    year, month = _column(frame, YEAR_NAMES, 1990, 2100), _column(frame, MONTH_NAMES, 1, 12)
    return None if year is None or month is None else [year, month]


def _column(frame: pd.DataFrame, names: re.Pattern, low: int, high: int) -> str | None:
    """The first column named by ``names`` whose filled values are whole numbers from ``low`` to ``high``."""
    for column in frame.columns:
        if not names.fullmatch(str(column).strip()):
            continue
        values = frame[column].dropna().astype("str").str.strip().str.removesuffix("月")
        numbers = parse_number(values)[0]
        if len(values) and (numbers.between(low, high) & (numbers % 1 == 0)).mean() >= READ:
            return str(column)
    return None


def dated_by_year_month(frame: pd.DataFrame, found: dict[str, str]) -> None:
    """Take the joined 年份 + 月份 column (:func:`year_month`, when the frame has it) as the month of ``found``.

    It is the target's period in place of the bare 月份 (1 … 12 names no month), and the rows' date when no
    column says one.
    """
    parts = year_month_columns(frame)
    name = joined_name(parts) if parts else None
    if name is None or name not in frame.columns:
        return
    if found.get("period") in (*parts, None) and "target_amount" in found:
        found["period"] = name
    if "order_date" not in found:
        found["order_date"] = name
