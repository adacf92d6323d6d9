"""A web shop's order export (Shopify's layout, used by many cross-border sellers): one row per line item, the
order's number written ``#1001`` under Name, the buyer an email, the order's own fields on its first row only."""

from __future__ import annotations

from pathlib import Path

from salesnb.data import facts
from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping

HEADER = "Name,Email,Financial Status,Created at,Total,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku"
EXPORT = f"""{HEADER},Billing Province
#1001,a@x.com,paid,2026-09-03 10:00:00 +0800,130.00,2,杯子,15.00,SKU1,浙江
#1001,,,2026-09-03 10:00:00 +0800,,1,茶壶,100.00,SKU2,
#1002,b@x.com,paid,2026-10-04 09:30:00 +0800,45.00,3,杯子,15.00,SKU1,广东
#1003,a@x.com,paid,2026-10-20 20:00:00 +0800,100.00,1,茶壶,100.00,SKU2,浙江
#1004,c@x.com,refunded,2026-10-21 20:00:00 +0800,30.00,2,杯子,15.00,SKU1,浙江
"""


def test_a_shop_export_maps_its_number_buyer_and_lines_and_totals_each_order(tmp_path: Path) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    mapping = propose_mapping(path).mapping()
    orders, lines = mapping["columns"]["orders"], mapping["columns"]["order_lines"]
    assert (orders["order_id"], orders["customer_id"], orders["amount"]) == ("Name", "Email", "Total")
    assert (lines["quantity"], lines["unit_price"]) == ("Lineitem quantity", "Lineitem price")
    assert mapping["columns"]["products"]["product_name"] == "Lineitem name"
    assert mapping["exclude"]["orders"] == {"Financial Status": ["refunded"]}  # a refund undoes the sale
    ds = load_dataset(path, mapping=mapping)
    of = facts.order_facts(ds).set_index("order_id")
    assert of["revenue"].to_dict() == {"#1001": 130.0, "#1002": 45.0, "#1003": 100.0}  # 2 × 15 + 100 on #1001
    assert of["customer_id"].to_dict() == {"#1001": "a@x.com", "#1002": "b@x.com", "#1003": "a@x.com"}
    assert facts.regions(ds) == ["广东", "浙江"]
