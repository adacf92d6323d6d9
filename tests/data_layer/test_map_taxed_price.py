"""``salesnb map`` reads a price with tax (含税单价) beside a net amount (金额) as no list price: the gap is the tax.

A 金蝶 销售订单序时簿 (SAP SHINE's orders, real29) carries 含税单价, 金额 (before tax), 税额 and 价税合计: quantity ×
含税单价 was 19 % above 金额 on every row, read as a discount: 含税单价 became the list price and the discount
section would have shown a 19 % discount depth that is the VAT.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.column_words import says_taxed
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping


def _sheet(tmp_path: Path, price: str, tax: bool, discount: bool = False) -> Path:
    """30 rows of 2 × 56.50 with tax (net 100.00, tax 13.00), or 10 % off on a row in three when ``discount``."""
    head = f"单据编号,日期,客户名称,物料名称,销售数量,{price},金额" + (",税额" if tax else "")
    rows = [head]
    for n in range(30):
        net = 90.0 if discount and n % 3 == 0 else 100.0
        row = f"XSDD{n:03d},2026/9/{n % 28 + 1} 0:00,客户{n % 5},P{n % 3},2,56.50,{net:.2f}"
        rows.append(row + (f",{113 - net:.2f}" if tax else ""))
    path = tmp_path / "销售订单序时簿.csv"
    path.write_text("\n".join(rows) + "\n", encoding="gb18030")
    return path


@pytest.mark.parametrize(("price", "tax"), [("含税单价", True), ("单价", True), ("含税单价", False)])
def test_a_price_with_tax_beside_a_net_amount_is_no_list_price(tmp_path: Path, price: str, tax: bool) -> None:
    """Named 含税 or made up by 税额 (金额 + 税额 = 数量 × 单价): unit price = 金额 ÷ 数量, revenue 30 × 100."""
    path = _sheet(tmp_path, price, tax)
    proposal = propose_mapping(path)
    lines = proposal.columns["order_lines"]
    assert lines["unit_price"] == "=[金额] / [销售数量]" and "list_price" not in lines
    assert not proposal.list_priced
    assert proposal.taxed_prices == [
        ("销售订单序时簿.csv", price, "金额", "销售数量", "税额" if tax else None, pytest.approx(0.13))
    ]
    said = "\n".join(describe(proposal, check=False))
    assert f"{price} 是含税价" in said and "13.0%" in said and "是税不是折扣" in said
    ds = load_dataset(path, mapping=proposal.mapping())
    got = ds["order_lines"]
    assert float((got["quantity"] * got["unit_price"]).sum()) == pytest.approx(3000.0)


def test_a_plain_price_without_a_tax_column_is_still_a_list_price(tmp_path: Path) -> None:
    """单价 above 金额 with no tax named anywhere: a discount, as before (test_map_list_prices)."""
    proposal = propose_mapping(_sheet(tmp_path, "单价", tax=False))
    assert proposal.columns["order_lines"]["list_price"] == "单价" and not proposal.taxed_prices


def test_a_tax_column_that_does_not_make_up_the_gap_leaves_a_discount(tmp_path: Path) -> None:
    """税额 beside a 单价 whose gap to 金额 is not the tax (a 10 % discount on a row in three, tax 13 on the net): the
    gap is no tax, 单价 stays the list price."""
    path = tmp_path / "d.csv"
    rows = ["单据编号,日期,客户名称,物料名称,销售数量,单价,金额,税额"]
    for n in range(30):
        net = 90.0 if n % 3 == 0 else 100.0
        rows.append(f"XSDD{n:03d},2026/9/{n % 28 + 1},客户{n % 5},P{n % 3},2,60,{net:.2f},{net * 0.13:.2f}")
    path.write_text("\n".join(rows) + "\n", encoding="gb18030")
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["list_price"] == "单价" and not proposal.taxed_prices


@pytest.mark.parametrize(
    ("name", "taxed"),
    [
        ("含税单价", True),
        ("单价(含税)", True),
        ("单价（含税）", True),
        ("Price incl. tax", True),
        ("价税单价", True),
        ("单价", False),
        ("无税单价", False),
        ("List Price", False),
    ],
)
def test_names_saying_a_price_carries_tax(name: str, taxed: bool) -> None:
    assert says_taxed(name) is taxed
