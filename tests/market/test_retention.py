import pytest
from scipy import stats

from market.helpers import codes_of, steady_report
from salesnb import market
from salesnb.report import open_report


def test_retention_and_new_customers_hand_computed(tiny):
    test = market.retention_test(open_report(str(tiny), "2026-10", "ALL"))
    assert test["buyers"] == 4 and test["returning_buyers"] == 3  # C4 first buys in 2026-10
    assert test["repeat_rate"] == pytest.approx(0.75) and test["returning_revenue"] == 600
    assert test["window_buyers"] == 2 and test["retained"] == 2 and test["lapsed"] == 0  # C2, C3 in 07..09
    sep = market.retention_test(open_report(str(tiny), "2026-09", "ALL"))
    assert sep["window_buyers"] == 1 and sep["retained"] == 0 and sep["lapsed"] == 1  # C3 bought in 08 only
    assert market.new_customer_test(open_report(str(tiny), "2026-10", "ALL"))["count"] == 1
    assert market.new_customer_test(open_report(str(tiny), "2026-10", "华东"))["count"] == 0


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


def test_retention_a_third_lower_is_churn(tmp_path):
    # 9 of the 30 regulars stop (retention 21/90 against 30/90: −30%, over the 20% rule); binomial P(≤21) ≈ 0.026
    r = steady_report(tmp_path, "churn30")
    test = market.retention_test(r)
    assert test["retained"] == 21 and test["rate"] / test["baseline"] - 1 == pytest.approx(-0.3)
    assert test["p_value"] == pytest.approx(0.0261, abs=1e-3) and test["flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]
    assert [f["segment"] for f in found] == [{}] and found[0]["severity"] == "medium"  # q above strong_q 1%
    assert not [f for f in market.angle_findings(steady_report(tmp_path, "churn30", "华南"))
                if f["code"] == "customer_churn_rise"]  # fmt: skip


def test_retention_a_fifth_lower_is_churn_when_the_evidence_holds(tmp_path):
    # 7 of the 30 regulars stop: retention 23/90 against 30/90 (−23%), past the 20% rule (a quarter missed it);
    # binomial P(≤23) ≈ 0.06: below indicative_q, not fdr, so indicated and at most medium
    r = steady_report(tmp_path, "churn23")
    test = market.retention_test(r)
    assert test["retained"] == 23 and test["rate"] / test["baseline"] - 1 == pytest.approx(-7 / 30)
    assert test["p_value"] == pytest.approx(stats.binom.cdf(23, 90, 1 / 3)) and test["flagged"]
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_churn_rise"]
    assert [(f["segment"], f["severity"]) for f in found] == [({}, "medium")]
