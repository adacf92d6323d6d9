import math

import numpy as np
import pytest
from scipy import special
from scipy import stats as sps

from salesnb import stats


def test_ratio_change_lower_number():
    assert stats.ratio(3, 4) == 0.75
    assert math.isnan(stats.ratio(3, 0)) and math.isnan(stats.ratio(None, 2)) and math.isnan(stats.ratio(1, None))
    assert stats.change(120, 100) == pytest.approx(0.2)
    assert math.isnan(stats.change(1, 0))
    assert stats.lower(None, 5.0, float("nan"), 3) == 3.0
    assert stats.lower(None) is None
    assert stats.number(float("nan")) is None and stats.number(2) == 2.0


def test_count_tests_hand_computed():
    # 10 events this month, 6 in 3 usual months: under equal rates each of 16 events falls in this month w.p. 1/4
    assert stats.count_rise(10, 6, 3) == pytest.approx(sps.binom.sf(9, 16, 0.25))
    assert stats.count_drop(1, 12, 3) == pytest.approx(sps.binom.cdf(1, 13, 0.25))
    assert math.isnan(stats.count_rise(1, 1, 0))


def test_dispersion_and_poisson_low():
    assert stats.dispersion([5, 5, 5, 5]) == 1.0  # no spread: Poisson
    assert stats.dispersion([1, 9]) == 1.0  # too few months to judge
    assert stats.dispersion([2, 10, 2, 10]) == pytest.approx((64 / 3) / 6)  # sample variance 64/3 over mean 6
    assert stats.poisson_low(2, 10) == pytest.approx(sps.poisson.cdf(2, 10))
    wide = stats.poisson_low(2, 10, spread=3.0)
    assert wide > stats.poisson_low(2, 10)  # a segment that swings needs a deeper fall
    assert stats.poisson_low(0, 0) == 1.0


def test_binomial_and_fisher():
    assert stats.binom_low(1, 10, 0.5) == pytest.approx(11 / 1024)
    assert stats.binom_high(9, 10, 0.5) == pytest.approx(11 / 1024)
    assert stats.binom_high(1, 10, 0.0, floor=0.01) == pytest.approx(1 - 0.99**10)
    assert stats.binom_low(1, 0, 0.5) == 1.0
    p = stats.fisher(8, 10, 2, 10, "greater")
    assert p == pytest.approx(sps.fisher_exact([[8, 2], [2, 8]], alternative="greater").pvalue)
    assert math.isnan(stats.fisher(1, 0, 1, 1, "greater"))


def test_bh_adjust_hand_computed():
    # sorted p: 0.01, 0.02, 0.03, 0.5 (m = 4) → ×4/1, ×4/2, ×4/3, ×4/4 = 0.04, 0.04, 0.04, 0.5
    q = stats.bh_adjust([0.03, 0.5, 0.01, 0.02])
    assert q.tolist() == pytest.approx([0.04, 0.5, 0.04, 0.04])
    # a later, smaller scaled value pulls earlier ones down: 0.02×3/1=0.06, 0.025×3/2=0.0375, 0.03×3/3=0.03
    assert stats.bh_adjust([0.02, 0.025, 0.03]).tolist() == pytest.approx([0.03, 0.03, 0.03])
    # NaN is not a test: m = 2 here, and q never exceeds 1
    q = stats.bh_adjust([float("nan"), 0.004, 0.9])
    assert math.isnan(q[0]) and q[1:].tolist() == pytest.approx([0.008, 0.9])
    assert stats.bh_adjust([0.8, 0.9]).tolist() == pytest.approx([0.9, 0.9])
    assert stats.bh_adjust([]).size == 0


def test_capped_severity():
    assert stats.capped_severity("high", 0.03, 0.01) == "medium"
    assert stats.capped_severity("high", 0.001, 0.01) == "high"
    assert stats.capped_severity("low", 0.03, 0.01) == "low"


def test_intraclass_hand_computed():
    # months exactly at the pooled share: binomial, ρ = 0
    assert stats.intraclass([10, 10, 10], [100, 100, 100]) == 0.0
    # p = 0.1; z² = 25/9 for the 5 and the 15, 0 for the two 10s: median 25/18 at ρ = 0.
    # median(z² / (1 + 99 ρ)) = χ²₁ median  =>  ρ = (25/18 / 0.45494 - 1) / 99
    rho = stats.intraclass([5, 15, 10, 10], [100, 100, 100, 100])
    assert rho == pytest.approx((25 / 18 / sps.chi2.median(1) - 1) / 99, rel=1e-6)
    assert rho == pytest.approx(0.020742, abs=1e-5)
    # too few months to learn from, or nothing to judge
    assert stats.intraclass([5, 15], [100, 100]) == 0.0
    assert stats.intraclass([0, 0, 0], [50, 50, 50]) == 0.0


def test_intraclass_last_months_problem_does_not_hide_itself():
    steady = [9, 11, 10, 8, 12, 10, 9, 11, 10, 10, 11]
    quiet = stats.intraclass(steady, [100] * 11)
    spiked = stats.intraclass([*steady, 55], [100] * 12)
    assert quiet == 0.0
    assert spiked < 0.005  # one month of 55 % among 10 % months barely moves the median estimate


def test_betabinom_low():
    # ρ = 0 is the binomial test
    assert stats.betabinom_low(30, 100, 0.4, 0.0) == pytest.approx(stats.binom_low(30, 100, 0.4))
    # retention that swings from month to month needs a deeper fall: the same count is less surprising
    p_binom, p_beta = stats.binom_low(30, 100, 0.4), stats.betabinom_low(30, 100, 0.4, 0.03)
    assert p_beta > p_binom
    size = 1 / 0.03 - 1
    assert p_beta == pytest.approx(sps.betabinom.cdf(30, 100, 0.4 * size, 0.6 * size))
    # nothing to judge
    assert stats.betabinom_low(3, 0, 0.4, 0.03) == 1.0 and stats.betabinom_low(3, 10, None, 0.03) == 1.0


def test_betabinom_low_mid_p():
    # ρ = 1/3 at rate ½: Beta(1, 1), so 0, 1 and 2 of 2 are equally likely (⅓ each)
    assert stats.betabinom_low(0, 2, 0.5, 1 / 3, mid=True) == pytest.approx(1 / 6)  # ½ × P(0)
    assert stats.betabinom_low(1, 2, 0.5, 1 / 3, mid=True) == pytest.approx(1 / 2)  # P(0) + ½ × P(1)
    assert stats.betabinom_low(1, 2, 0.5, 1 / 3) == pytest.approx(2 / 3)
    # ρ = 0 is the binomial mid-p: ½ × ¼ for none of 2 at ½
    assert stats.betabinom_low(0, 2, 0.5, 0.0, mid=True) == pytest.approx(0.125)


def test_predictive_low_counts_how_few_trials_the_usual_rate_rests_on():
    # usual 1 of 1 (100 %): Beta(1.5, 0.5); 0 of 1 this month is 0.5 / 2 = 0.25, not the binomial's impossible 0
    assert stats.binom_low(0, 1, 1.0) == 0.0
    assert stats.predictive_low(0, 1, 1.0, 1) == pytest.approx(0.25)
    # 3 of 3 before: Beta(3.5, 0.5), P(0 of 1) = 0.5 / 4
    assert stats.predictive_low(0, 1, 1.0, 3) == pytest.approx(0.125)
    # over many trials it is the binomial test
    assert stats.predictive_low(20, 90, 1 / 3, 1_000_000) == pytest.approx(stats.binom_low(20, 90, 1 / 3), rel=1e-3)
    assert stats.predictive_low(0, 0, 0.5, 10) == 1.0 and stats.predictive_low(0, 3, 0.5, 0) == 1.0


def test_betabinom_high():
    # ρ = 0 is the binomial test
    assert stats.betabinom_high(9, 42, 0.072, 0.0) == pytest.approx(stats.binom_high(9, 42, 0.072))
    # months that swing more need more to confirm: the same count is less surprising
    p_binom = stats.binom_high(9, 42, 0.072)
    p_beta = stats.betabinom_high(9, 42, 0.072, 0.02)
    assert p_beta > p_binom
    size = 1 / 0.02 - 1
    assert p_beta == pytest.approx(sps.betabinom.sf(8, 42, 0.072 * size, 0.928 * size))
    assert stats.betabinom_high(0, 42, 0.072, 0.02) == 1.0
    # a zero usual share is raised to the floor, as in binom_high
    assert stats.betabinom_high(3, 42, 0.0, 0.0, floor=0.01) == pytest.approx(stats.binom_high(3, 42, 0.0, floor=0.01))


def test_share_drop_carries_the_error_of_a_share_learnt_from_few_events() -> None:
    """3 orders in a year, none this month while the rest of the business went from 10 to 18: (10/28)³, not p < 0.1%."""
    chance = stats.share_drop(
        np.array([0, 5, 0]), np.array([3, 240, 0]), np.array([18, 100, 5]), np.array([10, 1200, 9])
    )
    assert chance[0] == pytest.approx((10 / 28) ** 3)
    assert chance[1] == pytest.approx(sps.binom.cdf(5, 245, 100 / 1300)) and chance[1] < 0.001
    assert chance[2] == 1.0  # no order of the line ever: nothing to test


def test_compound_low_is_the_poisson_chance_when_order_sizes_never_vary():
    """Sizes all alike: at most 6 orders when 18 are usual, exactly; no order at all when 6 are usual: e⁻⁶."""
    assert stats.compound_low(1 / 3, 18, np.full(40, 250.0), key="R1") == pytest.approx(sps.poisson.cdf(6, 18))
    assert stats.compound_low(0.0, 6, np.full(10, 3.0), key="R1") == pytest.approx(math.exp(-6))


def test_compound_low_counts_how_lumpy_orders_leave_a_month_nearly_empty():
    """Orders of 1 or 9 (units 0.2 and 1.8), 2 a month usually; a month at a quarter of the usual (0.5 units):
    no order (e⁻²), one small (2e⁻² × ½) or two small (2e⁻² × ¼): 2.5e⁻² = 0.338. The spread of log revenue would
    say 0.045; three small orders (0.6) are already more than the month."""
    p = stats.compound_low(0.25, 2, np.array([1.0, 9.0] * 20), key="R2")
    assert p == pytest.approx(2.5 * math.exp(-2), abs=0.02)
    assert p == stats.compound_low(0.25, 2, np.array([1.0, 9.0] * 20), key="R2")  # the same answer every run


def test_compound_low_keeps_its_simulated_answer_to_the_last_bit():
    """Ten orders of 30 to 3,000, 7 (3.5) a month usually, a month at 40 % (15 %): the very floats the simulation
    gave before its draws were read by ``take`` and counted, and the Poisson chances computed without scipy's
    checks. Reports must stay byte-identical, so the random stream and each sum are unchanged."""
    sizes = np.array([120, 80, 3000, 45, 600, 75, 210, 990, 30, 150.0])
    assert stats.compound_low(0.4, 7, sizes, key="R7") == 0.25621857808952037
    assert stats.compound_low(0.15, 3.5, sizes, key="R8") == 0.21911890334392475


@pytest.mark.parametrize("mu", [1e-6, 0.3, 1.0, 2.5, 7.0, 18.4, 59.99])
def test_poisson_helpers_give_scipys_floats(mu):
    """The pmf and the 1 − 1e-12 quantile behind compound_low equal scipy's, bit for bit (7 usual orders: 33)."""
    k = np.arange(int(3 * mu) + 40)
    assert stats._poisson_pmf(k, mu).tobytes() == sps.poisson.pmf(k, mu).tobytes()
    for q in (1 - 1e-12, 0.5, 0.01):
        assert stats._poisson_ppf(q, mu) == sps.poisson.ppf(q, mu)
    assert stats._poisson_ppf(1 - 1e-12, 7.0) == 33.0


def test_compound_low_reads_a_big_sellers_month_as_lognormal():
    """From 60 usual orders on: the lognormal with the total's coefficient of variation √((1 + cv²) ÷ orders)."""
    sizes = np.array([1.0, 3.0] * 50)  # units 0.5 and 1.5: cv² 0.25
    spread = math.sqrt(math.log1p(1.25 / 100))
    expected = sps.norm.cdf((math.log(0.8) + spread**2 / 2) / spread)
    assert stats.compound_low(0.8, 100, sizes) == pytest.approx(expected)
    assert stats.compound_low(0.8, 0, sizes) == 1.0 and stats.compound_low(0.8, 5, sizes[:1]) == 1.0


def test_count_rise_spread_hand_computed():
    # none in 12 months: the rate is Gamma(½, 12), the month negative binomial NB(½, 12/13):
    # P(0) = (12/13)^½, P(1) = ½ (12/13)^½ / 13, so P(2 or more) = 1 − (12/13)^½ (1 + 1/26)
    assert stats.count_rise_spread(2, [0] * 12) == pytest.approx(1 - (12 / 13) ** 0.5 * (1 + 1 / 26))
    # 3 events at one of 6 month ends: variance 1.5 ÷ mean ½, clumps of 3; 3 now is one clump against one
    assert stats.count_rise_spread(3, [0, 0, 0, 0, 3, 0]) == pytest.approx(1 - (6 / 7) ** 1.5)
    # the same 3 spread one a month over three month ends swing less than Poisson: φ = 1, I_{1/7}(3, 3.5)
    assert stats.count_rise_spread(3, [1, 1, 1, 0, 0, 0]) == pytest.approx(special.betainc(3, 3.5, 1 / 7), rel=1e-9)
    assert stats.count_rise_spread(0, [1, 2]) == 1.0 and np.isnan(stats.count_rise_spread(2, []))


def test_the_largest_share_of_many_buyers_draws_a_bounded_sample():
    """100,000 buyers at 500 draws was 50 M customer-months (400 MB) for one figure: at most 2 M are drawn."""
    from salesnb.stats import MAX_DRAWN, largest_share_of

    assert largest_share_of(np.ones(10), 100_000) == pytest.approx(1e-5)  # equal customers: 1 / buyers exactly
    assert MAX_DRAWN // 100_000 < 500
    pool = np.array([1.0, 1.0, 1.0, 7.0])  # one large customer among three small ones: a month of two buyers
    assert largest_share_of(pool, 2) == pytest.approx(largest_share_of(pool, 2))  # the same figure each run
    assert 0.5 < largest_share_of(pool, 2) < 0.875


def test_the_chance_of_so_large_a_largest_share():
    """Two buyers from {1, 3}: (1,1) ½, (1,3) ¾, (3,1) ¾, (3,3) ½, so a largest share of ¾ or more half the time."""
    from salesnb import stats

    assert stats.largest_share_chance([1.0, 3.0], 2, 0.75) == pytest.approx(0.5, abs=0.05)
    assert stats.largest_share_chance([1.0, 3.0], 2, 0.76) == pytest.approx(1 / 501)  # never: the floor 1 ÷ (n + 1)
    assert stats.largest_share_chance(np.ones(5), 4, 0.25) == 1.0  # equal customers: exactly ¼ every time
    assert np.isnan(stats.largest_share_chance([], 4, 0.5)) and np.isnan(stats.largest_share_chance([1.0], 0, 0.5))


def test_largest_shares_are_drawn_in_pieces_and_one_piece_is_the_whole_draw(monkeypatch):
    from salesnb import stats

    pool = np.array([1.0, 2.0, 5.0, 9.0])
    whole = np.random.default_rng(0).choice(pool, size=(7, 4), replace=True)
    assert stats._largest_shares(pool, 4, 7) == pytest.approx(whole.max(axis=1) / whole.sum(axis=1))
    monkeypatch.setattr(stats, "MAX_DRAWN", 10)  # pieces of two months of four buyers: all seven months drawn
    shares = stats._largest_shares(pool, 4, 7)
    assert len(shares) == 7 and ((shares >= 0.25) & (shares <= 1)).all()


def test_dispersion_around_one_row_is_the_same_float_as_the_table_form():
    """The one-row path (NumPy) gives bit for bit what the pandas arithmetic of several rows gives for that row."""
    import pandas as pd

    months = [f"m{i}" for i in range(14)]
    counts = pd.DataFrame([[4, 9, 2, 7, 5, 11, 3, 6, 8, 2, 10, 5, 7, 4]], index=["质量问题"], columns=months)
    expected = pd.DataFrame(
        [[5.0, 6.5, 0.0, 7.0, np.nan, 8.0, 4.0, 5.5, 6.0, 3.0, 7.5, 6.0, 5.0, 4.5]], index=counts.index, columns=months
    )
    mean = expected.to_numpy()[0]
    known = mean > 0  # the zero and the missing expectation are skipped: 12 months
    by_hand = float(np.mean((counts.to_numpy()[0][known] - mean[known]) ** 2 / mean[known]))
    phi = stats.dispersion_around(counts, expected, months)
    assert list(phi.index) == ["质量问题"] and phi.iloc[0] == pytest.approx(max(by_hand, 1.0))
    table = (counts - expected) ** 2 / expected.where(expected > 0)  # the pandas form
    assert phi.iloc[0] == max(float(table.mean(axis=1).iloc[0]), 1.0)  # the same float, not merely close
    assert stats.dispersion_around(counts, expected, months[:2]).iloc[0] == 1.0  # under three months: Poisson
    assert stats.dispersion_around(counts, expected.set_axis(["other"]), months).iloc[0] == 1.0  # no expectation
    flat = stats.dispersion_around(counts, counts.astype(float), months)  # the counts as expected: no spread
    assert flat.iloc[0] == 1.0


def test_log_high_reads_the_months_middle_and_typical_distance():
    # logs 0, 1, 2: median 1, median absolute deviation 1 -> scale 1.4826, a new month's x sqrt(4/3); df 2
    assert stats.log_high(math.e**3, [1.0, math.e, math.e**2]) == pytest.approx(
        sps.t.sf(2 / (1.4826 * math.sqrt(4 / 3)), 2)
    )
    # three months alike: no median deviation, the standard deviation stands in (logs 1, 1, 1, 2: 0.5)
    assert stats.log_high(math.e**2, [math.e, math.e, math.e, math.e**2]) == pytest.approx(
        sps.t.sf(1 / (0.5 * math.sqrt(5 / 4)), 3)
    )
    # one odd month does not widen the band: 7, 77, 70, 73, 7, 65 -> 150 stands out (p 0.003)
    assert stats.log_high(150, [77, 7, 70, 73, 7, 65]) < 0.005
    assert math.isnan(stats.log_high(5.0, [1.0, 2.0]))  # two months: no spread to read
    assert math.isnan(stats.log_high(5.0, [2.0, 2.0, 2.0]))  # no swing at all
    assert math.isnan(stats.log_high(0.0, [1.0, 2.0, 3.0]))
