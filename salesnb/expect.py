"""What the scope's own history leads one to expect for the period: trend and season, with an interval.

A growing business judged against "the lower of the usual level and last year" never sees a fall (the usual
level lags the growth, last year is far below it); a seasonal one is alarmed every low season. The expected value
of a month is instead forecast from the months before it, in closed form (no optimiser, so the output is
byte-identical and takes microseconds):

- at least 24 months: classical seasonal decomposition (statsmodels ``seasonal_decompose``, 12-month season,
  multiplicative when every month is positive, else additive) gives each calendar month's factor — or each
  *season key*'s, where the caller says which months share a factor (:mod:`salesnb.seasons`: 春节 moves between
  January and February, so the festival month shares a factor with last year's festival month); the trend is
  then fitted on the seasonally adjusted months;
- at least 6 months: the trend only — a log-linear line (constant growth rate) through the last 12 months (a
  straight line when a month is 0 or less);
- fewer: the plain mean of the months there are.

The interval is the forecast with ± z × the standard deviation of the trend line's errors (z of the two-sided
``level``, 80% by default), on the log scale for a log-linear trend. A seasonal factor is the mean of the few
months of its key the decomposition saw (one to three in 24–47 months of history): it carries their noise, so
its variance (the months' variance over their number) is added to the interval's — with one year behind it a
factor is as uncertain as a month, and the interval widens by √2. A small, noisy scope (one region) can lean
on a larger one it shares the calendar with (``season``: the company's months), whose factors are measured with
far less noise: its own factors are shrunk towards those as far as its noise outweighs the seasons' real
difference (:func:`_pooled`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
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


def expected(
    history: list[float] | np.ndarray,
    *,
    level: float = 0.8,
    keys: Sequence[Hashable] | None = None,
    season: list[float] | np.ndarray | None = None,
) -> Expectation:
    """The expected value of the month after ``history`` (consecutive months, oldest first), with an interval.

    ``keys``: the season key of each month of ``history`` and of the month forecast (one more than the history,
    e.g. :func:`salesnb.seasons.season_keys`); months with the same key share a seasonal factor. By default a
    month's place in the year does. ``season``: the same months of a larger scope to take the seasonal factors
    from (used when all its months are positive). Returns NaNs (method ``none``) for an empty history. Revenue,
    orders and counts cannot be negative: the forecast and its interval are clipped at 0.
    """
    values = np.asarray(history, dtype=float)
    kept = ~np.isnan(values)
    if keys is not None:
        if len(keys) != len(values) + 1:
            raise ValueError(f"keys: one per month of the history and one for the month forecast, got {len(keys)}")
        keys = [k for k, keep in zip(keys, kept, strict=False) if keep] + [keys[-1]]
    source = None if season is None else np.asarray(season, dtype=float)[kept]
    values = values[kept]
    n = len(values)
    if not n:
        return Expectation(math.nan, math.nan, math.nan, "none")
    z = float(stats.norm.ppf(0.5 + level / 2))
    if n < TREND_MONTHS:
        spread = float(values.std(ddof=1)) if n > 1 else 0.0
        mean = float(values.mean())
        return Expectation(mean, max(mean - z * spread, 0.0), max(mean + z * spread, 0.0), "mean")
    if n < SEASONAL_MONTHS:
        value, low, high = _interval(*_line(values[-TREND_WINDOW:]), z)
        return Expectation(max(value, 0.0), max(low, 0.0), max(high, 0.0), "trend")
    pooled = source is not None and len(source) == n and bool((source > 0).all())
    factors = _factors(values, keys)
    if pooled:
        factors, noise = _pooled(values, source, factors, keys)
    adjusted = values / factors.season if factors.multiplicative else values - factors.season
    centre, spread, log = _line(adjusted[-TREND_WINDOW:])
    if pooled:  # the pooled factor's variance (relative, log scale)
        spread = math.hypot(spread, noise * (1.0 if log else abs(centre)))
    elif factors.behind:  # the factor is the mean of ``behind`` months as noisy as the trend's errors
        spread *= math.sqrt(1 + 1 / factors.behind)
    value, low, high = _interval(centre, spread, log, z)
    if factors.multiplicative:
        value, low, high = value * factors.next, low * factors.next, high * factors.next
    else:
        value, low, high = value + factors.next, low + factors.next, high + factors.next
    return Expectation(max(value, 0.0), max(low, 0.0), max(high, 0.0), "seasonal")


def _pooled(
    values: np.ndarray, source: np.ndarray, own: _Factors, keys: Sequence[Hashable] | None
) -> tuple[_Factors, float]:
    """The scope's seasonal factors shrunk towards the larger scope's, and their standard error (log scale).

    Empirical Bayes on the log factors: the scope's own factor carries its months' noise (variance v: a
    month's noise σ² over the months behind the factor); its true difference from the larger scope's has variance
    τ² (the mean squared difference of the twelve factors, less v). The blend weighs the own factor by
    τ² / (τ² + v): a clean region with a season of its own keeps it, a noisy one takes the company's. σ² is the
    spread of the detrended months around their key's mean (:func:`_within`), or — where each key saw one month
    only, so its factor absorbed all its noise — the spread of the scope's months adjusted by the larger scope's
    season around their trend line. A scope with a month at 0 or below (additive factors) takes the larger
    scope's season whole.
    """
    other = _factors(source, keys)
    noise_other = _line((source / other.season)[-TREND_WINDOW:])[1] ** 2 / max(other.behind, 1)
    if not own.multiplicative:
        return other, math.sqrt(noise_other)
    sigma2 = own.within if math.isfinite(own.within) else _line((values / other.season)[-TREND_WINDOW:])[1] ** 2
    v = sigma2 / max(own.behind, 1)
    mine, theirs = np.log(own.season), np.log(other.season)
    tau2 = max(float(np.mean((mine[-SEASON:] - theirs[-SEASON:]) ** 2)) - v, 0.0)
    w = 1.0 if v == 0 else tau2 / (tau2 + v)
    season = np.exp(w * mine + (1 - w) * theirs)
    nxt = math.exp(w * math.log(own.next) + (1 - w) * math.log(other.next))
    blended = _Factors(season, nxt, own.behind, True)
    return blended, math.sqrt(w * v + (1 - w) ** 2 * noise_other)


@dataclass(frozen=True)
class _Factors:
    """Seasonal factors: each month's (``season``), the next month's, the months behind it, how they apply."""

    season: np.ndarray
    next: float
    behind: int
    multiplicative: bool
    within: float = math.nan  # a month's noise (log variance) around its key's factor, where it can be measured


def _factors(values: np.ndarray, keys: Sequence[Hashable] | None) -> _Factors:
    """The seasonal factors of ``values`` (multiplicative when every month is positive, else additive).

    Per calendar month (``seasonal_decompose``), or per season key when ``keys`` are given (:func:`_keyed`).
    """
    from statsmodels.tsa.seasonal import seasonal_decompose

    n = len(values)
    multiplicative = bool((values > 0).all())
    result = seasonal_decompose(values, model="multiplicative" if multiplicative else "additive", period=SEASON)
    calendar = np.asarray(result.seasonal, dtype=float)
    detrended = np.asarray(values / result.trend if multiplicative else values - result.trend, dtype=float)
    behind = int(np.isfinite(detrended[(n - SEASON) % SEASON :: SEASON]).sum())
    nxt = float(calendar[n - SEASON])  # the same calendar month a year before the forecast month
    labels = [i % SEASON for i in range(n)] if keys is None else list(keys[:-1])
    within = _within(detrended, labels) if multiplicative else math.nan
    if keys is None:
        return _Factors(calendar, nxt, behind, multiplicative, within)
    season, keyed, seen = _keyed(detrended, calendar, keys, multiplicative)
    if keyed is None:
        return _Factors(season, nxt, behind, multiplicative, within)
    return _Factors(season, keyed, seen, multiplicative, within)


def _within(detrended: np.ndarray, labels: list[Hashable]) -> float:
    """A month's noise: the variance of log detrended months around their key's mean (NaN without a spare month).

    Each key's mean uses up one degree of freedom: with one month per key (24 months) nothing is left to measure.
    """
    finite = np.isfinite(detrended) & (detrended > 0)
    logs = np.log(np.where(finite, detrended, 1.0))
    groups: dict[Hashable, list[float]] = {}
    for value, label, ok in zip(logs, labels, finite, strict=True):
        if ok:
            groups.setdefault(label, []).append(float(value))
    free = sum(len(g) for g in groups.values()) - len(groups)
    if free < 1:
        return math.nan
    return sum(float(((np.array(g) - np.mean(g)) ** 2).sum()) for g in groups.values()) / free


def _keyed(
    detrended: np.ndarray, calendar: np.ndarray, keys: Sequence[Hashable], multiplicative: bool
) -> tuple[np.ndarray, float | None, int]:
    """(each month's factor, the next month's or None, the months behind it) with one factor per season key.

    As ``seasonal_decompose`` does per calendar month: the mean of the key's detrended months, normalised so the
    keys' factors average 1 (multiplicative) or 0 (additive). A key the decomposition saw no month of (its
    months all at the ends, where the moving average is undefined) keeps its months' calendar factor.
    """
    history, nxt_key = list(keys[:-1]), keys[-1]
    seen = {k: detrended[[h == k for h in history]] for k in dict.fromkeys(history)}
    raw = {k: float(np.nanmean(v)) if np.isfinite(v).any() else math.nan for k, v in seen.items()}
    centre = float(np.nanmean(list(raw.values())))
    factor = {k: (v / centre if multiplicative else v - centre) for k, v in raw.items()}
    season = np.array([factor[h] if math.isfinite(factor[h]) else calendar[i] for i, h in enumerate(history)])
    if nxt_key in factor and math.isfinite(factor[nxt_key]):
        return season, factor[nxt_key], int(np.isfinite(seen[nxt_key]).sum())
    return season, None, 0


def _line(values: np.ndarray) -> tuple[float, float, bool]:
    """A least-squares line through ``values`` (log-linear when all positive), one month past them.

    Returns (its value there, the standard deviation of its errors, whether on the log scale).
    """
    t = np.arange(len(values), dtype=float)
    log = bool((values > 0).all())
    y = np.log(values) if log else values
    slope, intercept = np.polyfit(t, y, 1)
    errors = y - (intercept + slope * t)
    spread = float(np.sqrt((errors**2).sum() / max(len(values) - 2, 1)))
    return float(intercept + slope * len(values)), spread, log


def _interval(centre: float, spread: float, log: bool, z: float) -> tuple[float, float, float]:
    """(value, low, high): ``centre`` ± z × ``spread``, back from the log scale when ``log``."""
    low, high = centre - z * spread, centre + z * spread
    if log:
        return float(np.exp(centre)), float(np.exp(low)), float(np.exp(high))
    return float(centre), float(low), float(high)
