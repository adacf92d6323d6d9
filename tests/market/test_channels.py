import pandas as pd
import pytest

from market.helpers import codes_of, steady_report
from salesnb import market
from salesnb.config import load_config
from salesnb.market.channels import _expected
from salesnb.report import open_report
from salesnb.seasons import festival_months, season_keys


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
    # 5 of 分销's 15 orders lost (−33%): P(≤10 | 15 expected) = 0.118, above fdr 5%, below indicative_q 20%
    r = steady_report(tmp_path, "channel33")
    frame = market.channel_frame(r).set_index("channel")
    assert frame.loc["分销", "orders"] == 10 and frame.loc["分销", "change"] == pytest.approx(-5 / 15)
    assert frame.loc["分销", "q_value"] == pytest.approx(0.1185, abs=1e-3) and frame.loc["分销", "flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "channel_underperform"]
    # 5,000 at stake of 35,000 would be high; unconfirmed evidence holds it at medium
    assert [f["segment"] for f in found] == [{"channel": "分销"}] and found[0]["severity"] == "medium"
    strict = open_report(str(tmp_path / "steady_channel33"), "2026-10", "华东",
                         thresholds={"market": {"indicative_q": 0.05}})  # fmt: skip
    assert not [f for f in market.angle_findings(strict) if f["code"] == "channel_underperform"]


def test_channel_expectation_places_spring_festival():
    # every month sells 100 except the month holding 春节 (2023-01-22, 2024-02-10, 2025-01-29: 50); January 2026
    # does not hold it (2026-02-17): its expectation comes from last year's other month (February 2025, 100), not
    # from January 2025's festival dip
    months = [str(m) for m in pd.period_range("2023-01", "2025-12", freq="M")]
    dips = {"2023-01", "2024-02", "2025-01"}
    table = pd.DataFrame([[50.0 if m in dips else 100.0 for m in months]], index=["直销"], columns=months)
    keyed = season_keys([*months, "2026-01"], festival_months(load_config()))
    calendar = season_keys([*months, "2026-01"], {})  # no festival table: calendar months
    rows = pd.Series(["直销"])
    assert _expected(table, months, rows, keyed).iloc[0] == pytest.approx(100.0, rel=0.05)
    assert _expected(table, months, rows, calendar).iloc[0] < 90.0
