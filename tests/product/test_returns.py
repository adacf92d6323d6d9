"""退货分析."""

import pytest

from product.helpers import report
from salesnb import product


def test_returns_hand_computed(folder):
    frame = product.returns_frame(report(folder)).set_index("product_id")
    assert frame.loc["P1", "units_returned"] == 12 and frame.loc["P1", "units_sold"] == 24
    assert frame.loc["P1", "return_rate"] == pytest.approx(0.5) and frame.loc["P1", "baseline_rate"] == 0
    assert frame.loc["P1", "returned_value"] == 12 * 70 and frame.loc["P1", "top_reason"] == "质量问题"
    reasons = product.return_reasons_frame(report(folder, "华南", "2026-06")).set_index("reason")
    assert reasons.loc["物流损坏", "units"] == 1 and reasons.loc["物流损坏", "share"] == 1.0


def test_without_returns_the_section_skips(bare):
    r = report(bare)
    panel = product.returns_panel(r)
    assert panel.is_skipped and "order_lines" in panel.note and "returns" in panel.note
    assert "return_rate_high" not in {rule.code for rule in product.ANGLE.runnable_rules(r.ds)}
    assert product.returns.metrics(r) == {}
