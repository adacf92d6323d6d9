"""An order's amount that is its lines plus a fixed tax on every order: said as a taxed amount, not a mismatch.

The Myanmar supermarket export (Kaggle "supermarket_sales") states each sale's Total = unit price × quantity × 1.05
(a 5 % tax, in its own column). Read as a disagreement, map and validate said "901 orders (100 %) disagree",
and a manager took the export for broken. A ratio the same on nearly every order is a tax or surcharge.
"""

from __future__ import annotations

import pandas as pd

from salesnb.data.consistency import amount_disagreement


def tables(amounts: list[float]) -> dict[str, pd.DataFrame]:
    lines = pd.DataFrame(
        {"order_id": ["A", "B", "C", "D"], "quantity": [7, 5, 8, 2], "unit_price": [74.69, 15.28, 46.33, 58.22]}
    )
    orders = pd.DataFrame({"order_id": ["A", "B", "C", "D"], "amount": amounts})
    return {"orders": orders, "order_lines": lines}


def test_a_fixed_tax_on_every_order_is_said_as_a_taxed_amount() -> None:
    # the export's own totals, rounded to cents: 522.83 × 1.05 = 548.97 …
    (message,) = amount_disagreement(tables([548.97, 80.22, 389.17, 122.26]))
    assert message.key == "problem_amount_taxed"
    assert message.text("zh") == (
        "orders.amount 每张订单都比订单明细（数量 × 单价）高 5.0%（4 张订单中 100% 如此，合计 1,140.62 对 1,086.31）："
        "像是含税金额，明细是不含税价；销售额按订单明细（不含税）计算。"
        "若报告应按含税金额，请在映射中把 unit_price 写成 =[金额列] / [数量列]"
    )


def test_amounts_apart_in_no_fixed_way_are_still_a_mismatch() -> None:
    (message,) = amount_disagreement(tables([548.97, 90.00, 389.17, 100.00]))
    assert message.key == "problem_amount_vs_lines_many"
