"""春节 moves between January and February: which month of a year plays the part of the festival month.

A year-on-year comparison by calendar month sets a January against last January. When 春节 fell in February
last year and falls in January this year (2024-02-10, then 2025-01-29), this January holds the festival's dip and
last January did not: the month looks like a collapse, and a target planned for it like a misaligned one. Retail
statistics in China report January and February as one block for this reason.

Here the block is kept whole and split by the festival: in January and February the *season key* of a month is
``FESTIVAL`` for the month holding 春节 and ``OTHER`` for the other one, so the month compared with a year back is
the one that played the same part then (this year's festival month against last year's festival month; the other
against the other). Every other month keeps its calendar month as its key. The festival's month is the month of
its date (``calendar.spring_festival``, real dates as data, overridable in the configuration): the slowdown runs
about two weeks either side of the day (home-going before, a slow restart until 元宵 after), so the date is the
middle of it. A year missing from the table keeps the calendar months (as if 春节 fell in February, as it does
in two years of three).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

OTHER = 1  # the season key of the January/February month without 春节 (January in most years)
FESTIVAL = 2  # the season key of the month holding 春节 (February in most years)


def festival_months(config: Mapping[str, Any]) -> dict[int, int]:
    """Year → the month (1 or 2) holding 春节, from ``calendar.spring_festival`` (``YYYY-MM-DD`` dates)."""
    out = {}
    for text in config["calendar"]["spring_festival"]:
        day = date.fromisoformat(str(text))
        if day.month in (OTHER, FESTIVAL):  # a date outside January/February cannot be 春节: ignored
            out[day.year] = day.month
    return out


def season_key(month: str, festivals: Mapping[int, int]) -> int:
    """The season key of ``month`` (``YYYY-MM``): its calendar month, with January/February keyed by 春节.

    ``FESTIVAL`` (2) for the month holding 春节, ``OTHER`` (1) for the other one; a year not in ``festivals``
    keeps its calendar months.
    """
    year, number = int(month[:4]), int(month[5:7])
    if number not in (OTHER, FESTIVAL) or year not in festivals:
        return number
    return FESTIVAL if number == festivals[year] else OTHER


def season_keys(months: Sequence[str], festivals: Mapping[int, int]) -> list[int]:
    """:func:`season_key` of each month: months with the same key share a seasonal factor."""
    return [season_key(m, festivals) for m in months]


def year_back(month: str, festivals: Mapping[int, int]) -> str:
    """The month a year before ``month`` with the same season key (see :func:`season_key`).

    The same calendar month, except in January and February when 春节 changed month between the two years: then
    the other one (a festival January against last year's festival February).
    """
    year, number = int(month[:4]), int(month[5:7])
    key = season_key(month, festivals)
    if number in (OTHER, FESTIVAL) and season_key(f"{year - 1}-{number:02d}", festivals) != key:
        number = OTHER + FESTIVAL - number
    return f"{year - 1}-{number:02d}"


def in_festival_block(month: str) -> bool:
    """Whether ``month`` (``YYYY-MM``) is a January or February: the block 春节 falls in, with its slow restart."""
    return int(month[5:7]) in (OTHER, FESTIVAL)


def festival_unseen(period: str, history: Sequence[str], festivals: Mapping[int, int]) -> bool:
    """Whether ``period`` is a January or February whose part (festival month or the other) no ``history`` month played.

    春节 moves a Chinese company's month by a third and more, in either direction by trade. An expectation without a
    month of the same part behind it is a trend that knows nothing of the festival: a sample cut to start in March
    read its festival February as 全公司业绩明显下滑, 34 % below it. Where a month's own peers share the festival (a
    region against the others, a rep against the team) the comparison still holds; the company against its own
    trend cannot be judged.
    """
    if not in_festival_block(period):
        return False
    key = season_key(period, festivals)
    return all(season_key(month, festivals) != key for month in history)
