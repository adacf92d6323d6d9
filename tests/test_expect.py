"""What the scope's own history leads one to expect: trend, season, interval, fallbacks."""

import math

import numpy as np
import pandas as pd
import pytest

from salesnb.config import default_config
from salesnb.expect import below, expected


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
    mean = expected([90, 100, 110])  # under 6 months: the plain mean, ± t(80%, 2 df) × sd 10 × √(1 + 1/3)
    assert mean.method == "mean" and mean.value == pytest.approx(100)
    half = 1.8856181 * 10 * math.sqrt(4 / 3)  # a new month's spread: its own and the mean's
    assert mean.low == pytest.approx(100 - half) and mean.high == pytest.approx(100 + half)
    one = expected([80])  # one month: no spread to measure
    assert (one.value, one.low, one.high) == (80, 80, 80)
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


def _festival_history(last: str) -> tuple[list[float], list[str]]:
    """100 a month from 2022-03, 50 in the month holding 春节 (2023-01, 2024-02, 2025-01), up to ``last``."""
    import pandas as pd

    from salesnb.seasons import festival_months, season_key

    table = festival_months(default_config())
    months = [str(m) for m in pd.period_range("2022-03", last, freq="M")]
    return [50.0 if season_key(m, table) == 2 and m[5:7] in ("01", "02") else 100.0 for m in months], months


def test_the_festival_month_is_expected_where_the_festival_falls():
    from salesnb.seasons import festival_months, season_keys

    table = festival_months(default_config())
    history, months = _festival_history("2025-01")  # forecast 2025-02: 春节 was in January this year
    keyed = expected(history, keys=season_keys([*months, "2025-02"], table))
    assert keyed.value == pytest.approx(100, rel=0.03)
    assert expected(history).value < 90  # by calendar month: last February's festival dip (shrunk: it moves)
    history, months = _festival_history("2024-12")  # forecast 2025-01: the festival month
    assert expected(history, keys=season_keys([*months, "2025-01"], table)).value == pytest.approx(50, rel=0.03)
    with pytest.raises(ValueError, match="one per month"):
        expected(history, keys=[1, 2])


def test_a_factor_from_one_year_is_shrunk_by_its_noise():
    from salesnb.expect import _line
    from salesnb.season_factors import decomposed as _factors

    rng = np.random.default_rng(5)
    values = np.array([100 * (1 + 0.1 * rng.standard_normal()) * (0.6 if k % 12 == 6 else 1) for k in range(24)])
    e = expected(values)  # 24 months: each month's factor is one detrended month
    factors = _factors(values, None)
    assert factors.behind == 1 and (factors.counts == 1).all()
    logs = np.log(values)
    sigma2 = np.var(logs[12:] - logs[:12], ddof=1) / 2  # a month's noise: half the year-on-year variance
    tau2 = np.mean(np.log(factors.season[-12:]) ** 2) - sigma2  # the season's own spread
    w = tau2 / (tau2 + sigma2)  # each factor keeps this share of its log
    assert 0.5 < w < 1  # a 40% dip in 10% noise: mostly kept
    centre, spread, log = _line((values / factors.season**w)[-12:])
    assert e.value == pytest.approx(math.exp(centre) * factors.next**w, rel=1e-9)
    noise = math.sqrt(w * sigma2)  # the shrunk factor's own error, added to the trend's
    assert math.log(e.high / e.value) == pytest.approx(1.2815516 * math.hypot(spread, noise), rel=1e-6)


def test_a_lucky_month_a_year_back_is_mostly_forgotten():
    rng = np.random.default_rng(7)
    flat = 100 * rng.lognormal(0, 0.15, 26)  # no season, 15% noise a month
    lucky = flat.copy()
    lucky[14] = 250  # one month twice its usual level, a year before the forecast month (26)
    assert expected(lucky).value < 140  # trusted whole its factor would make it ~250
    clean = np.array([100 * (0.5 if k % 12 == 2 else 1.0) for k in range(26)]) * rng.lognormal(0, 0.02, 26)
    assert expected(clean).value == pytest.approx(50, rel=0.1)  # a real season in little noise is kept


def test_a_warm_up_is_left_out():
    from salesnb.expect import warm_up

    history = [30.0, 12.0, 100.0, 90.0, 110.0, 100.0, 95.0, 105.0, 100.0, 98.0, 102.0, 100.0, 101.0, 99.0]
    assert warm_up(np.array(history)) == 2  # 30 and 12 under a third of the next year's median (100)
    assert warm_up(np.array([100.0, 12.0, *history[2:]])) == 0  # a low month after a usual one is real
    assert warm_up(np.array(history[:7])) == 1  # at least TREND_MONTHS (6) months kept
    assert expected(history).value == pytest.approx(expected(history[2:]).value)


def test_a_noisy_region_leans_on_the_company_season():
    company = np.array([1000.0 * (0.5 if k % 12 == 6 else 1.0) for k in range(30)])  # an October dip
    region = company / 10
    assert expected(region, season=company).value == pytest.approx(expected(region).value)  # same season: same
    spiky = region.copy()
    spiky[18] *= 3  # one wild month a year before the forecast month: its own factor triples
    alone, pooled = expected(spiky).value, expected(spiky, season=company).value
    assert alone > 90 and pooled < 70  # its own factor forgets the dip; the company's mostly keeps it (one wild
    # month in 18 year-on-year pairs: a noise of 0.18 against a dip of 0.69 on the log scale)


def test_a_young_region_borrows_the_company_season():
    """A region opened 12 months after the company (30 months of data, its first 12 at 0): too short for a
    season of its own, it took the trend line and read the company's yearly dip month as a collapse. It now
    takes the company's factors whole: its 18 months divided by them, the line through them (flat at 100, no
    noise), times the dip month's factor (0.5; the company's own factor, no shrinking, as the larger scope's
    months are clean)."""
    company = np.array([1000.0 * (0.5 if k % 12 == 6 else 1.0) for k in range(30)])  # month 30 is a dip month
    region = np.where(np.arange(30) < 12, 0.0, company / 10)
    alone = expected(region)  # its own 18 months saw the dip once (month 18): one cycle's season, unshrunk as
    assert alone.method == "seasonal" and alone.value == pytest.approx(50, rel=1e-6)  # its months have no noise
    e = expected(region, season=company)
    assert e.method == "seasonal" and e.value == pytest.approx(50, rel=1e-6)
    assert e.low == pytest.approx(50, rel=1e-6) and e.high == pytest.approx(50, rel=1e-6)
    assert expected(region[:29], season=company[:29]).value == pytest.approx(100, rel=1e-6)  # not a dip month
    short = expected(region[:20], season=company[:20])  # the company itself has only 20 months: no season anywhere
    assert short.method == "trend"


def test_how_likely_a_month_this_low_is_under_a_forecast():
    from salesnb.expect import Expectation, below

    log = Expectation(100.0, 80.0, 125.0, "trend")  # symmetric on the log scale: ±log(1.25) at 80%
    assert below(log, 80.0) == pytest.approx(0.1)  # the low end of an 80% interval: one month in ten is lower
    assert below(log, 100.0) == pytest.approx(0.5) and below(log, 0.0) == 0.0
    plain = Expectation(100.0, 60.0, 140.0, "trend")  # symmetric on the plain scale: ±40 at 80%
    assert below(plain, 60.0) == pytest.approx(0.1)
    spread = math.log(1.25) / 1.2815516  # the forecast's own standard error (log scale)
    with_factor = below(log, 80.0, factor_error=spread)  # a peer factor as uncertain as the forecast
    assert with_factor == pytest.approx(0.5 * math.erfc(1.2815516 / math.sqrt(2) / math.sqrt(2)), rel=1e-6)
    assert math.isnan(below(Expectation(math.nan, math.nan, math.nan, "none"), 10.0))


def test_one_cycle_and_a_few_months_give_the_season_and_the_growth_at_once():
    """18 months growing 2 % a month with a season (summer 1.5, winter 0.7), no noise: one level per month of the
    year and one growth rate fit them exactly, so month 18 (the 7th calendar month again) is its own month a
    year ago grown 12 × 2 %. A trend line through the last 12 months read the summer peak in them as growth."""
    season = np.array([0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8])
    months = np.arange(19)
    values = 100 * 1.02**months * season[months % 12]
    e = expected(values[:18])
    assert e.method == "seasonal" and e.value == pytest.approx(values[18], rel=1e-9)  # 214.24
    assert e.value == pytest.approx(values[6] * 1.02**12, rel=1e-9) and e.low == pytest.approx(e.value)
    assert expected(values[:14]).method == "trend"  # two year-on-year pairs: too few to tell season from noise


def test_one_cycle_factors_keep_what_the_noise_leaves_credible():
    """The same season with noise: simulated 20-month histories. The one-cycle forecast misses the next month
    by far less than the trend alone did (log error), and an ordinary month falls below its 5 % tail about as
    often as it should."""
    rng = np.random.default_rng(3)
    season = np.array([0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8])
    errors, below_tail = [], 0
    for _ in range(300):
        months = np.arange(21)
        values = 1000 * 1.01**months * season[(months + rng.integers(12)) % 12] * np.exp(rng.normal(0, 0.1, 21))
        e = expected(values[:20])
        assert e.method == "seasonal"
        errors.append(abs(np.log(values[20] / e.value)))
        below_tail += below(e, values[20]) < 0.05
    assert np.mean(errors) < 0.15  # the trend alone: 0.35 on these histories, 19 % below the 5 % tail
    assert 0.01 <= below_tail / 300 <= 0.08


def test_one_cycle_judges_a_month_against_last_year_too():
    """A car dealer group's 2022 (Kaggle car sales): a year rising to its peak in November and December. The trend
    line through it expected January 2023 at 51.9 million, 5.8 times January 2022, and the 12.8 million sold (43 %
    up on the year) read as the company collapsing. One cycle cannot tell that season from growth: the month is
    judged against last January as well, and is short only when both readings say so."""
    year = [8931920, 8795365, 19502059, 22748867, 20608086, 19604211, 19935002, 23631362, 42218216, 23991509,
            45389290, 44984458]  # fmt: skip
    e = expected(year)
    assert e.method == "trend" and e.value == pytest.approx(8931920)  # last January, no year-on-year pair to grow it
    assert below(e, 12764298) > 0.5
    grown = expected([*year, 12764298])  # 13 months: February a year before, grown as January grew on its year
    assert grown.value == pytest.approx(8795365 * 12764298 / 8931920)


def test_one_cycle_false_alarms_and_falls_found():
    """Simulated 12–14 month histories (noise 10 %): a clean month of a seasonal business fell below the trend's 5 %
    tail 19 % of the time (as often as a 30 % fall did); now at most the tail's share, while a steady grower's 30 %
    fall is still found in most months (92 % by the trend alone, which it cannot tell from a season)."""
    rng = np.random.default_rng(7)
    peak = np.array([0.5, 0.5, 0.8, 0.9, 0.85, 0.8, 0.8, 0.9, 1.4, 0.9, 1.6, 1.6])
    for season, growth, alarms, found in ((peak, 0.0, 0.05, 0.0), (np.ones(12), 0.02, 0.06, 0.55)):
        flagged = falls = 0
        for _ in range(300):
            n, start = int(rng.integers(12, 15)), int(rng.integers(12))
            months = np.arange(n + 1)
            v = 1000 * (1 + growth) ** months * season[(months + start) % 12] * np.exp(rng.normal(0, 0.1, n + 1))
            e = expected(v[:n])
            flagged += below(e, v[n]) < 0.05
            falls += below(e, 0.7 * v[n]) < 0.05
        assert flagged / 300 <= alarms and falls / 300 >= found


def test_one_cycle_reading_takes_only_the_pairs_there_are():
    """Eleven months whose next key was last seen eleven months back (春节 moved), and 17 months with a 0 long ago:
    the year-on-year pairs are the ones there are, none divided by 0 (a region's report crashed on the first)."""
    keys = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 9]
    assert expected([1200.0] * 11, keys=keys).value == pytest.approx(1200)
    gap = [100.0, 0.0, *([100.0] * 15)]  # 0 in month 2: no one-cycle season, the trend path with a year back
    e = expected(gap)
    assert e.method == "trend" and e.value == pytest.approx(100)


def test_the_festival_month_keeps_its_dip_where_an_ordinary_months_luck_is_shrunk():
    """A 45 % 春节 dip in 12 % noise, 30 months: one common spread shrank it to about −20 %.

    The festival month at its true level then fell below the 80 % interval in 35 of 40 histories (a false "below
    expectation" every 春节); its key now keeps its own spread, and an honest interval misses about one in ten.
    """
    from salesnb.seasons import festival_months, season_keys

    months = pd.period_range("2023-09", "2026-02", freq="M").astype(str).tolist()  # 2026-02 holds 春节
    keys = season_keys(months, festival_months(default_config()))
    assert keys[-1] == 2  # the festival key
    level = {m: 0.55 if k == 2 else 1.5 if m.endswith("-11") else 1.0 for m, k in zip(months, keys, strict=True)}
    base = 100 * np.array([level[m] for m in months])
    forecasts = [
        expected(base[:-1] * np.random.default_rng(seed).lognormal(0, 0.12, len(base) - 1), keys=keys)
        for seed in range(40)
    ]
    assert np.median([f.value for f in forecasts]) == pytest.approx(55, rel=0.1)
    assert sum(f.low > 55 for f in forecasts) <= 6  # at its true level, below the interval about one time in ten


def test_a_larger_scope_that_is_the_scope_itself_adds_no_season():
    """A store no other region sells through: the company's months of "the same channel" are the store's own, so
    leaning on them pooled its raw factors with themselves (their difference 0: the blend took them whole) and
    skipped the shrinking its own history gets. A lucky January 2 years running set next January at 1.9 × the
    usual month in the region report and at the shrunk level in the company report. Same months (or a fixed share
    of them): the same forecast as without a larger scope."""
    rng = np.random.default_rng(3)
    store = 1000.0 * np.exp(rng.normal(0.0, 0.5, 25))  # noisy: a month's luck, no season
    store[[1, 13]] = [2600.0, 2400.0]  # two lucky Februaries; month 25 is a February
    alone = expected(store).value  # 1448: the Februaries' factor mostly shrunk away (unshrunk: 2082)
    assert expected(store, season=store).value == pytest.approx(alone, rel=1e-9)
    assert expected(store, season=store * 3).value == pytest.approx(alone, rel=1e-9)  # a fixed share: the same
    other = store.copy()
    other[5] *= 2  # a larger scope with months of its own: still leaned on
    assert expected(store, season=other).value != pytest.approx(alone, rel=1e-3)


def test_month_factors_read_a_clean_season_and_nothing_from_a_short_or_empty_history():
    """Three years of 100 a month with November-January at 300: the factors keep that 3 : 1 (a clean season
    loses little to shrinking); a history of 14 months reads no season; a month at 0 reads none either."""
    from salesnb.expect import month_factors

    months = pd.period_range("2023-10", "2026-09", freq="M")
    values = np.array([300.0 if m.month in (11, 12, 1) else 100.0 for m in months])
    factors = month_factors(values)
    peak, rest = factors[[m.month in (11, 12, 1) for m in months]], factors[[m.month == 7 for m in months]]
    assert len(factors) == 36
    assert peak.min() / rest.max() == pytest.approx(3.0, rel=0.02)
    assert (factors / np.concatenate([factors[12:], factors[:12]])) == pytest.approx(1.0)  # one factor per month
    assert (month_factors(values[:14]) == 1.0).all()
    assert (month_factors(np.where(np.arange(36) == 20, 0.0, values)) == 1.0).all()
