"""Column parsers: each contract kind (id, text, date, timestamp, number, count, score, month) from raw values.

Values that cannot be parsed are reported as problems with example rows, never silently turned into NaT/NaN.
Ids stay text (Excel's ``1001.0`` → ``1001``), dates are read by :mod:`salesnb.data.dates` (ISO, ``2026/1/5``,
``2026年1月5日``, ``10/5/2026`` with the day/month order read from the data or declared, Excel serials),
amounts accept thousands separators (``1,234.5``), months ``2026-01``, ``2026年1月`` or ``202601``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import validation
from .column_words import unnamed_customers
from .contract import COUNT, DATE, ID, NUMBER, PERIOD, SCORE, TABLES, TEXT, TIMESTAMP
from .dataset import Mapping
from .dates import named_period, no_such_day, parse_dates
from .messages import Message

KIND_DTYPES: dict[str, str] = {
    ID: "str",
    TEXT: "str",
    PERIOD: "str",
    DATE: "datetime64[ns]",
    TIMESTAMP: "datetime64[ns]",
    NUMBER: "float64",
    COUNT: "float64",
    SCORE: "float64",
}

_INT_LIKE = r"^(-?\d+)\.0+$"  # "1001.0" written by Excel/parquet for an integer id
_GROUPED_NUMBER = r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?"  # "1,234.5"; "1,5" is not accepted
_MONTH = r"^(\d{4})(?:\s*[-/年+]\s*(\d{1,2})\s*(?:月份?)?|(\d{2}))$"  # 2026-01, 2026/01, 2026年1月, 202601, 2026 + 1


# --------------------------------------------------------------------------------------------------- parsing


def _as_text(values: pd.Series, *, int_like: bool) -> pd.Series:
    """Values as ``str`` dtype; integer-valued floats (1001.0) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values):
        finite = values.dropna()
        if len(finite) and np.isfinite(finite).all() and (finite == np.floor(finite)).all():
            values = values.astype("Int64")
        int_like = True
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("str").str.strip()
        values = values.mask(values == "")
    if int_like and values.str.contains(".", regex=False).any():
        values = values.str.replace(_INT_LIKE, r"\1", regex=True)
    return values


def _parse_text(values: pd.Series) -> tuple[pd.Series, None]:
    return _as_text(values, int_like=False), None


def id_text(values: pd.Series) -> pd.Series:
    """Id values as the contract reads them: text, an integer-valued number without its ``.0``."""
    return _as_text(values, int_like=True)


def _parse_id(values: pd.Series) -> tuple[pd.Series, None]:
    return id_text(values), None


def _parse_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    parsed, failed, _ = parse_dates(values)
    return parsed, failed


def _text_to_float(text: pd.Series) -> pd.Series:
    """Parse text as float64: Arrow's cast when every value is a plain number (fast), else ``pd.to_numeric``."""
    try:
        cast = pc.cast(pa.array(text.array, from_pandas=True), pa.float64())
        return pd.Series(cast.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """Numbers (float64) from raw values, and the mask of values that are not numbers (``None``: all are)."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("float64")
        infinite = np.isinf(numbers)
        return numbers.mask(infinite), infinite
    text = _as_text(values, int_like=False)
    commas = text.str.contains(",", regex=False).fillna(False).astype(bool)
    if commas.any():
        grouped = text[commas].str.fullmatch(_GROUPED_NUMBER).fillna(False).astype(bool)
        fixed = text[commas][grouped].str.replace(",", "", regex=False)
        text = text.copy()
        text[fixed.index] = fixed
    numbers = _text_to_float(text)
    failed = text.notna() & numbers.isna()
    if failed.any():  # ¥1,234.50, $12.00, 1,234.50元, (123.45), 12.5%: numbers as a formatted sheet shows them
        numbers[failed] = _formatted(text[failed])
    numbers = numbers.mask(np.isinf(numbers))
    return numbers, text.notna() & numbers.isna()


_CURRENCY_BEFORE = r"^\s*([+-]?)\s*(?:[¥￥$€£]|RMB|CNY|USD|EUR)\s*"  # -¥5: the sign stays
_CURRENCY_AFTER = r"\s*(?:元|RMB|CNY|USD|EUR)\s*$"


def _formatted(text: pd.Series) -> pd.Series:
    """Numbers written as a formatted spreadsheet cell shows them, saved as text; NaN for anything else.

    A currency sign or code (``¥1,234.50``, ``$12.00``, ``1,234.50元``, ``RMB 100``), an accountant's negative
    ``(123.45)``, an accountant's zero (a lone dash: ``-``, ``¥ -``) and a percentage (``12.5%`` is 0.125) are
    read; Excel writes the displayed text into a CSV.
    """
    bare = (
        text.str.replace(_CURRENCY_BEFORE, r"\1", regex=True).str.replace(_CURRENCY_AFTER, "", regex=True).str.strip()
    )
    bare = bare.mask(bare.str.fullmatch(r"[-–—]").fillna(False).astype(bool), "0")
    negative = bare.str.fullmatch(r"\(.*\)").fillna(False).astype(bool)
    bare = bare.where(~negative, bare.str[1:-1])
    percent = bare.str.endswith("%").fillna(False).astype(bool)
    bare = bare.where(~percent, bare.str[:-1])
    grouped = bare.str.fullmatch(_GROUPED_NUMBER).fillna(False).astype(bool)
    bare = bare.where(~grouped, bare.str.replace(",", "", regex=False))
    numbers = pd.to_numeric(bare, errors="coerce").astype("float64")
    return numbers.where(~negative, -numbers).where(~percent, numbers / 100)


def _parse_period(values: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m").astype("str"), None
    text = _as_text(values, int_like=True)
    parts = text.str.extract(_MONTH)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1].fillna(parts[2]), errors="coerce")
    named = text.notna() & month.isna()
    if named.any():  # Apr-18, April 2018: the month by its name
        year[named], month[named] = named_period(text[named])
    guess = text.notna() & month.isna()
    if guess.any():  # a full date names its month
        dates, _, _ = parse_dates(text[guess])
        year[guess], month[guess] = dates.dt.year, dates.dt.month
    ok = month.between(1, 12) & year.notna()
    period = year.astype("Int64").astype("str").str.cat(month.astype("Int64").astype("str").str.zfill(2), sep="-")
    return period.where(ok).astype("str"), text.notna() & ~ok


_PARSERS: dict[str, Callable[[pd.Series], tuple[pd.Series, pd.Series | None]]] = {
    ID: _parse_id,
    TEXT: _parse_text,
    DATE: _parse_datetime,
    TIMESTAMP: _parse_datetime,
    NUMBER: parse_number,
    COUNT: parse_number,
    SCORE: parse_number,
    PERIOD: _parse_period,
}
_EXPECT_NUMBER = "problem_expect_number"
_PARSE_PROBLEMS: dict[str, tuple[str, Message]] = {  # kind -> (text key of what fails, what was expected)
    DATE: ("problem_unparseable_date", Message("problem_expect_date")),
    TIMESTAMP: ("problem_unparseable_timestamp", Message("problem_expect_timestamp")),
    NUMBER: ("problem_not_a_number", Message(_EXPECT_NUMBER, example="1234.5")),
    COUNT: ("problem_not_a_number", Message(_EXPECT_NUMBER, example="12")),
    SCORE: ("problem_not_a_number", Message(_EXPECT_NUMBER, example="8")),
    PERIOD: ("problem_unparseable_month", Message("problem_expect_month")),
}


# What a cell may hold for "no value" (pandas' own list of empty markers), read as missing in every column. Not
# "NA": it is a real code in text (North America, Namibia), so only a number or a date column reads it as empty.
MISSING_MARKERS: tuple[str, ...] = tuple(
    sorted(
        {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A"}
        | {"NULL", "NaN", "None", "n/a", "nan", "null"}
    )
)
NOT_A_NUMBER = "NA"  # ... which a number or date column reads as missing too


def _empty_column(kind: str, index: pd.Index) -> pd.Series:
    return pd.Series(index=index, dtype=KIND_DTYPES[kind])


def anonymous_buyers(order_ids: pd.Series) -> pd.Series:
    """One unnamed buyer per order, for orders without a customer column (a till or marketplace export).

    Figures by region, channel, product and rep stay whole; the sections that need to know who bought again
    declare ``orders.customer_id`` among their needs and say the column is missing instead.
    """
    return order_ids.copy()


def coerce_table(
    name: str, raw: pd.DataFrame, mapping: Mapping | None = None
) -> tuple[pd.DataFrame, frozenset[str], list[str], dict]:
    """Parse every contract column of one table; returns frame, present columns, problems, failed positions.

    ``mapping`` supplies the declared date order and formats (``dates:`` in the mapping file).
    """
    table = TABLES[name]
    if table.key == "customer_id" and "customer_id" in raw.columns:  # the 散客 pool is no customer of its own
        raw = raw[~unnamed_customers(id_text(raw["customer_id"])).to_numpy()]
    raw = raw.reset_index(drop=True)
    present = frozenset(c for c in raw.columns if table.column(c) is not None)
    columns, failures = {}, {}
    for column in raw.columns:
        spec = table.column(column)
        if spec is None:
            columns[column] = raw[column]
            continue
        hint = None
        values = raw[column] if spec.kind in (ID, TEXT) else raw[column].mask(raw[column].eq(NOT_A_NUMBER))
        if spec.kind in (DATE, TIMESTAMP) and mapping is not None:
            fmt = mapping.date_format(name, column)
            columns[column], failed, hint = parse_dates(values, dayfirst=mapping.dayfirst, fmt=fmt)
        else:
            columns[column], failed = _PARSERS[spec.kind](values)
        if column == "customer_id":  # 散客, walk-in: a sale to no customer on record, as an empty cell
            columns[column] = columns[column].mask(unnamed_customers(columns[column]))
        if failed is not None and failed.any():
            failures[column] = (spec.kind, failed.to_numpy(dtype=bool), hint)
    for spec in table.columns:
        if spec.name not in columns:
            columns[spec.name] = _empty_column(spec.kind, raw.index)
    if name == "orders" and "customer_id" not in present:
        columns["customer_id"] = anonymous_buyers(columns["order_id"])
    contract = [c.name for c in table.columns]
    frame = pd.DataFrame(columns, index=raw.index)[contract + [c for c in raw.columns if c not in contract]]
    problems, positions = [], {}
    for column, (kind, failed, hint) in failures.items():
        what, expected = _PARSE_PROBLEMS[kind]
        absent = np.zeros_like(failed)
        if kind in (DATE, TIMESTAMP):
            absent = no_such_day(raw[column]).to_numpy(dtype=bool) & failed
        if absent.any():  # 2018-02-29: the right form, a day the calendar lacks
            user = mapping.renames(name).get(column, column) if mapping is not None else column
            problems.append(_no_such_day_problem(frame, name, (column, user), absent, raw[column]))
        if (failed & ~absent).any():
            hint = _excel_error_hint(mapping, name, column, raw[column][failed & ~absent]) or hint
            line = validation.row_problem(
                frame, name, column, failed & ~absent, what, values=raw[column], hint=hint or expected
            )
            problems.append(line)
        positions[(name, column)] = np.flatnonzero(failed)
    return frame, present, problems, positions


EXCEL_ERROR = r"#(?:VALUE!|DIV/0!|REF!|NAME\?|NUM!|NULL!|N/A|SPILL!|CALC!|FIELD!|BLOCKED!|GETTING_DATA)"


def _excel_error_hint(mapping: Mapping | None, name: str, column: str, failed: pd.Series) -> Message | None:
    """When every failing cell is a spreadsheet's formula error (``#VALUE!``, ``#DIV/0!``), say so and how to go on.

    The cell's value is lost in the sheet itself (a formula that could not compute), so no reading can recover it:
    the manager mends the formula, or leaves those rows out by the exact texts the hint lists.
    """
    texts = failed.astype("str").str.strip()
    if not len(texts) or not texts.str.fullmatch(EXCEL_ERROR).all():
        return None
    user = mapping.renames(name).get(column, column) if mapping is not None else column
    listed = ", ".join(json.dumps(v, ensure_ascii=False) for v in dict.fromkeys(failed.astype("str")))
    return Message("problem_hint_excel_error", table=name, column=user, values=listed)


def _no_such_day_problem(
    frame: pd.DataFrame, name: str, column: tuple[str, str], absent: np.ndarray, raw: pd.Series
) -> Message:
    """``有 23 行日期不存在 …；2018 年 2 月没有 29 日``: named after the first such value.

    ``column``: the contract's name and the user's. When the rows hold a few distinct texts (a pharmacy's 23 sales
    on ``2018-02-29 星期一``), the hint also gives the exclude leaving them out: a manager cannot mend the system.
    """
    first = raw.iloc[int(np.flatnonzero(absent)[0])]
    year, month, day = (int(p) for p in re.findall(r"\d+", str(first))[:3])
    texts = list(dict.fromkeys(raw[absent].astype(str)))
    listed = ", ".join(json.dumps(v, ensure_ascii=False) for v in texts)
    hint = (
        Message("problem_hint_no_such_day_exclude", year=year, month=month, day=day, table=name, column=column[1],
                values=listed)
        if len(texts) <= validation.MAX_EXAMPLES and not str(column[1]).startswith("=")
        else Message("problem_hint_no_such_day", year=year, month=month, day=day)
    )  # fmt: skip
    return validation.row_problem(frame, name, column[0], absent, "problem_no_such_day", values=raw, hint=hint)
