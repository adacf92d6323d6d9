"""Cuts of the sample without acquisition dates: every page splits new from returning buyers the same way.

Six months (2026-05..10) are too short to tell: no month counts new customers. Twelve months (2025-11..2026-10)
count from 2026-05 (tests/market/test_warm_up.py). Where a page counts new customers, the bridge's new-customer
step, the composition's 新客户 revenue and the market page's new customers' first-month revenue are one number
(the company; a region's market count is by the region of the first order, its revenue by the order's).
"""

from pathlib import Path

import pandas as pd
import pytest

from salesnb import drivers, market, overview
from salesnb.data.customers import acquisition_start
from salesnb.periods import ALL
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


def sample_cut(folder: Path, first_day: str) -> Path:
    """The sample's orders from ``first_day`` on, their lines, the products, the customers without acquired_at."""
    folder.mkdir(parents=True)
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    orders = orders[orders["order_date"] >= first_day]
    orders.to_csv(folder / "orders.csv", index=False)
    lines = pd.read_csv(SAMPLE / "order_lines.csv", dtype=str)
    lines[lines["order_id"].isin(orders["order_id"])].to_csv(folder / "order_lines.csv", index=False)
    pd.read_csv(SAMPLE / "products.csv", dtype=str).to_csv(folder / "products.csv", index=False)
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str).drop(columns="acquired_at")
    customers.to_csv(folder / "customers.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def cuts(tmp_path_factory):
    root = tmp_path_factory.mktemp("cuts")
    return {months: sample_cut(root / str(months), first) for months, first in ((6, "2026-05-01"), (12, "2025-11-01"))}


@pytest.mark.parametrize("region", [ALL, "华东", "华南"])
def test_a_six_month_cut_splits_no_buyers_anywhere(cuts, region):
    r = open_report(str(cuts[6]), "2026-10", region)
    assert acquisition_start(r.ds) > "2026-10"
    bridge = drivers.bridge_metrics(r)
    assert bridge["bridge_new_customers"] is None and bridge["bridge_returning_customers"] is None
    assert bridge["bridge_new_or_returning"] > 0
    assert set(overview.composition_frame(r, "customer_type")["segment"]) == {"新老未分"}
    headline, page = overview.headline_metrics(r), market.angle_metrics(r)
    assert headline["new_customers"] is page["new_customers"] is None
    assert headline["repeat_customer_rate"] is page["repeat_purchase_rate"] is None


@pytest.mark.parametrize("region", [ALL, "华东", "华南"])
@pytest.mark.parametrize("period", ["2026-09", "2026-10"])
def test_after_the_warm_up_the_bridge_the_composition_and_the_market_page_agree(cuts, region, period):
    r = open_report(str(cuts[12]), period, region)
    assert acquisition_start(r.ds) == "2026-05"
    bridge = drivers.bridge_metrics(r)
    composition = overview.composition_frame(r, "customer_type").set_index("segment")
    assert "新老未分" not in composition.index  # both months counted
    new = composition.loc["新客户", "revenue"]
    assert new > 0 and bridge["bridge_new_customers"] == pytest.approx(new)
    headline, page = overview.headline_metrics(r), market.angle_metrics(r)
    assert headline["new_customers"] == page["new_customers"] > 0
    assert round(headline["repeat_customer_rate"] * headline["customers"]) == page["returning_buyers"]
    if region == ALL:  # the market page's new customers are the buyers split new, with the same revenue
        first = market.new_customer_months(r).set_index("month").loc[period, "first_revenue"]
        assert first == pytest.approx(new)
        assert headline["customers"] - page["returning_buyers"] == page["new_customers"]
