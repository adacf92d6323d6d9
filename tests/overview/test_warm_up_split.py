"""In a short export's warm-up the bridge, the revenue composition and the returning share tell no buyer new.

:func:`market.helpers.fast_and_slow`: 30 monthly regulars (F, 100 each), 20 four-monthly ones (S, 5 a month,
S_c in the months k with c % 4 == k % 4) and exactly 2 new customers a month (N, one order of 100 each).
Every month: 30 F + 5 S + 2 N = 37 buyers, 3,700. Against last month the 5 S and 2 N of this month had no
order (700 not in the baseline), the 5 S and 2 N of last month have none now (−700).
"""

import math

import pytest
from market.helpers import fast_and_slow

from salesnb import drivers, market, overview
from salesnb.report import open_report


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    """Six months from 2026-05: too short to tell, no month counts new customers (tests/market/test_warm_up.py)."""
    return fast_and_slow(tmp_path_factory.mktemp("six") / "export", "2026-05", 6)


@pytest.fixture(scope="module")
def twelve(tmp_path_factory):
    """Twelve months from 2025-11: the warm-up runs to 2026-03, April is the first month counted."""
    return fast_and_slow(tmp_path_factory.mktemp("twelve") / "export", "2025-11", 12)


def test_in_the_warm_up_the_bridge_has_one_step_for_buyers_new_or_back(six):
    """On main October's bridge read 新客户 200 (the 2 N) and 老客户回流 500, the market page no new customers."""
    r = open_report(str(six), "2026-10")
    bridge = drivers.revenue_bridge(r).set_index("step")["value"]
    assert list(bridge.index) == ["baseline", "new_or_returning", "lost_customers", "continuing", "period"]
    assert bridge["new_or_returning"] == 700 and bridge["lost_customers"] == -700 and bridge["continuing"] == 0
    m = drivers.bridge_metrics(r)
    assert m["bridge_new_customers"] is None and m["bridge_returning_customers"] is None
    assert m["bridge_new_or_returning"] == 700
    assert "预热期" in drivers.bridge_panel(r).note
    assert "warm-up" in drivers.bridge_panel(open_report(str(six), "2026-10", lang="en")).note


def test_in_the_warm_up_the_composition_does_not_split_new_from_returning(six):
    """On main: 新客户 200 (5.4%) and 老客户 3,500 in both months."""
    r = open_report(str(six), "2026-10")
    frame = overview.composition_frame(r, "customer_type")
    assert frame[["segment", "revenue", "baseline_revenue", "share_change"]].values.tolist() == [
        ["新老未分", 3700.0, 3700.0, 0.0]
    ]
    assert "2026-09、2026-10仍在数据开头的预热期内" in overview.composition_panel(r, "customer_type").note


def test_in_the_warm_up_the_returning_share_is_not_given_on_either_page(six):
    """On main: 老客户占比 94.6% (35 of 37) on the overview, beside 新客户数 not counted."""
    r = open_report(str(six), "2026-10")
    headline, page = overview.headline_metrics(r), market.angle_metrics(r)
    assert headline["customers"] == page["buyers"] == 37
    assert headline["new_customers"] is None and headline["repeat_customer_rate"] is None
    assert page["returning_buyers"] is None and page["repeat_purchase_rate"] is None
    assert page["returning_revenue"] is None
    # retention is still given: of the 51 buyers of July to September (30 F, 15 S, 6 N) the 30 F bought again
    assert page["retention_rate"] == pytest.approx(30 / 51)
    assert "老客户数占比暂不统计" in overview.headline_panel(r).note
    assert "复购率和老客户销售额暂不统计" in market.retention_panel(r).note


def test_the_first_month_counted_splits_buyers_and_leaves_last_month_s_shares_unknown(twelve):
    """April (counted) against March (in the warm-up): new 200 and returning 3,500 against 3,700 not split."""
    r = open_report(str(twelve), "2026-04")
    bridge = drivers.revenue_bridge(r).set_index("step")["value"]
    assert bridge["new_customers"] == 200 and bridge["returning_customers"] == 500
    frame = overview.composition_frame(r, "customer_type").set_index("segment")
    assert frame.loc["新客户", "revenue"] == 200 and frame.loc["老客户", "revenue"] == 3500
    assert frame.loc["新客户", "share"] == pytest.approx(2 / 37)
    assert frame.loc["新老未分", "baseline_revenue"] == 3700 and math.isnan(frame.loc["新老未分", "revenue"])
    assert frame["share_change"].isna().all()  # no share of new customers against one never counted
    assert overview.composition_panel(r, "customer_type").note.startswith("2026-03仍在")
    headline = overview.headline_metrics(r)
    assert headline["new_customers"] == market.angle_metrics(r)["new_customers"] == 2
    assert headline["repeat_customer_rate"] == pytest.approx(35 / 37)


def test_after_the_warm_up_nothing_is_left_unsplit(twelve):
    r = open_report(str(twelve), "2026-10")
    frame = overview.composition_frame(r, "customer_type").set_index("segment")
    assert list(frame.index) == ["老客户", "新客户"] and frame["share_change"].tolist() == [0.0, 0.0]
    assert overview.composition_panel(r, "customer_type").note == ""
    assert "bridge_new_or_returning" not in drivers.bridge_metrics(r)
