"""产品生命周期, 新产品表现."""

import pytest

from product.helpers import report
from salesnb import product


def test_new_products_and_lifecycle(folder):
    new = product.new_products_frame(report(folder)).set_index("product_id")
    assert list(new.index) == ["P3"]
    row = new.loc["P3"]
    assert row["revenue"] == 360 and row["revenue_since_launch"] == 540
    assert row["buyers"] == 2 and row["buyers_since_launch"] == 2 and row["repeat_rate"] == pytest.approx(0.5)
    assert row["units_sold"] == 3 and row["return_rate"] == 0
    assert product.new_products_frame(report(folder, period="2026-08")).empty
    stages = product.lifecycle_frame(report(folder)).set_index("product_id")["stage"]
    assert stages["P3"] == "intro"  # a month since launch
    assert stages["P2"] == "decline"  # 1440 + 1440 + 180 against 3 × 1440 before: -29%
    assert stages["P4"] == "mature"
    assert product.lifecycle_frame(report(folder, "华南")).set_index("product_id")["stage"]["P1"] == "mature"


def test_without_order_lines_the_sections_skip(bare):
    r = report(bare)
    assert product.lifecycle_panel(r).is_skipped and "order_lines" in product.lifecycle_panel(r).note
    panel = product.new_products_panel(r)
    assert panel.is_skipped and "order_lines" in panel.note and "products" in panel.note
