"""What the scope's own history leads one to expect for the period: trend and season, with an interval.

A growing business judged against "the lower of the usual level and last year" never sees a fall (the usual
level lags the growth, last year is far below it); a seasonal one is alarmed every low season. The expected value
of a month is instead forecast from the months before it, in closed form (no optimiser, so the output is
byte-identical and takes microseconds):

- at least 24 months: classical seasonal decomposition (statsmodels ``seasonal_decompose``, 12-month season,
  multiplicative when every month is positive, else additive) gives each calendar month's factor; the trend is
  then fitted on the seasonally adjusted months;
- at least 6 months: the trend only — a log-linear line (constant growth rate) through the last 12 months (a
  straight line when a month is 0 or less);
- fewer: the plain mean of the months there are.

The interval is the forecast with ± z × the standard deviation of the trend line's errors (z of the two-sided
``level``, 80% by default), on the log scale for a log-linear trend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

SEASON = 12  # months in a seasonal cycle
SEASONAL_MONTHS = 24  # two full cycles before the season is estimated
TREND_MONTHS = 6  # months before a trend is estimated
TREND_WINDOW = 12  # the trend is the line through the last this-many (seasonally adjusted) months


@dataclass(frozen=True)
class Expectation:
    """The expected value of a month, its interval and the method that gave it (``seasonal``/``trend``/``mean``)."""

    value: float
    low: float
    high: float
    method: str


def expected(history: list[float] | np.ndarray, *, level: float = 0.8) -> Expectation:
    """The expected value of the month after ``history`` (consecutive months, oldest first), with an interval.

    Returns NaNs (method ``none``) for an empty history. Revenue, orders and counts cannot be negative: the
    forecast and its interval are clipped at 0.
    """
    values = np.asarray(history, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if not n:
        return Expectation(math.nan, math.nan, math.nan, "none")
    z = float(stats.norm.ppf(0.5 + level / 2))
    if n < TREND_MONTHS:
        spread = float(values.std(ddof=1)) if n > 1 else 0.0
        mean = float(values.mean())
        return Expectation(mean, max(mean - z * spread, 0.0), max(mean + z * spread, 0.0), "mean")
    method, adjusted, factor, multiplicative = "trend", values, (1.0 if (values > 0).all() else 0.0), True
    if n >= SEASONAL_MONTHS:
        method = "seasonal"
        adjusted, factor, multiplicative = _deseasonalised(values)
    value, low, high = _trend(adjusted[-TREND_WINDOW:], z)
    if multiplicative and factor:
        value, low, high = value * factor, low * factor, high * factor
    elif not multiplicative:
        value, low, high = value + factor, low + factor, high + factor
    return Expectation(max(value, 0.0), max(low, 0.0), max(high, 0.0), method)


def _deseasonalised(values: np.ndarray) -> tuple[np.ndarray, float, bool]:
    """(seasonally adjusted months, the next month's seasonal factor, whether the season multiplies)."""
    from statsmodels.tsa.seasonal import seasonal_decompose

    multiplicative = bool((values > 0).all())
    result = seasonal_decompose(values, model="multiplicative" if multiplicative else "additive", period=SEASON)
    season = np.asarray(result.seasonal, dtype=float)
    nxt = float(season[len(values) - SEASON])  # the same calendar month a year before the forecast month
    adjusted = values / season if multiplicative else values - season
    return adjusted, nxt, multiplicative


def _trend(values: np.ndarray, z: float) -> tuple[float, float, float]:
    """Forecast and interval one month past ``values`` from a least-squares line (log-linear when all positive)."""
    t = np.arange(len(values), dtype=float)
    log = bool((values > 0).all())
    y = np.log(values) if log else values
    slope, intercept = np.polyfit(t, y, 1)
    errors = y - (intercept + slope * t)
    spread = float(np.sqrt((errors**2).sum() / max(len(values) - 2, 1)))
    centre = intercept + slope * len(values)
    low, high = centre - z * spread, centre + z * spread
    if log:
        return float(np.exp(centre)), float(np.exp(low)), float(np.exp(high))
    return float(centre), float(low), float(high)
