"""A till export's voided lines (a sale and its negative on the same slip) cancel out; a partial return does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data import facts
from salesnb.data.loading import load_dataset
from salesnb.errors import DataValidationError

TILL = (
    "小票号,销售日期,商品码,销量,销售额\n"
    "A1,2026-10-05,P1,1,10\nA1,2026-10-05,P1,-1,-10\nA1,2026-10-05,P2,2,40\n"  # P1 voided: the slip sold P2
    "A2,2026-10-06,P1,1,10\nA2,2026-10-06,P1,-1,-10\n"  # the whole slip voided: no order
    "A3,2026-10-07,P1,3,30\nA3,2026-10-07,P1,-1,-10\n"  # one of three brought back: a return, not a void
)
MAPPING = {
    "tables": {"orders": "till.csv", "order_lines": "till.csv"},
    "columns": {
        "orders": {"order_id": "小票号", "order_date": "销售日期", "amount": "销售额"},
        "order_lines": {
            "order_id": "小票号",
            "product_id": "商品码",
            "quantity": "销量",
            "unit_price": "=[销售额] / [销量]",
        },
    },
}


def test_voided_pairs_cancel_and_a_partial_return_is_still_said(tmp_path: Path) -> None:
    (tmp_path / "till.csv").write_text(TILL, encoding="utf-8")
    with pytest.raises(DataValidationError, match="order_lines.quantity") as error:
        load_dataset(tmp_path / "till.csv", mapping=MAPPING)
    assert "1 row" in str(error.value)  # A3's −1 alone: the voids are gone
    mapping = {**MAPPING, "exclude": {"order_lines": {"销量": ["<0"]}}}
    ds = load_dataset(tmp_path / "till.csv", mapping=mapping)
    orders = facts.order_facts(ds).set_index("order_id")["revenue"].to_dict()
    assert orders == {"A1": 40.0, "A3": 30.0}  # A2 was voided whole: not an order
    (note,) = [w.text("zh") for w in ds.warnings if "冲销" in w.text("zh")]
    assert note.startswith("till.csv：2 对冲销行") and note.endswith("涉及 2 张单")


def test_a_line_returned_whole_on_a_later_day_is_a_return_not_a_void(tmp_path: Path) -> None:
    """A till voids a line on the slip's own day; a whole line brought back two weeks later is a return.

    B1 sold P1 on 10-06 and P1 came back on 10-20: cancelling the pair as a void took B1's 10 out of October's
    sales and the order out of the count (main: revenue 70 and 2 orders, neither the gross 80 nor the net 60).
    Kept a sale, B1 counts; its return is a negative line like A3's, said by validate and left out by ``<0``.
    """
    till = TILL.replace(
        "A2,2026-10-06,P1,1,10\nA2,2026-10-06,P1,-1,-10\n", "B1,2026-10-06,P1,1,10\nB1,2026-10-20,P1,-1,-10\n"
    )
    (tmp_path / "till.csv").write_text(till, encoding="utf-8")
    with pytest.raises(DataValidationError, match="order_lines.quantity") as error:
        load_dataset(tmp_path / "till.csv", mapping=MAPPING)
    assert "2 rows" in str(error.value)  # A3's −1 and B1's return; A1's void is gone
    ds = load_dataset(tmp_path / "till.csv", mapping={**MAPPING, "exclude": {"order_lines": {"销量": ["<0"]}}})
    orders = facts.order_facts(ds).set_index("order_id")["revenue"].to_dict()
    assert orders == {"A1": 40.0, "B1": 10.0, "A3": 30.0}  # gross sales: 80, every order kept
    (note,) = [w.text("zh") for w in ds.warnings if "冲销" in w.text("zh")]
    assert note.startswith("till.csv：1 对冲销行") and note.endswith("涉及 1 张单")


def test_map_says_what_leaving_the_returned_lines_out_does_to_revenue(tmp_path: Path) -> None:
    """The till with B1's whole line returned on 10-20: A3's −1 (10) and B1's −1 (10) are 20 against the 80 sold
    (A1's void pair aside): 25.0% of sales; left out, revenue is the sales before returns, 80 against the net 60,
    33.3% higher. main named the rows (1: B1's return was a void) and not what leaving them out does."""
    from salesnb.data.mapview import describe
    from salesnb.data.propose import propose_mapping

    till = TILL.replace(
        "A2,2026-10-06,P1,1,10\nA2,2026-10-06,P1,-1,-10\n", "B1,2026-10-06,P1,1,10\nB1,2026-10-20,P1,-1,-10\n"
    )
    (tmp_path / "till.csv").write_text(till, encoding="utf-8")
    text = "\n".join(describe(propose_mapping(tmp_path / "till.csv"), "zh", check=False))
    assert "till.csv：2 行的 销量 为负数，按退货（红字）处理，金额合计为正数部分的 25.0%" in text
    assert "销售额按退货前的销售计（比扣除退货后的净额高 33.3%）" in text  # proposed now: .return_rows
    en = "\n".join(describe(propose_mapping(tmp_path / "till.csv"), "en", check=False))
    assert "revenue is the sales before returns (33.3% above the net of returns)" in en
