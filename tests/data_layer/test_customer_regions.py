"""The region of a customer: its own, else that of its latest order (one definition, data/customers.py)."""

from tiny import TABLES, write_tiny

from salesnb.data.customers import customer_regions
from salesnb.data.loading import load_dataset


def test_own_region_first_then_latest_order(tmp_path):
    customers = [dict(row) for row in TABLES["customers"]]
    customers[1]["region"] = None  # C2 has no region of its own
    ds = load_dataset(write_tiny(tmp_path / "d", tables={**TABLES, "customers": customers}))
    regions = customer_regions(ds)
    assert regions["C1"] == "华东" and regions["C3"] == "华南"
    latest = ds["orders"][ds["orders"]["customer_id"] == "C2"].sort_values(["order_date", "order_id"]).iloc[-1]
    assert regions["C2"] == latest["region"]
