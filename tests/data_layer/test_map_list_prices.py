"""``salesnb map`` reads a price column above the rows' amounts as the list price, the amount as the sale.

A flat sheet with 数量, 单价 and 金额, where 金额 is 数量 × 单价 less a discount nobody wrote in a column, made revenue
the undiscounted value: 10.6 % more than the sheet's own total on a sheet discounted on two rows in three.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from salesnb.data.line_amounts import discount_gap
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping


def test_amounts_at_or_below_their_lines_are_the_lines_after_a_discount() -> None:
    lines = np.full(20, 100.0)
    amounts = np.array([100.0] * 10 + [90.0] * 5 + [80.0] * 5)  # 5 rows at 10 % off, 5 at 20 % off
    share, gap = discount_gap(amounts, lines)
    assert share == pytest.approx(10 / 20) and gap == pytest.approx(2000 / 1850 - 1)


@pytest.mark.parametrize(
    "amounts",
    [
        [100.0] * 20,  # every amount is its line: nothing to read
        [113.0] * 20,  # a tax on every line: above, the lines are before it
        [100.0] * 18 + [80.0, 300.0],  # one row in 20 above (an order's total, shipping): not a discount
        [100.0] * 19 + [99.5],  # below by less than 1 %: a rounding
        [100.0] * 10 + [99.0] * 10,  # each 1 % below, apart by no more than the tolerance
    ],
)
def test_amounts_that_are_not_a_discount_leave_the_price_alone(amounts: list[float]) -> None:
    assert discount_gap(np.array(amounts), np.full(len(amounts), 100.0)) is None


def test_too_few_rows_to_judge() -> None:
    assert discount_gap(np.full(19, 80.0), np.full(19, 100.0)) is None
    assert discount_gap(np.full(20, 80.0), np.full(20, 100.0)) == (1.0, pytest.approx(0.25))


def _sheet(tmp_path: Path, amounts: list[float]) -> Path:
    rows = ["订单编号,下单日期,客户名称,商品名称,数量,单价,金额"]
    for n, amount in enumerate(amounts):
        rows.append(f"SO{n:03d},2026/9/{n % 28 + 1},客户{n % 5},P{n % 3},2,50,{amount}")
    (tmp_path / "销售明细.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售明细.csv"


def test_a_sheet_discounted_without_a_discount_column_counts_its_amounts(tmp_path: Path) -> None:
    amounts = [100.0] * 10 + [90.0] * 10 + [80.0] * 10  # 2 × 50 = 100 a row, 10 and 20 % off on two rows in three
    path = _sheet(tmp_path, amounts)
    proposal = propose_mapping(path)
    lines = proposal.columns["order_lines"]
    assert lines["unit_price"] == "=[金额] / [数量]" and lines["list_price"] == "单价"
    said = "\n".join(describe(proposal, check=False))
    assert "金额 在 67% 的行上低于 数量 × 单价" in said and "多 11.1%" in said  # 3000 / 2700 − 1
    ds = load_dataset(path, mapping=proposal.mapping())
    got = ds["order_lines"]
    assert float((got["quantity"] * got["unit_price"]).sum()) == pytest.approx(2700.0)  # the sheet's 金额, not 3000
    assert sorted(got["list_price"].unique().tolist()) == [50.0]


def test_a_sheet_whose_amounts_are_its_lines_keeps_its_price(tmp_path: Path) -> None:
    proposal = propose_mapping(_sheet(tmp_path, [100.0] * 30))
    assert proposal.columns["order_lines"]["unit_price"] == "单价" and not proposal.list_priced


def test_a_till_sheet_with_only_a_shelf_price_sells_at_it(tmp_path: Path) -> None:
    """数量 and 零售价, no amount, no other price: the shelf price is the price paid (no revenue at all before)."""
    path = _till(tmp_path, "数量,零售价", lambda n: f"{n % 3 + 1},{(9.9, 19.9)[n % 2]}")
    proposal = propose_mapping(path)
    lines = proposal.columns["order_lines"]
    assert lines["unit_price"] == "零售价" and "list_price" not in lines
    assert proposal.shelf_priced == [("小票明细.csv", "零售价", "数量")]
    assert "零售价 是明细上唯一的价格，按成交价读取" in "\n".join(describe(proposal, check=False))
    got = load_dataset(path, mapping=proposal.mapping())["order_lines"]
    expected = sum((n % 3 + 1) * (9.9, 19.9)[n % 2] for n in range(30))
    assert float((got["quantity"] * got["unit_price"]).sum()) == pytest.approx(expected)


def test_a_shelf_price_beside_an_amount_stays_the_list_price(tmp_path: Path) -> None:
    proposal = propose_mapping(_till(tmp_path, "数量,零售价,实收金额", lambda n: f"2,10,{20 - n % 2}"))
    assert proposal.columns["order_lines"]["list_price"] == "零售价" and not proposal.shelf_priced


def test_a_shelf_price_paid_above_on_many_lines_is_no_list_price(tmp_path: Path) -> None:
    """零售价 10 a unit, paid 2 × 10 on two receipts in three and 2 × 13 (a surcharge) on the third: not a list price.

    Read as one, the discount depth was 1 − Σ paid ÷ Σ list = −10 %. Paid above on one receipt in thirty (a stray
    line, 3 %) the shelf price stays the list price.
    """
    proposal = propose_mapping(_till(tmp_path, "数量,零售价,实收金额", lambda n: f"2,10,{(20, 20, 26)[n % 3]}"))
    assert "list_price" not in proposal.columns["order_lines"]
    assert proposal.over_listed == [("小票明细.csv", "零售价", "实收金额", "数量", pytest.approx(1 / 3))]
    said = "\n".join(describe(proposal, check=False))
    assert "33% 的行成交价（实收金额 ÷ 数量）高于 零售价" in said and "未作为 list_price 读取" in said
    stray = propose_mapping(_till(tmp_path, "数量,零售价,实收金额", lambda n: f"2,10,{26 if n == 5 else 20 - n % 2}"))
    assert stray.columns["order_lines"]["list_price"] == "零售价" and not stray.over_listed
    priced = propose_mapping(_till(tmp_path, "数量,零售价,单价", lambda n: f"1,10,{(10, 9, 12)[n % 3]}"))
    assert "list_price" not in priced.columns["order_lines"]  # a unit price column is the price paid
    assert priced.over_listed == [("小票明细.csv", "零售价", "单价", None, pytest.approx(1 / 3))]


def _till(folder: Path, header: str, values) -> Path:
    """A till sheet of 30 receipts: number, date, member, product, then ``header``'s columns from ``values(n)``."""
    rows = [f"小票号,销售日期,会员卡号,商品编码,{header}"]
    rows += [f"T{n:03d},2026/9/{n % 28 + 1},M{n % 7},P{n % 3},{values(n)}" for n in range(30)]
    path = folder / "小票明细.csv"
    path.write_text("\n".join(rows) + "\n", encoding="gb18030")
    return path
