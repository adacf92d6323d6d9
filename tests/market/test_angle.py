import json

import pandas as pd
import pytest
from tiny import write_tiny

from market.helpers import CODES, REGIONS, SAMPLE, steady_report
from salesnb import market
from salesnb.findings import SEVERITIES
from salesnb.report import clean_json, open_report


def test_angle_declares_its_rules_in_order():
    assert market.ANGLE.name == "market" and market.ANGLE.needs == ("orders",)
    assert market.ANGLE.codes == (
        "channel_underperform",
        "new_customer_drop",
        "acquisition_cost_high",
        "customer_churn_rise",
        "customer_concentration",
        "region_underperform",
    )  # the whole company's fall is a second rule of region_underperform
    assert [rule.code for rule in market.ANGLE.rules][-2:] == ["region_underperform"] * 2
    assert set(market.ANGLE.codes) == CODES
    cac = [rule for rule in market.ANGLE.rules if rule.code == "acquisition_cost_high"][0]
    assert cac.needs == ("marketing_spend", "customers", "orders.customer_id")


def test_missing_tables_are_skipped(tmp_path):
    folder = write_tiny(tmp_path / "t", drop=("customers", "targets"))
    r = open_report(str(folder), "2026-10", "ALL")
    assert market.penetration_panel(r).is_skipped and "customers" in market.penetration_panel(r).note
    assert market.acquisition_cost_panel(r).is_skipped
    assert not market.region_panel(r).is_skipped  # ranked by growth without targets
    codes = {f["code"] for f in market.angle_findings(r)}
    assert "acquisition_cost_high" not in codes and "region_underperform" not in codes
    assert "marketing_spend" in market.acquisition_cost_panel(open_report(str(write_tiny(tmp_path / "u")))).note
    assert isinstance(market.angle_metrics(r)["new_customers"], int)


def test_panels_in_english(tiny, tmp_path):
    from market.test_regions import _two_regions

    r = open_report(str(tiny), "2026-10", "ALL", lang="en")
    assert "Attainment" in market.region_panel(r).table.columns
    assert "Channel" in market.channel_panel(r).table.columns
    assert "Tier" in market.rfm_panel(r).table.columns
    titles = [f["title"] for f in market.angle_findings(r)]
    assert any("dependence" in t for t in titles)
    falling = open_report(str(_two_regions(tmp_path)), "2026-10", "ALL", lang="en")  # 华东 falls 45%
    assert any("falling behind" in f["title"] for f in market.angle_findings(falling))
    for panel in (market.new_customers_panel(r), market.retention_panel(r), market.concentration_panel(r)):
        assert panel.figure is not None and not panel.table.empty


def test_steady_company_is_quiet(tmp_path):
    for region in ("ALL", *REGIONS):
        assert market.angle_findings(steady_report(tmp_path, None, region)) == []


def test_findings_shape_english_and_deterministic(tmp_path):
    r = steady_report(tmp_path, "channel", "ALL", lang="en")
    findings = market.angle_findings(r)
    assert findings and all(f["angle"] == "market" and f["severity"] in SEVERITIES for f in findings)
    channel = [f for f in findings if f["code"] == "channel_underperform" and f["segment"].get("region") == "华东"]
    assert channel[0]["title"] == "华东 · 分销 channel falling" and "Call the channel" in channel[0]["action"]
    once = json.dumps(clean_json(findings), sort_keys=True)
    again = market.angle_findings(steady_report(tmp_path, "channel", "ALL", "en"))
    assert once == json.dumps(clean_json(again), sort_keys=True)
    metrics = market.angle_metrics(r)
    for key in ("new_customers", "repeat_purchase_rate", "lapsed_customers", "top10_share", "largest_customer_share",
                "hhi", "rfm_strategic", "clv_expected_value_next_month", "clv_mean_p_alive"):  # fmt: skip
        assert key in metrics
    assert json.dumps(clean_json(metrics))


def test_metrics_keys_in_order(tiny):
    keys = list(market.angle_metrics(open_report(str(tiny), "2026-10", "ALL")))
    head = ["new_customers", "new_customers_usual", "buyers", "returning_buyers", "repeat_purchase_rate"]
    head += ["returning_revenue", "retention_rate", "lapsed_customers", "top10_share", "largest_customer_share", "hhi"]
    head += ["period_top10_share", "period_largest_customer_share", "usual_period_top10_share"]
    head += ["usual_period_largest_customer_share"]
    assert keys[: len(head)] == head and keys[len(head)].startswith("rfm_")


# ------------------------------------------------------------------------------------- sample and clean data


def test_planted_market_problems_are_found(sample):
    planted = [p for p in json.loads((SAMPLE / "planted.json").read_text()) if p["code"] in CODES]
    assert {p["code"] for p in planted} == {"channel_underperform", "new_customer_drop", "customer_churn_rise"}
    for plant in planted:
        found = market.angle_findings(open_report(str(SAMPLE), plant["period"], plant["region"], dataset=sample))
        hits = [
            f for f in found
            if f["code"] == plant["code"] and plant["segment"].items() <= f["segment"].items()
            and f["severity"] in ("high", "medium")
        ]  # fmt: skip
        assert hits, f"{plant['code']} not found in {plant['region']} {plant['period']}: {found}"


def test_sample_latest_month_panels_render(sample):
    """Speed is measured by benchmarks/panels.py, not here: a timed test fails on a busy machine."""
    r = open_report(str(SAMPLE), "", "ALL", dataset=sample)
    market.angle_findings(r)
    for panel in (market.clv_panel(r), market.clv_at_risk_panel(r), market.rfm_transition_panel(r)):
        assert panel.figure is not None and not panel.table.empty
    at_risk = market.clv_at_risk_frame(r)
    assert (at_risk["p_alive"] < r.config["thresholds"]["market"]["clv_risk_p_alive"]).all()
    assert at_risk["value_at_risk"].is_monotonic_decreasing


def test_clean_data_stays_quiet(clean):
    ds = open_report(str(clean), "", "ALL").ds
    months = [str(pd.Period("2026-10", freq="M") - k) for k in range(6)]
    highs, with_high, reports = 0, 0, 0
    for month in months:
        for region in ("ALL", "华东", "华南", "华北", "西南", "华中"):
            findings = market.angle_findings(open_report(str(clean), month, region, dataset=ds))
            high = sum(f["severity"] == "high" for f in findings)
            highs, with_high, reports = highs + high, with_high + (high > 0), reports + 1
            assert len(findings) <= 3
    assert highs <= 3 and with_high <= reports // 10, f"{highs} high findings in {with_high} of {reports} reports"


def test_a_channel_with_its_own_finding_is_the_same_gap_in_its_regions_split(sample):
    """西南 2026-10: the channel 分销 has its own finding (本月 4.7万, 对比基准 59.8万) and holds most of the region's
    fall: the split says 少 55.2万, that finding's gap, not its forecast scaled to the region's level."""
    from salesnb.display.formatting import format_amount
    from salesnb.market.split import stated_gaps

    r = open_report(str(SAMPLE), "2026-10", "西南", dataset=sample)
    found = {f["code"]: f for f in market.angle_findings(r)}
    channel = found["channel_underperform"]
    assert channel["segment"] == {"channel": "分销"}
    gap = channel["baseline"] - channel["value"]
    assert stated_gaps(r, "西南")[("channel", "分销")] == pytest.approx(gap)
    assert f"渠道「分销」（少 {format_amount(gap, 'zh')}" in found["region_underperform"]["detail"]
    assert format_amount(gap, "zh") == "55.2万"


def test_the_company_page_splits_a_region_by_the_gap_its_own_channel_finding_states(sample):
    from salesnb.display.formatting import format_amount

    r = open_report(str(SAMPLE), "2026-10", dataset=sample)
    south = next(
        f for f in market.angle_findings(r) if f["segment"] == {"region": "华南"} and f["code"] == "region_underperform"
    )
    own = next(
        f
        for f in market.angle_findings(open_report(str(SAMPLE), "2026-10", "华南", dataset=sample))
        if f["code"] == "channel_underperform" and f["segment"] == {"channel": "分销"}
    )
    assert format_amount(own["baseline"] - own["value"], "zh") == "50.2万"
    assert "渠道「分销」（少 50.2万，占 66%" in south["detail"]
