"""Rows of an export that are no sale and are skipped before mapping: empty rows, and total or subtotal rows.

Each kind is said in one warning naming the file's rows; the kept rows carry their position in the file
(:data:`~.validation.FILE_ROW`), so every later problem still names the file's row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .column_words import SIMPLIFIED
from .messages import Message, counted
from .parsing import parse_number
from .validation import FILE_ROW

TRAILING_ROWS = 3  # rows at a file's end looked at for an unlabelled row of column sums
SUM_TOLERANCE = 0.005  # a cell is its column's sum within 0.5 % (and a cent): rounded in the export


EMPTY_ROWS_LISTED = 10  # file rows named in the warning about empty rows


TOTAL_WORDS = frozenset(
    {"合计", "总计", "小计", "总合计", "累计", "汇总", "total", "totals", "grandtotal", "subtotal", "sum"}
)
# a label naming what it totals: 1月小计, 华东区合计, 本页合计, January Total, Total for January (at most so long)
TOTAL_LABEL = r"^.{1,10}(?:小计|合计|总计|汇总|累计)$|^(?:sub|grand\s*)?totals?\b|\b(?:sub)?totals?$"


def skip_rows_without_sales(
    frame: pd.DataFrame, where: str, first_line: int | None = None
) -> tuple[pd.DataFrame, list[Message]]:
    """``frame`` without its empty rows, total rows and repeated header rows, and a warning naming each kind.

    An empty row in the middle of a sheet (a deleted line, a separator) holds nothing to check: reported per
    required column it became four "empty required value" errors blocking the data. A total row (合计, 合計, 小计,
    Total in its first filled cell, the sums beside it; or a row of sums at the end, :func:`unlabelled_sums`) is
    no sale: kept, it blocked the data with an empty order id, or would count the month twice. The kept rows
    carry their position in the file (:data:`~.validation.FILE_ROW`), so every later problem still names the
    file's row: ``first_line`` is how many lines of the file stand above the frame's first row (its header);
    ``None`` for rows of no file (a database table), which carry their position only when rows were left out.
    """
    start = first_line or 0
    if not len(frame.columns):
        return frame, []
    empty, total = rows_without_sales(frame)
    header = repeated_headers(frame) & ~(empty | total)
    skipped = empty | total | header
    if not skipped.any():
        if first_line is not None:
            frame[FILE_ROW] = np.arange(start, start + len(frame))  # a new column: no copy of the others
        return frame, []
    kept = frame.loc[~skipped].assign(**{FILE_ROW: np.flatnonzero(~skipped) + start})
    found = []
    for rows, key in ((empty, "problem_empty_rows"), (total, "problem_total_rows"), (header, "problem_header_rows")):
        if rows.any():
            numbers = np.flatnonzero(rows) + start + 1  # the file's rows, 1-based, as problems name them
            listed = ", ".join(map(str, numbers[:EMPTY_ROWS_LISTED])) + (
                " …" if len(numbers) > EMPTY_ROWS_LISTED else ""
            )
            found.append(counted(key, len(numbers), where=where, rows=listed))
    return kept, found


def rows_without_sales(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(completely empty rows, total rows) of ``frame``: a 合计 label in a row's first filled cell, or column sums.

    The label may name what it totals (``1月小计``, ``华东区合计``, ``January Total``): a report with a subtotal under
    each month was refused for seven rows of no date and no order number.
    """
    first = frame.iloc[:, 0].astype(object)  # each row's first filled cell, column by column (no row copies)
    for column in frame.columns[1:]:
        first = first.where(first.notna(), frame[column])
    empty = first.isna().to_numpy()
    label = first[~empty].astype(str).str.strip(" \t:：").str.lower().str.translate(SIMPLIFIED)
    words = label.str.replace(r"[\s:：_-]", "", regex=True)
    named = label.str.contains(TOTAL_LABEL, regex=True) & frame.loc[~empty].isna().any(axis=1)  # a sale fills its row
    total = np.zeros(len(frame), dtype=bool)
    total[np.flatnonzero(~empty)] = (words.isin(TOTAL_WORDS) | named).to_numpy()
    return empty, total | unlabelled_sums(frame, empty | total)


def repeated_headers(frame: pd.DataFrame) -> np.ndarray:
    """The rows that repeat the header: each filled cell its column's name, two at least (exports pasted together).

    Monthly files appended one under another keep each file's header line (``Order ID,Product,…`` 35 times in a
    month of a shop's export); kept, each blocked the data as an unreadable date and two non-numbers.
    """
    found = np.zeros(len(frame), dtype=bool)
    names = pd.Index([str(c).strip().casefold() for c in frame.columns])
    first = frame.iloc[:, 0].astype("string").str.strip().str.casefold()
    candidates = np.flatnonzero((first == names[0]).fillna(False).to_numpy())
    if not len(candidates):
        return found
    rows = frame.iloc[candidates].astype("string").apply(lambda column: column.str.strip().str.casefold())
    same = (rows == pd.Series(names.to_numpy(), index=rows.columns)).fillna(False)
    found[candidates] = (same | rows.isna()).all(axis=1).to_numpy() & (same.sum(axis=1) >= 2).to_numpy()
    return found


def unlabelled_sums(frame: pd.DataFrame, skipped: np.ndarray) -> np.ndarray:
    """The rows at the end of ``frame`` that hold its columns' sums without a 合计 label (a POS or ERP footer).

    Such a row leaves empty a column nearly every other row fills (the date, the product) and every number in it
    is the sum of its column over the rows above, or their count: 数量 214, 销售金额 9,395.5 and 小票号 200
    under 200 lines. Kept, it blocked the data with an empty order date, or counted the month twice.
    """
    found = np.zeros(len(frame), dtype=bool)
    body = ~skipped
    if body.sum() <= TRAILING_ROWS:
        return found
    last = np.flatnonzero(body)[-TRAILING_ROWS:]
    sales = body.copy()
    sales[last] = False
    filled = frame.iloc[np.flatnonzero(sales)].notna().mean()
    usual = filled.index[filled >= 0.9]  # the columns a sale fills
    for at in last:
        row = frame.iloc[at]
        if row[usual].notna().all() or row.notna().sum() == 0:
            continue
        numbers, _ = parse_number(row.dropna())
        if numbers.isna().any():  # a text cell: a row of its own, not sums
            continue
        before = np.flatnonzero(body[:at] & ~found[:at])  # the sales above it
        sums = pd.Series({c: _column_sum(frame[c].iloc[before]) for c in numbers.index})
        agree = ((numbers - sums).abs() <= np.maximum(SUM_TOLERANCE * sums.abs(), 0.01)) | (numbers == len(before))
        if agree.all() and (numbers.abs() > 0).any():
            found[at] = True
    return found


def _column_sum(values: pd.Series) -> float:
    numbers, _ = parse_number(values.dropna())
    return float(numbers.sum())
