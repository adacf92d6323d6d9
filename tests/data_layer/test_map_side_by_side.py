"""``salesnb map`` says when a sheet's products stand side by side (标准纸数量, 标准纸金额, 铜版纸数量, …).

Real data (Parch & Posey as a 销售订单汇总, one row per order with three papers' quantities and amounts): map left
the six columns unused and said only "无法推导 order_lines：没有找到 product_id, quantity, unit_price 对应的列" though
quantities stood in three columns; the reader was not told why the product analysis was missing nor what to export.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping
from salesnb.data.side_by_side import product_stems


@pytest.mark.parametrize(
    ("columns", "products"),
    [
        (["标准纸数量", "标准纸金额", "铜版纸数量", "铜版纸金额", "合计数量", "订单金额"], ["标准纸", "铜版纸"]),
        (
            ["standard_qty", "standard_amt_usd", "gloss_qty", "gloss_amt_usd", "total", "total_amt_usd"],
            ["standard", "gloss"],
        ),
        (["Standard Qty", "Standard Amount", "Gloss Qty", "Gloss Amount"], ["Standard", "Gloss"]),
        (["订单数量", "订单金额", "退货数量"], []),  # the row's totals and one more quantity: no products
        (["数量", "商品金额", "优惠金额", "订单金额"], []),  # a line sheet's one quantity: no stem
        (["赠品数量", "赠品金额", "数量", "金额"], []),  # one pair only
        (["数量", "金额", "退货数量", "退货金额", "赠品数量", "赠品金额"], []),  # kinds of line, not products
        (["Qty", "Net Amount", "Return Qty", "Return Amount", "Gift Qty", "Gift Amount"], []),
        (["甲纸数量", "甲纸金额", "乙纸数量", "乙纸金额", "退货数量", "退货金额"], ["甲纸", "乙纸"]),
    ],
)
def test_products_are_the_stems_with_a_quantity_and_an_amount(columns, products):
    assert product_stems(columns) == products


def _orders(tmp_path: Path, wide: bool) -> Path:
    head = "下单日期,订单号,客户名称,大区," + (
        "甲纸数量,甲纸金额,乙纸数量,乙纸金额,订单金额" if wide else "产品,数量,金额"
    )
    rows = [head]
    for n in range(30):
        day = f"2024/{n % 3 + 1}/{n % 9 + 10},SO{n},客户{n % 6},{'华东' if n % 2 else '华南'}"
        rows.append(
            f"{day},{n + 1},{5 * (n + 1)},2,16,{5 * (n + 1) + 16}" if wide else f"{day},甲纸,{n + 1},{5 * (n + 1)}"
        )
    path = tmp_path / ("销售订单汇总.csv" if wide else "销售明细.csv")
    path.write_text("\n".join(rows) + "\n", encoding="gb18030")
    return path


def test_map_says_the_products_stand_side_by_side_and_what_to_export(tmp_path: Path) -> None:
    proposal = propose_mapping(_orders(tmp_path, wide=True))
    assert "order_lines" in proposal.missing and proposal.columns["orders"]["amount"] == "订单金额"
    said = [line for line in describe(proposal, check=False) if "并排" in line]
    assert said == [
        "! 销售订单汇总.csv：甲纸、乙纸 各有一列数量和一列金额，像是每个产品占一列（2 个产品并排）；"
        "产品分析需要每行一个产品的订单明细（订单号、产品、数量、金额）："
        "请从系统导出订单明细，或把这些列转成行后再运行 map"
    ]
    assert any("side by side" in line for line in describe(proposal, "en", check=False))


def test_a_line_sheet_says_nothing_of_it(tmp_path: Path) -> None:
    proposal = propose_mapping(_orders(tmp_path, wide=False))
    assert "order_lines" not in proposal.missing
    assert not [line for line in describe(proposal, check=False) if "并排" in line]
