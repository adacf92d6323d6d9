"""A hotel's export sells room nights: 房型 is the product, 间夜数 the quantity, 平均房价 the unit price.

Real round 26 (119,390 hotel bookings, Antonio et al. 2019, exported as a Chinese PMS would): without these
words ``salesnb map`` found no order lines ("没有找到 product_id, quantity, unit_price 对应的列") and the product
report was skipped, though each row holds 房型, 间夜数 and 平均房价 with 订单金额 = 间夜数 × 平均房价.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping


def test_room_type_nights_and_rate_are_the_order_lines(tmp_path: Path) -> None:
    rows = [
        ("HB1", "2017/7/1 14:00", "旅行社9", "城市酒店-A房", "3", "95.50", "286.50"),
        ("HB2", "2017/7/2 14:00", "协议单位40", "度假酒店-D房", "7", "1,210.00", "8,470.00"),
        ("HB3", "2017/7/9 14:00", "旅行社240", "城市酒店-A房", "2", "100.25", "200.50"),
    ]
    columns = ["订单编号", "入住日期", "客户名称", "房型", "间夜数", "平均房价", "订单金额"]
    pd.DataFrame(rows, columns=columns).to_csv(tmp_path / "预订明细.csv", index=False, encoding="gb18030")
    proposal = propose_mapping(tmp_path)
    lines = proposal.mapping()["columns"]["order_lines"]
    assert (lines["product_id"], lines["quantity"], lines["unit_price"]) == ("房型", "间夜数", "平均房价")
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    got = ds["order_lines"].set_index("order_id")
    assert got.loc["HB2", "quantity"] == 7 and got.loc["HB2", "unit_price"] == pytest.approx(1210.0)
    assert (got["quantity"] * got["unit_price"]).sum() == pytest.approx(286.5 + 8470.0 + 200.5)
    assert sorted(ds["products"]["product_id"]) == ["城市酒店-A房", "度假酒店-D房"]
