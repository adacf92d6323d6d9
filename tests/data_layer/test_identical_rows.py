"""Rows repeating an earlier row in every column (a till export written twice): counted, but said by ``validate``.

Till export, rows 2–7 of the file (row 1 is the header):

    T1 甲 咖啡 1 × 7.09 (row 2), the same again (row 3), 蛋糕 2 × 4.50 = 9.00 (row 4)
    T2 乙 咖啡 1 × 7.09 (row 5), the same again (rows 6 and 7)

Rows 3, 6 and 7 repeat an earlier row: 3 rows, 3 × 7.09 = 21.27 of revenue. Revenue stays T1 23.18, T2 21.27.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.cli import main
from salesnb.data import facts
from salesnb.data.loading import load_dataset
from salesnb.data.messages import say

TILL = """单号,日期,客户,产品,数量,销售额
T1,2026-10-05,甲,咖啡,1,7.09
T1,2026-10-05,甲,咖啡,1,7.09
T1,2026-10-05,甲,蛋糕,2,9.00
T2,2026-10-06,乙,咖啡,1,7.09
T2,2026-10-06,乙,咖啡,1,7.09
T2,2026-10-06,乙,咖啡,1,7.09
"""
TILL_MAPPING = {
    "tables": {"orders": "till.csv", "order_lines": "till.csv"},
    "columns": {
        "orders": {"order_id": "单号", "customer_id": "客户", "order_date": "日期", "amount": "销售额"},
        "order_lines": {"order_id": "单号", "product_id": "产品", "quantity": "数量", "unit_price": "=销售额 / 数量"},
    },
}


def identical(ds, lang: str = "en") -> list[str]:
    return [say(w, lang) for w in ds.warnings if "every column" in say(w, "en")]


def test_identical_rows_of_a_flat_export_are_counted_and_said(tmp_path: Path) -> None:
    (tmp_path / "till.csv").write_text(TILL, encoding="utf-8")
    ds = load_dataset(tmp_path / "till.csv", mapping=TILL_MAPPING)
    revenue = facts.order_facts(ds).set_index("order_id")["revenue"]
    assert revenue.to_dict() == pytest.approx({"T1": 23.18, "T2": 21.27})  # the numbers do not change
    assert identical(ds) == [
        "till.csv: 3 rows repeat an earlier row in every column (rows 3, 6, 7) and are counted as sales of their own"
        " (21.27 of revenue): two identical sales read the same. If they are copies of one sale, delete them from"
        " the export: the mapping's exclude: leaves out rows by a column's value and would take the originals too"
    ]
    assert identical(ds, "zh")[0].startswith("till.csv：3 行与前面某一行每一列都相同（第 3, 6, 7 行）")


def test_rows_differing_in_one_column_are_no_copies(tmp_path: Path) -> None:
    lines = TILL.splitlines()
    stamped = [lines[0] + ",时间"] + [f"{line},10:0{i}" for i, line in enumerate(lines[1:])]  # each sale its minute
    (tmp_path / "till.csv").write_text("\n".join(stamped) + "\n", encoding="utf-8")
    assert identical(load_dataset(tmp_path / "till.csv", mapping=TILL_MAPPING)) == []


def test_an_order_lines_table_of_its_own_names_its_table_and_row(tmp_path: Path, capsys) -> None:
    """O1: 2 × 0.99 twice (row 3 repeats row 2) and 1 × 5.00 = 8.96, of which the copy is 1.98."""
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date\nO1,C1,2026-10-05\n", encoding="utf-8")
    (tmp_path / "order_lines.csv").write_text(
        "order_id,product_id,quantity,unit_price\nO1,P1,2,0.99\nO1,P1,2,0.99\nO1,P2,1,5.00\n", encoding="utf-8"
    )
    ds = load_dataset(tmp_path)
    assert facts.order_facts(ds)["revenue"].tolist() == pytest.approx([8.96])
    assert identical(ds) == [
        "table order_lines: row 3 repeats an earlier row in every column and is counted as a sale of its own"
        " (1.98 of revenue): two identical sales read the same. If it is a copy of one sale, delete it from the"
        " export: the mapping's exclude: leaves out rows by a column's value and would take the original too"
    ]
    assert main(["validate", "--data", str(tmp_path), "--lang", "en"]) == 0
    assert "! table order_lines: row 3 repeats an earlier row in every column" in capsys.readouterr().out


def test_orders_made_of_identical_rows_are_said_with_their_amount(tmp_path: Path) -> None:
    """No order number: 甲 on 10-05 paid 7.09 twice (rows 2, 3) — one order of 14.18, one row repeated."""
    (tmp_path / "pos.csv").write_text(
        "客户,日期,金额\n甲,2026-10-05,7.09\n甲,2026-10-05,7.09\n乙,2026-10-05,3.50\n", encoding="utf-8"
    )
    mapping = {
        "tables": {"orders": "pos.csv"},
        "columns": {"orders": {"order_id": {"per": ["客户", "日期"]}, "customer_id": "客户", "order_date": "日期",
                               "amount": "金额"}},
    }  # fmt: skip
    ds = load_dataset(tmp_path / "pos.csv", mapping=mapping)
    assert sorted(ds["orders"]["amount"].tolist()) == pytest.approx([3.50, 14.18])
    assert [w.split(" and ")[0] for w in identical(ds)] == [
        "table orders: row 3 repeats an earlier row in every column"
    ]
    assert "(7.09 of revenue)" in identical(ds)[0]
