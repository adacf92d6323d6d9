"""Dates as exports write them: ISO, ``2026/10/05``, ``2026年10月5日``, ``10/5/2026``, ``20261005``, Excel serials.

Every step is vectorised over the column. The day/month order of ``10/5/2026`` is read from the data first: a
first part above 12 anywhere in the column means day-first, a second part above 12 month-first. Only when
every value is ambiguous does the mapping's declared order (``dates: {dayfirst: ...}``) decide; without one
the values are reported with a hint to declare it. A declared format (``dates: {formats: {order_date:
"%m/%d/%Y"}}``) is used as it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .messages import Message

_TS_MIN, _TS_MAX = pd.Timestamp.min, pd.Timestamp.max  # datetime64[ns] range
_YMD_SEPARATORS = r"[/.年月]"
_PARTS = (
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})"  # 10/5/2026, 5.10.26
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])[Mm])?)?$"  # optional time, 8:26 or 8:26:00 PM
)
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"  # 20261005
_SERIAL = r"^\d{5}(\.\d+)?$"  # Excel day number, e.g. 46300 (2026-10-05)
_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: a five-digit number outside is no date
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
AMBIGUOUS_HINT = "problem_ambiguous_dates"  # text key: dates such as 10/5/2026 ... declare dayfirst


def _iso(text: pd.Series) -> pd.Series:
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except ValueError:  # mixed UTC offsets: bring all to UTC
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def _from_parts(year, month, day, hour=None, minute=None, second=None) -> pd.Series:
    parts = {"year": year, "month": month, "day": day}
    for name, value in (("hour", hour), ("minute", minute), ("second", second)):
        if value is not None:
            parts[name] = value.fillna(0)
    frame = pd.DataFrame(parts).astype("float64")
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[us]")


def _day_month(text: pd.Series, dayfirst: bool | None) -> tuple[pd.Series, str | None]:
    """Parse ``10/5/2026``-like values; returns dates (NaT where not of that shape) and an ambiguity hint."""
    parts = text.str.extract(_PARTS)
    shaped = parts[0].notna()
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if not shaped.any():
        return result, None
    parts = parts[shaped]
    first, second = parts[0].astype(int), parts[1].astype(int)
    year = parts[2].astype(int)
    year = year.where(parts[2].str.len() == 4, year + np.where(year < 69, 2000, 1900))  # strftime's %y rule
    day_first_seen, month_first_seen = bool((first > 12).any()), bool((second > 12).any())
    hint = None
    if day_first_seen != month_first_seen:
        dayfirst = day_first_seen
    elif dayfirst is None:
        if day_first_seen:  # both seen: mixed orders, keep the more common reading and report the rest
            dayfirst = int((first > 12).sum()) >= int((second > 12).sum())
        else:
            return result, Message(AMBIGUOUS_HINT, example=repr(text[shaped].iloc[0]))
    day, month = (first, second) if dayfirst else (second, first)
    hour = pd.to_numeric(parts[3], errors="coerce")
    afternoon = parts[6].str.upper().eq("P").fillna(False).astype(bool)
    hour = hour.where(~parts[6].notna() | (hour != 12), 0) + np.where(afternoon, 12, 0)
    minute, second_ = pd.to_numeric(parts[4], errors="coerce"), pd.to_numeric(parts[5], errors="coerce")
    result[shaped] = _from_parts(year, month, day, hour, minute, second_)
    return result, hint


def parse_dates(
    values: pd.Series, *, dayfirst: bool | None = None, fmt: str | None = None
) -> tuple[pd.Series, pd.Series, str | None]:
    """Dates (``datetime64[ns]``) from raw values, the mask of values that failed, and a hint when ambiguous.

    ``values`` is text (or datetimes / Excel day numbers from a typed source). ``fmt`` forces one strftime
    format; ``dayfirst`` is the declared order, used only when the data cannot tell.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values):
        outside = (values < _TS_MIN) | (values > _TS_MAX)
        return values.mask(outside).astype("datetime64[ns]"), outside, None
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        values = values.astype("float64")
        serial = values.between(*_SERIAL_RANGE)
        parsed = (_EXCEL_EPOCH + pd.to_timedelta(values.where(serial), unit="D")).astype("datetime64[ns]")
        return parsed, values.notna() & parsed.isna(), None
    text = values.astype("str").str.strip()
    text = text.mask(text == "")
    codes, uniques = pd.factorize(text)
    if 0 < len(uniques) < len(text) // 2:  # exports repeat dates: parse each distinct text once
        parsed, failed, hint = _parse_text(pd.Series(uniques, dtype="str"), dayfirst, fmt)
        parsed = pd.Series(parsed.to_numpy().take(codes), index=text.index).where(codes >= 0)
        failed = pd.Series(failed.to_numpy().take(codes) & (codes >= 0), index=text.index)
        return parsed.astype("datetime64[ns]"), failed, hint
    return _parse_text(text, dayfirst, fmt)


def _parse_text(text: pd.Series, dayfirst: bool | None, fmt: str | None) -> tuple[pd.Series, pd.Series, str | None]:
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        return parsed.astype("datetime64[ns]"), text.notna() & parsed.isna(), None
    parsed = _iso(text).astype("datetime64[us]")
    hint = None
    failed = text.notna() & parsed.isna()
    if failed.any():  # 2026/1/5, 2026.01.05, 2026年1月5日
        retry = text[failed].str.replace(_YMD_SEPARATORS, "-", regex=True).str.replace("日", "", regex=False)
        parsed[failed] = _iso(retry).astype("datetime64[us]")
        failed = text.notna() & parsed.isna()
    if failed.any():  # 10/5/2026 and 5.10.26, day/month order read from the data
        found, hint = _day_month(text[failed], dayfirst)
        parsed[failed] = found
        failed = text.notna() & parsed.isna()
    if failed.any():  # 20261005
        parts = text[failed].str.extract(_COMPACT).astype("float64")
        if parts[0].notna().any():
            parsed[failed] = _from_parts(parts[0], parts[1], parts[2])
            failed = text.notna() & parsed.isna()
    if failed.any():  # Excel serial day numbers written as text
        serial = text[failed].str.fullmatch(_SERIAL).fillna(False).astype(bool)
        days = pd.to_numeric(text[failed][serial], errors="coerce")
        days = days[days.between(*_SERIAL_RANGE)]
        if len(days):
            parsed[days.index] = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).astype("datetime64[us]")
    outside = (parsed < _TS_MIN) | (parsed > _TS_MAX)
    parsed = parsed.mask(outside).astype("datetime64[ns]")
    failed = text.notna() & parsed.isna()
    return parsed, failed, hint if failed.any() else None
