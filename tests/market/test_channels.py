import pytest

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
