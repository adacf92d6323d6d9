"""Targets kept one column per month (目标分解表: 年份, 销售员, 1月 … 12月), read as one row per month.

A company's target sheet is usually wide: a row per rep (or region, product line) and year, a column per month.
``map`` left such a sheet out as unused columns and the reports had no target. The mapping names the month
columns and, when their names carry no year, the year column::

    targets: {period: {year: 年份, months: [1月, 2月, 3月]}, rep_id: 销售员}

Loading makes each filled month cell a row (its period, its amount as ``target_amount``); an empty cell is no
target. ``map`` proposes it for a sheet of month columns beside a rep, region or product line and no sale.
"""

from __future__ import annotations

import re

import pandas as pd

from .messages import Message
from .shapes import month_columns

MONTHS, YEAR = "months", "year"  # the keys of ``period: {year: …, months: […]}``
_CHINESE = dict(zip("一 二 三 四 五 六 七 八 九 十 十一 十二".split(), range(1, 13), strict=True))
_ENGLISH = dict(zip("jan feb mar apr may jun jul aug sep oct nov dec".split(), range(1, 13), strict=True))
_MONTH_ONLY = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?")  # 1月, 十二月, 3月份
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")  # 2024-01, 2024年1月
_ENGLISH_MONTH = re.compile(r"([a-z]{3})[a-z]*\.?(?:[-\s']?(\d{2}|\d{4}))?", re.IGNORECASE)  # Jan, March, Mar-24
TARGET_WORDS = re.compile(r"目标|指标|任务|配额|target|quota|goal", re.IGNORECASE)  # in the sheet's or a column's name
YEAR_NAMES = re.compile(r"年份?|年度|目标年度|year|fiscal\s*year|fy", re.IGNORECASE)  # the year column's name


def month_of(name: object) -> tuple[int | None, int] | None:
    """(year or ``None``, month) a month column's name says: ``1月`` → (None, 1), ``2024年1月`` → (2024, 1)."""
    text = str(name).strip()
    if match := _MONTH_ONLY.fullmatch(text):
        number = match[1]
        month = int(number) if number.isdigit() else _CHINESE.get(number)
        return (None, month) if month and 1 <= month <= 12 else None
    if match := _YEAR_MONTH.fullmatch(text):
        return (int(match[1]), int(match[2])) if 1 <= int(match[2]) <= 12 else None
    if (match := _ENGLISH_MONTH.fullmatch(text)) and match[1].lower() in _ENGLISH:
        year = match[2] and int(match[2]) + (2000 if len(match[2]) == 2 else 0)
        return (year or None, _ENGLISH[match[1].lower()])
    return None


def wide_names(months: list[str]) -> tuple[str, str]:
    """The period and amount columns a melted sheet gets (named after its months, as ``map`` prints them)."""
    span = f"{months[0]} … {months[-1]}" if months else ""
    return f"月份（{span}）", f"目标（{span}）"


def melt_months(frame: pd.DataFrame, spec: dict, where: str) -> tuple[pd.DataFrame, list[Message]]:
    """One row per filled month cell of ``frame``: its other columns, the period ``YYYY-MM`` and the cell's amount.

    ``spec`` is the mapping's ``{year, months}`` (:attr:`~.dataset.Mapping.wide`); ``where`` names the sheet.

    Returns the rows and the problems: a month column the sheet lacks or whose name says no month, a year
    column missing, or a month without a year (neither its name nor a year column says one).
    """
    year, months = spec[YEAR], spec[MONTHS]
    period, amount = wide_names(months)
    lacking = [m for m in months if m not in frame.columns] + ([year] if year and year not in frame.columns else [])
    unread = [m for m in months if m in frame.columns and month_of(m) is None]
    if lacking or unread or not months:
        named = ", ".join(map(str, lacking + unread)) or "—"
        return frame.iloc[:0].assign(**{period: [], amount: []}), [
            Message("problem_wide_months", where=where, names=named)
        ]
    keep = [c for c in frame.columns if c not in months]
    parts, problems = [], []
    years = pd.to_numeric(frame[year], errors="coerce") if year else None
    for column in months:
        said, month = month_of(column)
        values = frame[column]
        filled = values.notna() & (values.astype("string").str.strip() != "")
        at = said if said else years
        if at is None:
            problems.append(Message("problem_wide_no_year", where=where, name=str(column)))
            continue
        rows = frame.loc[filled, keep].copy()
        year_of = at if isinstance(at, int) else at[filled]
        rows[period] = [
            f"{int(y):04d}-{month:02d}" if pd.notna(y) else None for y in pd.Series(year_of, index=rows.index)
        ]
        rows[amount] = values[filled]
        parts.append(rows)
    out = pd.concat(parts) if parts else frame.iloc[:0].assign(**{period: [], amount: []})
    return out.sort_index(kind="stable").reset_index(drop=True), problems


def wide_targets(frame: pd.DataFrame, found: dict[str, str], months: list[str]) -> tuple[dict[str, str], dict] | None:
    """(targets columns, ``{year, months}``) of a sheet of ``months`` beside a rep, region or line; else ``None``.

    No order id or date is there (a sales pivot by month is no target sheet only when it has those), and a year
    is said by a column named as one (年份, 年度, Year) or by every month's name.
    """
    if not months or found.get("order_id") or found.get("order_date"):
        return None
    dimension = {"rep_id": found.get("rep_id") or found.get("rep_name"), "region": found.get("region")}
    dimension["product_line"] = found.get("product_line")
    dimension = {c: u for c, u in dimension.items() if u and u not in months}
    year = next((str(c) for c in frame.columns if YEAR_NAMES.fullmatch(str(c).strip())), None)
    if not dimension or (year is None and any(month_of(m) is None or month_of(m)[0] is None for m in months)):
        return None
    period, amount = wide_names(months)
    return {"period": period, "target_amount": amount, **dimension}, {YEAR: year, MONTHS: months}


def month_sheet(
    name: str, frame: pd.DataFrame, found: dict[str, str]
) -> tuple[list[str], tuple[dict[str, str], dict] | None]:
    """The month columns of sheet ``name`` (:func:`~.shapes.month_columns`) and, for targets, :func:`wide_targets`.

    A sheet is of targets when its name or a column's says so (销售目标, 年度指标, Quota): months of sales by
    province (省份, 1月 … 6月) are a pivot of sales, not a target for each province.
    """
    months = month_columns(frame)
    said = TARGET_WORDS.search(name) or any(TARGET_WORDS.search(str(c)) for c in frame.columns)
    return months, (wide_targets(frame, found, months) if months and said else None)


def wide_mapping(columns: dict[str, dict], spec: dict | None) -> dict[str, dict]:
    """The mapping's columns with the targets' period written ``{year, months}`` (``spec``) and their cells implied."""
    if not spec or "targets" not in columns:
        return columns
    rest = {c: u for c, u in columns["targets"].items() if c not in ("period", "target_amount")}
    period = {YEAR: spec[YEAR], MONTHS: list(spec[MONTHS])} if spec[YEAR] else {MONTHS: list(spec[MONTHS])}
    return {**columns, "targets": {"period": period, **rest}}
