"""折扣加深的检验: within-channel comparison (channel mix is not discounting) and the order as the unit."""

import math

import pytest
from scipy.stats import norm
from scipy.stats import t as student_t
from tiny import write_tiny

from product.helpers import MONTHS, line
from salesnb import product
from salesnb.report import open_report


def _tables(orders_of):
    """One line L (product P, list 100, cost 40), one customer in 华东; ``orders_of(month)`` → [(channel, [prices])]."""
    tables = {"products": [{"product_id": "P", "product_name": "件", "product_line": "L", "list_price": 100}],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for k, (channel, prices) in enumerate(orders_of(month)):
            order = f"O{month[5:]}{k:02d}"
            day = 20 + k if month == MONTHS[-1] else 1 + k  # the report month runs to its 20s: whole months
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-{day:02d}",
                                     "channel": channel})  # fmt: skip
            for j, price in enumerate(prices):
                tables["order_lines"].append(line(order, f"P{j}" if j else "P", 1, price, 100, 40))
    for j in range(1, 12):
        tables["products"].append({"product_id": f"P{j}", "product_name": f"件{j}", "product_line": "L",
                                   "list_price": 100})  # fmt: skip
    return tables


def _channel_shift(month):
    """Five orders a month at the channels' usual prices: one through 分销 (80), in 2026-10 four of them."""
    deep = 4 if month == "2026-10" else 1
    return [("分销", [80.0])] * deep + [("直营", [95.0])] * (5 - deep)


def test_more_sales_through_a_deep_discount_channel_is_not_discounting(tmp_path):
    """直营 always 5% off, 分销 always 20% off; 2026-10 sells 4 of 5 orders through 分销 instead of 1 of 5."""
    r = open_report(str(write_tiny(tmp_path / "mix", tables=_tables(_channel_shift))), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    # the line's average did deepen...
    # (depth = 1 − paid ÷ list: four orders of list 100 paying 80, one paying 95)
    assert check["discount"] == pytest.approx(1 - (4 * 80 + 95) / (5 * 100))
    assert check["baseline_discount"] == pytest.approx(1 - (80 + 4 * 95) / (5 * 100))
    assert check["discount"] - check["baseline_discount"] > 0.05
    assert check["discount_points"] == pytest.approx(0.0)  # ...but in each channel it is the usual depth
    assert check["usual_discount"] == pytest.approx(check["discount"])
    assert not check["discount_flagged"]
    assert product.angle_findings(r) == []


def test_the_order_not_the_line_is_the_unit(tmp_path):
    """One order of ten lines at 20% off among orders at 8-12% off: ten lines, but one decision.

    Hand computation (weights are list revenue, 100 a line): this month's orders O1 (10 lines, w = 1000, depth
    0.2) and four at 0.1 (w = 100 each); the trailing three months hold 9 orders at 0.08 off and 9 at 0.12 off.
    """

    def orders_of(month):
        if month == "2026-10":
            return [("直营", [80.0] * 10)] + [("直营", [90.0])] * 4
        return [("直营", [92.0]), ("直营", [88.0])] * 3

    r = open_report(str(write_tiny(tmp_path / "order", tables=_tables(orders_of))), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    usual = 1 - (9 * 92 + 9 * 88) / (18 * 100)  # the trailing months (3) pooled: 0.1
    depth = 1 - (10 * 80 + 4 * 90) / (14 * 100)
    assert check["usual_discount"] == pytest.approx(usual)
    assert check["discount_points"] == pytest.approx(depth - usual)
    assert check["discount_points"] > 0.05
    # the test counts each order once: the average order 0.02 above the usual order (0.1); the spread of one
    # order around its period's average order: 18 trailing orders ±0.02 around 0.1, 5 now around 0.12
    assert check["discount_shift"] == pytest.approx((0.2 - 0.1) / 5)
    ss = 18 * 0.02**2 + (0.2 - 0.12) ** 2 + 4 * (0.1 - 0.12) ** 2
    variance, df = ss / (23 - 2), 23 - 2
    se = math.sqrt(variance * (1 / 5 + 1 / 18))
    assert check["discount_se"] == pytest.approx(se)
    assert check["discount_z"] == pytest.approx(norm.isf(student_t.sf(0.02 / se, df)))
    assert check["discount_z"] < 3 and not check["discount_flagged"]  # over lines, 14 of them, it looked sure


def test_a_real_deepening_in_each_channel_is_found(tmp_path):
    """Both channels 15 points deeper this month (orders scatter ±2 points): a discount_deepening finding."""

    def orders_of(month):
        extra = 15.0 if month == "2026-10" else 0.0
        return [("分销", [80.0 - extra + (2 if k % 2 else -2)]) for k in range(3)] + [
            ("直营", [95.0 - extra + (2 if k % 2 else -2)]) for k in range(3)
        ]

    r = open_report(str(write_tiny(tmp_path / "deep", tables=_tables(orders_of))), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    assert check["discount_points"] == pytest.approx(0.15, abs=0.01) and check["discount_flagged"]
    found = product.angle_findings(r)
    assert [f["code"] for f in found] == ["discount_deepening"]
    assert found[0]["baseline"] == pytest.approx(check["usual_discount"])
    assert "按本月渠道结构的近3月常态折扣" in found[0]["detail"]


def test_a_deepening_without_channels_says_nothing_of_a_channel_mix(tmp_path):
    """An ERP export without orders.channel: "同渠道比较" named channels the data does not have."""

    def orders_of(month):
        extra = 15.0 if month == "2026-10" else 0.0
        return [("", [80.0 - extra + (2 if k % 2 else -2)]) for k in range(6)]

    tables = _tables(orders_of)
    tables["orders"] = [{k: v for k, v in row.items() if k != "channel"} for row in tables["orders"]]
    r = open_report(str(write_tiny(tmp_path / "deep", tables=tables)), "2026-10", "华东")
    (found,) = product.angle_findings(r)
    assert found["code"] == "discount_deepening" and "渠道" not in found["detail"]
    assert found["detail"].startswith("折扣深度 35.0%，近3月常态折扣 20.0%（加深 15.0 个百分点）")


def test_more_sales_through_a_low_margin_channel_is_not_margin_erosion(tmp_path):
    """The same channel shift as above, read as margin: 分销's 80 leaves 50% over cost 40, 直营's 95 58%."""
    r = open_report(str(write_tiny(tmp_path / "margin", tables=_tables(_channel_shift))), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    assert check["baseline_margin"] - check["margin"] > 0.03  # the line's average margin fell...
    assert check["margin_points"] == pytest.approx(0.0)  # ...but in each channel it is the usual margin
    assert check["like_for_like_baseline"] == pytest.approx(check["margin"])
    assert not check["margin_flagged"]


def test_a_cost_rise_within_the_channels_is_margin_erosion(tmp_path):
    """Both channels keep their prices; this month's 分销 lines cost 60, not 40: 25 points below its usual 50%."""

    def orders_of(month):
        return [("分销", [80.0])] * 2 + [("直营", [95.0])] * 3

    tables = _tables(orders_of)
    for row in tables["order_lines"]:
        if row["order_id"].startswith("O10") and row["unit_price"] == 80.0:
            row["unit_cost"] = 60
    r = open_report(str(write_tiny(tmp_path / "cost", tables=tables)), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    # revenue-weighted fall: 2 × 80 × 0.25 over 2 × 80 + 3 × 95
    assert check["margin_points"] == pytest.approx(2 * 80 * 0.25 / (2 * 80 + 3 * 95))
