"""``salesnb map`` on Chinese e-commerce and ERP exports: their headers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.propose import match_columns, propose_mapping


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
