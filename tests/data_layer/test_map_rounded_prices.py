"""``salesnb map`` prices a line by its total when the unit price column is that total over the quantity, rounded.

An ERP writes 无税单价 to the cent and computes 无税金额 from the unrounded price: 3 × 92.5925 = 277.78 on the
sheet, 3 × 92.59 = 277.77 from its price column. Read from the rounded price, the revenue of a month of 262 lines
was 0.45 元 off the sheet's own 无税金额 total, the figure the ERP's 销售统计表 and the finance team report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping


def _sheet(tmp_path: Path, rounded: bool) -> tuple[Path, float]:
    rows, total = ["单据编号,单据日期,客户名称,存货编码,数量,无税单价,无税金额"], 0.0
    for n in range(30):
        quantity, exact = n % 5 + 1, 100.1 * 0.925 + n  # 92.5925 + n: the price after a 7.5 % discount
        amount = round(quantity * exact, 2) if rounded else round(quantity * round(exact, 2), 2)
        rows.append(f"XS{n:03d},2026/9/{n % 28 + 1},客户{n % 4},CP{n % 3},{quantity},{exact:.2f},{amount:.2f}")
        total += amount
    (tmp_path / "销售订单明细.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售订单明细.csv", round(total, 2)


def test_a_price_rounded_to_the_cent_gives_way_to_the_line_total(tmp_path: Path) -> None:
    path, total = _sheet(tmp_path, rounded=True)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["unit_price"] == "=[无税金额] / [数量]"
    said = "\n".join(describe(proposal, check=False))
    assert "无税单价 只记到分" in said and "24 行" in said
    lines = load_dataset(path, mapping=proposal.mapping())["order_lines"]
    assert round(float((lines["quantity"] * lines["unit_price"]).sum()), 2) == total
    prices = [
        round(quantity * round(100.1 * 0.925 + n, 2), 2) for n, quantity in enumerate(n % 5 + 1 for n in range(30))
    ]
    assert round(sum(prices), 2) != total  # the rounded prices miss the sheet's total


def test_a_price_that_is_exact_is_kept(tmp_path: Path) -> None:
    path, _ = _sheet(tmp_path, rounded=False)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["unit_price"] == "无税单价"
    assert "只记到分" not in "\n".join(describe(proposal, check=False))


@pytest.mark.parametrize("price", ["113", "99.5"])
def test_a_price_further_off_than_a_rounding_is_no_rounding(tmp_path: Path, price: str) -> None:
    """A price with tax beside an amount without (113 × 2 against 200), or one off by more than half a cent."""
    rows = ["单据编号,单据日期,客户名称,存货编码,数量,无税单价,无税金额"]
    rows += [f"XS{n:03d},2026/9/{n % 28 + 1},客户{n % 4},CP1,2,{price if n % 2 else '100'},200" for n in range(30)]
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert "只记到分" not in "\n".join(describe(propose_mapping(tmp_path / "s.csv"), check=False))
