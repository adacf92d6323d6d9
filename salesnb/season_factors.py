"""Seasonal factors of a monthly history, and how far to trust them (:mod:`salesnb.expect` forecasts with them).

Per calendar month or season key (:mod:`salesnb.seasons`): from a moving-average decomposition (two cycles or
more, :func:`decomposed`) or a log-linear fit with one level per key (one cycle and a few months,
:func:`one_cycle`); each factor then shrunk towards no season as far as the history's own noise makes it doubtful
(:func:`shrunk`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from .seasons import FESTIVAL, OTHER

SEASON = 12  # months in a seasonal cycle


@dataclass(frozen=True)
class Factors:
    """Seasonal factors: each month's (``season``), the next month's, the months behind it, how they apply."""

    season: np.ndarray
    next: float
    behind: int
    multiplicative: bool
    within: float = math.nan  # a month's noise (log variance) around its key's factor, where it can be measured
    counts: np.ndarray | None = None  # each month's: the detrended months behind its factor (None: all ``behind``)


def decomposed(values: np.ndarray, keys: Sequence[Hashable] | None) -> Factors:
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
        return Factors(calendar, nxt, behind, multiplicative, within, counts)
    season, keyed, seen = _keyed(detrended, calendar, keys, multiplicative)
    if keyed is None:
        return Factors(season, nxt, behind, multiplicative, within, counts)
    return Factors(season, keyed, seen, multiplicative, within, counts)


def one_cycle(values: np.ndarray, keys: Sequence[Hashable] | None) -> Factors | None:
    """Seasonal factors from a history of one cycle and a few months (``SEASON + 3`` to ``SEASONAL_MONTHS`` − 1).

    Too short for a moving-average decomposition, long enough that a trend line alone reads the season as
    growth or decline: a summer peak in the last months raises the line, and an ordinary autumn month falls far
    below it (a year and a half of sell-in data flagged a region −51 % at +5 % on last year). Least squares on
    the log months with one level per season key and one slope: the slope comes from the months seen twice (a
    year-on-year growth), each key's level is its month(s) against that line. :func:`shrunk` then keeps of each
    factor only what the history's month-to-month noise (:func:`year_on_year`, at least three pairs) leaves
    credible. ``None`` (the trend alone) with a month at 0 or below, too few pairs, or no month of the next key.
    """
    n = len(values)
    labels = [i % SEASON for i in range(n)] if keys is None else list(keys[:n])
    nxt = n % SEASON if keys is None else keys[n]
    names = list(dict.fromkeys(labels))
    if n < SEASON + 3 or not (values > 0).all() or nxt not in names or not math.isfinite(year_on_year(values, keys)):
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
    return Factors(season, float(factor[nxt]), labels.count(nxt), True, math.nan, counts)


def _counts(detrended: np.ndarray, labels: list[Hashable]) -> np.ndarray:
    """Each month's number of detrended months (finite) with its label: how many months its factor rests on."""
    seen: dict[Hashable, int] = {}
    for value, label in zip(detrended, labels, strict=True):
        seen[label] = seen.get(label, 0) + int(np.isfinite(value))
    return np.array([seen[label] for label in labels], dtype=float)


def shrunk(factors: Factors, values: np.ndarray, keys: Sequence[Hashable] | None) -> tuple[Factors, float]:
    """Multiplicative factors shrunk towards 1 as far as their noise outweighs the season, and the next one's error.

    A factor resting on one or two months of its key carries their noise whole: one lucky August last year makes
    this August's expectation as lucky. Empirical Bayes on the log factors (as ``expect._pooled``, the prior here
    being no season): a factor behind ``k`` months has noise variance σ² / k, σ² a month's noise measured from
    the history itself (:func:`year_on_year`); the season's real spread τ² is the factors' mean square less
    that noise. A factor keeps the share τ² / (τ² + σ² / k) of its log: a clean, strongly seasonal history keeps
    its season, a noisy one with one cycle behind it keeps little of a single month's luck. One spread for all
    keys shrank the few that stand out as far as the many that do not: a 春节 month's −40 % kept about −25 %, and its
    forecast ran 15–20 % high (benchmarks/expectation.py: a third of clean festival months fell below the 80 %
    interval). The 春节 block's keys (:mod:`salesnb.seasons`; given ``keys``) are a calendar fact, not a month's
    luck: where a key's own square, less its noise, exceeds τ², that is its prior spread (the moment estimate of
    its effect), so the festival keeps its size; and the festival swings from year to year more than a month's
    noise (how its slow days fall between January and February): its months' own year-on-year noise, where
    larger, widens its error. Every other key is shrunk with the common τ², so one lucky month a year back is
    still mostly forgotten. Returns the factors and the next month's posterior standard error (log scale);
    additive factors as they are, with NaN.
    """
    if not factors.multiplicative:
        return factors, math.nan
    sigma2 = month_noise(values, keys, factors)
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
    if festive_next:  # the festival's own swing from year to year (how its days fall), beyond a month's noise
        swing = year_on_year(values, keys, (OTHER, FESTIVAL)) - sigma2
        posterior += swing if swing > 0 else 0.0
    season = np.exp(weight * logs)
    return Factors(season, math.exp(w_next * nxt), factors.behind, True, factors.within, counts), math.sqrt(posterior)


def month_noise(values: np.ndarray, keys: Sequence[Hashable] | None, factors: Factors) -> float:
    """A month's noise (log variance) around its season and trend: :func:`year_on_year`, else :func:`_within`.

    The spread around each key's mean has one degree of freedom per key with two months (one or two in 25–30
    months of history: a chance, not a measure); the year-on-year ratios have twelve or more.
    """
    sigma2 = year_on_year(values, keys)
    return sigma2 if math.isfinite(sigma2) else factors.within


def year_on_year(values: np.ndarray, keys: Sequence[Hashable] | None, only: tuple[Hashable, ...] = ()) -> float:
    """A month's noise (log variance): half the variance of log(month / the month a year before with its key).

    The season cancels in the ratio, steady growth is its mean: what is left is two months' noise. A year back is
    twelve months, or eleven or thirteen where the season key moved (春节 between January and February). NaN
    with fewer than three pairs or a month at 0 or below. ``only``: the noise of the months of these keys (at
    least two of their pairs), the growth still read from every pair.
    """
    n = len(values)
    if not (values > 0).all():
        return math.nan
    labels = [i % SEASON for i in range(n)] if keys is None else list(keys[:n])
    logs = np.log(values)
    ratios, lags, kept = [], [], []
    for t in range(SEASON - 1, n):
        for back in (SEASON, SEASON - 1, SEASON + 1):
            if t - back >= 0 and labels[t - back] == labels[t]:
                ratios.append(logs[t] - logs[t - back])
                lags.append(back)
                kept.append(not only or labels[t] in only)
                break
    if len(ratios) < 3 or (only and sum(kept) < 2):
        return math.nan
    growth = sum(ratios) / sum(lags)  # a month's growth: a ratio over 11 or 13 months carries 11 or 13 of it
    residuals = (np.array(ratios) - growth * np.array(lags))[kept]
    free = len(residuals) - 1 if not only else len(residuals)  # the growth was read off all pairs
    return float((residuals**2).sum()) / free / 2


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
