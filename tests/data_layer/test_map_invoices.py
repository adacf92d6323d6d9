"""``salesnb map`` on a VAT output-invoice ledger (销项发票) and on an ERP export with Traditional headers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.column_words import normalise
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping
from salesnb.data.row_notes import cancelled_values


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


def test_output_invoice_ledger_headers() -> None:
    """A 销项发票 export: the invoice number is the order, the buyer's unit code the customer."""
    found, _ = match_columns(
        frame(
            企业代号=["E2", "E2", "E2"],
            发票号码=["6466442", "6466443", "6466444"],
            开票日期=["2017/1/3", "2017/1/3", "2017/2/4"],
            购方单位代号=["B01752", "B00960", "B01752"],
            金额=["87539.62", "1000.00", "2000.00"],
            税额=["5252.38", "60.00", "120.00"],
            价税合计=["92792.00", "1060.00", "2120.00"],
            发票状态=["有效发票", "作废发票", "有效发票"],
        )
    )
    assert found["order_id"] == "发票号码"
    assert found["customer_id"] == "购方单位代号"
    assert found["order_date"] == "开票日期"
    assert found["amount"] == "金额"


def test_voided_invoices_are_proposed_for_exclusion() -> None:
    ledger = frame(发票号码=["1", "2", "3"], 发票状态=["有效发票", "作废发票", "有效发票"])
    assert cancelled_values(ledger) == ("发票状态", ["作废发票"])


def test_traditional_headers_are_read_as_simplified() -> None:
    """傳票No, 客戶代碼, 數量, 單價, 金額 (a Taiwan ERP's slip lines) map as their Simplified spelling."""
    assert normalise("客戶代碼") == "客户代码" and normalise("單價（元）") == "单价"
    found, _ = match_columns(
        frame(
            傳票No=["120765", "120765", "120766"],
            日期=["2019-11-05 0:00:00", "2019-11-05 0:00:00", "2019-11-06 0:00:00"],
            客戶代碼=["5", "5", "4"],
            客戶名稱=["Light Off", "Light Off", "OSAKA BASE"],
            負責人代號=["2001", "2001", "2001"],
            負責人姓名=["富井", "富井", "富井"],
            商品代號=["M1000043001", "M1000043002", "M1000043001"],
            品名=["POLO衫S", "POLO衫M", "POLO衫S"],
            數量=["100", "120", "100"],
            單價=["2100", "2100", "2250"],
            金額=["210000", "252000", "225000"],
        )
    )
    assert found["order_id"] == "傳票No"
    assert found["customer_id"] == "客戶代碼" and found["customer_name"] == "客戶名稱"
    assert found["rep_id"] == "負責人代號" and found["rep_name"] == "負責人姓名"
    assert found["product_id"] == "商品代號" and found["product_name"] == "品名"
    assert (found["quantity"], found["unit_price"], found["amount"]) == ("數量", "單價", "金額")


def test_a_traditional_total_row_is_skipped(tmp_path: Path) -> None:
    """合計 (Traditional) at the foot of a Taiwan ERP's slip lines is a total row, not an order without a date."""
    (tmp_path / "銷售明細.csv").write_text(
        "傳票No,日期,客戶代碼,商品代號,數量,金額\n120765,2019/11/5,5,M1,100,210000\n120765,2019/11/5,5,M2,120,252000\n"
        "120766,2019/11/6,4,M1,100,225000\n合計,,,,320,687000\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "銷售明細.csv")
    ds = load_dataset(tmp_path / "銷售明細.csv", mapping=proposal.mapping())
    assert ds["orders"]["order_id"].tolist() == ["120765", "120766"]
    assert ds["orders"]["amount"].sum() == 687000
    assert any("第 5 行是合计行" in w.text("zh") for w in ds.warnings)


def test_red_invoices_are_said_with_their_share_and_the_exclude_that_leaves_them_out(tmp_path: Path) -> None:
    """Two red invoices (−300, −100) beside 2,000 of valid ones, a voided one and a 合计 row: 20% of the total."""
    (tmp_path / "销项发票.csv").write_text(
        "发票号码,开票日期,购方单位代号,金额,发票状态\n1,2019/12/2,B1,1000,有效发票\n2,2019/12/3,B2,-300,有效发票\n"
        "3,2019/12/4,B1,500,作废发票\n4,2019/12/5,B3,1000,有效发票\n5,2019/12/6,B3,-100,有效发票\n"
        "6,2019/12/9,B3,-50,作废发票\n合计,,,2050,\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "销项发票.csv")
    assert proposal.credit_orders() == [("销项发票.csv", "金额", 2, pytest.approx(0.2))]
    said = "\n".join(describe(proposal, "zh"))
    assert "2 行的 金额 为负数（红字发票、退款），金额合计相当于正数部分的 20.0%" in said
    assert '请在映射文件 exclude 的 orders 下给 金额 加上 "<0"' in said


def test_invoice_rows_repeating_one_amount_count_once_and_say_what_adding_them_up_would_add(tmp_path: Path) -> None:
    """Three invoice numbers on two identical rows each (no 发票代码 to tell them apart): 100 + 200 + 300 more."""
    (tmp_path / "发票.csv").write_text(
        "发票号码,开票日期,购方单位代号,金额\n1,2019/12/2,B1,100\n1,2019/12/2,B1,100\n2,2019/12/3,B2,200\n"
        "2,2019/12/3,B2,200\n3,2019/12/4,B1,300\n3,2019/12/4,B1,300\n4,2019/12/5,B3,50\n",
        encoding="utf-8",
    )
    mapping = {
        "tables": {"orders": "发票.csv", "customers": "发票.csv"},
        "columns": {
            "orders": {
                "order_id": "发票号码",
                "order_date": "开票日期",
                "customer_id": "购方单位代号",
                "amount": "金额",
            },
            "customers": {"customer_id": "购方单位代号"},
        },
    }
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds["orders"]["amount"].sum() == 650
    said = [w.text("zh") for w in ds.warnings]
    assert any(s.startswith("orders.amount：3 笔订单的各行金额都相同") and "（相加会多计 600.00）" in s for s in said)


def test_a_full_refund_status_undoes_the_sale_a_partial_one_does_not() -> None:
    """A marketplace's 订单状态 writes 退款成功 for an order refunded in full: no sale, as 交易关闭 is none."""
    frame = pd.DataFrame({"订单状态": ["交易成功", "退款成功", "部分退款成功", "交易关闭", "已退款"]})
    assert cancelled_values(frame) == ("订单状态", ["交易关闭", "已退款", "退款成功"])
    english = pd.DataFrame({"status": ["Completed", "Refunded", "Partially refunded", "Cancelled"]})
    assert cancelled_values(english) == ("status", ["Cancelled", "Refunded"])


def test_a_closed_order_is_a_cancelled_one_only_beside_a_word_for_a_completed_one():
    """抖店 writes 已关闭 on orders closed unpaid (beside 已完成); an ERP's 单据状态 on orders closed once filled."""
    shop = pd.DataFrame({"订单状态": ["已完成", "已关闭", "已发货", "已关闭 ", "待支付"]})
    assert cancelled_values(shop) == ("订单状态", ["已关闭", "已关闭 "])
    erp = pd.DataFrame({"单据状态": ["已审核", "已关闭", "已审核"]})
    assert cancelled_values(erp) is None


def test_a_negative_price_at_a_positive_quantity_is_said_as_a_credit_not_a_return(tmp_path: Path) -> None:
    """A booking sheet: 10 nights at −6.38 (−63.80) beside 2 × 500 and 3 × 300 (1,900): a negative order, said with
    its exclude (before, any quantity column silenced it); the return line (−1 night, −300) stays a return."""
    (tmp_path / "预订明细.csv").write_text(
        "订单编号,入住日期,客户名称,房型,间夜数,平均房价,订单金额\n"
        "H1,2017/7/1,旅行社9,A房,2,500,1000\nH2,2017/7/2,旅行社7,B房,3,300,900\n"
        "H3,2017/7/3,旅行社9,A房,10,-6.38,-63.8\nH4,2017/7/4,旅行社7,B房,-1,300,-300\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "预订明细.csv")
    assert proposal.credit_orders() == [("预订明细.csv", "订单金额", 1, pytest.approx(63.8 / 1900))]
    assert [note[:3] for note in proposal.returned_lines()] == [("预订明细.csv", "间夜数", 1)]
    assert '请在映射文件 exclude 的 orders 下给 订单金额 加上 "<0"' in "\n".join(describe(proposal, "zh"))
