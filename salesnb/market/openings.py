"""Regions whose orders begin after the export's first month: opened (or exported) later than the rest.

A region's first months are a warm-up of their own, as the data's first months are
(:func:`~salesnb.data.customers.acquisition_start`): the customers it takes on when it opens — a book handed
over, accounts imported with the opening as their acquisition date — are first seen there, not won that month.
Counted as new, one opening month of 127 "new customers" against a usual 2 became the region's season and
its same month last year, and every later month read as a collapse of new customers.
"""

from __future__ import annotations

import pandas as pd

from ..data import facts
from ..data.dataset import Dataset
from ..periods import ALL, shift_month


def region_starts(ds: Dataset) -> dict[str, str]:
    """``{region: first month with orders}`` for the regions whose orders begin after the data's first month."""

    def build() -> dict[str, str]:
        orders = facts.order_facts(ds)[["region", "month"]].dropna()
        orders = orders[orders["region"].astype(str) != facts.UNKNOWN]
        firsts = orders.groupby(orders["region"].astype(str))["month"].min()
        start = facts.data_months(ds)[0]
        return {str(region): str(month) for region, month in firsts.items() if month > start}

    return facts.per_dataset(ds, ("market", "region_starts"), build)


def warm_up_length(first: str, counted_from: str) -> int:
    """Whole months from the data's ``first`` month to its first counted month ``counted_from``."""
    return int((pd.Period(counted_from, freq="M") - pd.Period(first, freq="M")).n)


def opening_months(ds: Dataset, region: str, months: int) -> set[str]:
    """The months of ``region``'s opening warm-up: from its first month, ``months`` long and at least that month.

    ``ALL``: the first month of every region opened late, where its book lands at once in the company's count
    too; the region's later first-seen customers are a few among the company's. Empty for a region that sold
    from the data's first month.
    """
    starts = region_starts(ds)
    if region == ALL:
        return set(starts.values())
    return {shift_month(starts[region], -k) for k in range(max(months, 1))} if region in starts else set()
