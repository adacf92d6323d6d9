"""The discount and margin section draws only what the data can compute."""

from __future__ import annotations

from tiny import write_tiny

from salesnb import product
from salesnb.report import open_report


def test_without_a_unit_cost_only_the_discount_is_drawn_and_the_note_says_why(tmp_path):
    r = open_report(str(write_tiny(tmp_path)), "2026-10", "ALL")  # list prices, no unit cost
    panel = product.discount_panel(r)
    assert [ax.get_title(loc="left") for ax in panel.figure.axes] == ["折扣深度：本月与近3月"]
    assert panel.note.endswith("数据中没有单位成本，毛利率无法计算。")
    assert panel.frame["discount"].notna().any() and panel.frame["margin"].isna().all()
