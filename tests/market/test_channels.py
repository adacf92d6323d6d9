import math

import pandas as pd
import pytest
from foreign_world import foreign_world
from scipy import stats

from market.helpers import codes_of, steady_report
from salesnb import market
from salesnb.report import open_report


def test_channel_underperform(tmp_path):
    r = steady_report(tmp_path, "channel")
    frame = market.channel_frame(r).set_index("channel")
    assert frame.loc["分销", "orders"] == 0 and frame.loc["分销", "baseline"] == pytest.approx(15000)
    assert frame.loc["分销", "peer_factor"] == 1.0  # 分销 in 华南 is as usual
    found = [f for f in market.angle_findings(r) if f["code"] == "channel_underperform"]
    assert [f["segment"] for f in found] == [{"channel": "分销"}]
    assert found[0]["effect"] == pytest.approx(15000) and found[0]["severity"] == "high"
    all_report = market.angle_findings(steady_report(tmp_path, "channel", "ALL"))
    assert ("channel_underperform", '{"channel": "分销", "region": "华东"}') in codes_of(all_report)
    assert not market.angle_findings(steady_report(tmp_path, "channel", "华南"))


def test_a_channel_losing_under_half_is_found_and_a_steady_channel_is_not(tmp_path):
    r = steady_report(tmp_path, "channel47")
    frame = market.channel_frame(r).set_index("channel")
    assert frame.loc["分销", "orders"] == 8 and frame.loc["分销", "change"] == pytest.approx(-7 / 15)
    assert frame.loc["分销", "q_value"] < r.thresholds("market")["fdr"] and frame.loc["分销", "flagged"]
    assert not frame.loc["直营", "flagged"]  # steady: no fall, no finding
    found = [f for f in market.angle_findings(r) if f["code"] == "channel_underperform"]
    assert [f["segment"] for f in found] == [{"channel": "分销"}] and found[0]["severity"] in {"medium", "high"}
    assert not market.angle_findings(steady_report(tmp_path, "channel47", "华南"))


def test_a_channel_fall_short_of_confirmation_is_indicated_at_medium(tmp_path):
    # 5 of 分销's 15 orders lost (−33%): P(≤10 | 15 expected) = 0.118; its share of 华南's 分销 (whose revenue part
    # never moved: the count alone), at least the binomial of 10 of its 190 orders in the month at 15/195, 0.128;
    # Simes: min(2 × 0.118, 0.128). Above fdr 5%, below indicative_q 20%
    r = steady_report(tmp_path, "channel33")
    frame = market.channel_frame(r).set_index("channel")
    assert frame.loc["分销", "orders"] == 10 and frame.loc["分销", "change"] == pytest.approx(-5 / 15)
    share = stats.binom.cdf(10, 190, 15 / 195)
    assert frame.loc["分销", "q_value"] == pytest.approx(share) and frame.loc["分销", "flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "channel_underperform"]
    # 5,000 at stake of 35,000 would be high; unconfirmed evidence holds it at medium
    assert [f["segment"] for f in found] == [{"channel": "分销"}] and found[0]["severity"] == "medium"
    strict = open_report(str(tmp_path / "steady_channel33"), "2026-10", "华东",
                         thresholds={"market": {"indicative_q": 0.05}})  # fmt: skip
    assert not [f for f in market.angle_findings(strict) if f["code"] == "channel_underperform"]


def test_one_lucky_month_last_year_does_not_set_a_channels_expectation():
    """Two channels at 100 a month (±10%) for 25 months; 直营 had one month at 250 a year before the forecast month.
    By its own one-cycle factor it would be expected near 250; shrunk by its noise (the lucky month is most of
    it), near its usual level — and 分销 does not inherit its luck (as it would leaning on the channels' total)."""
    import numpy as np
    import pandas as pd

    from salesnb.market.channels import _forecasts
    from salesnb.season_factors import decomposed as _factors

    rng = np.random.default_rng(2)
    months = [str(m) for m in pd.period_range("2024-08", "2026-08", freq="M")]
    table = pd.DataFrame(100 * rng.lognormal(0, 0.1, (2, len(months))), index=["直营", "分销"], columns=months)
    table.loc["直营", "2025-09"] = 250.0  # the forecast month is 2026-09
    assert _factors(table.loc["直营"].to_numpy(), None).next > 2  # trusted whole: the lucky month
    expected = [f.value for f in _forecasts(table, months, pd.Series(["直营", "分销"]))]
    assert expected[0] < 130 and expected[1] == pytest.approx(100, rel=0.2)


def test_a_regions_channel_leans_on_the_same_channel_company_wide():
    """门店 sells 100 a month in the region, 1000 company-wide, both halving every 12th month; the region's
    months carry ±30% noise of their own. Alone, its factor for the dip month (one or two noisy months behind
    it) is shrunk most of the way to no season; with the company's 门店 as the larger scope it keeps the dip
    (the company's factor is clean), as does a channel the region opened 18 months ago, alone or leaning."""
    import numpy as np
    import pandas as pd

    from salesnb.market.channels import _forecasts

    months = [str(m) for m in pd.period_range("2024-03", "2026-08", freq="M")]  # 30 months; 2026-09 is a dip
    dip = np.array([0.5 if k % 12 == 6 else 1.0 for k in range(len(months))])
    noise = np.random.default_rng(0).lognormal(0, 0.3, len(months))
    region = pd.DataFrame([100 * dip * noise, np.where(np.arange(len(months)) < 12, 0.0, 100 * dip)],
                          index=["门店", "新渠道"], columns=months)  # fmt: skip
    company = pd.DataFrame([1000 * dip, 1000 * dip], index=["门店", "新渠道"], columns=months)
    rows = pd.Series(["门店", "新渠道"])
    alone = [f.value for f in _forecasts(region, months, rows)]
    leaning = [f.value for f in _forecasts(region, months, rows, larger=company)]
    assert alone[0] > 80 and leaning[0] < 60  # the dip forgotten alone (95.6), kept leaning on the company (47.8)
    # the new channel's own 18 clean months saw the dip once: one cycle's season keeps it whole (no noise to shrink)
    assert alone[1] == pytest.approx(50, rel=1e-6) and leaning[1] == pytest.approx(50, rel=1e-6)


def test_a_store_only_its_region_sells_through_is_forecast_as_in_the_company_report():
    """A store (门店) of one region: the company's months of that channel are the store's own. Its region report
    pooled its raw factors with themselves and kept its lucky month a year back whole (≈ 250, a −60 % fall at
    an ordinary month); its company report shrank them (near 100). Both now read the store's own shrunk season."""
    import numpy as np
    import pandas as pd

    from salesnb.market.channels import _forecasts

    months = [str(m) for m in pd.period_range("2024-08", "2026-08", freq="M")]  # the forecast month is 2026-09
    noisy = 100 * np.random.default_rng(2).lognormal(0, 0.1, len(months))
    table = pd.DataFrame([noisy], index=["某店"], columns=months)
    table.loc["某店", "2025-09"] = 250.0
    rows = pd.Series(["某店"])
    company = _forecasts(table, months, rows)[0].value
    region = _forecasts(table, months, rows, larger=table.copy())[0].value
    assert company < 130 and region == pytest.approx(company, rel=1e-9)


def test_the_channel_note_says_how_the_baseline_is_read():
    """The note described the old baseline (the lower of the 6-month mean and last year) under a forecast's."""
    from salesnb.i18n import t

    note = t("mk_channel_note", "zh")
    assert "趋势和季节" in note and "较低者" not in note and "{m}" not in note


def test_count_low_takes_the_larger_of_the_months_noise_and_the_forecasts():
    """20 expected. Poisson alone: P(≤12 | 20). The forecast ±25%: variance ÷ mean 20 × 0.25² = 1.25, larger than
    Poisson's 1: a negative binomial with n = 20 / 0.25 = 80, p = 1 / 1.25. Months that swing more (spread 1.5)
    hold over the forecast's 1.25; a 10% forecast error (20 × 0.01 = 0.2) adds nothing to Poisson's 1."""
    from salesnb.stats import count_low, poisson_low

    assert count_low(12, 20) == pytest.approx(stats.poisson.cdf(12, 20))
    assert count_low(12, 20, 0.25) == pytest.approx(stats.nbinom.cdf(12, 80, 1 / 1.25))
    assert count_low(12, 20, 0.25, spread=1.5) == pytest.approx(poisson_low(12, 20, 1.5))
    assert count_low(12, 20, 0.1) == pytest.approx(stats.poisson.cdf(12, 20))
    assert count_low(12, 20, 0.25) > count_low(12, 20)  # an uncertain expectation: weaker evidence
    assert count_low(3, None) == 1.0 and count_low(3, 0.0) == 1.0


def test_relative_spread_and_peer_error_of_a_forecast():
    """An 80% interval 80-125 around 100 is symmetric on the log scale: its spread ln(1.25) / z(0.9) is relative
    already; 70-130 is plain: 30 / z(0.9) / 100. A peer factor of 1 adds no error, one below 1 its peers'."""
    from salesnb.expect import Expectation, peer_error, relative_spread

    z = stats.norm.ppf(0.9)
    log = Expectation(100.0, 80.0, 125.0, "trend")
    plain = Expectation(100.0, 70.0, 130.0, "trend")
    assert relative_spread(log) == pytest.approx(math.log(1.25) / z)
    assert relative_spread(plain) == pytest.approx(0.3 / z)
    assert peer_error(plain, 1.0) == 0.0 and peer_error(plain, 0.8) == pytest.approx(0.3 / z)
    assert peer_error(Expectation(math.nan, math.nan, math.nan, "none"), 0.8) == 0.0


def test_relative_spread_of_a_zero_forecast_is_undefined_not_an_error():
    """A plain-scale forecast of 0 (a segment that sold nothing, interval -30..30) has no relative error: NaN, and a
    peer factor resting on it adds none, where a division by the value used to raise ZeroDivisionError."""
    from salesnb.expect import Expectation, peer_error, relative_spread

    zero = Expectation(0.0, -30.0, 30.0, "trend")
    assert math.isnan(relative_spread(zero))
    assert peer_error(zero, 0.8) == 0.0


def test_a_channel_named_by_its_kind_is_not_followed_by_qudao():
    """A chain's stores as channels: "Kanyon店渠道销售下滑"; a value 线上渠道: "线上渠道渠道销售下滑"."""
    from salesnb.i18n import t
    from salesnb.market.channels import names_its_kind

    def title(channel: str, lang: str = "zh") -> str:
        kind = "" if names_its_kind(channel) else t("mk_channel_kind", lang)
        return t("finding_channel_underperform_title", lang, where="", channel=channel, kind=kind)

    assert title("Kanyon店") == "Kanyon店销售下滑" and title("线上渠道") == "线上渠道销售下滑"
    assert title("天猫旗舰店") == "天猫旗舰店销售下滑" and title("京东平台") == "京东平台销售下滑"
    assert title("分销") == "分销渠道销售下滑" and title("电商") == "电商渠道销售下滑"
    assert title("Online Store", "en") == "Online Store falling" and title("Dealers", "en") == "Dealers channel falling"


def _shrunk_channel(tmp_path):
    """Two regions, 13 months (2025-10 … 2026-10), one channel 分销 of 15 orders a month in each. 华南's orders are
    1000 each; 华东's 1000 and 1200 in alternate months — and in 2026-10 5 orders of 300."""
    from tiny import write_tiny

    tables = {"customers": [], "orders": []}
    for region, tag in (("华东", "E"), ("华南", "S")):
        for k in range(15):
            tables["customers"].append({"customer_id": f"{tag}{k:02d}", "region": region, "acquired_at": "2020-01-01"})
        for i, month in enumerate(pd.period_range("2025-10", "2026-10", freq="M").astype(str)):
            size = 1000 if tag == "S" else 300 if month == "2026-10" else 1000 + 200 * (i % 2)
            for k in range(5 if tag == "E" and month == "2026-10" else 15):
                tables["orders"].append({"order_id": f"{tag}{month}{k:02d}", "customer_id": f"{tag}{k:02d}",
                                         "order_date": f"{month}-28", "region": region, "channel": "分销",
                                         "amount": size})  # fmt: skip
    return str(write_tiny(tmp_path / "shrunk", tables=tables))


def test_a_channels_fall_is_read_by_its_forecast_and_by_its_part_of_its_peers(tmp_path):
    """华东's 分销: 5 orders of 300 where 15 are usual, 华南's as usual. Its forecast (15, no spread: a steady count)
    reads Poisson P(≤ 5 | 15). Its part of 华南's: orders 15 expected (φ 1: the share never missed), Poisson
    P(≤ 5 | 15), never stronger than the conditional binomial of 5 of its 185 orders falling in the month (the
    peers' 15 of 195); revenue part 0.1 against 1.1 pooled (1.0 and 1.2 in turn: log spread
    ln(1.2)/2 × √(12/11) × √(1 + 1/12), t with 11 degrees of freedom). Both must show it: the larger; joined with
    the forecast's by Simes."""
    import numpy as np

    r = open_report(_shrunk_channel(tmp_path), "2026-10", "华东")
    forecast = stats.poisson.cdf(5, 15)
    spread = np.log(1.2) / 2 * np.sqrt(12 / 11) * np.sqrt(1 + 1 / 12)
    part = stats.t.cdf(np.log(0.1 / 1.1) / spread, 11)
    share = max(stats.poisson.cdf(5, 15), stats.binom.cdf(5, 185, 15 / 195), part)
    assert part < 1e-8 and share == pytest.approx(stats.binom.cdf(5, 185, 15 / 195))
    row = market.channel_frame(r).set_index("channel").loc["分销"]
    assert row["orders"] == 5 and row["revenue"] == 1500 and row["change"] < -0.85
    assert row["p_value"] == pytest.approx(min(2 * forecast, share)) and row["flagged"]


def test_simes_joins_two_readings_or_keeps_the_one_there_is():
    from salesnb.stats import simes

    got = simes([0.01, 0.3, float("nan"), float("nan"), 0.5], [0.2, 0.02, 0.04, float("nan"), 0.6])
    assert got[:3].tolist() == pytest.approx([0.02, 0.04, 0.04]) and math.isnan(got[3]) and got[4] == 0.6


def _seed74_world(tmp_path, planted: bool) -> str:
    """The foreign benchmark's world 820385 (seed 74's #041): 7 regions, 20 months; 西南大区's 电商平台 (about 20
    orders and 11万 a month) planted 51 % down in 2026-09 (``planted``): 15 of its 22 orders removed, large ones
    among them."""
    return foreign_world(tmp_path, 74, 41, planted)


def test_a_channel_that_lost_its_large_orders_is_found_by_its_revenues_part(tmp_path):
    """电商平台 in 西南大区, 2026-09: 7 orders where its forecast (a season read from one cycle, 7-26 at 80 %)
    expects about 12 — p 0.285 by the count, silent before; its revenue's part of 电商平台 in the other regions fell
    from about a quarter to 7.6 %, far below its months' spread, and its orders below its share of theirs. Found
    (high). The unplanted twin flags nothing."""
    report = open_report(_seed74_world(tmp_path, True), "2026-09", "西南大区")
    row = market.channel_frame(report).set_index("channel").loc["电商平台"]
    # −55.6 % against its forecast × the peers’ month over their own forecast, 0.867 (their plain mean: 0.878, −56.1 %)
    assert row["orders"] == 7 and row["change"] == pytest.approx(-0.556, abs=1e-3)
    assert row["p_value"] == pytest.approx(0.00258, abs=1e-5) and row["flagged"]
    found = [f for f in market.angle_findings(report) if f["code"] == "channel_underperform"]
    assert [f["segment"] for f in found] == [{"channel": "电商平台"}] and found[0]["severity"] == "high"
    clean = market.channel_frame(open_report(_seed74_world(tmp_path, False), "2026-09", "西南大区"))
    assert not clean["flagged"].any()


def _seasonal_channels(tmp_path, now: int) -> str:
    """Two regions, 25 months (2024-10 … 2026-10), one channel 分销 of 10 orders of 100 a month in each, every
    October 5 (a season the whole company shares); in 2026-10 华东 sells ``now`` orders."""
    from tiny import write_tiny

    tables = {"customers": [], "orders": []}
    for region, tag in (("华东", "E"), ("华南", "S")):
        for k in range(10):
            tables["customers"].append({"customer_id": f"{tag}{k:02d}", "region": region, "acquired_at": "2020-01-01"})
        for month in pd.period_range("2024-10", "2026-10", freq="M").astype(str):
            count = now if tag == "E" and month == "2026-10" else 5 if month.endswith("-10") else 10
            for k in range(count):
                tables["orders"].append({"order_id": f"{tag}{month}{k:02d}", "customer_id": f"{tag}{k:02d}",
                                         "order_date": f"{month}-15", "region": region, "channel": "分销",
                                         "amount": 100})  # fmt: skip
    return str(write_tiny(tmp_path / f"seasonal{now}", tables=tables))


def test_the_peers_month_is_read_against_their_season_not_their_plain_mean(tmp_path):
    """October is half a month for every region. 华东's 分销 forecast (two clean cycles) is 500, its season in it;
    its peers (华南's 分销) sold 500 where their own forecast is 500: factor 1, baseline 500. Against the peers'
    plain 6-month mean (1,000) the factor was 0.5 and the season counted twice: baseline 250, so 2 orders (200, −60 %
    against 500) read as −20 % and nothing fired; 5 orders (as every October) read as +100 %."""
    usual = market.channel_frame(open_report(_seasonal_channels(tmp_path, 5), "2026-10", "华东")).set_index("channel")
    assert usual.loc["分销", "peer_factor"] == pytest.approx(1.0)
    assert usual.loc["分销", "baseline"] == pytest.approx(500, rel=1e-6)
    assert usual.loc["分销", "change"] == pytest.approx(0, abs=1e-9)
    fell = market.channel_frame(open_report(_seasonal_channels(tmp_path, 2), "2026-10", "华东")).set_index("channel")
    assert fell.loc["分销", "baseline"] == pytest.approx(500, rel=1e-6)
    assert fell.loc["分销", "change"] == pytest.approx(-0.6, rel=1e-6)
    assert fell.loc["分销", "effect"] == pytest.approx(300, rel=1e-6)
