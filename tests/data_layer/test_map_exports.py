"""``salesnb map`` on Chinese e-commerce and ERP exports: their headers, and an export without orders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data.mapview import no_orders
from salesnb.data.propose import match_columns, orders_lacking, propose_mapping


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


def test_taobao_order_report_headers() -> None:
    found, _ = match_columns(
        frame(
            订单编号=["1001"],
            买家会员名=["tb_小王"],
            买家实际支付金额=["99.50"],
            宝贝总数量=["2"],
            宝贝标题=["保温杯 500ml"],
            订单付款时间=["2026-09-01 09:30:00"],  # before the creation time, as Taobao exports it
            订单创建时间=["2026-09-01 09:26:00"],
            收货人姓名=["王**"],
        )
    )
    assert found == {
        "order_id": "订单编号",
        "order_date": "订单创建时间",
        "customer_id": "买家会员名",
        "amount": "买家实际支付金额",
        "quantity": "宝贝总数量",
        "product_name": "宝贝标题",
    }


def test_a_payment_time_is_the_order_date_only_without_the_orders_own() -> None:
    found, _ = match_columns(frame(订单号=["1"], 付款时间=["2026-09-01 09:30"], 实付金额=["10"]))
    assert found["order_date"] == "付款时间" and found["amount"] == "实付金额"


def test_erp_and_store_export_headers() -> None:
    found, _ = match_columns(
        frame(
            销售单号=["XS-001"],
            单据日期=["2026-09-01"],
            购货单位=["华星商贸"],
            存货编码=["A01"],
            存货名称=["螺丝"],
            出库数量=["100"],
            价税合计=["1,130.00"],
            业务员=["张三"],
            门店=["南京西路店"],
            销售大区=["华东"],
        )
    )
    assert found == {
        "order_id": "销售单号",
        "order_date": "单据日期",
        "customer_name": "购货单位",
        "amount": "价税合计",
        "quantity": "出库数量",
        "region": "销售大区",
        "rep_name": "业务员",
        "channel": "门店",
        "product_id": "存货编码",
        "product_name": "存货名称",
    }


def test_a_taobao_closed_trade_is_proposed_for_exclusion(tmp_path: Path) -> None:
    (tmp_path / "订单报表.csv").write_text(
        "订单编号,买家会员名,订单创建时间,买家实际支付金额,交易状态\n"
        "1,甲,2026-09-01,10,交易成功\n2,乙,2026-09-02,0,交易关闭\n",
        encoding="utf-8",
    )
    assert propose_mapping(tmp_path).mapping()["exclude"] == {"orders": {"交易状态": ["交易关闭"]}}


CHANNEL_SALES = (  # 2020年销售数据.xlsx: sales by date, region, channel and brand; no customer, no order number
    "销售日期,销售区域,销售渠道,销售订单,品牌,售价,销售数量\n"
    "2020-01-01,上海,拼多多,182894-455,八匹马,99,83\n"
    "2020-01-02,北京,抖音,205635-402,八匹马,219,29\n"
)


def test_map_without_orders_says_what_is_missing_writes_nothing_and_fails(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "销售数据.csv").write_text(CHANNEL_SALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "销售数据.csv"]) == 1
    assert not (tmp_path / "mapping.yaml").exists()
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("✗ 无法生成映射：订单表 orders 每行一笔订单，必须有订单编号、客户和下单日期三列")
    assert lines[1] == "  销售数据.csv 缺少：订单编号 (order_id), 客户编号 (customer_id)"
    assert lines[2] == (
        "    已识别: 销售日期 → 下单日期 (order_date), 销售数量 → 数量 (quantity), 售价 → 单价 (unit_price), "
        "销售区域 → 区域 (region), 销售渠道 → 渠道 (channel)"
    )
    assert lines[3] == "    未使用: 销售订单, 品牌"
    assert lines[4].startswith("- 没有订单编号") and "加一列订单编号" in lines[4]
    assert lines[5].startswith("- 没有客户列") and "不含客户的销售数据无法使用" in lines[5]
    assert lines[-1].startswith("未写出映射文件")


def test_map_without_orders_in_english_and_for_each_file_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "销售数据.csv").write_text(CHANNEL_SALES, encoding="utf-8")
    (tmp_path / "客户.csv").write_text("客户编号,客户名称\nC1,甲\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert "orders" not in proposal.tables and proposal.tables["customers"] == "客户.csv"
    text = "\n".join(no_orders(proposal, "en"))
    assert "客户.csv lacks: order id (order_id), order date (order_date)" in text
    assert "销售数据.csv lacks: order id (order_id), customer id (customer_id)" in text
    assert "- no order date" in text and text.endswith(
        "No mapping file written; the mapping file's syntax is in docs/data-contract.md"
    )


@pytest.mark.parametrize(
    ("found", "lacking"),
    [
        ({"order_id": "a", "customer_name": "b", "order_date": "c"}, []),
        ({"customer_id": "b", "order_date": "c"}, ["order_id"]),
        ({}, ["order_id", "customer_id", "order_date"]),
    ],
)
def test_orders_lacking_names_the_required_columns_without_a_match(found: dict, lacking: list) -> None:
    assert orders_lacking(found) == lacking
