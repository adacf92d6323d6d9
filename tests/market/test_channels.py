import pytest

from market.helpers import codes_of, steady_report
from salesnb import market


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
