"""A region's part of the company this month against its usual part: a fall its peers did not share.

A region's revenue is judged against its own trend and season times how its peers did against theirs
(:func:`.regions.region_frame`). With a history of one cycle and a few months the season is read from three or
four year-on-year pairs and the forecast's interval spans a factor of three either way: a region of fifteen months
selling a fifth of its usual month (3.9万 where about 17万 are usual, its peers down a quarter) sat inside it.
Its *share* of the company needs no season: the company's months carry the same one. So a region is also read as
a product line is within its region (:func:`salesnb.product.lines.decline_check`): its orders this month against
its usual share of the other regions' orders over the ``market.share_months`` months before × theirs this month,
with the spread that share's own misses showed in the months before (:func:`~salesnb.stats.dispersion_around`),
never stronger than the conditional test of a share learnt from few orders (:func:`~salesnb.stats.share_drop`);
and its revenue as a part of the others', against that part's own monthly spread: a region of a few large orders
swings more than its count says. Both must show the fall.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..periods import months_back
from ..report import Report
from ..shares import share_fall

SHARE_COLUMNS = ["share_now", "share_usual", "share_expected", "share_change", "orders_share_expected", "share_p"]


def region_share(report: Report, revenue: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Per region (rows of ``revenue``): its part of the company this month against its usual part.

    ``revenue`` / ``orders``: regions × months of the data, each region's months the export left out for it blank
    (:func:`.regions.own_months`); a blank month is no month of its usual share, nor of its peers'. Columns:
    share_now (its part of the company's revenue this month), share_usual (over the ``market.share_months``
    months before), share_expected (revenue: its usual part of the others × the others this month),
    share_change (revenue against that), orders_share_expected (the same for its orders) and share_p (how likely
    so few orders are at that share: :func:`salesnb.stats.count_below` with the dispersion its share's misses
    showed over the same months before, at least :func:`salesnb.stats.share_drop`; and at least how likely its
    revenue's part is this low, :func:`salesnb.shares.part_low`, where that can be read). NaN where fewer than
    ``baselines.trailing_months`` months hold the region and its peers, or with one region.
    """
    span = int(report.settings("market")["share_months"])
    least = int(report.config["baselines"]["trailing_months"])
    months = [m for m in months_back(report.period, 2 * span, offset=1) if m in revenue.columns] + [report.period]
    before = months[:-1][-span:]
    held = _comparable(revenue[months])
    own_revenue, own_orders = revenue[months].where(held), orders[months].where(held)
    rest_revenue, rest_orders = _others(own_revenue), _others(own_orders)
    expected_revenue = stats.share_expected(own_revenue, rest_revenue, span, least)[report.period]
    # both must show it; where the revenue's part cannot be read (a month of none), the count alone
    p, expected_orders = share_fall(
        (own_revenue, rest_revenue), (own_orders, rest_orders), span, least, before, report.period
    )
    total_now = own_revenue[report.period].sum()
    read = own_revenue[before].notna()
    company_before = (read * own_revenue[before].sum(axis=0)).sum(axis=1)  # the company in the months its share reads
    frame = pd.DataFrame(
        {
            "share_now": own_revenue[report.period] / total_now if total_now > 0 else np.nan,
            "share_usual": own_revenue[before].sum(axis=1) / company_before.where(company_before > 0),
            "share_expected": expected_revenue,
            "share_change": own_revenue[report.period] / expected_revenue.where(expected_revenue > 0) - 1,
            "orders_share_expected": expected_orders[report.period],
            "share_p": p,
        },
        index=revenue.index,
    )
    return frame[SHARE_COLUMNS]


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    """Per region and month, whether the month counts in its share: it and every other region were exported.

    A month the export left out for a peer would read as the others' dip, and so as the region's rise in share.
    """
    missing = table.isna().sum(axis=0)
    others_missing = missing - table.isna().astype(int)
    return table.notna() & others_missing.eq(0)


def _others(table: pd.DataFrame) -> pd.DataFrame:
    """Per region and month, the other regions' sum; blank where the region's own month is (no month of its share)."""
    return (table.sum(axis=0) - table).where(table.notna())
