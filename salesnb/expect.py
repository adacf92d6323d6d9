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
  (:func:`_one_cycle`; the growth read from the months seen twice), each factor shrunk as far as the history's
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
ratios, over the months behind it) outweighs the season's real spread (:func:`_shrunk`, empirical Bayes). A
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

from .seasons import FESTIVAL, OTHER

SEASON = 12  # months in a seasonal cycle
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
    short = _one_cycle(values, keys) if n < SEASONAL_MONTHS else None
    if n < SEASONAL_MONTHS and short is None:
        centre, spread, log = _line(values[-TREND_WINDOW:])
        value, low, high = _interval(_year_before(values, keys, centre, log), spread, log, z)
        return Expectation(max(value, 0.0), max(low, 0.0), max(high, 0.0), "trend")
    pooled = source is not None and len(source) == n and bool((source > 0).all())
    other = (_one_cycle(source, keys) if short else _factors(source, keys)) if pooled else None
    factors = short or _factors(values, keys)
    if other is not None:
        factors, noise = _pooled(values, source, factors, keys, other)
    else:
        factors, noise = _shrunk(factors, values, keys)
    adjusted = values / factors.season if factors.multiplicative else values - factors.season
    centre, spread, log = _line(adjusted[-TREND_WINDOW:])
    if short is not None and log:  # its factors took in most months' own noise: the year-on-year noise is a month's
        spread = max(spread, math.sqrt(_year_on_year(values, keys)))
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
    factors = _factors(source, source_keys)
    placed = np.full(len(season), np.nan)
    placed[own] = factors.season
    noise = _line((source / factors.season)[-TREND_WINDOW:])[1] / math.sqrt(max(factors.behind, 1))
    return placed[kept], factors.next, noise


def _pooled(
    values: np.ndarray, source: np.ndarray, own: _Factors, keys: Sequence[Hashable] | None, other: _Factors
) -> tuple[_Factors, float]:
    """The scope's seasonal factors shrunk towards the larger scope's, and their standard error (log scale).

    Empirical Bayes on the log factors: the scope's own factor carries its months' noise (variance v: a
    month's noise σ² over the months behind the factor); its true difference from the larger scope's has variance
    τ² (the mean squared difference of the twelve factors, less v). The blend weighs the own factor by
    τ² / (τ² + v): a clean region with a season of its own keeps it, a noisy one takes the company's. σ² is the
    spread of the detrended months around their key's mean (:func:`_within`), or — where each key saw one month
    only, so its factor absorbed all its noise — the spread of the scope's months adjusted by the larger scope's
    season around their trend line. A scope with a month at 0 or below (additive factors) takes the larger
    scope's season whole. ``other``: the larger scope's factors (:func:`_factors`; :func:`_one_cycle` for a
    history of one cycle and a few months, as the scope's own).
    """
    noise_other = _line((source / other.season)[-TREND_WINDOW:])[1] ** 2
    if len(source) < SEASONAL_MONTHS:  # one cycle's factors took in its months' noise: the year-on-year pairs hold it
        noise_other = max(noise_other, _year_on_year(source, keys))
    noise_other /= max(other.behind, 1)
    if not own.multiplicative:
        return other, math.sqrt(noise_other)
    sigma2 = _noise(values, keys, own)
    if not math.isfinite(sigma2):
        sigma2 = _line((values / other.season)[-TREND_WINDOW:])[1] ** 2
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
    counts: np.ndarray | None = None  # each month's: the detrended months behind its factor (None: all ``behind``)


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
    counts = _counts(detrended, labels)
    if keys is None:
        return _Factors(calendar, nxt, behind, multiplicative, within, counts)
    season, keyed, seen = _keyed(detrended, calendar, keys, multiplicative)
    if keyed is None:
        return _Factors(season, nxt, behind, multiplicative, within, counts)
    return _Factors(season, keyed, seen, multiplicative, within, counts)


def _one_cycle(values: np.ndarray, keys: Sequence[Hashable] | None) -> _Factors | None:
    """Seasonal factors from a history of one cycle and a few months (``SEASON + 3`` to ``SEASONAL_MONTHS`` − 1).

    Too short for a moving-average decomposition, long enough that a trend line alone reads the season as
    growth or decline: a summer peak in the last months raises the line, and an ordinary autumn month falls far
    below it (a year and a half of sell-in data flagged a region −51 % at +5 % on last year). Least squares on
    the log months with one level per season key and one slope: the slope comes from the months seen twice (a
    year-on-year growth), each key's level is its month(s) against that line. :func:`_shrunk` then keeps of each
    factor only what the history's month-to-month noise (:func:`_year_on_year`, at least three pairs) leaves
    credible. ``None`` (the trend alone) with a month at 0 or below, too few pairs, or no month of the next key.
    """
    n = len(values)
    labels = [i % SEASON for i in range(n)] if keys is None else list(keys[:n])
    nxt = n % SEASON if keys is None else keys[n]
    names = list(dict.fromkeys(labels))
    if n < SEASON + 3 or not (values > 0).all() or nxt not in names or not math.isfinite(_year_on_year(values, keys)):
        return None
    design = np.zeros((n, len(names) + 1))
    design[:, 0] = np.arange(n, dtype=float)
    for i, label in enumerate(labels):
        design[i, 1 + names.index(label)] = 1.0
    coef = np.linalg.lstsq(design, np.log(values), rcond=None)[0]
    levels = coef[1:] - coef[1:].mean()  # the keys' log factors, averaging no season
    factor = dict(zip(names, np.exp(levels), strict=True))
    counts = np.array([labels.count(label) for label in labels], dtype=float)
    season = np.array([factor[label] for label in labels])
    return _Factors(season, float(factor[nxt]), labels.count(nxt), True, math.nan, counts)


def _counts(detrended: np.ndarray, labels: list[Hashable]) -> np.ndarray:
    """Each month's number of detrended months (finite) with its label: how many months its factor rests on."""
    seen: dict[Hashable, int] = {}
    for value, label in zip(detrended, labels, strict=True):
        seen[label] = seen.get(label, 0) + int(np.isfinite(value))
    return np.array([seen[label] for label in labels], dtype=float)


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


def _shrunk(factors: _Factors, values: np.ndarray, keys: Sequence[Hashable] | None) -> tuple[_Factors, float]:
    """Multiplicative factors shrunk towards 1 as far as their noise outweighs the season, and the next one's error.

    A factor resting on one or two months of its key carries their noise whole: one lucky August last year makes
    this August's expectation as lucky. Empirical Bayes on the log factors (as :func:`_pooled`, the prior here
    being no season): a factor behind ``k`` months has noise variance σ² / k, σ² a month's noise measured from
    the history itself (:func:`_year_on_year`); the season's real spread τ² is the factors' mean square less
    that noise. A factor keeps the share τ² / (τ² + σ² / k) of its log: a clean, strongly seasonal history keeps
    its season, a noisy one with one cycle behind it keeps little of a single month's luck. One spread for all
    keys shrank the few that stand out as far as the many that do not: a 春节 month's −40 % kept about −25 %, and its
    forecast ran 15–20 % high (benchmarks/expectation.py: a third of clean festival months fell below the 80 %
    interval). The 春节 block's keys (:mod:`salesnb.seasons`; given ``keys``) are a calendar fact, not a month's
    luck: where a key's own square, less its noise, exceeds τ², that is its prior spread (the moment estimate of
    its effect), so the festival keeps its size. Every other key is shrunk with the common τ², so one lucky month a
    year back is still mostly forgotten. Returns
    the factors and the next month's posterior standard error (log scale); additive factors as they are, with NaN.
    """
    if not factors.multiplicative:
        return factors, math.nan
    sigma2 = _noise(values, keys, factors)
    sigma2 = sigma2 if math.isfinite(sigma2) else 0.0
    counts = factors.counts if factors.counts is not None else np.full(len(values), float(factors.behind))
    logs, nxt = np.log(factors.season), math.log(factors.next)
    with np.errstate(divide="ignore"):
        noise = np.where(counts > 0, sigma2 / np.maximum(counts, 1.0), np.inf)
    seen = np.isfinite(noise[-SEASON:])  # the keys of the last cycle with a month behind their factor
    tau2 = max(float(np.mean(logs[-SEASON:][seen] ** 2) - np.mean(noise[-SEASON:][seen])), 0.0) if seen.any() else 0.0
    labels = [] if keys is None else list(keys[: len(values)])
    festive = np.array([label in (OTHER, FESTIVAL) for label in labels] or [False] * len(values))
    each = np.where(festive, np.maximum(tau2, logs**2 - noise), tau2)  # the 春节 block's own spread
    with np.errstate(invalid="ignore"):  # noise and tau2 both 0: the weight is 1, not 0/0
        weight = np.where(noise == 0, 1.0, each / (each + noise))
    v_next = sigma2 / factors.behind if factors.behind else math.inf
    festive_next = keys is not None and keys[len(values)] in (OTHER, FESTIVAL)
    tau2_next = max(tau2, nxt**2 - v_next) if festive_next and math.isfinite(v_next) else tau2
    w_next = 1.0 if v_next == 0 else tau2_next / (tau2_next + v_next)
    posterior = tau2 if math.isinf(v_next) else w_next * v_next
    season = np.exp(weight * logs)
    return _Factors(season, math.exp(w_next * nxt), factors.behind, True, factors.within, counts), math.sqrt(posterior)


def _noise(values: np.ndarray, keys: Sequence[Hashable] | None, factors: _Factors) -> float:
    """A month's noise (log variance) around its season and trend: :func:`_year_on_year`, else :func:`_within`.

    The spread around each key's mean has one degree of freedom per key with two months (one or two in 25–30
    months of history: a chance, not a measure); the year-on-year ratios have twelve or more.
    """
    sigma2 = _year_on_year(values, keys)
    return sigma2 if math.isfinite(sigma2) else factors.within


def _year_on_year(values: np.ndarray, keys: Sequence[Hashable] | None) -> float:
    """A month's noise (log variance): half the variance of log(month / the month a year before with its key).

    The season cancels in the ratio, steady growth is its mean: what is left is two months' noise. A year back is
    twelve months, or eleven or thirteen where the season key moved (春节 between January and February). NaN
    with fewer than three pairs or a month at 0 or below.
    """
    n = len(values)
    if not (values > 0).all():
        return math.nan
    labels = [i % SEASON for i in range(n)] if keys is None else list(keys[:n])
    logs = np.log(values)
    ratios, lags = [], []
    for t in range(SEASON - 1, n):
        for back in (SEASON, SEASON - 1, SEASON + 1):
            if t - back >= 0 and labels[t - back] == labels[t]:
                ratios.append(logs[t] - logs[t - back])
                lags.append(back)
                break
    if len(ratios) < 3:
        return math.nan
    growth = sum(ratios) / sum(lags)  # a month's growth: a ratio over 11 or 13 months carries 11 or 13 of it
    residuals = np.array(ratios) - growth * np.array(lags)
    return float((residuals**2).sum()) / (len(ratios) - 1) / 2


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
