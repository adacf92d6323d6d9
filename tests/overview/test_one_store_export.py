"""A single store's till export: one channel, no product lines, no targets. No chart or column that says nothing.

The shop sells P (2 × 10) on every order and Q (1 × 5) on every other, 4 orders a month 2026-07..10, all through
its one channel 伦敦一店; the products have no line and the data no target. The composition by channel would be a
bar of 100 % against 100 %, the trend table two columns of dashes, the product tables a column of 未知.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny import write_tiny

from salesnb.composition import composition_frame, composition_panel
from salesnb.overview import trend_panel
from salesnb.product.lifecycle import lifecycle_panel
from salesnb.product.lines import pareto_panel
from salesnb.report import bundled_sample, open_report

SAMPLE = bundled_sample()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = {"products": [{"product_id": "P", "product_name": "馕"}, {"product_id": "Q", "product_name": "酱"}],
              "orders": [], "order_lines": []}  # fmt: skip
    for month in ("2026-07", "2026-08", "2026-09", "2026-10"):
        for k, day in enumerate(("03", "10", "20", "28")):
            order = f"O{month[5:]}{k}"
            tables["orders"].append({"order_id": order, "customer_id": f"C{k}", "order_date": f"{month}-{day}",
                                     "channel": "伦敦一店"})  # fmt: skip
            tables["order_lines"].append({"order_id": order, "product_id": "P", "quantity": 2, "unit_price": 10})
            if k % 2:
                tables["order_lines"].append({"order_id": order, "product_id": "Q", "quantity": 1, "unit_price": 5})
    return write_tiny(tmp_path_factory.mktemp("shop"), tables=tables)


def test_one_channel_draws_no_composition(shop: Path) -> None:
    report = open_report(str(shop), "2026-10", "ALL")
    frame = composition_frame(report, "channel")
    assert list(frame["segment"]) == ["伦敦一店"] and frame["revenue"].iloc[0] == 4 * 20 + 2 * 5
    panel = composition_panel(report, "channel")
    assert panel.figure is None and panel.table is None
    assert panel.note == "数据中的渠道只有一个：伦敦一店，本月和上月都占销售额的 100%，构成没有可比之处，本节不画图。"
    english = composition_panel(open_report(str(shop), "2026-10", "ALL", lang="en"), "channel")
    assert english.note.startswith("The data holds one channel, 伦敦一店: 100% of revenue this month and last")


def test_no_target_no_target_columns_and_no_line_no_line_column(shop: Path) -> None:
    report = open_report(str(shop), "2026-10", "ALL")
    trend = trend_panel(report).table
    assert list(trend.columns) == ["月份", "销售额", "订单数", "客单价"]
    assert list(trend["销售额"])[-1] == "90"
    pareto = pareto_panel(report).table
    assert "产品线" not in pareto.columns and list(pareto["产品"]) == ["馕", "酱"]
    assert "产品线" not in lifecycle_panel(report).table.columns


def test_the_summary_says_which_angles_the_data_cannot_feed(shop: Path) -> None:
    from salesnb.overview import angles_without_rules, executive_summary_panel

    report = open_report(str(shop), "2026-10", "ALL")
    silent = angles_without_rules(report.ds)
    assert list(silent) == ["team", "process", "support"]  # no rep, no deal or lead, no ticket, invoice or survey
    note = executive_summary_panel(report).note
    assert note.endswith(
        "团队与管理、销售流程、服务保障角度缺少所需的数据（如订单表的销售员编号（orders.rep_id）、线索表（leads）、"
        "服务工单表（tickets）），本月没有参与摘要。"
    )
    english = executive_summary_panel(open_report(str(shop), "2026-10", "ALL", lang="en")).note
    assert english.endswith(
        "The Team, Process, Support angle(s) lack the data they need (such as the rep id of orders (orders.rep_id), "
        "the leads table (leads), the tickets table (tickets)) and take no part in this summary."
    )
    sample = executive_summary_panel(open_report(str(SAMPLE), "2026-10", "ALL")).note
    assert "缺少所需的数据" not in sample  # every angle has its data
