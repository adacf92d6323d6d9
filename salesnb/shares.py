"""A row's part of the rest of the business this month against its usual part: how likely a fall is.

A region's part of the company (:mod:`salesnb.market.region_share`), a channel's of its peers
(:mod:`salesnb.market.channels`), a product line's of its scope (:func:`weighed_expected`): the rest carries the
month's season, so the part needs none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from . import stats


def share_fall(
    revenue: tuple[pd.DataFrame, pd.DataFrame],
    orders: tuple[pd.DataFrame, pd.DataFrame],
    span: int,
    least: int,
    before: list[str],
    period: str,
) -> tuple[pd.Series, pd.DataFrame]:
    """How likely a row's fall in its part of ``rest``'s business is: its orders and its revenue must both show it.

    ``revenue`` and ``orders``: (own, rest) tables, rows × consecutive months (a region and the other regions; a
    channel and its peers). The orders against the row's usual share of the rest's
    (:func:`~salesnb.stats.share_expected`, over ``span`` months, at least ``least``) × the rest's this month, with
    the spread that expectation's misses showed over ``before`` (:func:`~salesnb.stats.dispersion_around`,
    :func:`~salesnb.stats.count_below`), never stronger than the conditional test of a share learnt from few orders
    (:func:`~salesnb.stats.share_drop`); and the revenue's part against its own months' log spread
    (:func:`part_low`). The larger p (both must show the fall; the count alone where the revenue's part cannot be
    read). Also returns the expected orders (rows × months).
    """
    own_orders, rest_orders = orders
    expected = stats.share_expected(own_orders, rest_orders, span, least)
    spread = stats.dispersion_around(own_orders, expected, before)
    now = own_orders[period].fillna(0.0)
    counted = pd.Series(stats.count_below(now, expected[period], spread), index=own_orders.index)
    thin = stats.share_drop(
        now, own_orders[before].sum(axis=1), rest_orders[period].fillna(0.0), rest_orders[before].sum(axis=1)
    )
    counted = np.maximum(counted, thin).where(expected[period].notna())
    return np.fmax(counted, part_low(*revenue, before, period)), expected


def part_low(own: pd.DataFrame, rest: pd.DataFrame, before: list[str], period: str) -> pd.Series:
    """How likely a row's revenue, as a part of ``rest``'s, is this low in ``period``: by its own months' log spread.

    ``own`` and ``rest``: rows × months (a region and the other regions; a channel and its peers). Each month's part
    against the usual one (the ``before`` months pooled), on the log scale; this month's against their mean as a
    Student t with the months' degrees of freedom (the spread of a new month: × √(1 + 1/n)): the pooled part is
    a ratio of sums, above the months' typical log part where the part swings, and read as the centre it made an
    ordinary month look low. Orders alone would miss the size of each:
    a row whose few large orders make its month swings more than its count. NaN with fewer than three months, or a
    month of no revenue among them (its part swings beyond a log's reach).
    """
    part = own / rest.where(rest > 0)
    usual = own[before].sum(axis=1) / rest[before].where(own[before].notna()).sum(axis=1)
    months = part[before]
    logs = np.log(months.where(months > 0).div(usual, axis=0))
    n = logs.notna().sum(axis=1)
    spread = logs.std(axis=1, ddof=1) * np.sqrt(1 + 1 / n.where(n > 0))
    with np.errstate(divide="ignore"):
        now = np.log(part[period] / usual) - logs.mean(axis=1)  # a new month against the months' own middle
    low = pd.Series(student_t.cdf(now / spread, (n - 1).clip(lower=1)), index=own.index)
    usable = (n >= 3) & ~months.le(0).any(axis=1) & (spread > 0)  # no month of none among them
    return low.where(usable & part[period].notna())


def weighed_expected(
    table: pd.DataFrame, rest: pd.DataFrame, span: int, least: int, before: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A row's usual share of ``rest`` × the rest that month, weighed with its own usual month by their past misses.

    Two yardsticks of each month (rows × consecutive months, oldest first; ``NaN`` where
    :func:`~salesnb.stats.share_expected` is): the share one, which carries the season and the scope's good and bad
    months the row shares with the rest — and the rest's own luck: where the rest is a few small lines, one good
    month of theirs (a key account's large orders) reads as a collapse of the row that is most of the business —
    and the row's own average month over the ``span`` months before (at least ``least``), blind to the season.
    Each is weighted by the inverse of its mean squared miss of the row over ``before`` (Bates–Granger forecast
    combination): a rest that foresaw the row's months keeps its weight, one whose months swing on their own
    loses it; two that never missed are alike (half each). The share yardstick alone where fewer than three
    ``before`` months read both.

    Also returns how far the two disagree that month: the weighted mean of their squared log distance from the
    weighed expectation (0 where one is missing or not positive) — the expectation's own error in a month whose
    yardsticks part, which no month before measured (see :func:`~salesnb.product.lines.decline_check`).
    """
    by_share = stats.share_expected(table, rest, span, least)
    share = by_share.to_numpy(dtype=float)  # NumPy from here: a report runs this for every scope's lines
    own = np.where(np.isnan(share), np.nan, table.T.rolling(span, min_periods=least).mean().shift(1).T.to_numpy())
    values, cols = table.to_numpy(dtype=float), table.columns.get_indexer([m for m in before if m in table.columns])
    read = ~np.isnan(share[:, cols])
    n = read.sum(axis=1)
    share_miss, own_miss = (
        np.where(read, (values[:, cols] - guess[:, cols]) ** 2, 0.0).sum(axis=1) / np.maximum(n, 1)
        for guess in (share, own)
    )
    both = share_miss + own_miss
    weight = np.where(both > 0, own_miss / np.where(both > 0, both, 1.0), 0.5)  # neither missed: alike
    weight = np.where(n >= 3, weight, 1.0)[:, None]
    expected = share * weight + own * (1 - weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        apart = [
            np.log(np.where(guess > 0, guess, np.nan) / np.where(expected > 0, expected, np.nan)) ** 2
            for guess in (share, own)
        ]
    parted = np.nan_to_num(apart[0] * weight + apart[1] * (1 - weight), nan=0.0)
    return tuple(pd.DataFrame(frame, index=table.index, columns=table.columns) for frame in (expected, parted))
