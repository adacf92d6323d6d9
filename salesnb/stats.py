"""The one kit for "is this month unusual against the usual level?": counts, shares and spreads.

Every angle judges a month the same way: a count against the usual months (Poisson, or negative binomial when
the months swing more than Poisson would), a share against the usual share (binomial, Fisher exact), a mean
against its spread (z). Functions return a one-sided p-value (1 or NaN when nothing can be judged).
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
from scipy import optimize, special, stats


def ratio(numerator: float | None, denominator: float | None) -> float:
    """``numerator / denominator``; NaN when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or not denominator or pd.isna(denominator) or pd.isna(numerator):
        return float("nan")
    return float(numerator) / float(denominator)


def change(current: float | None, baseline: float | None) -> float:
    """Relative change ``current / baseline - 1`` (NaN when it cannot be computed)."""
    value = ratio(current, baseline)
    return value - 1 if not math.isnan(value) else float("nan")


def lower(*values: float | None) -> float | None:
    """The smallest of the values that exist (``None`` when none does)."""
    known = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return min(known) if known else None


def number(value: object) -> float | None:
    """``value`` as a float, ``None`` when missing or NaN (JSON-friendly)."""
    if value is None or pd.isna(value):
        return None
    return float(value)


def count_rise(count: float, base_total: float, months: int) -> float:
    """Chance of a month with at least ``count`` events when ``base_total`` came in ``months`` usual months.

    Conditional binomial test of two Poisson counts: under equal rates the month holds each of the
    ``count + base_total`` events with probability ``1 / (months + 1)``.
    """
    if not months:
        return float("nan")
    return float(stats.binom.sf(count - 1, int(count + base_total), 1.0 / (months + 1)))


def count_rise_spread(count: float, history: np.ndarray | list) -> float:
    """Chance of a month with at least ``count`` events when the usual months held ``history`` (a count each).

    :func:`count_rise` for months that swing more than Poisson ones: the month's count is predicted from the
    usual months' total S over k months, its rate uncertain (Jeffreys: Gamma(S + ½, k)), so the count is negative
    binomial, P(X ≥ x) = I_{1/(k+1)}(x, S + ½) (the regularized incomplete beta). With their variance ÷ mean
    φ = :func:`dispersion` above 1 the events come in clumps of about φ (quasi-Poisson): x and S are read in
    clumps, x ÷ φ and S ÷ φ. A stage that ends most months with none and some with one or two stalled deals
    usually carries a few: two now is no surprise, six are. 1 without events or history.
    """
    values = np.asarray(history, dtype=float)
    values = values[~np.isnan(values)]
    if count <= 0 or not len(values):
        return 1.0 if count <= 0 or len(values) else float("nan")
    phi = dispersion(values)
    return float(special.betainc(count / phi, values.sum() / phi + 0.5, 1.0 / (len(values) + 1)))


def count_drop(count: float, base_total: float, months: int) -> float:
    """Chance of a month with at most ``count`` events when ``base_total`` came in ``months`` usual months."""
    if not months:
        return float("nan")
    return float(stats.binom.cdf(count, int(count + base_total), 1.0 / (months + 1)))


def share_drop(own: np.ndarray, own_before: np.ndarray, rest: np.ndarray, rest_before: np.ndarray) -> np.ndarray:
    """Chance of a month with at most ``own`` events of a segment had its share of the business held (vectorised).

    Conditional binomial test of two Poisson rates: of the segment's ``own + own_before`` events (this month and
    the months before), an unchanged share puts each in this month with probability ``rest / (rest +
    rest_before)``, the rest of the business's split between the month and the months before. Unlike a count
    read against a fixed expectation it carries the error of a share learnt from few events: a product line of
    three orders in a year is not "expected" to sell fourteen because the others grew ninefold. 1 without events.
    """
    own, own_before = np.asarray(own, dtype=float), np.asarray(own_before, dtype=float)
    rest, rest_before = np.asarray(rest, dtype=float), np.asarray(rest_before, dtype=float)
    total = rest + rest_before
    rate = np.divide(rest, total, out=np.full(total.shape, np.nan), where=total > 0)
    chance = stats.binom.cdf(own, (own + own_before).round(), np.nan_to_num(rate, nan=0.0))
    return np.where(np.isfinite(rate) & (own + own_before > 0), chance, 1.0)


def dispersion(history: np.ndarray | pd.Series | list) -> float:
    """Variance ÷ mean of monthly counts (at least 1): how much more they swing than a Poisson count would."""
    values = np.asarray(history, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 3 or values.mean() <= 0:
        return 1.0
    return max(1.0, float(values.var(ddof=1) / values.mean()))


def dispersion_around(counts: pd.DataFrame, expected: pd.DataFrame, months: list[str]) -> pd.Series:
    """How far a row's monthly counts spread around what the test's own model expected of them (at least 1).

    φ = mean over ``months`` of (count − expected)² ÷ expected per row (``expected``: rows × months, missing
    months skipped).

    A test that reads a count against an expectation is calibrated by how far the same expectation missed in the
    months before: a model that already follows the season leaves little spread, one that does not leaves more.
    Rows with fewer than three months to learn from get φ = 1 (Poisson).
    """
    usable = [m for m in months if m in expected.columns]
    if len(usable) < 3:
        return pd.Series(1.0, index=counts.index)
    mean = expected[usable].reindex(counts.index)
    if len(counts) == 1:  # one row (a category's months): its figure in NumPy, microseconds instead of milliseconds
        return pd.Series(
            [_one_row(counts[usable].to_numpy(dtype=float)[0], mean.to_numpy(dtype=float)[0])], counts.index
        )
    table = (counts[usable] - mean) ** 2 / mean.where(mean > 0)
    phi = table.mean(axis=1).where(table.notna().sum(axis=1) >= 3)
    return phi.fillna(1.0).clip(lower=1.0)


def _one_row(counts: np.ndarray, mean: np.ndarray) -> float:
    """:func:`dispersion_around` of one row: the same operations on its values, so the same float.

    One row's known values are summed in month order as ``DataFrame.mean(axis=1)`` sums a single row (NumPy's
    pairwise sum over contiguous values); more rows are left to pandas, whose sum order follows its memory layout.
    """
    table = (counts - mean) ** 2 / np.where(mean > 0, mean, np.nan)
    known = ~np.isnan(table)
    count = int(known.sum())
    if count < 3:
        return 1.0
    return max(float(np.where(known, table, 0.0).sum() / float(count)), 1.0)


def poisson_low(count: float, usual: float | None, spread: float = 1.0) -> float:
    """Probability of at most ``count`` events when ``usual`` are expected (1 when nothing is expected).

    With ``spread`` (variance ÷ mean) above 1 the count is negative binomial, so a segment whose months
    normally swing widely needs a deeper fall to count as improbable.
    """
    if usual is None or not usual > 0:
        return 1.0
    k = int(round(count))
    if spread <= 1.0 + 1e-9:
        return float(stats.poisson.cdf(k, usual))
    return float(stats.nbinom.cdf(k, usual / (spread - 1.0), 1.0 / spread))


def poisson_high(count: float, expected: float) -> float:
    """Probability of at least ``count`` events when ``expected`` are expected (1 for none; 0 when none expected)."""
    if count <= 0 or np.isnan(expected):
        return 1.0
    return float(stats.poisson.sf(count - 1, expected)) if expected > 0 else 0.0


def binom_low(hits: int, n: int, rate: float | None) -> float:
    """Probability of at most ``hits`` of ``n`` at the usual ``rate`` (1 when nothing can be judged)."""
    if n <= 0 or rate is None or not rate > 0:
        return 1.0
    return float(stats.binom.cdf(hits, n, min(rate, 1.0)))


def binom_low_mid(hits: int, n: int, rate: float | None) -> float:
    """Mid-p of at most ``hits`` of ``n`` at the usual ``rate``: P(fewer) + ½ P(exactly) (1 when nothing to judge).

    At a few trials the exact tail is conservative (a test at 0.10 rejects far less often than 10% of the time);
    the mid-p is the usual exact-test correction for small counts (Lancaster), still exact, not a normal
    approximation.
    """
    if n <= 0 or rate is None or not rate > 0:
        return 1.0
    rate = min(rate, 1.0)
    return float(stats.binom.cdf(hits - 1, n, rate) + 0.5 * stats.binom.pmf(hits, n, rate))


def binom_high(hits: int, n: int, rate: float | None, floor: float = 0.0) -> float:
    """Probability of at least ``hits`` of ``n`` at the usual ``rate`` (raised to ``floor``, so a zero rate works)."""
    if n <= 0 or hits <= 0:
        return 1.0
    return float(stats.binom.sf(hits - 1, n, min(max(rate or 0.0, floor), 1.0)))


def intraclass(hits: np.ndarray | list, trials: np.ndarray | list) -> float:
    """How much more months' shares swing than binomial ones: the intra-class correlation ρ (0: binomial).

    A month's late or unpaid share moves with its month (a carrier's strike, a slow client) more than
    independent orders would; a test that ignores it confirms ordinary bad months. Under ρ a month's squared
    Pearson residual zᵢ² around the usual share (the months' median share, weighted by trials) is about
    (1 + (nᵢ − 1) ρ) χ²₁, so ρ is where the median of zᵢ² ÷ (1 + (nᵢ − 1) ρ) is χ²₁'s median (0.455). Medians,
    not means: last month's problem, still in the history, must not widen the usual spread enough to hide its
    own persistence. Fewer than three months with trials give 0.
    """
    h, n = np.asarray(hits, dtype=float), np.asarray(trials, dtype=float)
    keep = n > 0
    h, n = h[keep], n[keep]
    if len(n) < 3:
        return 0.0
    p = _weighted_median(h / n, n)
    if not 0.0 < p < 1.0:
        return 0.0
    z2 = (h - n * p) ** 2 / (n * p * (1.0 - p))
    target = float(stats.chi2.median(1))

    def excess(rho: float) -> float:
        return float(np.median(z2 / (1.0 + (n - 1.0) * rho))) - target

    top = 0.99
    if excess(0.0) <= 0.0:
        return 0.0
    if excess(top) >= 0.0:
        return top
    return float(optimize.brentq(excess, 0.0, top, xtol=1e-9))


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value below which half the weight lies (the lower one at an exact half)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2.0)])


def betabinom_high(hits: int, n: int, rate: float | None, rho: float, floor: float = 0.0) -> float:
    """:func:`binom_high` when the share itself varies from month to month by intra-class correlation ``rho``.

    The count is beta-binomial with mean ``n × rate`` and variance ``n p (1 − p) (1 + (n − 1) ρ)``; ρ = 0 is
    the binomial test.
    """
    if n <= 0 or hits <= 0:
        return 1.0
    p = min(max(rate or 0.0, floor), 1.0)
    if rho <= 1e-9 or p >= 1.0:
        return binom_high(hits, n, p)
    size = 1.0 / rho - 1.0
    return float(stats.betabinom.sf(hits - 1, n, p * size, (1.0 - p) * size))


def betabinom_low(hits: int, n: int, rate: float | None, rho: float, *, mid: bool = False) -> float:
    """:func:`binom_low` when the share itself varies from month to month by intra-class correlation ``rho``.

    The mirror of :func:`betabinom_high`: a month's retention moves with the month (a festival, a slow
    quarter) more than independent customers would, so a fall is judged against that wider spread. ``mid``: the
    mid-p, P(fewer) + ½ P(exactly) (:func:`binom_low_mid` at ρ = 0), for a handful of trials.
    """
    if n <= 0 or rate is None or not rate > 0:
        return 1.0
    p = min(rate, 1.0)
    if rho <= 1e-9 or p >= 1.0:
        return binom_low_mid(hits, n, p) if mid else binom_low(hits, n, p)
    size = 1.0 / rho - 1.0
    a, b = p * size, (1.0 - p) * size
    if mid:
        return float(stats.betabinom.cdf(hits - 1, n, a, b) + 0.5 * stats.betabinom.pmf(hits, n, a, b))
    return float(stats.betabinom.cdf(hits, n, a, b))


def predictive_low(hits: int, n: int, rate: float | None, base_n: float) -> float:
    """Probability of at most ``hits`` of ``n`` when the usual ``rate`` was itself measured on ``base_n`` trials.

    A usual share read off a few trials is no known rate: one customer who came back the one month he was
    counted makes a usual retention of 100 %, and :func:`binom_low` then calls his first month away impossible
    (p = 0). Here the rate is what those trials leave uncertain (Jeffreys: Beta(rate·base_n + ½, (1 − rate)·base_n
    + ½)) and the month's count its beta-binomial prediction: 0 of 1 after 1 of 1 is P 0.25. Over many trials it
    is :func:`binom_low`. 1 when nothing can be judged.
    """
    if n <= 0 or rate is None or not rate > 0 or not base_n > 0:
        return 1.0
    p = min(rate, 1.0)
    return float(stats.betabinom.cdf(hits, n, p * base_n + 0.5, (1.0 - p) * base_n + 0.5))


def fisher(hits: float, n: float, base_hits: float, base_n: float, alternative: str) -> float:
    """One-sided Fisher exact test: is the share ``hits / n`` ``greater`` (or ``less``) than ``base_hits / base_n``?"""
    if not n or not base_n:
        return float("nan")
    table = [[int(hits), int(n - hits)], [int(base_hits), int(base_n - base_hits)]]
    return float(stats.fisher_exact(table, alternative=alternative).pvalue)


def bh_adjust(pvalues: np.ndarray | pd.Series | list) -> np.ndarray:
    """Benjamini–Hochberg q-values of ``pvalues``, in their order (NaN stays NaN and is not counted).

    One report tests many segments with one rule; reading each p-value against a fixed gate flags about
    ``gate × tests`` noise findings, while a very low gate hides real ones. The q-value of the ``i``-th smallest of
    ``m`` p-values is ``min over j ≥ i of p_(j) × m / j`` (capped at 1): flagging every q below ``fdr`` keeps the
    expected share of false findings among those flagged at most ``fdr``.
    """
    values = np.asarray(pvalues, dtype=float)
    out = np.full(values.shape, np.nan)
    known = np.flatnonzero(~np.isnan(values))
    if not len(known):
        return out
    order = known[np.argsort(values[known], kind="mergesort")]
    m = len(order)
    scaled = values[order] * m / np.arange(1, m + 1)
    out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out


def capped_severity(severity: str, q: float, strong: float) -> str:
    """``severity`` lowered from ``high`` to ``medium`` when the evidence is only moderate (q-value above ``strong``).

    The business rule fires a finding and its revenue at stake sizes it; a q-value that only just passes the
    report's false-discovery rate does not make it a top problem.
    """
    return "medium" if severity == "high" and not q <= strong else severity


def log_high(now: float, history: np.ndarray | pd.Series | list) -> float:
    """Chance of a new month at least ``now`` against the months ``history`` (positive values), read on the log scale.

    The months' middle (median) and typical distance from it (1.4826 × the median absolute deviation; the standard
    deviation where that is 0), as a Student t with the months' degrees of freedom and a new month's spread
    (× √(1 + 1/n)): the month-to-month swing that a test of the month's single items (deals, orders) against the
    usual months' items pooled leaves out, without one odd month (a quarter's short deals) widening it for all.
    NaN with fewer than three usable months or no spread.
    """
    values = np.asarray(history, dtype=float)
    logs = np.log(values[np.isfinite(values) & (values > 0)])
    if len(logs) < 3 or not now > 0:
        return math.nan
    middle = float(np.median(logs))
    scale = 1.4826 * float(np.median(np.abs(logs - middle))) or float(np.std(logs, ddof=1))
    if not scale > 0:
        return math.nan
    return float(stats.t.sf((math.log(now) - middle) / (scale * math.sqrt(1 + 1 / len(logs))), len(logs) - 1))


def count_low(count: float, expected: float | None, relative_error: float = 0.0, spread: float = 1.0) -> float:
    """Probability of at most ``count`` events when about ``expected`` are expected, read against a forecast.

    A month's noise around what was expected of it is measured two ways: the usual months' overdispersion
    (``spread``, variance ÷ mean, at least Poisson's 1) and the forecast's own interval (``relative_error``, its
    standard error over its value: the spread of the history around its trend and season, with the seasonal
    factor's error, e.g. a factor read from one or two cycles). The first is the floor of a small count, the
    second holds what a count's months cannot show (an uncertain season, a peer factor's error); both measure
    the same month, so the larger holds: a negative binomial with variance ÷ mean = max(spread,
    expected × relative_error²) (:func:`poisson_low`).
    """
    if expected is None or not expected > 0:
        return 1.0
    error = relative_error if math.isfinite(relative_error) else 0.0
    return poisson_low(count, expected, max(spread, 1.0, expected * error**2))


COMPOUND_DRAWS = 2000  # simulated sums per order count behind :func:`compound_low`
COMPOUND_LOGNORMAL_FROM = 60.0  # usual orders from which a month's total is read as lognormal, not simulated


def compound_low(ratio: float, orders: float, sizes: np.ndarray, *, key: str = "", spread: float = 1.0) -> float:
    """Probability that a month totals at most ``ratio`` × its expectation when its orders come by chance.

    A month of a seller with few, lumpy orders: Poisson(``orders``) orders, each a draw from the seller's own order
    sizes (``sizes``, any scale). A seller with seven orders of heavy-tailed size loses three quarters of a month
    now and then (two orders instead of seven, the big one missing); a normal spread on log revenue calls that
    near impossible. Summed over the order count k: P(k orders) × P(k sizes total at most the month), the latter
    simulated (:data:`COMPOUND_DRAWS` sums, the generator seeded by ``key`` so a seller's answer is the same in
    every report) — exact where it is certain (no orders at all; sizes all alike: the Poisson count). From
    :data:`COMPOUND_LOGNORMAL_FROM` orders on, the lognormal with the total's mean and coefficient of variation
    √((1 + cv²) ÷ orders), cv the sizes'. ``spread``: the count's variance ÷ mean where its months swing more
    than Poisson's (a negative binomial count, :func:`count_low`'s; the lognormal's √((spread + cv²) ÷ orders)).
    1 when nothing can be judged.
    """
    sizes = np.asarray(sizes, dtype=float)
    sizes = sizes[np.isfinite(sizes) & (sizes > 0)]
    if not (orders > 0) or len(sizes) < 2 or not np.isfinite(ratio):
        return 1.0
    units = sizes / sizes.mean()
    bound = max(ratio, 0.0) * orders * (1 + 1e-9)  # the month's total in units of the mean order
    if orders >= COMPOUND_LOGNORMAL_FROM:
        sigma = math.sqrt(math.log1p((max(spread, 1.0) + units.var()) / orders))
        return float(stats.norm.cdf((math.log(max(ratio, 1e-9)) + sigma * sigma / 2) / sigma))
    rng = np.random.default_rng(zlib.crc32(key.encode("utf-8")))
    over = spread > 1 + 1e-9  # a negative binomial count: size orders ÷ (spread − 1), success 1 ÷ spread
    count = stats.nbinom(orders / (spread - 1), 1 / spread) if over else None
    top = float(count.ppf(1 - 1e-12)) if count is not None else _poisson_ppf(1 - 1e-12, orders)
    most = int(min(top, bound // units.min()))  # more orders always total more
    chance = count.pmf(np.arange(most + 1)) if count is not None else _poisson_pmf(np.arange(most + 1), orders)
    below = [1.0]
    for k in range(1, most + 1):  # the share falls with k: once no simulated sum is low enough, none further is
        sums = units.take(rng.integers(0, len(units), (COMPOUND_DRAWS, k))).sum(axis=1)
        below.append(np.count_nonzero(sums <= bound) / COMPOUND_DRAWS)  # the mean of the hits, exactly
        if below[-1] == 0.0:
            break
    chance = chance[: len(below)]
    return float(min(np.dot(chance, below), 1.0))


def _poisson_pmf(k: np.ndarray, mu: float) -> np.ndarray:
    """``scipy.stats.poisson.pmf(k, mu)`` for counts ``k`` >= 0 and ``mu`` > 0: the same floats, by its own formula.

    Without scipy's argument checks, which cost more than the sum itself in :func:`compound_low`'s thousands of calls.
    """
    return np.exp(special.xlogy(k, mu) - special.gammaln(k + 1) - mu)


def _poisson_ppf(q: float, mu: float) -> float:
    """``scipy.stats.poisson.ppf(q, mu)`` for 0 < ``q`` < 1 and ``mu`` > 0 by its own formula (:func:`_poisson_pmf`)."""
    vals = math.ceil(special.pdtrik(q, mu))
    lower = max(vals - 1, 0)
    return float(lower if special.pdtr(lower, mu) >= q else vals)


MAX_DRAWN = 2_000_000  # customer-months drawn at most for one figure (16 MB); a share of many buyers varies little
MIN_DRAWS = 20


def largest_share_of(pool: np.ndarray | list, buyers: int, draws: int = 500) -> float:
    """The mean share of the largest of ``buyers`` customers' months drawn from ``pool`` (customer-months' revenue).

    Fewer buyers hold more each by arithmetic alone: ten customers of a month whose usual thirty each held at most
    18 % have a largest one near a third (Contoso's 荷兰, 2020-03). Drawn with a fixed seed: the same figure each
    run. NaN without a pool or a buyer.
    """
    values = np.asarray(pool, dtype=float)
    values = values[values > 0]
    if buyers < 1 or not len(values):
        return math.nan
    draws = max(MIN_DRAWS, min(draws, MAX_DRAWN // buyers))  # a company of 100,000 buyers: 400 MB at 500 draws
    return float(np.mean(_largest_shares(values, buyers, draws)))


def largest_share_chance(pool: np.ndarray | list, buyers: int, share: float, draws: int = 500) -> float:
    """Probability that the largest of ``buyers`` customers' months drawn from ``pool`` holds at least ``share``.

    A month of ten buyers has its largest near a third by arithmetic, and above 45 % now and then: a month's
    largest customer stands out only when the months it is read against rarely give one so large. The Monte Carlo
    p-value (hits + 1) ÷ (draws + 1) over ``draws`` months drawn with :func:`largest_share_of`'s fixed seed (all of
    them, in pieces of :data:`MAX_DRAWN` customer-months however many buyers: a p-value needs its draws). NaN
    without a pool or a buyer.
    """
    values = np.asarray(pool, dtype=float)
    values = values[values > 0]
    if buyers < 1 or not len(values) or not math.isfinite(share):
        return math.nan
    hits = int(np.sum(_largest_shares(values, buyers, draws) >= share * (1 - 1e-9)))
    return (hits + 1) / (draws + 1)


def _largest_shares(values: np.ndarray, buyers: int, draws: int) -> np.ndarray:
    """The largest share of each of ``draws`` months of ``buyers`` customer-months drawn from ``values`` (seed 0).

    Drawn in pieces of at most :data:`MAX_DRAWN` customer-months; a single piece is the one draw of the whole.
    """
    rng, out = np.random.default_rng(0), []
    piece = max(1, MAX_DRAWN // buyers)
    for start in range(0, draws, piece):
        sample = rng.choice(values, size=(min(piece, draws - start), buyers), replace=True)
        out.append(sample.max(axis=1) / sample.sum(axis=1))
    return np.concatenate(out)


def share_expected(table: pd.DataFrame, rest: pd.DataFrame, span: int, least: int) -> pd.DataFrame:
    """Per row and month: the row's usual share of ``rest`` (over the ``span`` months before) × ``rest`` that month.

    ``table`` and ``rest`` are rows × consecutive months, oldest first; ``NaN`` with fewer than ``least`` months
    before, or ``rest`` empty over them.
    """
    own = table.T.rolling(span, min_periods=least).sum().shift(1).T
    theirs = rest.T.rolling(span, min_periods=least).sum().shift(1).T
    return rest * own / theirs.where(theirs > 0)


def count_below(observed: pd.Series, expected: pd.Series, phi: pd.Series) -> np.ndarray:
    """P(X ≤ observed) for a count with mean ``expected`` and variance φ × mean (negative binomial; Poisson at 1).

    The vectorised form of :func:`poisson_low` (which returns 1 when nothing is expected; here a
    mean of 0 is floored at 1e-9).
    """
    mean = expected.fillna(0.0).clip(lower=1e-9).to_numpy()
    dispersion = phi.reindex(expected.index).fillna(1.0).to_numpy()
    poisson = stats.poisson.cdf(observed.to_numpy(), mean)
    over = dispersion > 1 + 1e-9
    size = mean / np.where(over, dispersion - 1, 1.0)
    negbin = stats.nbinom.cdf(observed.to_numpy(), size, 1 / np.where(over, dispersion, 2.0))
    return np.where(over, negbin, poisson)


def simes(first: np.ndarray | pd.Series, second: np.ndarray | pd.Series) -> np.ndarray:
    """Two p-values of one question joined by Simes: min(2 × the smaller, the larger); one alone where the other is NaN.

    Valid for positively dependent tests (two readings of one month: its count and its revenue): on noise the
    joined p is below α at most a share α of the time, so neither reading alone fires beyond the nominal rate,
    while one that sees a fall the other cannot still shows it at twice its p-value.
    """
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    low, high = np.fmin(a, b), np.fmax(a, b)
    return np.where(np.isnan(a) | np.isnan(b), low, np.minimum(2 * low, high))
