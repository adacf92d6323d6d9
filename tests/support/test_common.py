"""The support angle's helpers: the customer regions it reads, revenue at stake, the excess over the usual rate."""

import pandas as pd
import pytest
from tiny import write_tiny

from salesnb.data.customers import customer_regions
from salesnb.display.formatting import format_decimal
from salesnb.display.plotting.service import plot_lines, plot_response_times
from salesnb.report import open_report
from salesnb.support import common


def test_excess_is_the_part_above_the_usual_rate():
    assert common.excess(1000, 0.5, 0.1) == pytest.approx(800)  # 1000 × (1 − 0.1 / 0.5)
    assert common.excess(1000, 0.5, float("nan")) == 1000 and common.excess(1000, 0.5, None) == 1000
    assert common.excess(1000, 0.1, 0.5) == 0.0 and common.excess(1000, 0.0, 0.1) == 0.0


def test_format_decimal():
    assert format_decimal(2.25) == "2.2" and format_decimal(None) == "—"
    assert format_decimal(float("nan")) == "—" and format_decimal(12345.67) == "12345.7"


def orders():
    def order(k, customer, region, day, amount):
        return {"order_id": f"O{k}", "customer_id": customer, "order_date": day, "region": region,
                "channel": "直营", "amount": amount}  # fmt: skip

    return [
        order(1, "C1", "华东", "2026-09-03", 100),
        order(2, "C1", "华南", "2026-10-03", 200),  # C1's latest order is in 华南
        order(3, "C2", "华东", "2026-10-05", 300),
    ]


def test_customer_regions_fall_back_to_the_latest_order(tmp_path):
    customers = [{"customer_id": "C1", "region": None}, {"customer_id": "C2", "region": "华北"}]
    folder = write_tiny(tmp_path / "t", tables={"customers": customers, "orders": orders()})
    r = open_report(str(folder), "2026-10", "ALL")
    assert customer_regions(r.ds).to_dict()  # the one definition, in data/customers.py == {"C1": "华南", "C2": "华北"}


def test_at_stake_counts_each_order_once_else_the_customer_value(tmp_path):
    folder = write_tiny(tmp_path / "t", tables={"orders": orders()})
    r = open_report(str(folder), "2026-10", "ALL")
    rows = pd.DataFrame({"order_id": ["O2", "O2", None, "O9"], "customer_id": ["C1", "C1", "C2", "C1"]})
    # O2 once (200); the rows without a known order count their customers' monthly value over 12 months:
    # C2 (300 / 12) and, for the unknown O9, C1 (100 + 200) / 12
    assert common.at_stake(r, rows) == pytest.approx(200 + 300 / 12 + 300 / 12)
    assert common.at_stake(r, rows.iloc[:0]) == 0.0


def test_service_charts_draw_and_say_no_data():
    rows = pd.DataFrame({"category": ["a", "a", "b"], "response_hours": [1.0, 80.0, None]})
    ax = plot_response_times(rows, sla_hours=48, lang="en", title="t")
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["a"] and ax.get_xscale() == "log"
    assert any("SLA 48 h" in text.get_text() for text in ax.texts)
    assert plot_response_times(rows.iloc[:0]).texts  # "无数据"
    trend = pd.DataFrame({"period": ["2026-09", "2026-10"], "x": [1, 2], "y": [0, 3]})
    ax = plot_lines(trend, highlight="2026-10")
    assert len(ax.get_lines()) == 2 and len(ax.patches) == 1
    assert plot_lines(trend.iloc[:0]).texts
