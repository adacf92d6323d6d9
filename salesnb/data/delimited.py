"""Delimited text exports: which character separates a file's fields, and whether its first line is a header.

Excel saves a ``.csv`` with commas, but with semicolons where the decimal mark is a comma; ERP and till systems
export ``.txt`` or ``.tsv`` with tabs, ``|`` or runs of spaces (CDNOW's ``00001 20210101  1   11.77``), sometimes
with no header line at all. Read with commas, such a file became one column and could not be mapped.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from .dates import parse_dates
from .encodings import _sample
from .parsing import parse_number

TEXT_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv")
SEPARATORS = ("\t", ",", ";", "|")  # tried in this order: the first each sampled line holds equally often wins
SPACES = r"\s+"  # fields aligned by runs of spaces
SAMPLE_LINES = 20
TITLE_LINES = 10  # lines searched for the header under a title written without separators
HEADERLESS_NAME = "列{k}"  # the name of column k of a file without a header line
_COMMA_NUMBER = r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?|[+-]?\d+(,\d+)?"  # 1.234,56  1963,1  0,075  12
_ONLY_COMMA_DECIMAL = r"[+-]?\d{1,3}(\.\d{3})+,\d+|[+-]?\d+,(\d{1,2}|\d{4,})|[+-]?\d{4,},\d+|[+-]?0,\d+"


def separator(path: Path, encoding: str) -> str:
    """The field separator of a delimited text file, read from its first lines in ``encoding``.

    A ``.csv`` whose header holds a comma is comma-separated, as always. Otherwise the separator is the first of
    tab, comma, semicolon and ``|`` that every sampled line holds the same number of times; failing those, runs of
    spaces when every line splits into the same number (two or more) of fields; else a comma.
    """
    try:
        text = _sample(path).decode(encoding)
    except UnicodeDecodeError:
        return ","
    lines = text.lstrip("\ufeff").splitlines()
    lines = [line for line in lines[_title_count(lines) :] if line.strip()][:SAMPLE_LINES]
    if not lines or (path.suffix.lower() == ".csv" and "," in lines[0]):
        return ","
    for candidate in SEPARATORS:
        counts = {line.count(candidate) for line in lines}
        if len(counts) == 1 and counts != {0}:
            return candidate
    widths = {len(line.split()) for line in lines}
    return SPACES if len(widths) == 1 and widths != {1} else ","


def title_lines(path: Path, encoding: str) -> int:
    """How many lines above the header are a title or an export note written without a separator (0: none).

    A report-style export starts ``销售明细表`` then ``导出时间：2019/1/2``, lines of one field above a header of
    eight: read as the header, they made the file one column, or a parser error naming line 3. Such lines are
    skipped, as a workbook's title rows are (:func:`~.loading.below_title`); a title padded with commas
    (``销售明细表,,,``, as Excel saves it) is left to that function.
    """
    try:
        text = _sample(path).decode(encoding)
    except UnicodeDecodeError:
        return 0
    return _title_count(text.lstrip("\ufeff").splitlines())


def _title_count(lines: list[str]) -> int:
    """How many leading lines stand above the header.

    Lines (blank ones too) holding no separator, when one of the next few holds one; then any note lines of a few
    fields (``查询条件：…,制表人：admin,打印日期：…``) above a header at least twice as wide.
    """
    for at, line in enumerate(lines[:TITLE_LINES]):
        if any(mark in line for mark in SEPARATORS):
            return at + _narrow_notes(lines[at : at + TITLE_LINES + SAMPLE_LINES])
    return 0


def _narrow_notes(lines: list[str]) -> int:
    """How many of the first lines are notes (or blank) of at most half the fields of the lines below them.

    The width of the rows below is the one most of them have, read with the first separator of the first line
    giving two fields or more; a header as wide as its rows, or one short of trailing commas, is no note.
    """
    for mark in SEPARATORS:
        if mark not in lines[0]:  # the note separates its fields as the header does (id;price: no comma note)
            continue
        widths = [len(row) if row else 0 for row in csv.reader(lines, delimiter=mark)]
        filled = [w for w in widths if w]
        if len(filled) < 3:
            continue
        wide = max(sorted(set(filled)), key=filled.count)
        if wide < 2 or filled.count(wide) * 2 <= len(filled):  # no width most rows share: no header to be under
            continue
        at = 0
        while at < min(TITLE_LINES, len(widths) - 1) and widths[at] * 2 <= wide:
            at += 1
        return at
    return 0


def headerless(columns: pd.Index) -> bool:
    """Whether a file's first line is data rather than names: every cell of it a number or a date.

    A header names its columns in words (订单编号, order_date); a first line of ``00001, 20210101, 1, 11.77`` is
    the first sale, and reading it as names would lose that sale and name every column by a value.
    """
    cells = pd.Series([re.sub(r"\.\d+$", "", str(c)).strip() for c in columns], dtype="str")  # pandas' x.1 renames
    if len(cells) < 2 or cells.eq("").any() or cells.str.startswith("Unnamed:").any():
        return False
    numbers, _ = parse_number(cells)
    dates, _, _ = parse_dates(cells)
    return bool((numbers.notna() | dates.notna()).all())


def headerless_names(width: int) -> list[str]:
    """Names for the columns of a file without a header: 列1, 列2 …, in the order of the file."""
    return [HEADERLESS_NAME.format(k=k) for k in range(1, width + 1)]


def point_decimals(frame: pd.DataFrame) -> pd.DataFrame:
    """A file's numbers written with a decimal comma (``1963,1``, ``0,075``, ``1.234,56``) as a decimal point.

    Excel in most of Europe writes its CSV so, with semicolons between the fields; read as written, ``1963,1``
    was no number (the prices and quantities went unrecognised, ``map`` wrote a draft, ``validate`` refused the
    rows) and ``0,075`` read as the thousands-grouped 75. Called for files not separated by commas only: a column
    is rewritten when every value is such a number and one at least has a comma that no thousands grouping
    explains (``1,500`` alone stays as written).
    """
    out = frame.copy()
    for column in frame.columns:
        text = frame[column].dropna().astype("str").str.strip()
        commas = text[text.str.contains(",", regex=False)]
        if commas.empty or not commas.str.fullmatch(_ONLY_COMMA_DECIMAL).any():
            continue
        if text.str.fullmatch(_COMMA_NUMBER).all():
            written = out[column].astype("str").str.strip()
            decimal = written.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            out[column] = decimal.where(frame[column].notna(), frame[column])
    return out
