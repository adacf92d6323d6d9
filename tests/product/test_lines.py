"""产品线贡献与增长, 产品贡献（帕累托）."""

import math

import pytest

from product.helpers import report
from salesnb import product


def test_line_and_product_frames_hand_computed(folder):
    frame = product.line_frame(report(folder, "华南")).set_index("product_line")
    assert frame.loc["A线", "revenue"] == 12 * 180  # P1 2 × 90 in all 12 orders
    assert frame.loc["B线", "revenue"] == 8 * 180 and frame.loc["C线", "revenue"] == 8 * 72
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame.loc["A线", "share"] == pytest.approx(2160 / 4176)
    assert frame.loc["A线", "trailing_avg"] == 2160 and frame.loc["A线", "vs_trailing"] == pytest.approx(0.0)
    assert math.isnan(frame.loc["A线", "yoy_revenue"])  # the data starts 2026-04
    east = product.line_frame(report(folder)).set_index("product_line")
    assert east.loc["B线", "revenue"] == 180 and east.loc["B线", "orders"] == 1
    assert east.loc["B线", "mom_growth"] == pytest.approx(180 / 1440 - 1)

    products = product.product_frame(report(folder, "华南"))
    assert list(products["product_id"]) == ["P1", "P2", "P4"]
    assert products["cum_share"].iloc[-1] == pytest.approx(1.0) and products["top"].all()
    m = product.pareto_metrics(report(folder, "华南"))
    assert m["top_share"] == pytest.approx(1.0) and m["pareto_products"] == 2  # 52% + 34% reach 80%


def test_without_order_lines_the_sections_skip(bare):
    r = report(bare)
    for panel in (product.line_panel(r), product.pareto_panel(r)):
        assert panel.is_skipped and "order_lines" in panel.note
    assert "product_line_decline" not in {rule.code for rule in product.ANGLE.runnable_rules(r.ds)}
    assert product.lines.metrics(r) == {}
