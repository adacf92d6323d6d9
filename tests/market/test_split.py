"""Where a flagged scope's fall sits: measured against each value's expected level, as the scope's own is."""

from __future__ import annotations

import pandas as pd

from salesnb.market.split import _largest_dimension_first, expected_table, fall_split
from salesnb.report import open_report


def _seasonal(tmp_path) -> str:
    """30 months (2024-05..2026-10). 华东: channel 甲 sells 1,000 a month and 3,000 each July-September (its
    season), 乙 a flat 1,000; in 2026-10 甲 sells its usual October 1,000 and 乙 half its own, 500. 华南: a flat
    1,000 through 甲."""
    from tiny import write_tiny

    orders = []
    for month in pd.period_range("2024-05", "2026-10", freq="M"):
        peak = month.month in (7, 8, 9)
        for region, channel, amount in (
            ("华东", "甲", 3000.0 if peak else 1000.0),
            ("华东", "乙", 500.0 if str(month) == "2026-10" else 1000.0),
            ("华南", "甲", 1000.0),
        ):
            order = {"order_id": f"{region}{channel}{month}", "customer_id": f"C{region}", "order_date": f"{month}-15"}
            orders.append(order | {"region": region, "channel": channel, "amount": amount})
    customers = [{"customer_id": "C华东", "region": "华东"}, {"customer_id": "C华南", "region": "华南"}]
    return str(write_tiny(tmp_path / "seasonal", tables={"customers": customers, "orders": orders}))


def test_a_fall_after_a_peak_season_is_split_against_each_values_season_not_the_peak(tmp_path):
    """华东's October: 1,500 where its season expects 2,000. Against the July-September mean (4,000) it "fell"
    2,500, 2,000 of it 甲's (80 %) — 甲 only left its peak. Against each channel's own expectation the 500 is 乙's
    whole (甲 expected 1,000 and sold 1,000)."""
    report = open_report(_seasonal(tmp_path), "2026-10", "ALL")
    table = expected_table(report, "华东", "channel").round(0)
    assert table.to_dict("index") == {"乙": {"usual": 1000.0, "now": 500.0}, "甲": {"usual": 1000.0, "now": 1000.0}}
    assert (
        fall_split(report, "华东", 2000.0, 1500.0, 0.25)
        == "比预期少的 500 主要在渠道「乙」（少 500，占 100%；平时占销售额 50%）。"
    )
    english = open_report(_seasonal(tmp_path / "en"), "2026-10", "ALL", lang="en")
    assert fall_split(english, "华东", 2000.0, 1500.0, 0.25) == (
        "Of the 500 below expectation, the largest parts: channel 乙 (500, 100%; usually 50% of sales)."
    )
    assert fall_split(report, "华东", 1500.0, 1500.0, 0.25) == ""  # not below its expectation: nothing to split


def test_a_channel_that_is_exactly_a_region_is_named_once(tmp_path):
    """线上 sells only through 线上商城, 华东 only through 门店, each a flat 1,000; in 2026-10 线上 sells 400. The
    company's 600 below expectation is one slice of its orders: named as the region, not again as the channel."""
    from tiny import write_tiny

    orders = [
        {"order_id": f"{region}{month}", "customer_id": f"C{region}", "order_date": f"{month}-15", "region": region,
         "channel": channel, "amount": 400.0 if (region, str(month)) == ("线上", "2026-10") else 1000.0}
        for month in pd.period_range("2024-05", "2026-10", freq="M")
        for region, channel in (("华东", "门店"), ("线上", "线上商城"))
    ]  # fmt: skip
    customers = [{"customer_id": "C华东", "region": "华东"}, {"customer_id": "C线上", "region": "线上"}]
    data = str(write_tiny(tmp_path / "online", tables={"customers": customers, "orders": orders}))
    report = open_report(data, "2026-10", "ALL")
    assert fall_split(report, None, 2000.0, 1400.0, 0.25, ("region", "channel")) == (
        "比预期少的 600 主要在区域「线上」（少 600，占 100%；平时占销售额 50%）。"
    )


def test_a_value_falling_more_than_the_whole_gap_says_the_others_rose(tmp_path):
    """华东 expected 1,900, sold 1,500: 400 below. Scaled to it, 乙 expected 950 and sold 500 (450), 甲 950 and sold
    1,000: 乙's part is more than the whole gap, and "占 113%" left the reader asking how. The others rose together,
    not each: round 25's company fell 7,835 with 亚太 short 1.1万 and 线上, 欧洲 short too, named beside it."""
    report = open_report(_seasonal(tmp_path), "2026-10", "ALL")
    assert fall_split(report, "华东", 1900.0, 1500.0, 0.25) == (
        "比预期少的 400 主要在渠道「乙」（少 450，比整体缺口还多：其余渠道合计高于预期；平时占销售额 50%）。"
    )
    english = open_report(_seasonal(tmp_path / "en"), "2026-10", "ALL", lang="en")
    assert fall_split(english, "华东", 1900.0, 1500.0, 0.25) == (
        "Of the 400 below expectation, the largest parts: channel 乙 (450, more than the whole gap: the other channels "
        "together above expectation; usually 50% of sales)."
    )


def test_the_dimension_holding_the_largest_part_is_named_first_after_the_regions():
    """Round 25's company without regions fell 7,835: 睡衣 2,005 short as a line, 线上商城 5,540 as a channel. The
    channel is named first though lines are searched first; a dimension's values stay together, largest first, and
    the company's regions stay ahead of both (the review goes region by region)."""
    parts = [("product_line", "睡衣", 2005.0), ("channel", "线上商城", 5540.0), ("channel", "门店", 2100.0)]
    assert _largest_dimension_first(parts) == [parts[1], parts[2], parts[0]]
    regions = [("region", "华南", 1000.0), *parts]
    assert _largest_dimension_first(regions) == [regions[0], parts[1], parts[2], parts[0]]
