"""Channels and regions whose orders stop days before the rest of the export: their part was exported earlier.

A company's sheet is often several exports put together (one per shop, platform or branch), each downloaded on
its own day. A Wayfair seller's two shops: one export ran to 6 September, the other to the 14th. Read as one
export through the 14th, the first shop's last eight days read as eight days without a sale: "channel sales
−92 %", a high finding asking to chase its customers. A segment selling on most days is silent that long by chance
only rarely: with orders on a share ``a`` of its recent days, ``n`` quiet days have a chance of ``(1 − a)^n``.
Below e^-10 (:data:`~.facts.MISSING_MONTH_ORDERS`, the bar a region's empty month is held to), the segment's
data most likely ends early: the header says so, ``validate`` names it, and its decline is not made a finding.
"""

from __future__ import annotations

import math

import pandas as pd

from ..i18n import t
from .dataset import Dataset
from .facts import MISSING_MONTH_ORDERS, UNKNOWN, order_facts, per_dataset

DIMENSIONS = ("channel", "region")  # the order columns an export is commonly split by (shop, branch)
RATE_DAYS = 56  # a segment's recent rate: its orders a day over the eight weeks up to its last order


def early_ends(ds: Dataset) -> dict[str, dict[str, dict]]:
    """``{dimension: {segment: {last, month, end, days, per_day}}}``: segments silent improbably long at the end.

    ``last``: the segment's last order date (ISO), ``month`` its ``YYYY-MM``; ``end``: the data's last order date;
    ``days``: the days from ``last`` to ``end``; ``per_day``: its orders a day over the :data:`RATE_DAYS` days up
    to ``last`` (or since its first order, when later). Only a segment whose last order falls in the data's last
    month (a part exported earlier, not a shop closed months ago) and whose silence is improbable by its own days:
    with ``a`` the share of those days holding an order, ``(1 − a)^days`` is below e^-:data:`MISSING_MONTH_ORDERS`,
    and the silence is more than twice its longest quiet spell there. Days, not orders: a B2B region ordering in a
    lump at each month's end is quiet most days, and its missing month-end is a real drop, not a shorter export.
    """

    def build() -> dict[str, dict[str, dict]]:
        orders = order_facts(ds)
        dated = orders[orders["order_date"].notna()]
        if dated.empty:
            return {}
        end = dated["order_date"].max().normalize()
        out: dict[str, dict[str, dict]] = {}
        for dimension in DIMENSIONS:
            if dimension not in dated or dated[dimension].nunique() < 2:
                continue
            dates = dated.loc[dated[dimension].notna() & dated[dimension].ne(UNKNOWN), ["order_date", dimension]]
            for segment, own in dates.groupby(dimension, observed=True)["order_date"]:
                entry = _silence(own.dt.normalize(), end)
                if entry is not None:
                    out.setdefault(dimension, {})[str(segment)] = entry
        return out

    return per_dataset(ds, ("facts", "early_ends"), build)


def _silence(days: pd.Series, end: pd.Timestamp) -> dict | None:
    """:func:`early_ends`'s entry for one segment's order days, ``None`` when its silence to ``end`` is ordinary."""
    last = days.max()
    silent = int((end - last).days)
    if silent < 1 or last.to_period("M") != end.to_period("M"):
        return None
    span = min(RATE_DAYS, int((last - days.min()).days) + 1)
    recent = days[days > last - pd.Timedelta(days=span)]
    active = pd.Series(recent.unique()).sort_values()
    share = len(active) / (span + 1)  # one day more: a segment with an order every day is not certain of the next
    longest = float(active.diff().dt.days.max()) if len(active) > 1 else float(span)
    if silent * -math.log1p(-share) < MISSING_MONTH_ORDERS or silent <= 2 * longest:
        return None
    return {
        "last": last.date().isoformat(), "month": str(last.to_period("M")), "end": end.date().isoformat(),
        "days": silent, "per_day": len(recent) / span,
    }  # fmt: skip


def ended_early(ds: Dataset, dimension: str, period: str) -> set[str]:
    """The segments of ``dimension`` (channel, region) whose data :func:`early_ends` finds ending in ``period``."""
    return set(ended_on(ds, dimension, period))


def early_end_label(dimension: str, segment: str, entry: dict, lang: str) -> str:
    """A segment named with its last day and recent rate: ``渠道 Kadehome（到 2022-09-06，近期每天约 2.5 单）``."""
    return t(f"early_end_{dimension}", lang, segment=segment, last=entry["last"], per_day=f"{entry['per_day']:.1f}")


def early_end_labels(ds: Dataset, period: str, lang: str, region: str | None = None) -> tuple[list[str], str]:
    """The labels of the segments ending early in ``period`` (a region's report: the channels and its own region)."""
    labels, end = [], ""
    for dimension, segments in early_ends(ds).items():
        for segment, entry in segments.items():
            if entry["month"] == str(period) and (dimension != "region" or region in (None, segment)):
                labels.append(early_end_label(dimension, segment, entry, lang))
                end = entry["end"]
    return labels, end


def ended_on(ds: Dataset, dimension: str, period: str) -> dict[str, str]:
    """``{segment: its last order date}`` for the segments of ``dimension`` whose data ends early in ``period``."""
    return {s: e["last"] for s, e in early_ends(ds).get(dimension, {}).items() if e["month"] == str(period)}
