"""Exports split into one file per month named in English, with the header repeated inside the data."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping

HEAD = "Order ID,Product,Quantity Ordered,Price Each,Order Date\n"


def test_files_named_by_english_months_are_one_table(tmp_path: Path) -> None:
    (tmp_path / "Sales_April_2019.csv").write_text(HEAD + "1,Cable,2,11.95,04/19/19 08:46\n", encoding="utf-8")
    (tmp_path / "Sales_May_2019.csv").write_text(HEAD + "2,Phone,1,600,05/07/19 10:00\n", encoding="utf-8")
    (tmp_path / "Sales_Jun_2019.csv").write_text(HEAD + "3,Cable,1,11.95,06/02/19 09:00\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == "Sales_*_*.csv"
    assert "names that differ only in numbers or month names" in "\n".join(describe(proposal, "en"))
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert sorted(ds["orders"]["order_id"]) == ["1", "2", "3"]
    lines = ds["order_lines"]
    assert round(float((lines["quantity"] * lines["unit_price"]).sum()), 2) == 635.85


def test_header_lines_repeated_inside_the_data_are_skipped_with_a_warning(tmp_path: Path) -> None:
    sales = [f"{n},Cable,1,10,04/{13 + n % 15}/19 08:46\n" for n in range(1, 61)]  # 2 headers among 60 sales
    rows = "".join(sales[:30]) + HEAD + ",,,,\n" + "".join(sales[30:]) + HEAD.lower()
    (tmp_path / "sales.csv").write_text(HEAD + rows, encoding="utf-8")
    ds = load_dataset(tmp_path, mapping=propose_mapping(tmp_path).mapping())
    assert len(ds["orders"]) == 60 and float(ds["order_lines"]["unit_price"].sum()) == 600
    said = [w.text("en") for w in ds.warnings]
    assert "sales.csv: 2 rows repeat the header (exports pasted together) and were skipped (rows 32, 64)" in said
