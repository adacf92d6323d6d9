"""``salesnb map`` leaves out lines of quantity 0 that carry money when their unit price is the amount ÷ quantity.

A sheet of 数量 and 金额 without a price column is priced ``[金额] / [数量]``: a line of 数量 0 and 金额 45 (a price
adjustment, a fee) has no price, and validation stopped every report at the division by zero. The proposal now
leaves such lines out and says what money they held; a line read at a price column of its own is worth 0 × price
and stays, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping
from salesnb.errors import DataValidationError


def _sheet(tmp_path: Path, price: bool) -> Path:
    rows = ["订单编号,下单日期,客户编号,商品编码,数量," + ("单价," if price else "") + "金额"]
    for n in range(30):
        quantity = 0 if n == 3 else n % 4 + 1
        amount = 45.0 if n == 3 else 10.0 * quantity
        rows.append(
            f"SO{n},2024/{n % 3 + 1}/{n % 9 + 10},C{n % 7},P{n % 5},{quantity},"
            + ("10," if price else "")
            + f"{amount}"
        )
    (tmp_path / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path / "s.csv"


def test_a_priceless_line_of_quantity_0_with_money_is_left_out_and_said(tmp_path: Path) -> None:
    path = _sheet(tmp_path, price=False)
    proposal = propose_mapping(path)
    assert proposal.columns["order_lines"]["unit_price"] == "=[金额] / [数量]"
    assert proposal.mapping()["exclude"] == {"order_lines": {"数量": ["=0"]}}
    said = "\n".join(describe(proposal, check=False))
    total = sum(10.0 * (n % 4 + 1) for n in range(30) if n != 3) + 45.0  # 690 + 45 = 735
    assert "1 行的 数量 为 0 却有金额（合计 45.00，占 6.1%，2024-01 最多，占当月 17.6%）" in said
    assert total == 735.0 and round(45 / (210 + 45), 3) == 0.176  # January: 9 lines of 21 units at 10, and 45
    lines = load_dataset(path, mapping=proposal.mapping())["order_lines"]
    assert len(lines) == 29 and float((lines["quantity"] * lines["unit_price"]).sum()) == total - 45.0
    kept = {k: v for k, v in proposal.mapping().items() if k != "exclude"}
    with pytest.raises(DataValidationError, match="divides by zero"):  # main's proposal: no report at all
        load_dataset(path, mapping=kept)


def test_a_line_of_quantity_0_read_at_its_price_column_stays(tmp_path: Path) -> None:
    proposal = propose_mapping(_sheet(tmp_path, price=True))
    assert proposal.columns["order_lines"]["unit_price"] == "单价"
    assert "exclude" not in proposal.mapping()
    assert "为 0 却有金额" not in "\n".join(describe(proposal, check=False))
