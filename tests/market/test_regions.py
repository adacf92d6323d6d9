import pytest

from salesnb import market
from salesnb.report import open_report


def test_region_ranking_and_region_gap_hand_computed(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    frame = market.region_frame(r).set_index("region")
    assert list(frame.index) == ["华南", "华东"] and list(frame["rank"]) == [1, 2]  # attainment 100% vs 60%
    assert frame.loc["华东", "revenue"] == 300 and frame.loc["华东", "attainment"] == pytest.approx(0.6)
    assert frame.loc["华南", "attainment"] == pytest.approx(1.0)
    assert frame.loc["华东", "share"] == pytest.approx(3 / 7) and frame["share"].sum() == pytest.approx(1.0)
    assert frame.loc["华东", "vs_average"] == pytest.approx(300 / 350 - 1)  # mean region revenue 350
    assert frame.loc["华东", "attainment_gap"] == pytest.approx(0.6 - 0.7)  # company: 700 / 1000
    assert bool(frame.loc["华东", "flagged"]) and not bool(frame.loc["华南", "flagged"])
    assert frame.loc["华东", "effect"] == pytest.approx(200)  # the gap to its target of 500
    found = [f for f in market.angle_findings(r) if f["code"] == "region_underperform"]
    assert [f["segment"] for f in found] == [{"region": "华东"}] and found[0]["severity"] == "high"
    # a region report has no region_underperform and shows its region against the company average
    regional = open_report(str(tiny), "2026-10", "华东")
    assert not [f for f in market.angle_findings(regional) if f["code"] == "region_underperform"]
    assert len(market.region_panel(regional).table) == 2


def test_penetration_shares_sum_to_one(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    frame = market.penetration_frame(r, by="size_band").set_index("segment")
    assert frame["revenue_share"].sum() == pytest.approx(1.0)
    assert frame.loc["<50", "customers"] == 2 and frame.loc["<50", "revenue"] == 200  # C2 100 + C4 100
    assert frame.loc["200-999", "active_rate"] == pytest.approx(1.0)  # C1 bought within 12 months


def test_region_thresholds_come_from_thresholds_market(tiny):
    strict = open_report(str(tiny), "2026-10", "ALL", thresholds={"market": {"region_attainment": 0.5}})
    assert not market.region_frame(strict).set_index("region").loc["华东", "flagged"]  # 60% is no longer low
