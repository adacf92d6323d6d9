"""Runs of days inside the export without any order, where the business sells on almost every day: days left out.

A takeaway's till export (orders on every day for years) held nothing from 1 to 16 July 2016 and nothing after
19 June: the month read "−44.6 % against the last three months, a broad fall" with no word that half its days were
empty. A whole empty month is caught (:func:`~.facts.empty_months`); days are not. As for a shop's export ending
early (:mod:`.early_ends`), days count, not orders: with orders on a share ``a`` of the days around a run, ``n``
quiet days happen by chance with probability ``(1 − a)^n``. Below e^-:data:`~.facts.MISSING_MONTH_ORDERS`, and
longer than twice the longest quiet spell around it (a weekly closing day, a B2B weekend), the run is most likely
days the export left out, or a closure: the header of a report on its month says so, and ``validate`` names it.
A run within ``calendar.festival_closure_days`` of 春节 is the holiday, never named.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from ..i18n import joined, t
from .dataset import Dataset
from .facts import MISSING_MONTH_ORDERS, empty_months, order_facts, per_dataset

AROUND_DAYS = 56  # the business's usual days: the eight weeks before a run and the eight weeks after it


def day_gaps(ds: Dataset, festivals: Iterable[str] = (), closure: int = 0) -> tuple[dict, ...]:
    """The improbable runs of days without an order inside the data: ``{start, end, days, per_day}`` each.

    ``start``/``end``: the run's first and last silent day (ISO); ``days``: its length; ``per_day``: orders a day
    over the :data:`AROUND_DAYS` days either side. ``festivals``: 春节 dates (ISO); a run lying within ``closure``
    days either side of one is left out. Oldest first.
    """
    holidays = tuple(pd.Timestamp(d) for d in festivals)

    def build() -> tuple[dict, ...]:
        dated = order_facts(ds)["order_date"].dropna()
        if dated.empty:
            return ()
        per_day = dated.dt.tz_localize(None).dt.normalize().value_counts().sort_index()
        active = per_day.index
        out = []
        for before, after in zip(active[:-1], active[1:], strict=True):
            start, end = before + pd.Timedelta(days=1), after - pd.Timedelta(days=1)
            days = int((after - before).days) - 1
            if days < 2 or _holiday(start, end, holidays, closure):
                continue
            usual = _around(per_day, start, end)
            if usual is not None and _improbable(days, usual[0], usual[1]):
                out.append({"start": start.date().isoformat(), "end": end.date().isoformat(), "days": days,
                            "per_day": usual[2]})  # fmt: skip
        return tuple(out)

    return per_dataset(ds, ("day_gaps", holidays, closure), build)


def _holiday(start: pd.Timestamp, end: pd.Timestamp, festivals: tuple[pd.Timestamp, ...], closure: int) -> bool:
    """Whether the run start..end lies within ``closure`` days either side of a 春节: the holiday, not a gap."""
    reach = pd.Timedelta(days=closure)
    return any(start >= day - reach and end <= day + reach for day in festivals)


def _around(per_day: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> tuple[float, int, float] | None:
    """Share of days with an order, longest quiet spell and orders a day over the days either side of the run."""
    first, last = per_day.index[0], per_day.index[-1]
    lo, hi = max(first, start - pd.Timedelta(days=AROUND_DAYS)), min(last, end + pd.Timedelta(days=AROUND_DAYS))
    spans = [(lo, start - pd.Timedelta(days=1)), (end + pd.Timedelta(days=1), hi)]
    calendar = sum(int((b - a).days) + 1 for a, b in spans if b >= a)
    if calendar == 0:
        return None
    inside = per_day[((per_day.index >= spans[0][0]) & (per_day.index <= spans[0][1]))
                     | ((per_day.index >= spans[1][0]) & (per_day.index <= spans[1][1]))]  # fmt: skip
    longest = 0
    for a, b in spans:
        days = per_day.index[(per_day.index >= a) & (per_day.index <= b)]
        if len(days) > 1:
            longest = max(longest, int(pd.Series(days).diff().dt.days.max()) - 1)
    share = len(inside) / (calendar + 1)  # one day more: a business with an order every day is not sure of the next
    return share, longest, float(inside.sum()) / calendar


def _improbable(days: int, share: float, longest: int) -> bool:
    """Whether ``days`` quiet days are beyond chance (below e^-10) and beyond twice the usual longest quiet spell.

    Days count, not orders: a B2B month-end lump is few days of many orders.
    """
    return share > 0 and days * -math.log1p(-share) >= MISSING_MONTH_ORDERS and days > 2 * longest


def gaps_in(gaps: Iterable[dict], month: str) -> list[dict]:
    """The runs of ``gaps`` with a day in ``month`` (``YYYY-MM``), cut to the month's days."""
    first = pd.Period(month, "M").start_time
    last = pd.Period(month, "M").end_time.normalize()
    out = []
    for gap in gaps:
        start, end = max(pd.Timestamp(gap["start"]), first), min(pd.Timestamp(gap["end"]), last)
        if start <= end:
            out.append({**gap, "start": start.date().isoformat(), "end": end.date().isoformat(),
                        "days": int((end - start).days) + 1})  # fmt: skip
    return out


def gap_labels(gaps: Iterable[dict], lang: str) -> str:
    """``2016-07-01 至 2016-07-16（16 天，前后平常每天约 6.0 单）`` for each run, joined."""
    return joined(
        [t("day_gap_label", lang, start=g["start"], end=g["end"], days=g["days"], per_day=f"{g['per_day']:.1f}")
         for g in gaps], lang,
    )  # fmt: skip


def calendar_gaps(ds: Dataset, config: dict) -> tuple[dict, ...]:
    """:func:`day_gaps` with the 春节 dates and closure of ``config["calendar"]``."""
    calendar = config["calendar"]
    return day_gaps(ds, calendar["spring_festival"], calendar["festival_closure_days"])


def day_gap_notes(ds: Dataset, config: dict, period: str, baselines: Iterable[str], lang: str) -> str:
    """The header's warnings: the report month's runs without orders, then its baseline months' (or nothing)."""
    gaps = calendar_gaps(ds, config)
    if not gaps:
        return ""
    text = ""
    own = gaps_in(gaps, period)
    if own:
        text += "\n\n" + t("day_gap_note", lang, gaps=gap_labels(own, lang))
    empty = {period, *empty_months(ds)}  # a month without any order is said as such, and no baseline counts it
    earlier = [g for month in sorted(set(baselines) - empty) for g in gaps_in(gaps, month)]
    if earlier:
        text += "\n\n" + t("day_gap_baseline_note", lang, gaps=gap_labels(earlier, lang))
    return text
