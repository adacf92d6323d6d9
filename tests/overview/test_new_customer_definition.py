"""One definition of a new customer: the overview's 新客户数, the market page's and the bridge's new customers agree."""

from __future__ import annotations

import pytest
from tiny import ONE_MONTH_WARM_UP, write_tiny

from overview.helpers import report, tables
from salesnb import drivers, market, overview
from salesnb.report import open_report


@pytest.mark.parametrize("region", ["ALL", "华东", "华南", "华北", "华中", "西南"])
@pytest.mark.parametrize("period", ["2026-09", "2026-10"])
def test_the_overview_and_market_pages_count_the_same_new_and_returning_buyers(region, period):
    r = open_report("", period, region)
    headline, page = overview.headline_metrics(r), market.angle_metrics(r)
    assert headline["new_customers"] == page["new_customers"]
    assert headline["customers"] == page["buyers"]
    assert round(headline["repeat_customer_rate"] * headline["customers"]) == page["returning_buyers"]


def test_a_customer_acquired_before_its_first_order_is_not_new_in_the_month_of_that_order(tmp_path):
    """C signed on 2026-09-15 and first ordered on 2026-10-31 (O4, 60): a September customer, back in October."""
    data = tables()
    data["customers"] = [{**row, "acquired_at": "2026-09-15" if row["customer_id"] == "C" else ""}
                         for row in data["customers"]]  # fmt: skip
    r = report(write_tiny(tmp_path, tables=data), config_path=ONE_MONTH_WARM_UP)
    assert overview.headline_metrics(r)["new_customers"] == market.angle_metrics(r)["new_customers"] == 0
    assert overview.headline_metrics(r)["repeat_customer_rate"] == 1.0
    steps = drivers.revenue_bridge(r).set_index("step")["value"]
    assert steps["new_customers"] == 0 and steps["returning_customers"] == 60
    assert steps.drop(["baseline", "period"]).sum() == pytest.approx(steps["period"] - steps["baseline"])


def test_without_an_acquisition_date_the_first_order_makes_a_customer_new(tmp_path):
    r = report(write_tiny(tmp_path, tables=tables()), config_path=ONE_MONTH_WARM_UP)
    assert overview.headline_metrics(r)["new_customers"] == 1  # C
    assert drivers.revenue_bridge(r).set_index("step")["value"]["new_customers"] == 60


def test_the_headline_s_returning_share_says_it_counts_buyers():
    """核心指标 showed 老客户占比 4.3% (7 of 164 buyers) above 收入构成's 老客户 占比 2.4% (their revenue share) on
    the same page: two figures under one name. The headline's is a share of the buyers and says so."""
    from salesnb.i18n import t

    assert t("repeat_customer_rate", "zh") == "老客户数占比"
    r = open_report("", "2026-10", "ALL")
    shown = overview.headline_panel(r).table.to_string()
    assert "老客户数占比" in shown
