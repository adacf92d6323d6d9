"""Customer lifetime value: BG/NBD purchase model and Gamma-Gamma spend model, fitted by maximum likelihood.

The models follow the papers that define them:

- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive, a customer buys
  at a Poisson rate λ ~ Gamma(r, α); after every purchase the customer drops out with probability
  p ~ Beta(a, b).
- Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer base
  analysis"): a customer's transaction values are Gamma(p, ν) around a personal mean, ν ~ Gamma(q, γ).

Each customer is summarised as in the papers: ``frequency`` x = number of repeat purchases (purchase
days after the first one), ``recency`` t_x = time from the first to the last purchase, ``T`` = time from
the first purchase to the end of the observation, ``monetary`` = mean value of the repeat purchases.
The calendar unit is the **week** (``7`` days), as in the CDNOW study the fit is validated against.
Orders on the same day count as one purchase of their summed revenue.

The log-likelihoods are written here with ``gammaln``/``betaln``/``logaddexp`` so they stay finite for
large frequencies, and maximised in log-parameter space (all parameters are positive) with L-BFGS-B from
a fixed starting point: the fit is deterministic.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special

from ..errors import ModelFitError

DAYS_PER_UNIT = 7.0  # the calendar unit of frequency/recency/T: weeks


@dataclass(frozen=True)
class BGNBD:
    """Fitted BG/NBD parameters (``r``, ``alpha``: purchase rate; ``a``, ``b``: dropout) and the log-likelihood."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int


@dataclass(frozen=True)
class GammaGamma:
    """Fitted Gamma-Gamma parameters (``p``, ``q``, ``gamma``) and the log-likelihood over the repeat buyers."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    customers: int


# ---------------------------------------------------------------------------------------- summaries


def summarise(
    transactions: pd.DataFrame,
    end: pd.Timestamp,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "revenue",
    days_per_unit: float = DAYS_PER_UNIT,
) -> pd.DataFrame:
    """Per customer frequency, recency, T (in weeks by default) and the mean repeat purchase value.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per order; only rows dated before ``end`` are used.
    end : pandas.Timestamp
        End of the observation (exclusive), e.g. the first instant after the report month.
    customer_col, date_col, value_col : str
        Columns with the customer, the order timestamp and the order value.
    days_per_unit : float
        Days per time unit of recency and T (7: weeks).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``frequency`` (repeat purchase days), ``recency``, ``T``, ``monetary`` (mean value
        of the repeat purchases, 0 without repeats), ``first_value``, ``total_value``, ``last_purchase``.
    """
    rows = transactions.loc[transactions[date_col] < end, [customer_col, date_col, value_col]]
    columns = ["frequency", "recency", "T", "monetary", "first_value", "total_value", "last_purchase"]
    if rows.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name=customer_col))
    days = rows.assign(_day=rows[date_col].dt.normalize())
    daily = days.groupby([customer_col, "_day"], sort=True)[value_col].sum().reset_index()
    grouped = daily.groupby(customer_col, sort=True)
    first, last = grouped["_day"].min(), grouped["_day"].max()
    count = grouped.size()
    total = grouped[value_col].sum()
    first_value = grouped[value_col].first()
    unit = pd.Timedelta(days=days_per_unit)
    frequency = (count - 1).astype(int)
    frame = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first) / unit,
            "T": (end.normalize() - first) / unit,
            "monetary": ((total - first_value) / frequency.where(frequency > 0)).fillna(0.0),
            "first_value": first_value.astype(float),
            "total_value": total.astype(float),
            "last_purchase": last,
        }
    )
    frame.index.name = customer_col
    return frame[columns]


# ---------------------------------------------------------------------------------------- BG/NBD


def distinct(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The distinct rows of ``columns`` (one array each) and, per row, the position of its own among them.

    A fit evaluates its log-likelihood a hundred times on the same customers. Customers with the same values
    have the same likelihood terms: computed once per distinct row and handed to each customer by position,
    they are the same numbers, for a fraction of the work. The rows come sorted as ``np.unique(axis=0)`` sorts
    them (by the first column, then the next ...), found by one ``lexsort`` of the columns.
    """
    if len(columns) == 1:
        values, at = np.unique(columns[0], return_inverse=True)
        return (values,), at.reshape(-1)
    order = np.lexsort(columns[::-1])  # lexsort's last key is its first
    ordered = [column[order] for column in columns]
    new = np.ones(len(order), dtype=bool)
    for column in ordered:
        new[1:] &= column[1:] == column[:-1]
    new[1:] = ~new[1:]  # a row unlike the one before it starts a distinct row
    at = np.empty(len(order), dtype=np.intp)
    at[order] = np.cumsum(new) - 1
    return tuple(np.ascontiguousarray(column[new]) for column in ordered), at


def bgnbd_histories(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[tuple, ...]:
    """The customers' distinct histories (x, t_x, T), and the distinct counts x, times t_x and lengths T among them.

    Returns ``((x, t_x, T, at), (counts, count_at), (times, time_at), (lengths, length_at))``: per customer its
    history's position, per history its count's, time's and length's (each found by :func:`distinct`). A
    hundred thousand customers have some ninety thousand histories but a few dozen counts and a few hundred
    times and lengths (whole days): the terms of the count alone (``gammaln``, ``betaln``) and the logarithms
    of the times and lengths are computed once each.
    """
    (hx, ht_x, hT), at = distinct(x, t_x, T)
    counts, count_at = distinct(hx)
    times, time_at = distinct(ht_x)
    lengths, length_at = distinct(hT)
    return (hx, ht_x, hT, at), (counts[0], count_at), (times[0], time_at), (lengths[0], length_at)


def bgnbd_log_likelihood(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, histories: tuple | None = None
) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6) at ``params = (r, alpha, a, b)``.

    ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    + ln[ (α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x) ].

    ``histories`` is :func:`bgnbd_histories` of the customers (computed here when not given).
    """
    r, alpha, a, b = params
    histories = histories if histories is not None else bgnbd_histories(x, t_x, T)
    (_, _, _, at), (xs, x_at), (times, time_at), (lengths, length_at) = histories
    common = special.gammaln(r + xs) - special.gammaln(r) + r * np.log(alpha)
    common = common + special.betaln(a, b + xs) - special.betaln(a, b)
    repeats = xs > 0
    # for x = 0 the second term is absent; b + x - 1 > 0 whenever x >= 1
    head = np.log(a) - np.log(np.where(repeats, b + xs - 1, 1.0))
    rx = (r + xs)[x_at]
    term_T = -rx * np.log(alpha + lengths)[length_at]
    term_tx = np.where(repeats[x_at], head[x_at] - rx * np.log(alpha + times)[time_at], -np.inf)
    return (common[x_at] + np.logaddexp(term_T, term_tx))[at]


def fit_bgnbd(frequency, recency, T, *, start: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)) -> BGNBD:
    """Fit the BG/NBD model by maximum likelihood.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases, time of the last purchase and length of observation per customer (same time unit).
    start : tuple of float
        Starting point ``(r, alpha, a, b)``; ``alpha`` is rescaled by the mean of ``T`` so the start suits any
        time unit.

    Returns
    -------
    BGNBD
    """
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    if len(x) < 2 or (x > 0).sum() == 0:
        raise ModelFitError("the BG/NBD model needs at least two customers and one repeat purchase")
    scale = float(np.mean(big_t)) / 39.0 if np.mean(big_t) > 0 else 1.0
    x0 = np.log(np.array([start[0], start[1] * scale, start[2], start[3]]))
    histories = bgnbd_histories(x, t_x, big_t)

    def objective(theta: np.ndarray) -> float:
        value = -bgnbd_log_likelihood(np.exp(theta), x, t_x, big_t, histories).sum()
        return float(value) if np.isfinite(value) else 1e300

    result = _minimise(objective, x0)
    r, alpha, a, b = np.exp(result.x)
    return BGNBD(float(r), float(alpha), float(a), float(b), float(-result.fun), int(len(x)))


def p_alive(model: BGNBD, frequency, recency, T) -> np.ndarray:
    """Probability that each customer is still active at the end of the observation (FHL 2005, eq. 11)."""
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    repeat = x > 0
    log_odds = (
        np.log(model.a)
        - np.log(np.where(repeat, model.b + x - 1, 1.0))
        + (model.r + x) * (np.log(model.alpha + big_t) - np.log(model.alpha + t_x))
    )
    return np.where(repeat, special.expit(-log_odds), 1.0)


def expected_purchases(model: BGNBD, t: float, frequency, recency, T) -> np.ndarray:
    """Expected purchases of each customer in the next ``t`` time units (FHL 2005, eq. 10).

    E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
    / [1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)].
    """
    x, t_x, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
        decay = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t)))
        alive = (a + b + x - 1) / (a - 1) * (1 - decay * hyp)  # E[Y(t) | alive]
    ceiling = (r + x) * t / (alpha + big_t)  # no customer buys more than the mean rate of the alive
    lost = ~np.isfinite(alive) | (alive < 0) | (alive > ceiling * (1 + 1e-6))
    if lost.any():  # ₂F₁ at large r, α and a near 0 (a steady clientele): NaN, then summed as 0
        alive = alive.copy()
        alive[lost] = _alive_purchases(model, t, x[lost], big_t[lost])
    return np.maximum(alive * p_alive(model, x, t_x, big_t), 0.0)


def _alive_purchases(model: BGNBD, t: float, x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
    """E[Y(t) | alive] of each customer by integrating over the dropout probability (when eq. 10 breaks down).

    Alive at T, a customer's dropout probability is Beta(a, b + x) and purchase rate Gamma(r + x, α + T); given
    both, the next t holds (1 − e^(−λpt)) / p purchases on average, over λ g(p) = (1 − (1 + pt/(α+T))^−(r+x)) / p.
    Integrated as g(0) + ∫ (g(p) − g(0)) Beta(p) dp, whose integrand stays bounded where the density does not.
    A wholesaler's 50 customers buying every few days gave r = 68,390, α = 63,739, a = 0.0004: ₂F₁ returned NaN
    and the month's expected purchases and value were reported as 0.
    """
    out = np.empty(len(x))
    for i, (xi, ti) in enumerate(zip(x, big_t, strict=True)):
        shape, rate = model.r + xi, model.alpha + ti
        g0 = shape * t / rate

        def integrand(p: float, shape: float = shape, rate: float = rate, g0: float = g0, tail: float = xi) -> float:
            g = -np.expm1(-shape * np.log1p(p * t / rate)) / p
            log_density = (model.a - 1) * np.log(p) + (model.b + tail - 1) * np.log1p(-p)
            return (g - g0) * np.exp(log_density - special.betaln(model.a, model.b + tail))

        value, _ = integrate.quad(integrand, 0.0, 1.0, limit=200, points=[min(0.5, 10 / (model.b + xi))])
        out[i] = g0 + value
    return out


# ---------------------------------------------------------------------------------------- Gamma-Gamma


def gamma_gamma_log_likelihood(
    params: np.ndarray, x: np.ndarray, m: np.ndarray, counts: tuple | None = None
) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of the mean repeat value ``m`` over ``x`` repeat purchases.

    ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + m x)
    (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 3, the density of the mean of x Gamma(p, ν) values).
    ``counts`` is :func:`spend_terms` of ``x`` and ``m`` (or :func:`distinct` of ``x``; computed here when not
    given): the terms of the count alone once each, and ln m and m x, which no parameter changes, once a fit.
    """
    p, q, gamma = params
    (xs,), at, log_m, m_x = spend_terms(x, m, counts)
    pxs = p * xs
    head = special.gammaln(pxs + q) - special.gammaln(pxs) - special.gammaln(q) + q * np.log(gamma)
    return head[at] + (pxs - 1)[at] * log_m + (pxs * np.log(xs))[at] - (pxs + q)[at] * np.log(gamma + m_x)


def spend_terms(x: np.ndarray, m: np.ndarray, counts: tuple | None = None) -> tuple:
    """``(distinct counts, position per customer, ln m, m x)``: what the Gamma-Gamma likelihood reuses in a fit.

    ``counts`` may already hold them, or :func:`distinct` of ``x`` alone.
    """
    if counts is not None and len(counts) == 4:
        return counts
    (xs,), at = counts if counts is not None else distinct(x)
    return (xs,), at, np.log(m), m * x


def fit_gamma_gamma(frequency, monetary, *, start: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> GammaGamma:
    """Fit the Gamma-Gamma spend model by maximum likelihood on the customers with repeat purchases.

    ``start`` is ``(p, q, gamma)``; ``gamma`` is rescaled by the mean repeat value, so the start suits any currency.
    """
    x, m = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    if len(x) < 2:
        raise ModelFitError("the Gamma-Gamma model needs at least two customers with repeat purchases")
    scale = float(np.mean(m))
    x0 = np.log(np.array([start[0], start[1], start[2] * scale]))
    counts = spend_terms(x, m)

    def objective(theta: np.ndarray) -> float:
        value = -gamma_gamma_log_likelihood(np.exp(theta), x, m, counts).sum()
        return float(value) if np.isfinite(value) else 1e300

    result = _minimise(objective, x0)
    p, q, gamma = np.exp(result.x)
    return GammaGamma(float(p), float(q), float(gamma), float(-result.fun), int(len(x)))


def expected_spend(model: GammaGamma, frequency, monetary) -> np.ndarray:
    """Expected value of a customer's next purchase: E[M | x, m] = (γ + m x) p / (p x + q − 1) (needs q > 1).

    A customer without repeat purchases gets the population mean γp/(q−1).
    """
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary, dtype=float), 0.0)
    if model.q <= 1:
        raise ModelFitError(f"the Gamma-Gamma mean spend is infinite for q <= 1 (fitted q = {model.q:.3f})")
    return (model.gamma + m * x) * model.p / (model.p * x + model.q - 1)


def _minimise(objective, x0: np.ndarray) -> optimize.OptimizeResult:
    """L-BFGS-B in log-parameter space, bounded to keep exp() finite; Nelder-Mead polishes a failed run.

    Run with one BLAS thread (:func:`_one_blas_thread`): a step works on vectors of three or four numbers, which
    no BLAS splits among threads, yet each step woke the thread pool — a few milliseconds a step on a busy
    machine, more than the step itself. The steps, and so the fit, are the same numbers.
    """
    bounds = [(-12.0, 12.0)] * len(x0)
    with _one_blas_thread():
        result = optimize.minimize(objective, x0, method="L-BFGS-B", bounds=bounds, options={"maxiter": 1000})
        if not result.success:
            polished = optimize.minimize(
                objective, result.x, method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-10}
            )
            if polished.fun <= result.fun:
                result = polished
    return result


def _one_blas_thread() -> AbstractContextManager:
    """BLAS limited to one thread while in the block: the fits work on vectors of four numbers."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


# ---------------------------------------------------------------------------------------- per customer


def customer_values(
    summary: pd.DataFrame,
    horizon: float,
    *,
    bgnbd: BGNBD | None = None,
    spend: GammaGamma | None = None,
) -> tuple[pd.DataFrame, BGNBD, GammaGamma | None]:
    """Fit (unless given) both models on ``summary`` and predict each customer's next ``horizon`` time units.

    Parameters
    ----------
    summary : pandas.DataFrame
        As returned by :func:`summarise`.
    horizon : float
        Length of the prediction period in the summary's time unit (e.g. the next month in weeks).
    bgnbd, spend : fitted models, optional
        Use these instead of fitting.

    Returns
    -------
    (pandas.DataFrame, BGNBD, GammaGamma or None)
        The summary with ``p_alive``, ``expected_purchases``, ``expected_spend`` (per purchase) and
        ``expected_value`` (over the horizon) added; the models (``spend`` is ``None`` when it cannot be fitted,
        then the expected spend is the customer's own mean purchase value).
    """
    x, t_x, big_t = summary["frequency"], summary["recency"], summary["T"]
    bgnbd = bgnbd or fit_bgnbd(x, t_x, big_t)
    if spend is None:
        try:
            spend = fit_gamma_gamma(x, summary["monetary"])
            if spend.q <= 1:
                spend = None
        except ModelFitError:
            spend = None
    frame = summary.copy()
    frame["p_alive"] = p_alive(bgnbd, x, t_x, big_t)
    frame["expected_purchases"] = expected_purchases(bgnbd, horizon, x, t_x, big_t)
    if spend is not None:
        frame["expected_spend"] = expected_spend(spend, x, summary["monetary"])
    else:
        frame["expected_spend"] = summary["total_value"] / (x + 1)
    frame["expected_value"] = frame["expected_purchases"] * frame["expected_spend"]
    return frame, bgnbd, spend
