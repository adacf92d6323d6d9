"""A sales sheet naming its product in its own words: a code and a name of one thing (曲目编号 + 曲目名称)."""

from __future__ import annotations

import pandas as pd

from salesnb.data.match import match_columns


def _lines(**extra: list) -> pd.DataFrame:
    """Six lines of three orders, two genres (类别), four tracks; ``extra`` columns added."""
    frame = pd.DataFrame(
        {
            "订单号": [1, 1, 2, 2, 3, 3],
            "下单日期": ["2026/10/1", "2026/10/1", "2026/10/2", "2026/10/2", "2026/10/5", "2026/10/5"],
            "客户编号": [7, 7, 8, 8, 7, 7],
            "类别": ["摇滚", "摇滚", "爵士", "摇滚", "爵士", "爵士"],
            "数量": [1, 1, 1, 1, 1, 1],
            "单价（美元）": [0.99, 0.99, 1.99, 0.99, 0.99, 1.99],
        }
    )
    return frame.assign(**extra)


def test_a_code_and_a_name_of_one_thing_are_the_product():
    found, _ = match_columns(_lines(曲目编号=[2, 4, 6, 2, 8, 6], 曲目名称=["A", "B", "C", "A", "D", "C"]))
    assert (found["product_id"], found["product_name"], found["product_line"]) == ("曲目编号", "曲目名称", "类别")
    found, _ = match_columns(_lines(TrackId=[2, 4, 6, 2, 8, 6], TrackName=["A", "B", "C", "A", "D", "C"]))
    assert (found["product_id"], found["product_name"]) == ("TrackId", "TrackName")


def test_no_product_of_a_supplier_nor_of_a_thing_no_finer_than_the_line():
    supplier = _lines(供应商编号=[1, 2, 3, 1, 2, 3], 供应商名称=["甲", "乙", "丙", "甲", "乙", "丙"])
    assert "product_id" not in match_columns(supplier)[0]  # 3 suppliers: no product (the line stays the product)
    coarse = _lines(系列编号=[1, 1, 2, 1, 2, 2], 系列名称=["R", "R", "J", "R", "J", "J"])
    assert "product_id" not in match_columns(coarse)[0]  # 2 codes for 2 lines: a line's other name, no product
    named = _lines(商品编号=[1, 2, 3, 1, 4, 3], 曲目编号=[2, 4, 6, 2, 8, 6], 曲目名称=["A", "B", "C", "A", "D", "C"])
    assert match_columns(named)[0]["product_id"] == "商品编号"  # a column named the product wins


def test_the_group_of_a_paired_thing_is_its_product_line():
    """影片编号 + 影片名称 + 影片类型 with no 类别: the film's type is the line; not a group as fine as the codes."""
    films = _lines(影片编号=[2, 4, 6, 2, 8, 6], 影片名称=["A", "B", "C", "A", "D", "C"]).drop(columns="类别")
    found, _ = match_columns(films.assign(影片类型=["动作", "喜剧", "动作", "动作", "喜剧", "动作"]))
    assert (found["product_id"], found["product_name"], found["product_line"]) == ("影片编号", "影片名称", "影片类型")
    found, _ = match_columns(films.assign(影片类型=["a", "b", "c", "a", "d", "c"]))  # one type per film: no group
    assert "product_line" not in found
    found, _ = match_columns(films.assign(影片类型=["动作"] * 6))  # one value: nothing to compare
    assert "product_line" not in found
    named = _lines(影片编号=[2, 4, 6, 2, 8, 6], 影片名称=["A", "B", "C", "A", "D", "C"], 影片类型=["x"] * 3 + ["y"] * 3)
    assert match_columns(named)[0]["product_line"] == "类别"  # a column named the line wins
