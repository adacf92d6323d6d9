"""``salesnb map`` prices a line by its amount when the price column is not the price the sales were made at.

A seller's 销售订单明细 joined the product master's current 商品单价 beside each order's 订单金额: quantity × price
agreed with the amount on 0.7 % of 14,411 rows, above and below alike, and revenue read from the price was 2.2
times the sheet's 合计, its months moving with the quantities alone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.line_amounts import price_apart
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping

FOUND = {"order_id": "单号", "quantity": "数量", "unit_price": "单价", "amount": "金额"}


def _frame(amounts: list[float], quantity: int = 2, price: float = 10.0) -> pd.DataFrame:
    n = len(amounts)
    return pd.DataFrame(
        {"单号": [f"S{i}" for i in range(n)], "数量": [quantity] * n, "单价": [price] * n, "金额": amounts}
    )


def test_amounts_above_and_below_the_price_drop_it() -> None:
    found, judged = price_apart(_frame([15.0, 30.0] * 10), FOUND)  # lines 20 each: 10 rows above, 10 below
    assert "unit_price" not in found and found["amount"] == "金额"
    price, amount, quantity, agree, gap = judged
    assert (price, amount, quantity, agree) == ("单价", "金额", "数量", 0.0)
    assert round(gap, 4) == round(400 / 450 - 1, 4)  # the price's total 400 against the amounts' 450


def test_a_price_agreeing_on_more_than_a_stray_share_is_kept() -> None:
    amounts = [20.0, 20.0] + [15.0, 30.0] * 9  # 2 of 20 rows agree: 10 % > 1 - MOSTLY
    assert price_apart(_frame(amounts), FOUND) == (FOUND, None)


def test_a_gap_one_way_is_left_to_the_discount_and_tax_checks() -> None:
    assert price_apart(_frame([15.0, 18.0] * 10), FOUND)[1] is None  # all below: a discount
    assert price_apart(_frame([22.6, 23.0] * 10), FOUND)[1] is None  # all above: a tax, a fee
    assert price_apart(_frame([15.0] * 199 + [30.0]), FOUND)[1] is None  # one row above in 200: a stray row


def test_too_few_rows_or_a_discount_column_say_nothing() -> None:
    assert price_apart(_frame([15.0, 30.0] * 9), FOUND)[1] is None  # 18 rows
    assert price_apart(_frame([15.0, 30.0] * 10), FOUND | {"discount_off": "折扣"})[1] is None


def test_the_sheet_is_read_at_its_amounts(tmp_path: Path) -> None:
    rows = ["订单编号,下单日期,客户编号,商品编码,商品单价,数量,订单金额"]
    rows += [f"SO{n:03d},2026/9/{n % 28 + 1},KH{n % 4},SP{n % 3},10.00,{n % 3 + 1},{12 + n}.00" for n in range(30)]
    (tmp_path / "销售订单明细.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    proposal = propose_mapping(tmp_path / "销售订单明细.csv")
    assert proposal.columns["order_lines"]["unit_price"] == "=[订单金额] / [数量]"
    said = "\n".join(describe(proposal, check=False))
    assert "商品单价 不是这些销售的成交价" in said
    lines = load_dataset(tmp_path / "销售订单明细.csv", mapping=proposal.mapping())["order_lines"]
    assert round(float((lines["quantity"] * lines["unit_price"]).sum()), 2) == sum(12 + n for n in range(30))
