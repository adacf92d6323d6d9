"""A flat export whose order number, date and status are merged over the order's lines (Taobao's order export)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.draft import candidates
from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping

EXPORT = """订单号,订单提交时间,订单状态,商品名称,商品数量,商品金额,实付金额,物流单号
T1,2026-01-23 13:54:39,卖家已发货,刮刀,1,25.00,258.00,SF1
,,,耗材A,2,79.00,,SF1
,,,耗材B,1,75.00,,SF1
T2,2026-01-22 10:52:45,交易关闭,电源,1,1680.00,1478.00,
,,,,,,,YT2
T3,2026-01-14 12:43:29,卖家已发货,显微镜,1,1950.00,1856.00,YT3
,,,,,,,YT4
,,,光源,1,160.00,,YT3
"""
MAPPING = {
    "tables": {"orders": "export.csv", "order_lines": "export.csv"},
    "columns": {
        "orders": {"order_id": "订单号", "order_date": "订单提交时间", "amount": "实付金额"},
        "order_lines": {
            "order_id": "订单号",
            "product_id": "商品名称",
            "quantity": "商品数量",
            "unit_price": "商品金额",
        },
    },
    "exclude": {"orders": {"订单状态": ["交易关闭"]}},
}


def test_lines_below_an_orders_first_line_join_that_order(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    ds = load_dataset(tmp_path / "export.csv", mapping=MAPPING)
    assert ds["orders"]["order_id"].tolist() == ["T1", "T3"]  # T2 closed: left out with its parcel row
    lines = ds["order_lines"].groupby("order_id")["product_id"].apply(list).to_dict()
    assert lines == {"T1": ["刮刀", "耗材A", "耗材B"], "T3": ["显微镜", "光源"]}
    said = [w.text("zh") for w in ds.warnings]
    assert "export.csv：3 行明细的 订单号 等订单信息为空（合并单元格，只写在订单首行），已按上方订单首行补齐" in said
    assert any(s.startswith("export.csv：2 行在订单下方，但订单和明细的列都为空") for s in said)


def test_an_amount_on_an_orders_first_line_only_is_its_total_and_prices_no_line(tmp_path: Path) -> None:
    """map does not propose unit_price = 实付金额 / 商品数量: the lines below the first would have no price."""
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "export.csv")
    mapping = proposal.mapping()
    assert mapping["columns"]["orders"]["amount"] == "实付金额"
    assert "unit_price" not in mapping["columns"].get("order_lines", {})
    ds = load_dataset(tmp_path / "export.csv", mapping=mapping)
    assert ds["orders"].set_index("order_id")["amount"].to_dict() == {"T1": 258.0, "T3": 1856.0}


def test_an_orders_status_and_parcel_are_never_offered_as_its_buyer() -> None:
    export = pd.DataFrame(
        {
            "订单号": [f"T{k}" for k in range(12)],
            "订单状态": ["卖家已发货", "交易成功", "交易关闭", "买家已付款"] * 3,
            "物流公司": ["中通快递", "圆通速递", "申通快递"] * 4,
            "物流单号": [f"YT{k % 6}" for k in range(12)],
            "收货人": [f"王{k % 5}" for k in range(12)],
        }
    )
    assert candidates(export, {"order_id": "订单号"}, "customer_id") == ["收货人"]
