"""The CLV log-likelihoods computed once per distinct purchase count equal the papers' formulas, bit for bit."""

import numpy as np
import pytest
from scipy import special

from salesnb.models.customer_value import (
    bgnbd_histories,
    bgnbd_log_likelihood,
    distinct,
    gamma_gamma_log_likelihood,
    spend_terms,
)


def _bgnbd_definition(params, x, t_x, T):
    """FHL 2005 eq. 6 per customer, every term computed per customer."""
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    common = common + special.betaln(a, b + x) - special.betaln(a, b)
    term_T = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    term_tx = np.where(
        repeat, np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x), -np.inf
    )
    return common + np.logaddexp(term_T, term_tx)


def _gamma_gamma_definition(params, x, m):
    p, q, gamma = params
    px = p * x
    return (
        special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(gamma)
        + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(gamma + m * x)
    )  # fmt: skip


def _customers(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    x = rng.poisson(rng.uniform(0.2, 6), n).astype(float)
    big_t = rng.integers(1, 1100, n) / 7  # whole days, in weeks: customers share histories
    t_x = np.where(x > 0, np.floor(big_t * 7 * rng.uniform(0, 1, n)) / 7, 0.0)
    return x, t_x, big_t, rng.gamma(2.0, 150.0, n)


def test_distinct_hands_each_customer_its_row():
    (counts,), at = distinct(np.array([3.0, 0.0, 3.0, 7.0, 0.0]))
    assert counts.tolist() == [0.0, 3.0, 7.0]
    assert at.tolist() == [1, 0, 1, 2, 0]
    (x, t), at = distinct(np.array([1.0, 1.0, 0.0, 1.0]), np.array([2.0, 5.0, 0.0, 2.0]))
    assert x.tolist() == [0.0, 1.0, 1.0] and t.tolist() == [0.0, 2.0, 5.0]
    assert at.tolist() == [1, 2, 0, 1]


@pytest.mark.parametrize("seed", range(15))
def test_bgnbd_equals_the_definition(seed):
    x, t_x, big_t, _ = _customers(seed)
    params = np.exp(np.random.default_rng(seed + 100).uniform(-3, 3, 4))
    want = _bgnbd_definition(params, x, t_x, big_t)
    np.testing.assert_array_equal(bgnbd_log_likelihood(params, x, t_x, big_t), want)
    np.testing.assert_array_equal(bgnbd_log_likelihood(params, x, t_x, big_t, bgnbd_histories(x, t_x, big_t)), want)
    assert bgnbd_log_likelihood(params, x, t_x, big_t, bgnbd_histories(x, t_x, big_t)).sum() == want.sum()


@pytest.mark.parametrize("seed", range(15))
def test_gamma_gamma_equals_the_definition(seed):
    x, _, _, m = _customers(seed)
    keep = x > 0
    x, m = x[keep], m[keep]
    params = np.exp(np.random.default_rng(seed + 200).uniform(-2, 4, 3))
    want = _gamma_gamma_definition(params, x, m)
    np.testing.assert_array_equal(gamma_gamma_log_likelihood(params, x, m), want)
    np.testing.assert_array_equal(gamma_gamma_log_likelihood(params, x, m, distinct(x)), want)
    np.testing.assert_array_equal(gamma_gamma_log_likelihood(params, x, m, spend_terms(x, m)), want)


@pytest.mark.parametrize("seed", range(10))
def test_distinct_rows_equal_numpy_unique(seed):
    x, t_x, big_t, _ = _customers(seed)
    (hx, ht, hT), at = distinct(x, t_x, big_t)
    rows, inverse = np.unique(np.column_stack([x, t_x, big_t]), axis=0, return_inverse=True)
    np.testing.assert_array_equal(np.column_stack([hx, ht, hT]), rows)  # sorted by x, then t_x, then T
    np.testing.assert_array_equal(at, inverse.reshape(-1))


def test_distinct_rows_hand_computed():
    (x, t, big_t), at = distinct(
        np.array([2.0, 0.0, 2.0, 2.0]), np.array([1.0, 0.0, 1.0, 1.0]), np.array([9.0, 5.0, 3.0, 9.0])
    )
    assert x.tolist() == [0.0, 2.0, 2.0] and t.tolist() == [0.0, 1.0, 1.0] and big_t.tolist() == [5.0, 3.0, 9.0]
    assert at.tolist() == [2, 0, 1, 2]
