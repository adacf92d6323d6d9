"""``salesnb map`` on a cross-border seller's own order sheet (a Wayfair dropship export merged with its product
master, as the seller keeps it): 分类 is the product line, 平台SKU the product, 收货人 the buyer, 州 the region."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping


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


def test_a_renamed_product_keeps_its_name(tmp_path: Path) -> None:
    # Wayfair retitles listings: 111 of the seller's 481 SKUs carry two titles. A name is the product's label, not
    # an order's attribute: left out, every product section showed bare codes. The most frequent title is kept.
    text = (
        "订单号,下单日期,平台SKU,商品名称,销售数量,销售额\n"
        "1,2022/8/1,BL-1,Shower Head,1,10\n2,2022/8/2,BL-1,Shower Head,1,10\n3,2022/8/3,BL-1,Shower System,1,10\n"
        "4,2022/8/4,BL-2,Faucet,1,20\n5,2022/8/5,BL-3,Nightstand,1,30\n"
    )
    (tmp_path / "sheet.csv").write_text(text, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "sheet.csv")
    assert proposal.mapping()["columns"]["products"]["product_name"] == "商品名称"
    assert proposal.varying == []
    ds = load_dataset(tmp_path / "sheet.csv", mapping=proposal.mapping())
    names = ds["products"].set_index("product_id")["product_name"].to_dict()
    assert names == {"BL-1": "Shower Head", "BL-2": "Faucet", "BL-3": "Nightstand"}


def test_a_channel_filled_on_few_rows_gives_way_to_the_store() -> None:
    # Wayfair's supplier export: Sales Channel says "Supplier-Funded" on 3 of 1,284 rows; Store Name on every one
    store = ["Wayfair"] * 9 + ["Perigold"]
    sparse = ["Supplier-Funded"] + [None] * 9
    columns = {"PO Number": list("ABCDEFGHIJ"), "PO Date": ["08/29/2022"] * 10, "Store Name": store}
    found, _ = match_columns(frame(**columns, **{"Sales Channel": sparse}))
    assert found["channel"] == "Store Name"
    alone, _ = match_columns(frame(**{"PO Number": list("ABCDEFGHIJ"), "Sales Channel": sparse}))
    assert alone["channel"] == "Sales Channel"  # no fuller column: the sparse one is still the channel
