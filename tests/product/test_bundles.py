"""产品组合."""

import pytest

from product.helpers import report
from salesnb import product


def test_bundles_hand_computed(folder):
    frame = product.bundle_frame(report(folder, "华南"))
    pair = frame[(frame["product_a"] == "P2") & (frame["product_b"] == "P4")].iloc[0]
    # 6 months × 12 orders; P2 in 8 a month, P4 in 8, both in customers 4-7
    assert pair["orders"] == 24 and pair["support"] == pytest.approx(24 / 72)
    assert pair["confidence_ab"] == pytest.approx(0.5) and pair["lift"] == pytest.approx(0.75)
    assert pair["aov_with"] == pytest.approx(180 + 180 + 72)
    assert pair["aov_without"] == pytest.approx(((180 + 180) + (180 + 72)) / 2)


def test_without_order_lines_the_section_skips(bare):
    panel = product.bundle_panel(report(bare))
    assert panel.is_skipped and "order_lines" in panel.note
