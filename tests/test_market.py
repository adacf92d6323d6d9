import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from tiny import TABLES, write_tiny

from salesnb import market
from salesnb.demo import generate_dataset, write_dataset
from salesnb.findings import SEVERITIES
from salesnb.report import clean_json, open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
CODES = {"channel_underperform", "new_customer_drop", "acquisition_cost_high", "customer_churn_rise"}
CODES |= {"customer_concentration", "region_underperform"}
MONTHS = [str(p) for p in pd.period_range("2025-10", "2026-10", freq="M")]  # 13 months: last year exists
REGIONS = ("华东", "华南")


# ------------------------------------------------------------------------------------------ the tiny dataset


@pytest.fixture
def tiny(tmp_path):
    return write_tiny(tmp_path / "tiny")


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


def test_concentration_hand_computed(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    m = market.concentration_metrics(r)  # 12 months 2025-11..2026-10: C3 400, C2 250, C1 200, C4 100
    assert m["months"] == 12 and m["customers"] == 4
    assert m["largest_customer"] == "C3" and m["largest_share"] == pytest.approx(400 / 950)
    assert m["top_share"] == pytest.approx(1.0)
    assert m["hhi"] == pytest.approx((400**2 + 250**2 + 200**2 + 100**2) / 950**2)
    frame = market.concentration_frame(r)
    assert list(frame["customer_id"]) == ["C3", "C2", "C1", "C4"]
    assert frame["cum_share"].iloc[-1] == pytest.approx(1.0)
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    assert len(found) == 1 and found[0]["segment"] == {"customer_id": "C3"}
    assert found[0]["effect"] == pytest.approx(400 / 12)  # the largest customer's average month
    assert found[0]["severity"] == "medium"  # 33.3 of 700: between 2% and 5%


def test_concentration_properties():
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 40, 500):
        revenue = pd.Series(rng.lognormal(10, 1.5, n), index=[f"C{i}" for i in range(n)])
        m = market.concentration_shares(revenue, top=10)
        assert 0 <= m["largest_share"] <= m["top_share"] <= 1
        assert 1 / n - 1e-12 <= m["hhi"] <= 1 + 1e-12
        assert m["top_share"] == pytest.approx(min(1.0, revenue.nlargest(10).sum() / revenue.sum()))
    equal = market.concentration_shares(pd.Series(5.0, index=list("abcd")))
    assert equal["hhi"] == pytest.approx(0.25) and equal["largest_share"] == pytest.approx(0.25)
    assert market.concentration_shares(pd.Series([0.0, -3.0]))["hhi"] is None


def test_retention_and_new_customers_hand_computed(tiny):
    test = market.retention_test(open_report(str(tiny), "2026-10", "ALL"))
    assert test["buyers"] == 4 and test["returning_buyers"] == 3  # C4 first buys in 2026-10
    assert test["repeat_rate"] == pytest.approx(0.75) and test["returning_revenue"] == 600
    assert test["window_buyers"] == 2 and test["retained"] == 2 and test["lapsed"] == 0  # C2, C3 in 07..09
    sep = market.retention_test(open_report(str(tiny), "2026-09", "ALL"))
    assert sep["window_buyers"] == 1 and sep["retained"] == 0 and sep["lapsed"] == 1  # C3 bought in 08 only
    assert market.new_customer_test(open_report(str(tiny), "2026-10", "ALL"))["count"] == 1
    assert market.new_customer_test(open_report(str(tiny), "2026-10", "华东"))["count"] == 0


def test_acquired_at_decides_who_is_new(tmp_path):
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    for row in tables["customers"]:
        row["acquired_at"] = "2020-01-01" if row["customer_id"] == "C4" else ""
    r = open_report(str(write_tiny(tmp_path / "t", tables=tables)), "2026-10", "ALL")
    assert market.new_customer_test(r)["count"] == 0  # C4 was a customer long before its first order here
    assert market.retention_test(r)["returning_buyers"] == 4


def rfm_config(tmp_path):
    tiers = [
        {"name": "strategic", "label_zh": "战略客户", "max_recency_days": 10, "min_frequency": 2,
         "min_monetary_x_mean": 1.0},
        {"name": "growth", "label_zh": "成长客户", "max_recency_days": 30, "min_frequency": 1},
        {"name": "maintain", "label_zh": "维护客户"},
    ]  # fmt: skip
    path = tmp_path / "rfm.yaml"
    path.write_text(yaml.safe_dump({"rfm": {"tiers": tiers}}, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_rfm_first_matching_tier_wins_and_transitions(tiny, tmp_path):
    r = open_report(str(tiny), "2026-10", "ALL", config_path=rfm_config(tmp_path))
    rfm = market.rfm_frame(r).set_index("customer_id")
    assert rfm.loc["C1", "recency_days"] == 29 and rfm.loc["C2", "recency_days"] == 7  # to 2026-11-01
    assert rfm.loc["C2", "frequency"] == 2 and rfm.loc["C3", "monetary"] == 400
    # mean monetary 950 / 4 = 237.5: C2 (7 days, 2 orders, 250) is strategic although it matches growth too
    assert rfm["tier"].to_dict() == {"C3": "growth", "C2": "strategic", "C1": "growth", "C4": "growth"}
    tiers = market.rfm_tiers_frame(r).set_index("tier")
    assert tiers["customers"].to_dict() == {"strategic": 1, "growth": 3, "maintain": 0}
    assert tiers["share"].sum() == pytest.approx(1.0) and tiers["revenue"].sum() == 700
    # at the end of 2026-09: C2 growth (21 days); C1 (361 days) and C3 (47 days) maintain; C4 not yet a buyer
    assert tiers["baseline_customers"].to_dict() == {"strategic": 0, "growth": 1, "maintain": 2}
    matrix = market.rfm_transition_frame(r)
    assert matrix.loc["growth", "strategic"] == 1 and matrix.loc["maintain", "growth"] == 2
    assert matrix.loc["inactive", "growth"] == 1 and int(matrix.to_numpy().sum()) == 4
    assert tiers["cadence"].str.len().min() > 1  # the default cadence texts of market.cadence


def test_assign_tiers_rules_as_data():
    rfm = pd.DataFrame({"recency_days": [5, 5, 90], "frequency": [9, 1, 9], "monetary": [100.0, 900.0, 500.0]})
    tiers = [{"name": "big", "min_monetary": 800}, {"name": "loyal", "min_frequency": 5}, {"name": "rest"}]
    assert market.assign_tiers(rfm, tiers).tolist() == ["loyal", "big", "loyal"]


def test_size_bands():
    assert market.size_band_labels([0, 50, 200, 1000]) == ["<50", "50-199", "200-999", "1000+"]
    bands = market.size_band(pd.Series([3, 49, 50, 999, 1000, None]), [0, 50, 200, 1000])
    assert bands.tolist() == ["<50", "<50", "50-199", "200-999", "1000+", "未知"]


def test_penetration_shares_sum_to_one(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    frame = market.penetration_frame(r, by="size_band").set_index("segment")
    assert frame["revenue_share"].sum() == pytest.approx(1.0)
    assert frame.loc["<50", "customers"] == 2 and frame.loc["<50", "revenue"] == 200  # C2 100 + C4 100
    assert frame.loc["200-999", "active_rate"] == pytest.approx(1.0)  # C1 bought within 12 months


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


def test_panels_in_english(tiny):
    r = open_report(str(tiny), "2026-10", "ALL", lang="en")
    assert "Attainment" in market.region_panel(r).table.columns
    assert "Channel" in market.channel_panel(r).table.columns
    assert "Tier" in market.rfm_panel(r).table.columns
    titles = [f["title"] for f in market.angle_findings(r)]
    assert any("falling behind" in t for t in titles) and any("dependence" in t for t in titles)
    for panel in (market.new_customers_panel(r), market.retention_panel(r), market.concentration_panel(r)):
        assert panel.figure is not None and not panel.table.empty


# ------------------------------------------------------------------------- a steady company with one problem


def steady(plant: str | None = None) -> dict[str, list[dict]]:
    """Two regions, 13 months. Each region: 30 regular customers buying every month (15 直营, 15 分销, 1000 each),
    20 new customers a month (10 from 展会, 10 from 转介绍) whose only order is 500 through 电商; spend 展会 2000 and
    转介绍 1000 a month; target 40000. ``plant`` breaks 华东 in 2026-10.
    """
    t = {"customers": [], "orders": [], "marketing_spend": [], "targets": []}
    for region in REGIONS:
        tag = "E" if region == "华东" else "S"
        for k in range(30):
            t["customers"].append({"customer_id": f"R{tag}{k:02d}", "region": region, "acquired_at": "2020-01-01",
                                   "acquisition_channel": "转介绍", "employee_count": 300})  # fmt: skip
        for month in MONTHS:
            hit = region == "华东" and month == "2026-10"
            for k in range(30):
                channel = "直营" if k < 15 else "分销"
                if hit and plant == "churn":
                    continue
                if hit and plant == "channel" and channel == "分销":
                    channel = "直营"
                t["orders"].append({"order_id": f"O{tag}{month}{k:02d}", "customer_id": f"R{tag}{k:02d}",
                                    "order_date": f"{month}-10", "region": region, "channel": channel,
                                    "amount": 1000})  # fmt: skip
            for k in range(20):
                source = "展会" if k < 10 else "转介绍"
                if hit and (plant == "acquisition" or (plant == "cac" and source == "展会")):
                    continue
                customer = f"N{tag}{month}{k:02d}"
                t["customers"].append({"customer_id": customer, "region": region, "acquired_at": f"{month}-05",
                                       "acquisition_channel": source, "employee_count": 40})  # fmt: skip
                t["orders"].append({"order_id": f"Q{tag}{month}{k:02d}", "customer_id": customer,
                                    "order_date": f"{month}-05", "region": region, "channel": "电商",
                                    "amount": 500})  # fmt: skip
            t["marketing_spend"] += [
                {"period": month, "channel": "展会", "amount": 2000, "region": region},
                {"period": month, "channel": "转介绍", "amount": 1000, "region": region},
            ]
            t["targets"].append({"period": month, "target_amount": 40000, "region": region})
    return t


def steady_report(tmp_path, plant=None, region="华东", lang="zh"):
    folder = tmp_path / f"steady_{plant}"
    if not folder.exists():
        write_tiny(folder, tables=steady(plant))
    return open_report(str(folder), "2026-10", region, lang=lang)


def codes_of(findings):
    return {(f["code"], json.dumps(f["segment"], ensure_ascii=False, sort_keys=True)) for f in findings}


def test_steady_company_is_quiet(tmp_path):
    for region in ("ALL", *REGIONS):
        assert market.angle_findings(steady_report(tmp_path, None, region)) == []


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


def test_new_customer_drop_and_no_double_count_as_acquisition_cost(tmp_path):
    r = steady_report(tmp_path, "acquisition")
    test = market.new_customer_test(r)
    assert test["count"] == 0 and test["usual"] == 20 and test["last_year"] == 20 and test["flagged"]
    assert test["effect"] == pytest.approx(20 * 500)  # missing customers × their usual first-month revenue
    codes = codes_of(market.angle_findings(r))
    assert ("new_customer_drop", "{}") in codes
    assert not any(code == "acquisition_cost_high" for code, _ in codes)  # all sources fell: one finding


def test_acquisition_cost_high(tmp_path):
    r = steady_report(tmp_path, "cac")
    frame = market.acquisition_cost_frame(r).set_index("source")
    assert frame.loc["展会", "usual_cac"] == pytest.approx(200) and frame.loc["展会", "new_customers"] == 0
    assert frame.loc["展会", "cac_ratio"] == math.inf and frame.loc["展会", "expected_new"] == pytest.approx(10)
    assert frame.loc["转介绍", "cac"] == pytest.approx(100) and not frame.loc["转介绍", "flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "acquisition_cost_high"]
    assert [f["segment"] for f in found] == [{"source": "展会"}] and found[0]["effect"] == pytest.approx(5000)
    assert not [f for f in market.angle_findings(r) if f["code"] == "new_customer_drop"]  # 10 of 20: not improbable


def test_customer_churn_rise_and_region_gap(tmp_path):
    r = steady_report(tmp_path, "churn")
    test = market.retention_test(r)
    # window 2026-07..09: 30 regulars + 60 new customers; usually the 30 regulars buy again
    assert test["window_buyers"] == 90 and test["retained"] == 0 and test["lapsed"] == 90
    assert test["usual"] == pytest.approx(30 / 90) and test["flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]
    assert found and found[0]["segment"] == {} and found[0]["severity"] == "high"
    all_report = market.angle_findings(steady_report(tmp_path, "churn", "ALL"))
    assert ("customer_churn_rise", '{"region": "华东"}') in codes_of(all_report)
    assert ("region_underperform", '{"region": "华东"}') in codes_of(all_report)  # 10000 of 40000


def test_findings_shape_english_and_deterministic(tmp_path):
    r = steady_report(tmp_path, "channel", "ALL", lang="en")
    findings = market.angle_findings(r)
    assert findings and all(f["angle"] == "market" and f["severity"] in SEVERITIES for f in findings)
    channel = [f for f in findings if f["code"] == "channel_underperform"]
    assert channel[0]["title"] == "华东 · 分销 channel falling" and "Call the channel" in channel[0]["action"]
    once = json.dumps(clean_json(findings), sort_keys=True)
    again = market.angle_findings(steady_report(tmp_path, "channel", "ALL", "en"))
    assert once == json.dumps(clean_json(again), sort_keys=True)
    metrics = market.angle_metrics(r)
    for key in ("new_customers", "repeat_purchase_rate", "lapsed_customers", "top10_share", "largest_customer_share",
                "hhi", "rfm_strategic", "clv_expected_value_next_month", "clv_mean_p_alive"):  # fmt: skip
        assert key in metrics
    assert json.dumps(clean_json(metrics))


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


def test_sample_latest_month_is_fast_and_panels_render(sample):
    import time

    r = open_report(str(SAMPLE), "", "ALL", dataset=sample)
    start = time.perf_counter()
    market.angle_findings(r)
    assert time.perf_counter() - start < 2.0
    for panel in (market.clv_panel(r), market.clv_at_risk_panel(r), market.rfm_transition_panel(r)):
        assert panel.figure is not None and not panel.table.empty
    at_risk = market.clv_at_risk_frame(r)
    assert (at_risk["p_alive"] < r.config["market"]["clv_risk_p_alive"]).all()
    assert at_risk["value_at_risk"].is_monotonic_decreasing


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_market")
    tables, planted = generate_dataset(seed=11, scale=0.5, plant=False)
    write_dataset(tables, planted, folder)
    return folder


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
