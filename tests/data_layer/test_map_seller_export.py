"""``salesnb map`` on a cross-border seller's own order sheet (a Wayfair dropship export merged with its product
master, as the seller keeps it): 分类 is the product line, 平台SKU the product, 收货人 the buyer, 州 the region."""

from __future__ import annotations

import pandas as pd

from salesnb.data.match import match_columns


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


def seller_sheet(**extra: list) -> pd.DataFrame:
    return frame(
        订单号=["CS419655129", "CS420426830", "CS421007986"],
        下单日期=["2022/8/29", "2022/9/2", "2022/9/5"],
        店铺=["Kadehome", "Kadehome", "Brightening House"],
        分类=["室内", "户外", "卫浴"],
        平台SKU=["Kade-63954BK-CW", "Kade-5339PI-CW", "BL-JH-013-WH"],
        商品名称=["Stackable Can Organizer", "Travel Baby Bed", "2-Drawer Nightstand"],
        收货人=["Ginger Kerr", "Brittany Perry", "Ginger Kerr"],
        州=["NV", "FL", "NV"],
        销售数量=["1", "2", "1"],
        **{"销售单价（美元）": ["66.10", "198.40", "131.00"]},
        **extra,
    )


def test_a_seller_sheet_names_its_line_product_buyer_and_state() -> None:
    found, _ = match_columns(seller_sheet())
    assert found["product_line"] == "分类"
    assert found["product_id"] == "平台SKU"
    assert found["product_name"] == "商品名称"
    assert found["customer_name"] == "收货人"
    assert found["region"] == "州"


def test_a_consignee_gives_way_to_the_buyer() -> None:
    # Taobao exports both: the buyer's account is the customer, the (masked) consignee only where it is delivered
    found, _ = match_columns(seller_sheet(买家会员名=["tb_1", "tb_2", "tb_1"]))
    assert found["customer_id"] == "买家会员名"
    assert "customer_name" not in found


def test_other_sku_names_are_the_product() -> None:
    for name in ("商家SKU", "SKU编码", "店铺货号"):
        found, _ = match_columns(frame(订单号=["1", "2"], 日期=["2026-09-01", "2026-09-02"], **{name: ["A1", "B2"]}))
        assert found.get("product_id") == name, name
