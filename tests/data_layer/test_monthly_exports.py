"""Exports split into one file per month named in English, with the header repeated inside the data."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping

HEAD = "Order ID,Product,Quantity Ordered,Price Each,Order Date\n"


def test_files_named_by_english_months_are_one_table(tmp_path: Path) -> None:
    (tmp_path / "Sales_April_2019.csv").write_text(HEAD + "1,Cable,2,11.95,04/19/19 08:46\n", encoding="utf-8")
    (tmp_path / "Sales_May_2019.csv").write_text(HEAD + "2,Phone,1,600,05/07/19 10:00\n", encoding="utf-8")
    (tmp_path / "Sales_Jun_2019.csv").write_text(HEAD + "3,Cable,1,11.95,06/02/19 09:00\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == "Sales_*_*.csv"
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert sorted(ds["orders"]["order_id"]) == ["1", "2", "3"]
    lines = ds["order_lines"]
    assert round(float((lines["quantity"] * lines["unit_price"]).sum()), 2) == 635.85
