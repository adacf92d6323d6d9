"""What the scope's own history leads one to expect: trend, season, interval, fallbacks."""

import math

import numpy as np
import pytest

from salesnb.expect import expected


def test_growth_is_expected_to_continue():
    grow = [100 * 1.03**k for k in range(30)]  # +3% a month, 30 months: seasonal method, no season in it
    e = expected(grow)
    assert e.method == "seasonal" and e.value == pytest.approx(100 * 1.03**30, rel=1e-9)
    assert e.low == pytest.approx(e.value, rel=1e-9) and e.high == pytest.approx(e.value, rel=1e-9)  # no noise


def test_a_yearly_dip_is_expected():
    season = [100 * (0.5 if k % 12 == 6 else 1.0) for k in range(30)]  # the 7th month of every year halves
    assert expected(season).value == pytest.approx(50)  # month 30 is a dip month (30 % 12 == 6)
    assert expected(season[:29]).value == pytest.approx(100)  # month 29 is not


def test_short_histories_fall_back():
    trend = expected([100 * 1.03**k for k in range(10)])  # 10 months: the trend only (log-linear line)
    assert trend.method == "trend" and trend.value == pytest.approx(100 * 1.03**10)
    mean = expected([90, 100, 110])  # under 6 months: the plain mean, ± z(80%) × sample sd (10)
    assert mean.method == "mean" and mean.value == pytest.approx(100)
    assert mean.low == pytest.approx(100 - 1.2815516 * 10) and mean.high == pytest.approx(100 + 1.2815516 * 10)
    lumpy = expected([0, 0, 3, 0, 5, 0, 0, 2])  # a zero month: a straight line, never below 0
    assert lumpy.method == "trend" and lumpy.low == 0 and lumpy.value == pytest.approx(1.7857142857)
    empty = expected([])
    assert empty.method == "none" and math.isnan(empty.value)


def test_the_interval_widens_with_noise_and_the_output_is_deterministic():
    rng = np.random.default_rng(3)
    noisy = [100 * (1 + 0.1 * rng.standard_normal()) for _ in range(12)]
    e = expected(noisy)
    assert e.low < e.value < e.high and e.high - e.low > 10
    assert expected(noisy) == e  # fixed options, closed form: the same numbers every time
