"""Dates as exports write them: ISO, ``2026/10/05``, ``2026年10月5日``, ``10/5/2026``, ``1-Jan-2026``, Excel serials.

A trailing weekday (``2018-01-01 星期一``, ``周一``, ``(一)``, ``Mon``), as POS and Chinese office exports add it,
is dropped before reading: the date says the day, and a weekday that disagrees with it does not reject it.
A value of a date's shape that names no day of the calendar (``2018-02-29``) is told apart by
:func:`no_such_day`, so the user reads "that day does not exist" rather than "expected YYYY-MM-DD".

Every step is vectorised over the column. The day/month order of ``10/5/2026`` is read from the data first: a
first part above 12 anywhere in the column means day-first, a second part above 12 month-first. Only when
every value is ambiguous does the mapping's declared order (``dates: {dayfirst: ...}``) decide; without one
the values are reported with a hint to declare it. A declared format (``dates: {formats: {order_date:
"%m/%d/%Y"}}``) is used as it is. A month spelt out (``1-Jan-2026``, ``Jan 1, 2026``) says the order itself;
``20261005`` is read year first, and so is ``24-11-05`` when its first parts take fewer values than its last.

A month without a day (``2026-10``, ``2026/10``, ``2026年10月``, ``202610``, also as the number 202610) is a monthly
total's date, as a summary export (月度销售汇总) gives it: it is read as that month's last day, so the data reaches
the month's end and its last month is complete, not cut after day 1 (:func:`~.facts.through_day`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .messages import Message

_TS_MIN, _TS_MAX = pd.Timestamp.min, pd.Timestamp.max  # datetime64[ns] range
_YMD_SEPARATORS = r"[/.年月]"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"  # 20261005
_SERIAL = r"^\d{5}(\.\d+)?$"  # Excel day number, e.g. 46300 (2026-10-05)
_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: a five-digit number outside is no date
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
AMBIGUOUS_HINT = "problem_ambiguous_dates"  # text key: dates such as 10/5/2026 ... declare dayfirst
_WEEKDAY = (  # one trailing weekday token: " 星期五", "周五", " (一)", "（礼拜天）", " Mon", " Friday", " (Fri.)"
    r"(?:\s*[(（]\s*(?:(?:星期|周|礼拜)?[一二三四五六日天]|{en})\s*[)）]|\s*(?:星期|周|礼拜)[一二三四五六日天]|\s+(?:{en}))\s*$"
).format(
    en=r"(?i:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)
_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])[Mm])?)?$"  # 8:26, 8:26:00 PM
_PARTS = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME  # 10/5/2026, 5.10.26, 10/5/2026 8:26 PM
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"  # Jan, JAN, January, Sept.
_NAMED_MONTH = (  # 1-Jan-2015, 01-JAN-15 (Oracle), 1 January 2015; Jan 1, 2015, January 1st 2015, Jan-01-2015
    r"(?i)^(?:(\d{1,2})[\s\-/.]*" + _MONTH + r"|" + _MONTH + r"[\s\-/.]*(\d{1,2})(?:st|nd|rd|th)?)"
    r"[\s\-/.,]+(\d{4}|\d{2})" + _TIME
)
_MONTHS = {name: number for number, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                                      "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
MONTH_ONLY = r"^(\d{4})\s*[-/.年+]\s*(\d{1,2})\s*(?:月份?)?$|^(\d{4})(\d{2})$"  # 2026-10, 2026年10月, 202610, 2026 + 10
_NUMBER_MONTHS = (190_001, 210_012)  # 202610 written as a number: a month (a day number has five digits)
_YEAR_FIRST = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$"  # 2018-02-29, 2018/2/29 10:00, 2018年2月29日


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


def month_ends(year: pd.Series, month: pd.Series) -> pd.Series:
    """The last day of each (year, month); NaT where the month is not 1..12."""
    real = month.between(1, 12)
    first = _from_parts(year.where(real), month.where(real), pd.Series(1.0, index=year.index))
    return (first + pd.offsets.MonthEnd(0)).astype("datetime64[us]")


def _day_month(text: pd.Series, dayfirst: bool | None) -> tuple[pd.Series, str | None]:
    """Parse ``10/5/2026``-like values; returns dates (NaT where not of that shape) and an ambiguity hint."""
    parts = text.str.extract(_PARTS)
    shaped = parts[0].notna()
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    if not shaped.any():
        return result, None
    parts = parts[shaped]
    first, second = parts[0].astype(int), parts[1].astype(int)
    if _year_first(parts):  # 24-11-05: 2024-11-05, not 24 November 2005
        year, month, day = first + 2000, second, parts[2].astype(int)
        result[shaped] = _from_parts(year, month, day, *_clock(parts[3], parts[4], parts[5], parts[6]))
        return result, None
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
    result[shaped] = _from_parts(year, month, day, *_clock(parts[3], parts[4], parts[5], parts[6]))
    return result, hint


def _named_month(text: pd.Series) -> pd.Series:
    """Parse dates that spell their month (``1-Jan-2015``, ``Jan 1, 2015``); NaT where not of that shape.

    English-language Excel and database exports write dates so (AdventureWorks' ``1-Jan-2016``, Oracle's
    ``01-JAN-16``); the month's name says the order of day and month, so nothing is ambiguous.
    """
    parts = text.str.extract(_NAMED_MONTH)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    shaped = parts[4].notna()
    if not shaped.any():
        return result
    parts = parts[shaped]
    day = pd.to_numeric(parts[0].fillna(parts[3]))
    month = parts[1].fillna(parts[2]).str.lower().map(_MONTHS)
    year = parts[4].astype(int)
    year = year.where(parts[4].str.len() == 4, year + np.where(year < 69, 2000, 1900))  # strftime's %y rule
    result[shaped] = _from_parts(year, month, day, *_clock(parts[5], parts[6], parts[7], parts[8]))
    return result


_NAMED_PERIOD = r"^([A-Za-z]{3,9})\.?[\s\-/',]*(\d{4}|\d{2})$"  # Apr-18 (Excel's mmm-yy), Apr 2018, April 2018


def named_period(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(year, month) of months written with their name: ``Apr-18``, ``Apr 2018``, ``April 2018``; NaN elsewhere.

    Excel's default month format is ``mmm-yy``: a target sheet exported to CSV holds ``Apr-18``, and reading it
    as no month refused every target. A two-digit year follows strftime's %y rule, as for dates.
    """
    parts = text.str.extract(_NAMED_PERIOD)
    month = parts[0].str.lower().str[:3].map(_MONTHS)
    month = month.where(parts[0].str.lower().map(lambda n: isinstance(n, str) and _full_name(n)))
    year = pd.to_numeric(parts[1], errors="coerce")
    year = year.where(parts[1].str.len() == 4, year + np.where(year < 69, 2000, 1900))
    return year.where(month.notna()), month


def _full_name(name: str) -> bool:
    """Whether ``name`` is a month's name or its abbreviation (apr, april, sept), not another word (apricot)."""
    full = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december")  # fmt: skip
    return any(month.startswith(name) for month in full) and len(name) >= 3


def _clock(hour: pd.Series, minute: pd.Series, second: pd.Series, half: pd.Series) -> tuple[pd.Series, ...]:
    """Hour, minute and second as numbers; ``half`` is the A/P of ``8:26 PM`` (12 AM is midnight)."""
    hour = pd.to_numeric(hour, errors="coerce")
    afternoon = half.str.upper().eq("P").fillna(False).astype(bool)
    hour = hour.where(~half.notna() | (hour != 12), 0) + np.where(afternoon, 12, 0)
    return hour, pd.to_numeric(minute, errors="coerce"), pd.to_numeric(second, errors="coerce")


def excel_days(values: pd.Series) -> pd.Series | None:
    """A column of dates as Excel day numbers (the time of day a fraction), ``None`` unless every value is a date.

    A computed column may so add a duration to a date: a ticket export's minutes to first reply beside its
    creation time give ``first_response_at: "=[created_date] + [first_response_minutes] / 1440"``, read back as
    a date (a day number) like any Excel date. Dates whose day/month order the data cannot tell are refused.
    """
    parsed, failed, hint = parse_dates(values)
    if hint or failed.any() or not parsed.notna().any():
        return None
    return (parsed - _EXCEL_EPOCH) / pd.Timedelta(days=1)


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
        months = values.between(*_NUMBER_MONTHS) & (values % 1 == 0)
        if months.any():  # 202610: a month's total
            parsed[months] = month_ends(values[months] // 100, values[months] % 100)
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


def _year_first(parts: pd.DataFrame) -> bool:
    """Whether ``24-11-05``-like values are year, month, day (two digits each), as some Chinese systems write them.

    Read day or month first, their last part would be a year taking as many values as days do (2001 … 2031 in an
    export of two years): the reading whose years take fewer values is the one. A tie keeps day or month first.
    """
    if not (parts[0].str.len() == 2).all() or not (parts[2].str.len() == 2).all():
        return False
    first, second, last = parts[0].astype(int), parts[1].astype(int), parts[2].astype(int)
    if not (second.between(1, 12).all() and last.between(1, 31).all()):
        return False
    return first.nunique() < last.nunique()


def _parse_text(text: pd.Series, dayfirst: bool | None, fmt: str | None) -> tuple[pd.Series, pd.Series, str | None]:
    if fmt:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        return parsed.astype("datetime64[ns]"), text.notna() & parsed.isna(), None
    parsed = _iso(text).astype("datetime64[us]")
    hint = None
    maybe = _maybe_month(text, parsed)
    month = text[maybe].str.extract(MONTH_ONLY).astype("float64")
    hit = (month[0].notna() | month[2].notna()).to_numpy()
    if hit.any():  # 2026-10, 2026年10月: a month's total, dated on its last day (ISO would say its first)
        whole = np.zeros(len(text), dtype=bool)
        whole[np.flatnonzero(maybe)[hit]] = True
        parsed[whole] = month_ends(month[0].fillna(month[2])[hit], month[1].fillna(month[3])[hit]).to_numpy()
    failed = text.notna() & parsed.isna()
    if failed.any():  # 2018-01-01 星期一 (a declared format, above, says the whole value, a weekday included)
        text = text.copy()
        text[failed] = strip_weekday(text[failed])
        parsed[failed] = _iso(text[failed]).astype("datetime64[us]")
        failed = text.notna() & parsed.isna()
    if failed.any():  # 2026/1/5, 2026.01.05, 2026年1月5日
        retry = text[failed].str.replace(_YMD_SEPARATORS, "-", regex=True).str.replace("日", "", regex=False)
        parsed[failed] = _iso(retry).astype("datetime64[us]")
        failed = text.notna() & parsed.isna()
    if failed.any():  # 10/5/2026 and 5.10.26, day/month order read from the data
        found, hint = _day_month(text[failed], dayfirst)
        parsed[failed] = found
        failed = text.notna() & parsed.isna()
    if failed.any():  # 1-Jan-2015, Jan 1, 2015
        parsed[failed] = _named_month(text[failed])
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


def _maybe_month(text: pd.Series, iso: pd.Series) -> np.ndarray:
    """Which values may be a month alone (:data:`MONTH_ONLY`), given their ISO reading ``iso``.

    A month alone reads in ISO as nothing or as its first day at midnight (``2026-10`` → 2026-10-01 00:00), so
    only those values go through the regex: a column of times (a lead's creation, a ticket's reply) skips it,
    which was half of streaming such a table.
    """
    return (text.notna() & (iso.isna() | ((iso.dt.day == 1) & (iso == iso.dt.normalize())))).to_numpy()


def strip_weekday(text: pd.Series) -> pd.Series:
    """``text`` without one trailing weekday token (``2018-01-01 星期五`` → ``2018-01-01``); empty stays empty."""
    return text.str.replace(_WEEKDAY, "", n=1, regex=True)


def no_such_day(values: pd.Series) -> pd.Series:
    """Which values have a year-first date's shape with a real month but a day past its end (``2018-02-29``).

    Such a value did not fail for its form: the day is not in the calendar (a system that lets a clerk type
    the date, a test row). Returns a boolean mask aligned with ``values``.
    """
    text = strip_weekday(values.astype("str").str.strip())
    parts = text.str.extract(_YEAR_FIRST).astype("float64")
    year, month, day = parts[0], parts[1], parts[2]
    real = month.between(1, 12) & day.between(1, 31)
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}).where(real), errors="coerce")
    return (real & (day > first.dt.days_in_month)).fillna(False).astype(bool)


def all_month_ends(dates: pd.Series) -> bool:
    """Whether there are dates and every one (missing ones aside) is its month's last day: a monthly total's rows."""
    dates = dates.dropna()
    return bool(len(dates)) and bool((dates.dt.day == dates.dt.days_in_month).all())
