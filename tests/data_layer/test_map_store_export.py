"""``salesnb map`` on a chain store's POS export (超市/连锁门店 收银明细): one row per receipt line, the member
buying, the store, its manager, the shelf price beside the line total."""

from __future__ import annotations

import pandas as pd

from salesnb.data.match import match_columns


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


def store_sheet(**extra: list) -> pd.DataFrame:
    return frame(
        单据编号=["XS2609000001", "XS2609000001", "XS2609000002"],
        销售日期=["2026/9/1", "2026/9/1", "2026/9/2"],
        大区=["华东", "华东", "华南"],
        门店=["上海15店", "上海15店", "广州07店"],
        会员编号=["VIP106", "VIP106", "VIP2210"],
        会员姓名=["张敏", "张敏", "李娜"],
        商品编码=["39238722920", "95335729718", "39238722920"],
        商品名称=["干香菇", "金葡萄干", "干香菇"],
        数量=["4", "5", "1"],
        零售价=["26.18", "18.13", "26.18"],
        **{"销售金额（元）": ["104.72", "81.60", "26.18"]},
        **extra,
    )


def test_a_members_name_is_the_customer_name() -> None:
    # 会员姓名 is how a POS names the buyer; left out, every customer table showed bare VIP numbers
    found, _ = match_columns(store_sheet())
    assert found["customer_id"] == "会员编号"
    assert found["customer_name"] == "会员姓名"


def test_the_shelf_price_is_the_list_price() -> None:
    # 零售价 is the price on the shelf, the line total what was paid: 81.60 for 5 × 18.13 = 90.65 is a discount
    found, _ = match_columns(store_sheet())
    assert found["list_price"] == "零售价"
    assert "unit_price" not in found
    found, _ = match_columns(store_sheet().rename(columns={"零售价": "建议零售价"}))
    assert found["list_price"] == "建议零售价"


def test_the_store_manager_is_the_rep_only_without_a_salesperson() -> None:
    found, _ = match_columns(store_sheet(店长=["王强", "王强", "赵磊"]))
    assert found["rep_name"] == "店长"
    found, _ = match_columns(store_sheet(店长=["王强", "王强", "赵磊"], 导购员=["陈静", "陈静", "周洁"]))
    assert found["rep_name"] == "导购员"
