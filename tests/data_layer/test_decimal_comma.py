"""Numbers with a decimal comma, as a European Excel saves a CSV (semicolons between fields, ``1963,1``)."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset, read_table_file
from salesnb.data.propose import propose_mapping


def read(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "prices.csv").write_text(text, encoding="utf-8")
    return read_table_file(tmp_path / "prices.csv")["price"].fillna("").tolist()


def test_a_semicolon_file_with_decimal_commas_reads_them_as_decimals(tmp_path: Path) -> None:
    assert read(tmp_path, "id;price\n1;1963,1\n2;0,075\n3;12\n") == ["1963.1", "0.075", "12"]
    assert read(tmp_path, "id;price\n1;1.234,56\n2;7,5\n3;-3,25\n") == ["1234.56", "7.5", "-3.25"]
    assert read(tmp_path, "id;price\n1;1,500\n2;12,000\n") == ["1,500", "12,000"]  # thousands, as before
    assert read(tmp_path, "id;price\n1;1,5\n2;n/a\n") == ["1.5", ""]  # an empty marker stays empty
    assert read(tmp_path, 'id,price\n1,"1,5"\n2,2.5\n') == ["1,5", "2.5"]  # a comma file: not a decimal comma


def test_a_semicolon_export_with_decimal_commas_maps_and_loads(tmp_path: Path) -> None:
    export = tmp_path / "ventes.csv"
    text = (
        "OrderNumber;OrderDate;Customer Names;Product Name;Order Quantity;Unit Price;Discount Applied\n"
        "SO - 1;05/03/2024;Société Générale;Tables;5;1963,1;0,075\n"
        "SO - 2;31/03/2024;Café Müller;Vases;2;40,5;0,05\n"
    )
    export.write_bytes(text.encode("cp1252"))
    proposal = propose_mapping(export)
    assert proposal.columns["order_lines"]["quantity"] == "Order Quantity"
    ds = load_dataset(export, mapping=proposal.mapping())
    lines = ds["order_lines"].sort_values("order_id")
    # 5 × 1963.1 less 7.5 %, 2 × 40.5 less 5 %
    assert (lines["quantity"] * lines["unit_price"]).round(4).tolist() == [9079.3375, 76.95]
    assert ds["orders"]["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-05", "2024-03-31"]
