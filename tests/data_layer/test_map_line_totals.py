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
