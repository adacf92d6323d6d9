"""A schema exported table by table whose lines point at the product by its own key name (Chinook's TrackId)."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping


def write_chinook(folder: Path) -> None:
    """Invoices, their lines (TrackId, UnitPrice, Quantity) and the tracks: 10 invoices of two lines each."""
    invoices = "".join(f"{n},{n % 3},2025-11-{n + 1:02d} 00:00:00,{n}.98\n" for n in range(1, 11))
    (folder / "Invoice.csv").write_text("InvoiceId,CustomerId,InvoiceDate,Total\n" + invoices, encoding="utf-8")
    lines = "".join(f"{2 * n + k},{n},{k + 1},0.99,1\n" for n in range(1, 11) for k in range(2))
    (folder / "InvoiceLine.csv").write_text("InvoiceLineId,InvoiceId,TrackId,UnitPrice,Quantity\n" + lines, "utf-8")
    tracks = "1,For Those About To Rock,1,0.99\n2,Balls to the Wall,2,0.99\n3,Fast As a Shark,2,0.99\n"
    (folder / "Track.csv").write_text("TrackId,Name,AlbumId,UnitPrice\n" + tracks, encoding="utf-8")


def test_invoice_lines_and_tracks_become_order_lines_and_products(tmp_path: Path) -> None:
    write_chinook(tmp_path)
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["order_lines"] == "InvoiceLine.csv"
    assert proposal.columns["order_lines"]["product_id"] == "TrackId"
    assert proposal.tables["products"] == "Track.csv"
    assert proposal.columns["products"] == {"product_id": "TrackId", "product_name": "Name", "list_price": "UnitPrice"}
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    lines = ds["order_lines"]
    assert len(lines) == 20 and round(float((lines["quantity"] * lines["unit_price"]).sum()), 2) == 19.8
    names = ds["products"].set_index("product_id")["product_name"]
    assert names["2"] == "Balls to the Wall"
