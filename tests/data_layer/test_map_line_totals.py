"""A POS export whose line total is ``total_sale`` beside a price and a misspelt quantity column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping


def test_total_sale_is_the_amount_not_one_unit_at_the_price(tmp_path: Path) -> None:
    head = "transactions_id,sale_date,customer_id,category,quantiy,price_per_unit,cogs,total_sale\n"
    rows = [f"{n},2023-11-{n + 1:02d},{n % 4},Beauty,3,50.00,16.00,150.00\n" for n in range(1, 21)]
    (tmp_path / "retail_sales.csv").write_text(head + "".join(rows), encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["orders"]["amount"] == "total_sale"
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert float(ds["orders"]["amount"].sum()) == 3000  # 20 × 150, not 20 × 50 (one unit at its price)


def test_cogs_is_the_cost_per_unit_or_of_the_line(tmp_path: Path) -> None:
    head = "transactions_id,sale_date,customer_id,category,quantity,price_per_unit,cogs\n"
    rows = [f"{n},2023-11-{n + 1:02d},{n % 4},Beauty,3,50.00,96.00\n" for n in range(1, 21)]  # 3 × 32 a unit
    (tmp_path / "retail_sales.csv").write_text(head + "".join(rows), encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["order_lines"]["unit_cost"] == "=[cogs] / [quantity]"
    lines = load_dataset(tmp_path, mapping=proposal.mapping())["order_lines"]
    assert float((lines["quantity"] * lines["unit_cost"]).sum()) == 20 * 96


def test_an_item_description_and_a_genre_are_the_product_and_its_line() -> None:
    """A till export's `Item Description` and a media catalogue's `Genre` were left unused."""
    from salesnb.data.match import match_columns

    frame = pd.DataFrame({"Item Description": ["Rock Album", "Jazz Album"], "Genre": ["Rock", "Jazz"]})
    found, _ = match_columns(frame)
    assert found.get("product_name") == "Item Description" and found.get("product_line") == "Genre"


TILL = """Order No,Date,Customer,Product,Unit Price,Line Total
A1,2026-09-03,Cust1,Widget,2.50,10.00
A1,2026-09-03,Cust1,Gadget,4.00,4.00
A2,2026-09-10,Cust2,Widget,2.50,7.50
A3,2026-10-02,Cust1,Gadget,4.00,12.00
A4,2026-10-15,Cust3,Widget,2.50,2.50
"""


def test_a_line_total_and_a_unit_price_give_the_quantity(tmp_path: Path) -> None:
    """No quantity column: 10.00 at 2.50 is 4 widgets (the order lines were not proposed at all)."""
    (tmp_path / "till.csv").write_text(TILL, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "till.csv")
    assert proposal.columns["order_lines"]["quantity"] == "=[Line Total] / [Unit Price]"
    assert proposal.columns["order_lines"]["unit_price"] == "Unit Price"
    lines = load_dataset(tmp_path / "till.csv", mapping=proposal.mapping())["order_lines"]
    assert lines["quantity"].tolist() == [4, 1, 3, 3, 1]
    assert (lines["quantity"] * lines["unit_price"]).tolist() == [10.0, 4.0, 7.5, 12.0, 2.5]  # each line's total
    assert lines.groupby("product_id")["quantity"].sum().to_dict() == {"Gadget": 4, "Widget": 8}


def test_a_free_line_leaves_the_quantity_underived(tmp_path: Path) -> None:
    """A5's free item (price 0, total 0) has no quantity total ÷ price: no lines, as before, and the data loads.

    A5 itself totals 0: a free order is no order (:mod:`salesnb.data.zero_orders`), left out and counted.
    """
    (tmp_path / "till.csv").write_text(TILL + "A5,2026-10-16,Cust3,Freebie,0,0\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path / "till.csv")
    assert "order_lines" not in proposal.columns and proposal.missing["order_lines"] == ["quantity"]
    ds = load_dataset(tmp_path / "till.csv", mapping=proposal.mapping())
    assert ds["orders"].set_index("order_id")["amount"].to_dict() == {"A1": 14.0, "A2": 7.5, "A3": 12.0, "A4": 2.5}
    assert ds.zero_orders == {"2026-10": 1}


def test_a_derived_quantity_carries_the_line_cost_and_a_total_in_wan() -> None:
    """A line cost per unit is divided by the derived quantity in brackets; 万元 columns are scaled inside."""
    from salesnb.data.proposal_tables import tables_from

    found = {"order_id": "单号", "order_date": "日期", "product_id": "产品", "unit_price": "单价（万元）",
             "amount": "金额（万元）", "line_cost": "成本"}  # fmt: skip
    lines = tables_from(found)[0]["order_lines"]
    assert lines["quantity"] == "=[金额（万元）] * 10000 / ([单价（万元）] * 10000)"
    assert lines["unit_cost"] == "=[成本] / ([金额（万元）] * 10000 / ([单价（万元）] * 10000))"
