"""An order's rows stamped at several times of one day: the order is placed at its first, and nothing is warned."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset

MAPPING = {
    "tables": {"orders": "销售.csv", "order_lines": "销售.csv"},
    "columns": {
        "orders": {"order_id": {"per": ["会员卡号", "销售时间"]}, "customer_id": "会员卡号", "order_date": "销售时间",
                   "amount": "实收金额"},
        "order_lines": {"order_id": {"per": ["会员卡号", "销售时间"]}, "product_id": "商品编码", "quantity": "数量",
                        "unit_price": "=[实收金额] / [数量]"},
    },
}  # fmt: skip


def test_a_customers_visits_of_one_day_are_one_order_placed_at_the_first(tmp_path: Path) -> None:
    """C1 buys at 15:30 and again at 10:05 on 1 June (one order of 20 + 8 = 28, placed 10:05); C2 once on 2 June."""
    text = (
        "销售时间,会员卡号,商品编码,数量,实收金额\n"
        "2018/6/1 15:30,C1,P1,2,20\n"
        "2018/6/1 10:05,C1,P2,1,8\n"
        "2018/6/2 09:00,C2,P1,1,10\n"
    )
    (tmp_path / "销售.csv").write_text(text, encoding="gb18030")
    ds = load_dataset(tmp_path / "销售.csv", mapping=MAPPING)
    orders = ds["orders"].set_index("customer_id")
    assert orders.loc["C1", "amount"] == 28.0
    assert orders.loc["C1", "order_date"] == pd.Timestamp("2018-06-01 10:05")
    assert not [w.text("zh") for w in ds.warnings if "不一致" in w.text("zh")]
