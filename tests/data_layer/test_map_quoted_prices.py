"""``salesnb map`` reads a 用友-style 报价 as the list price when the sheet's 扣率 confirms it.

A 用友 U8 sales order list carries 报价 (the price quoted before the discount), 扣率 (the percent of it paid,
92.5 = 7.5 % off) and 无税单价 = 报价 × 扣率. Unread, the discount analysis of a real order book whose every line
was discounted 5–40 % said 数据中没有标价 (list_price). 报价 can carry tax where 无税单价 does not (U8's 报价含税
option): then 报价 × 扣率 is the price with tax, not 无税单价, and 报价 is no list price to compare with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping

HEAD = "单据编号,单据日期,客户名称,存货编码,数量,报价,扣率(%),无税单价,无税金额"


def _sheet(tmp_path: Path, tax: float = 1.0, rate: str = "扣率(%)") -> Path:
    rows = [HEAD.replace("扣率(%)", rate)]
    for n in range(30):
        quoted, paid = 100.0 + n, (92.5, 80.0, 100.0)[n % 3]
        net = round(quoted * paid / 100 / tax, 2)
        rows.append(
            f"XS{n:03d},2026/9/{n % 28 + 1},客户{n % 4},CP{n % 3},2,{quoted:.2f},{paid},{net:.2f},{2 * net:.2f}"
        )
    (tmp_path / "销售订单明细.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售订单明细.csv"


@pytest.mark.parametrize("rate", ["扣率(%)", "扣率"])
def test_a_quoted_price_that_the_paid_rate_leads_to_the_unit_price_is_the_list_price(tmp_path: Path, rate: str) -> None:
    path = _sheet(tmp_path, rate=rate)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["list_price"] == "报价"
    assert proposal.columns["order_lines"]["unit_price"] == "无税单价"
    lines = load_dataset(path, mapping=proposal.mapping())["order_lines"]
    assert lines["list_price"].head(3).tolist() == [100.0, 101.0, 102.0]
    assert lines["unit_price"].head(3).tolist() == [92.5, 80.8, 102.0]  # 100 × 92.5 %, 101 × 80 %, 102 in full


def test_a_quoted_price_with_tax_beside_a_price_without_is_no_list_price(tmp_path: Path) -> None:
    proposal = propose_mapping(_sheet(tmp_path, tax=1.13))  # 无税单价 = 报价 × 扣率 ÷ 1.13
    assert "list_price" not in proposal.columns["order_lines"]


def _discount_sheet(tmp_path: Path, tax: float = 1.0) -> Path:
    """用友's 销售出库明细: 报价, 无税单价 and 折扣额 = 数量 × (报价 − 无税单价), no 扣率."""
    rows = ["单据号,单据日期,客户编码,存货编码,数量,报价,无税单价,折扣额,无税金额"]
    for n in range(30):
        quoted, paid, qty = 100.0 + n, (0.5, 0.8, 1.0)[n % 3], n % 4 + 1
        net = round(quoted * paid, 2)
        shown = round(quoted * tax, 2)  # 报价 with tax when tax > 1: no discount written
        off = 0.0 if tax > 1 else round(qty * (quoted - net), 2)
        rows.append(f'FH{n:03d},2002-9-{n % 28 + 1},C{n % 4},CH{n % 3},{qty},{shown:.2f},{net:.2f},"{off:,.2f}",'
                    f'"{qty * net:,.2f}"')  # fmt: skip
    (tmp_path / "销售出库明细表.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售出库明细表.csv"


def test_a_quoted_price_its_discount_amount_leads_to_the_unit_price_is_the_list_price(tmp_path: Path) -> None:
    path = _discount_sheet(tmp_path)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["list_price"] == "报价"
    assert proposal.columns["order_lines"]["unit_price"] == "无税单价"
    lines = load_dataset(path, mapping=proposal.mapping())["order_lines"]
    assert lines["list_price"].head(3).tolist() == [100.0, 101.0, 102.0]
    assert lines["unit_price"].head(3).tolist() == [50.0, 80.8, 102.0]  # 100 at half, 101 × 80 %, 102 in full
    paid, listed = (lines["quantity"] * lines["unit_price"]).sum(), (lines["quantity"] * lines["list_price"]).sum()
    assert 1 - paid / listed == pytest.approx(1 - 6416.8 / 8366.0)  # Σ 数量 × 无税单价 over Σ 数量 × 报价


def test_a_quoted_price_with_tax_and_no_discount_written_is_no_list_price(tmp_path: Path) -> None:
    proposal = propose_mapping(_discount_sheet(tmp_path, tax=1.13))
    assert "list_price" not in proposal.columns["order_lines"]
