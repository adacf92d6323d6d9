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
