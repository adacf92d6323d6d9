"""A count per row (a till's 单据菜品数, ``Total products``) names no customer and no order.

A takeaway's till export repeats the dishes on the receipt on each of its lines: 6, 6, 6, 3, 3 … Read as codes
they repeat within a receipt and recur across receipts, as a buyer's card does, and `map` offered the column as
the customer ("若 单据菜品数 是客户 …"), which would have made every receipt of six dishes one buyer's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.column_words import says_count
from salesnb.data.draft import candidates
from salesnb.data.mapview import describe
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping


def _till(count: str, card: str | None) -> pd.DataFrame:
    rows = []
    for receipt, (day, dishes, holder) in enumerate(
        [("2019/8/3 20:25", 3, "K1"), ("2019/8/3 20:40", 2, "K2"), ("2019/8/4 19:05", 3, "K1"),
         ("2019/8/4 19:30", 2, "K3"), ("2019/8/5 18:00", 3, "K2")], start=16118,
    ):  # fmt: skip
        for k in range(dishes):
            row = {"单据编号": receipt, "下单时间": day, "菜品编码": f"CP{k:04d}", "菜品名称": f"菜{k}", "数量": 1}
            row |= {"单价": 2.95, count: dishes}
            rows.append(row | ({card: holder} if card else {}))
    return pd.DataFrame(rows)


def test_count_names() -> None:
    for name in ("单据菜品数", "商品种数", "item_count", "Total products", "Number of items", "num_orders"):
        assert says_count(name), name
    for name in ("客户编号", "会员卡号", "Customer No", "Customer Number", "Order Number", "CustomerID", "数量"):
        assert not says_count(name), name


def test_a_receipts_dish_count_is_not_offered_as_the_customer(tmp_path: Path) -> None:
    frame = _till("单据菜品数", "持卡人")
    assert candidates(frame, match_columns(frame)[0], "customer_id") == ["持卡人"]
    frame.to_csv(tmp_path / "菜品销售明细.csv", index=False, encoding="gb18030")
    text = "\n".join(describe(propose_mapping(tmp_path / "菜品销售明细.csv"), "zh"))
    assert "- 若 持卡人 是客户，请在映射文件 columns → orders 下加一行 customer_id: 列名" in text
    assert "单据菜品数 是客户" not in text


def test_without_a_card_nothing_is_offered(tmp_path: Path) -> None:
    frame = _till("Total products", None)
    assert candidates(frame, match_columns(frame)[0], "customer_id") == []
    frame.to_csv(tmp_path / "till.csv", index=False)
    text = "\n".join(describe(propose_mapping(tmp_path / "till.csv"), "zh"))
    assert "! 没有识别出客户列" in text and "是客户，请在映射文件" not in text


def test_a_till_export_of_dish_names_without_codes_maps_its_dishes(tmp_path: Path) -> None:
    """菜品名称 alone (a restaurant till's line export, no 菜品编码) is the product, 菜品分类 its line.

    Without it the lines had no product, the orders file kept one row per dish and validate refused 74,481 repeated
    order numbers of a real takeaway's export.
    """
    from salesnb.data.loading import load_dataset

    frame = _till("单据菜品数", None).drop(columns="菜品编码")
    frame.insert(3, "菜品分类", frame["菜品名称"].map({"菜0": "主食", "菜1": "主食", "菜2": "小吃"}))
    frame.to_csv(tmp_path / "菜品销售明细.csv", index=False, encoding="gb18030")
    proposal = propose_mapping(tmp_path / "菜品销售明细.csv")
    assert proposal.columns["order_lines"]["product_id"] == "菜品名称"
    assert proposal.columns["products"]["product_line"] == "菜品分类"
    ds = load_dataset(tmp_path / "菜品销售明细.csv", mapping=proposal.mapping())
    assert len(ds["orders"]) == 5 and len(ds["order_lines"]) == 13  # 3 + 2 + 3 + 2 + 3 dishes
    assert sorted(ds["products"]["product_line"]) == ["主食", "主食", "小吃"]
