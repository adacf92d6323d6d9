"""``salesnb map`` on a distributor's 发货明细 dated only by 签收日期 beside a 约定交期 (real round 27: USAID SCMS)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping

HEADER = "序号,销售订单号,签收日期,约定交期,客户编码,大区,产品大类,品名规格,数量(盒),金额(USD)\n"
ROWS = (
    '1,SO-1,2015/8/3 0:00,2015/8/1,110-ZM,南部非洲,抗逆转录病毒药,Efavirenz 600mg tablets 30 Tabs,1000,"3,120.00"\n'
    "2,SO-1,2015/8/3 0:00,2015/8/1,110-ZM,南部非洲,HIV快速检测试剂,Determine HIV Kit 100 Tests,10,800.00\n"
    '3,SO-2,2015/8/20 0:00,2015/8/25,106-HT,美洲,抗逆转录病毒药,Efavirenz 600mg tablets 30 Tabs,500,"1,560.00"\n'
    '合计,,,,,,,,"1,510","5,480.00"\n'
)


def test_a_shipping_list_is_dated_by_its_receipt_and_keeps_its_promised_date(tmp_path: Path) -> None:
    """签收日期 dates the sale and is its delivery; 约定交期 is the promise, never the order date.

    Before: 约定交期 (no synonym) was taken as the order date and the delivery section had no promise.
    """
    export = tmp_path / "发货明细.csv"
    export.write_text(HEADER + ROWS, encoding="gb18030")
    mapping = propose_mapping(export).mapping()
    orders = mapping["columns"]["orders"]
    assert (orders["order_date"], orders["delivered_at"], orders["promised_at"]) == ("签收日期", "签收日期", "约定交期")
    assert mapping["columns"]["order_lines"]["product_id"] == "品名规格"
    assert mapping["columns"]["products"]["product_line"] == "产品大类"
    loaded = load_dataset(export, mapping=mapping)["orders"].sort_values("order_id")
    assert loaded["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-08-03", "2015-08-20"]
    late = (loaded["delivered_at"] > loaded["promised_at"]).tolist()
    assert late == [True, False]  # SO-1 signed two days after its promise
    assert loaded["amount"].sum() == 5480.0


def test_an_order_date_of_its_own_stays_the_order_date() -> None:
    """With a 下单日期 the receipt date is only the delivery: the fallback applies to a list dated by nothing else."""
    found, _ = match_columns(
        pd.DataFrame({"订单号": ["1"], "下单日期": ["2015/7/28"], "签收日期": ["2015/8/3"], "约定交期": ["2015/8/1"]})
    )
    assert (found["order_date"], found["delivered_at"], found["promised_at"]) == ("下单日期", "签收日期", "约定交期")


def test_map_says_the_sales_are_booked_at_delivery(tmp_path: Path) -> None:
    """The proposal says the months follow 签收日期, and the promise it is compared with when there is one."""
    export = tmp_path / "发货明细.csv"
    export.write_text(HEADER + ROWS, encoding="gb18030")
    lines = describe(propose_mapping(export), check=False)
    said = [line for line in lines if "没有下单日期" in line]
    assert said == [
        "- 发货明细.csv：没有下单日期，销售按 签收日期 计入月份（签收即确认收入），"
        "交付是否准时按 签收日期 与 约定交期 对比；若有下单日期，请在映射文件中把 order_date 改为该列"
    ]
    bare = tmp_path / "签收.csv"
    bare.write_text(
        "销售订单号,签收日期,客户编码,金额\nSO-1,2015/8/3,C1,100\nSO-2,2015/8/4,C2,200\n", encoding="gb18030"
    )
    lines = describe(propose_mapping(bare), check=False)
    assert [line for line in lines if "没有下单日期" in line] == [
        "- 签收.csv：没有下单日期，销售按 签收日期 计入月份（签收即确认收入）；"
        "若有下单日期，请在映射文件中把 order_date 改为该列"
    ]


def test_a_delivery_date_left_empty_on_some_orders_dates_no_sale() -> None:
    """An order book whose 实际送货日期 is empty on undelivered orders: those would have no date, so no fallback."""
    found, _ = match_columns(
        pd.DataFrame({"订单号": ["1", "2"], "约定交期": ["2015/8/1", "2015/8/9"], "签收日期": ["2015/8/3", None]})
    )
    assert (found.get("order_date"), found["delivered_at"]) == (None, "签收日期")
