import numpy as np
import pandas as pd
import pytest

from salesnb import market
from salesnb.report import open_report


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


def test_concentration_top_n_variant(tiny):
    # the largest customer under its limit, and few customers allowed: the top-N finding instead
    r = open_report(
        str(tiny), "2026-10", "ALL",
        thresholds={"market": {"concentration_largest_share": 0.5, "concentration_min_customers": 1}},
    )  # fmt: skip
    found = [f for f in market.angle_findings(r) if f["code"] == "customer_concentration"]
    assert len(found) == 1 and found[0]["segment"] == {} and found[0]["metric"] == "top10_share"
    assert found[0]["title"] == "大客户依赖风险" and "前10大客户占 100.0%" in found[0]["detail"]


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
