"""Complaints: monthly counts per category and spikes against the usual month."""

import pytest
from tiny import write_tiny

from salesnb import support
from support.helpers import HISTORY, build, report


def test_complaint_spike_hand_computed(folder):
    frame = support.complaint_frame(report(folder)).set_index("category")
    row = frame.loc["交付延误"]
    assert row["count"] == 8 and row["usual"] == pytest.approx(1.0) and row["baseline"] == pytest.approx(1.0)
    assert row["z"] == pytest.approx(7.0)  # no spread: √1 as the floor
    assert bool(row["flagged"]) and row["at_stake"] == pytest.approx(800)
    assert list(frame.index) == ["交付延误", "合同争议", "质量问题", "售后响应"]
    assert not frame.drop("交付延误")["flagged"].any()
    trend = support.complaint_trend_frame(report(folder))
    assert list(trend["period"]) == [*HISTORY, "2026-10"] and trend["交付延误"].tolist() == [1] * 6 + [8]


def test_the_usual_column_says_it_is_scaled_and_the_plain_mean_stands_beside_it(tmp_path):
    """Bug 14: "近12月常态" was the complaints per order × this month's orders, not a 12-month usual."""
    tables = build()
    extra = [
        dict(row, order_id=row["order_id"] + "X") for row in tables["orders"] if row["order_id"].startswith("OE10")
    ]
    tables["orders"] += extra  # 华东 sells twice as much in 2026-10: (20 + 10) / 2 = 15 orders exposed, usually 10
    r = report(write_tiny(tmp_path / "t", tables=tables))
    row = support.complaint_frame(r).set_index("category").loc["交付延误"]
    assert row["usual_mean"] == pytest.approx(1.0)  # one complaint a month in each of the 6 usual months
    assert row["usual"] == pytest.approx(1.5) and row["ratio"] == pytest.approx(8 / 1.5)  # the rule: unchanged
    table = support.complaints_panel(r).table.set_index("类别")
    assert list(table.columns) == [
        "本月",
        "近3月月均",
        "去年同月",
        "近12月月均",
        "按本月订单量折算的近12月常态",
        "倍数",
    ]
    assert (
        table.loc["交付延误", "近12月月均"] == "1.0" and table.loc["交付延误", "按本月订单量折算的近12月常态"] == "1.5"
    )
    english = support.complaints_panel(report(write_tiny(tmp_path / "t", tables=tables), lang="en")).table
    assert "Trailing 12-month avg" in english.columns and "Usual at this month's orders (12 months)" in english.columns
