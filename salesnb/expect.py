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
- 15 to 23 months, every month positive: one factor per season key and one growth rate fitted together
  (:func:`one_cycle`; the growth read from the months seen twice), each factor shrunk as far as the history's
  year-on-year noise makes it doubtful, then the trend as below through the seasonally adjusted months;
- at least 6 months otherwise: the trend only — a log-linear line (constant growth rate) through the last 12
  months (a straight line when a month is 0 or less), or the month a year before where lower (:func:`_year_before`);
- fewer: the plain mean of the months there are, with the interval of a new month around it (the months' own
  spread and the mean's, Student t with n − 1 degrees of freedom: three months give 1.7 times the plain z × sd).

The interval is the forecast with ± z × the standard deviation of the trend line's errors (z of the two-sided
``level``, 80% by default), on the log scale for a log-linear trend. A seasonal factor is the mean of the few
months of its key the decomposition saw (one to three in 24–47 months of history): it carries their noise, so
its variance (the months' variance over their number) is added to the interval's — with one year behind it a
factor is as uncertain as a month. Trusted whole, one lucky month last year would set this year's expectation:
each factor is shrunk towards no season as far as its noise (a month's noise, measured by the year-on-year
ratios, over the months behind it) outweighs the season's real spread (:func:`shrunk`, empirical Bayes). A
small, noisy scope (one region, one channel) can lean on a larger one it shares the calendar with (``season``:
the company's months), whose factors are measured with far less noise: its own factors are shrunk towards those
instead (:func:`_pooled`). A history's first months when they are its warm-up (partial months as a system went
live, far below the year after them: :func:`warm_up`) set neither factor nor trend.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .season_factors import SEASON, Factors, decomposed, month_noise, one_cycle, shrunk, year_on_year

SEASONAL_MONTHS = 24  # two full cycles before the season is estimated
TREND_MONTHS = 6  # months before a trend is estimated
TREND_WINDOW = 12  # the trend is the line through the last this-many (seasonally adjusted) months
ONE_CYCLE_TAIL = 0.99  # a one-cycle forecast's spread is a t's with the year-on-year pairs' freedom, matched here
# (simulated 15-23 month histories, seasons of 0-60 %, noise 5-30 %: months below the 1 % tail 1.4 %, 5 % tail 4.0 %)
WARMUP_SHARE = 1 / 3  # a history's first months below this share of the year after them are its warm-up
# (partial months as a system goes live): the 春节 month, the lowest real one, keeps about half a usual month


@dataclass(frozen=True)
class Expectation:
    """The expected value of a month, its interval and the method that gave it (``seasonal``/``trend``/``mean``)."""

    value: float
    low: float
    high: float
    method: str


def spread_of(forecast: Expectation, level: float = 0.8) -> tuple[float, bool]:
    """The forecast's standard error and whether it is on the log scale (relative), from its interval at ``level``.

    On the log scale when the interval is symmetric there (a log-linear trend), else on the plain one; its upper end
    (never clipped at 0) gives the spread. NaN without a forecast.
    """
    centre, high, low = forecast.value, forecast.high, forecast.low
    if not (math.isfinite(centre) and math.isfinite(high)) or centre <= 0:
        return math.nan, False
    z = float(stats.norm.ppf(0.5 + level / 2))
    log = low > 0 and math.isclose(math.log(high / centre), math.log(centre / low), rel_tol=1e-6)
    return (math.log(high / centre) if log else high - centre) / z, log


def relative_spread(forecast: Expectation, level: float = 0.8) -> float:
    """The forecast's standard error over its value (:func:`spread_of`; on the log scale that is already relative).

    What a count test (:func:`salesnb.stats.count_low`) adds to the month's own noise. NaN without a forecast, or
    on the plain scale with a forecast of 0 or less (no relative error is defined there).
    """
    spread, log = spread_of(forecast, level)
    if log or not math.isfinite(spread):
        return spread
    return spread / forecast.value if forecast.value > 0 else math.nan


def peer_error(rest: Expectation, factor: float) -> float:
    """The relative error a peer factor carries: its peers' own forecast error, 0 when the factor is 1.

    A peer factor (the peers' month over their expectation) is itself an estimate: where it moves a segment's
    baseline, its error adds to the segment's own (:func:`below`'s ``factor_error``).
    """
    if factor == 1 or not math.isfinite(factor):
        return 0.0
    error = relative_spread(rest)
    return error if math.isfinite(error) else 0.0


def below(forecast: Expectation, value: float, level: float = 0.8, factor_error: float = 0.0) -> float:
    """How likely a month as low as ``value`` or lower is under ``forecast`` (made at ``level``): a p-value.

    ``factor_error``: the relative standard error of a factor ``value`` was divided by to compare it with the
    forecast (a peer factor, itself an estimate), added to the forecast's. NaN without a forecast; 0.5 at the
    value itself; a forecast with no spread at all gives 0 below its value and 1 at or above it.
    """
    spread, log = spread_of(forecast, level)
    if not (math.isfinite(spread) and math.isfinite(value)):
        return math.nan
    if log and value <= 0:
        return 0.0
    if log:
        distance, spread = math.log(value / forecast.value), math.hypot(spread, factor_error)
    else:
        distance, spread = value - forecast.value, math.hypot(spread, factor_error * forecast.value)
    if spread <= 0:
        return float(value >= forecast.value)
    return float(stats.norm.cdf(distance / spread))


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
    if season is not None and _mirrors(values, np.asarray(season, dtype=float)):
        season = None  # the scope itself (a store no other region sells through): nothing larger to lean on
    kept = ~np.isnan(values)
    start = warm_up(values) if season is None else max(warm_up(values), warm_up(np.asarray(season, dtype=float)))
    kept[:start] = False  # a history's warm-up months set neither its season nor its trend
    all_keys = keys
    if keys is not None:
        if len(keys) != len(values) + 1:
            raise ValueError(f"keys: one per month of the history and one for the month forecast, got {len(keys)}")
        keys = [k for k, keep in zip(keys, kept, strict=False) if keep] + [keys[-1]]
    source = None if season is None else np.asarray(season, dtype=float)[kept]
    values = values[kept]
    n = len(values)
    if not n:
        return Expectation(math.nan, math.nan, math.nan, "none")
    if n < TREND_MONTHS:  # a new month around the few months' mean: its own spread and the mean's, t with n - 1 df
        spread = float(values.std(ddof=1)) * math.sqrt(1 + 1 / n) if n > 1 else 0.0
        mean = float(values.mean())
        t = float(stats.t.ppf(0.5 + level / 2, n - 1)) if n > 1 else 0.0
        return Expectation(mean, max(mean - t * spread, 0.0), max(mean + t * spread, 0.0), "mean")
    z = float(stats.norm.ppf(0.5 + level / 2))
    borrowed = None
    if n < SEASONAL_MONTHS and season is not None:  # too short for a season of its own: the larger scope's
        borrowed = _borrowed(np.asarray(season, dtype=float), all_keys, kept)
    if borrowed is not None:
        factors, nxt, noise = borrowed
        centre, spread, log = _line((values / factors)[-TREND_WINDOW:])
        value, low, high = _interval(centre, math.hypot(spread, noise * (1.0 if log else abs(centre))), log, z)
        return Expectation(max(value * nxt, 0.0), max(low * nxt, 0.0), max(high * nxt, 0.0), "seasonal")
    short = one_cycle(values, keys) if n < SEASONAL_MONTHS else None
    if n < SEASONAL_MONTHS and short is None:
        centre, spread, log = _line(values[-TREND_WINDOW:])
        value, low, high = _interval(_year_before(values, keys, centre, log), spread, log, z)
        return Expectation(max(value, 0.0), max(low, 0.0), max(high, 0.0), "trend")
    pooled = source is not None and len(source) == n and bool((source > 0).all())
    other = (one_cycle(source, keys) if short else decomposed(source, keys)) if pooled else None
    factors = short or decomposed(values, keys)
    if other is not None:
        factors, noise = _pooled(values, source, factors, keys, other)
    else:
        factors, noise = shrunk(factors, values, keys)
    adjusted = values / factors.season if factors.multiplicative else values - factors.season
    centre, spread, log = _line(adjusted[-TREND_WINDOW:])
    if short is not None and log:  # its factors took in most months' own noise: the year-on-year noise is a month's
        spread = max(spread, math.sqrt(year_on_year(values, keys)))
    if factors.multiplicative:  # the (shrunk or pooled) factor's variance (relative, log scale)
        spread = math.hypot(spread, noise * (1.0 if log else abs(centre)))
    elif factors.behind:  # the factor is the mean of ``behind`` months as noisy as the trend's errors
        spread *= math.sqrt(1 + 1 / factors.behind)
    if short is not None:  # the noise read from a few year-on-year pairs: as a t with their degrees of freedom
        free = n - SEASON - 1
        spread *= float(stats.t.ppf(ONE_CYCLE_TAIL, free) / stats.norm.ppf(ONE_CYCLE_TAIL))
    value, low, high = _interval(centre, spread, log, z)
    if factors.multiplicative:
        value, low, high = value * factors.next, low * factors.next, high * factors.next
    else:
        value, low, high = value + factors.next, low + factors.next, high + factors.next
    return Expectation(max(value, 0.0), max(low, 0.0), max(high, 0.0), "seasonal")


def _borrowed(
    season: np.ndarray, keys: Sequence[Hashable] | None, kept: np.ndarray
) -> tuple[np.ndarray, float, float] | None:
    """The larger scope's seasonal factors for the ``kept`` months, the next month's, and its error (log scale).

    For a scope whose own history is too short to measure a season (a region opened a year and a half ago)
    while the larger scope it shares the calendar with has the two cycles: judged on its trend alone, such a
    region's 春节 month reads as a collapse. ``None`` where the larger scope has fewer than
    ``SEASONAL_MONTHS`` months after its warm-up, a month at 0 or below (no multiplicative season), or no
    month of its own behind one of the kept months.
    """
    own = np.zeros(len(season), dtype=bool)
    own[warm_up(season) :] = True
    own &= np.isfinite(season)
    source = season[own]
    if len(source) < SEASONAL_MONTHS or not (source > 0).all() or not own[kept].all():
        return None
    source_keys = None if keys is None else [k for k, keep in zip(keys, own, strict=False) if keep] + [keys[-1]]
    factors = decomposed(source, source_keys)
    placed = np.full(len(season), np.nan)
    placed[own] = factors.season
    noise = _line((source / factors.season)[-TREND_WINDOW:])[1] / math.sqrt(max(factors.behind, 1))
    return placed[kept], factors.next, noise


def _pooled(
    values: np.ndarray, source: np.ndarray, own: Factors, keys: Sequence[Hashable] | None, other: Factors
) -> tuple[Factors, float]:
    """The scope's seasonal factors shrunk towards the larger scope's, and their standard error (log scale).

    Empirical Bayes on the log factors: the scope's own factor carries its months' noise (variance v: a
    month's noise σ² over the months behind the factor); its true difference from the larger scope's has variance
    τ² (the mean squared difference of the twelve factors, less v). The blend weighs the own factor by
    τ² / (τ² + v): a clean region with a season of its own keeps it, a noisy one takes the company's. σ² is the
    spread of the detrended months around their key's mean (:func:`_within`), or — where each key saw one month
    only, so its factor absorbed all its noise — the spread of the scope's months adjusted by the larger scope's
    season around their trend line. A scope with a month at 0 or below (additive factors) takes the larger
    scope's season whole. ``other``: the larger scope's factors (:func:`decomposed`; :func:`one_cycle` for a
    history of one cycle and a few months, as the scope's own).
    """
    noise_other = _line((source / other.season)[-TREND_WINDOW:])[1] ** 2
    if len(source) < SEASONAL_MONTHS:  # one cycle's factors took in its months' noise: the year-on-year pairs hold it
        noise_other = max(noise_other, year_on_year(source, keys))
    noise_other /= max(other.behind, 1)
    if not own.multiplicative:
        return other, math.sqrt(noise_other)
    sigma2 = month_noise(values, keys, own)
    if not math.isfinite(sigma2):
        sigma2 = _line((values / other.season)[-TREND_WINDOW:])[1] ** 2
    v = sigma2 / max(own.behind, 1)
    mine, theirs = np.log(own.season), np.log(other.season)
    tau2 = max(float(np.mean((mine[-SEASON:] - theirs[-SEASON:]) ** 2)) - v, 0.0)
    w = 1.0 if v == 0 else tau2 / (tau2 + v)
    season = np.exp(w * mine + (1 - w) * theirs)
    nxt = math.exp(w * math.log(own.next) + (1 - w) * math.log(other.next))
    blended = Factors(season, nxt, own.behind, True)
    return blended, math.sqrt(w * v + (1 - w) ** 2 * noise_other)


def _mirrors(values: np.ndarray, season: np.ndarray) -> bool:
    """Whether the larger scope's months are the scope's own, or a fixed share of them (to rounding).

    Then they hold no season the scope's own months do not: pooled with itself, a factor's difference from the
    larger scope's is 0 and :func:`_pooled` takes the raw factors whole, unshrunk (a store's two lucky Januaries
    set its next January), where the scope alone would shrink them (:func:`~salesnb.season_factors.shrunk`).
    """
    if season.shape != values.shape:
        return False
    seen = np.isfinite(values) & np.isfinite(season)
    own, other = values[seen], season[seen]
    if not own.size or ((own == 0) != (other == 0)).any() or not (own != 0).any():
        return False
    ratio = other[own != 0] / own[own != 0]
    return bool(ratio[0] > 0 and np.allclose(ratio, ratio[0], rtol=1e-9, atol=0.0))


def month_factors(history: list[float] | np.ndarray, keys: Sequence[Hashable] | None = None) -> np.ndarray:
    """Each month's seasonal factor in a monthly history, as :func:`expected` reads the season; 1 where none is read.

    A month's revenue over its factor is the month at an ordinary season's level: a best quarter in November
    and a summer quarter compare as the business's own calendar makes them. ``keys`` as for :func:`expected`
    (one per month and one for the month after). Multiplicative factors only, shrunk towards no season as far as
    the history's noise makes them doubtful (:func:`shrunk`), so a product that is most of its scope does not
    turn its own one-off rise into the scope's season. A history too short for a season (fewer than ``SEASON``
    + 3 months after its warm-up, :func:`warm_up`, whose months keep 1), with a month at 0 or below, reads none.
    """
    values = np.asarray(history, dtype=float)
    out = np.ones(len(values))
    start = warm_up(values)
    kept = values[start:]
    if len(kept) < SEASON + 3 or not (np.isfinite(kept).all() and (kept > 0).all()):
        return out
    later = None if keys is None else list(keys[start:])
    factors = one_cycle(kept, later) if len(kept) < SEASONAL_MONTHS else decomposed(kept, later)
    if factors is None or not factors.multiplicative:
        return out
    out[start:] = shrunk(factors, kept, later)[0].season
    return out


def warm_up(values: np.ndarray) -> int:
    """How many of a history's first months are its warm-up: each below ``WARMUP_SHARE`` of the year after it.

    A history's first months are often partial: the system went live mid-month, records were entered as the team
    took it up, a branch was opening. Taken as real, such a month sets its season key's factor (a January at a
    seventh of the usual level makes next January's expectation a seventh too, and every month planned from a
    window reaching it twice too high) and pulls the trend. A leading month below ``WARMUP_SHARE`` of the median
    of the ``SEASON`` months after it is left out, and the next month judged the same way; the first month that is
    not stops the run (a later low month is a real one). Leading months with nothing at all (0 or missing) before
    a history with no empty month are a scope that had not begun (a region opened later): they always go, however
    long the run; in a sparse count (a few new customers a month) a 0 is a real month and stays. At least
    ``TREND_MONTHS`` months are always kept.
    """
    values = np.asarray(values, dtype=float)
    start = 0
    begun = np.flatnonzero(values > 0)
    if begun.size and begun[0] > 0:  # leading empty months: a scope not yet begun when none follows them
        after = values[begun[0] :]
        if (after[np.isfinite(after)] > 0).all():
            start = min(int(begun[0]), max(len(values) - TREND_MONTHS, 0))
    while start < len(values) - TREND_MONTHS:
        after = values[start + 1 : start + 1 + SEASON]
        after = after[np.isfinite(after)]
        if not (after.size and values[start] < WARMUP_SHARE * float(np.median(after))):
            break
        start += 1
    return start


def _year_before(values: np.ndarray, keys: Sequence[Hashable] | None, centre: float, log: bool) -> float:
    """The line's forecast (log), or the same key's month a year back (grown as year-on-year pairs say) if lower."""
    n = len(values)  # one cycle cannot tell a season from a trend: a dealer's January up 43 % read as a collapse
    labels = [i % SEASON for i in range(n)] if keys is None else list(keys[:n])
    nxt = n % SEASON if keys is None else keys[n]
    back = next((n - lag for lag in (SEASON, SEASON - 1, SEASON + 1) if n - lag >= 0 and labels[n - lag] == nxt), None)
    if not log or back is None or not values[back] > 0:
        return centre
    now, before = values[SEASON:], values[: max(n - SEASON, 0)]  # the year-on-year pairs there are (none in 12)
    ratios = np.log(now[(now > 0) & (before > 0)] / before[(now > 0) & (before > 0)])
    return min(centre, math.log(values[back]) + (float(ratios.mean()) / SEASON if ratios.size else 0.0) * (n - back))


def _line(values: np.ndarray) -> tuple[float, float, bool]:
    """A least-squares line through ``values`` (log-linear when all positive), one month past them.

    Returns (its value there, the standard deviation of a prediction there, whether on the log scale). The
    prediction's spread is the errors' widened by the line's own uncertainty one month past its data,
    √(1 + 1/n + (n − t̄)² / Σ(t − t̄)²): the residuals alone made a trend's interval about a sixth too narrow over 12
    months, and a region's ordinary month fell below it (8 of 13 clean region flags on foreign seeds 70–72).
    """
    t = np.arange(len(values), dtype=float)
    log = bool((values > 0).all())
    y = np.log(values) if log else values
    slope, intercept = np.polyfit(t, y, 1)
    errors = y - (intercept + slope * t)
    spread = float(np.sqrt((errors**2).sum() / max(len(values) - 2, 1)))
    n = len(values)
    sxx = float(((t - t.mean()) ** 2).sum())
    if n > 2 and sxx > 0:
        spread *= math.sqrt(1 + 1 / n + (n - t.mean()) ** 2 / sxx)
    return float(intercept + slope * len(values)), spread, log


def _interval(centre: float, spread: float, log: bool, z: float) -> tuple[float, float, float]:
    """(value, low, high): ``centre`` ± z × ``spread``, back from the log scale when ``log``."""
    low, high = centre - z * spread, centre + z * spread
    if log:
        return float(np.exp(centre)), float(np.exp(low)), float(np.exp(high))
    return float(centre), float(low), float(high)
