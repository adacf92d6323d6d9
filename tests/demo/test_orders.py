"""Orders and order lines: regions, months, seasonality and volume; prices, discounts, amounts and invoices."""

import numpy as np

from demo.helpers import END
from salesnb.demo import REGIONS


def test_regions_months_and_volume(tables):
    orders = tables["orders"]
    months = orders["order_date"].dt.strftime("%Y-%m")
    assert set(orders["region"]) == set(REGIONS) and len(REGIONS) == 5
    assert months.nunique() == 24 and months.max() == END and months.min() == "2024-11"
    per_month = months.value_counts()
    assert per_month.min() >= 150 and 250 <= per_month.median() <= 450  # several hundred orders a month
    share = orders["region"].value_counts(normalize=True)
    assert share.idxmax() == "华东" and share["华东"] > 0.25 and share.min() > 0.08
    # seasonality: 春节 months weaker than December
    by_month = months.str[5:].value_counts()
    assert by_month["02"] < 0.75 * by_month["12"]
    lines_per_order = tables["order_lines"].groupby("order_id").size()
    assert lines_per_order.between(1, 4).all() and lines_per_order.max() == 4 and 1.4 < lines_per_order.mean() < 2.4


def test_prices_discounts_and_amounts_consistent(tables):
    lines, orders = tables["order_lines"], tables["orders"]
    assert (lines["unit_price"] <= lines["list_price"]).all() and (lines["unit_cost"] < lines["list_price"]).all()
    discount = 1 - (lines["unit_price"] * lines["quantity"]).sum() / (lines["list_price"] * lines["quantity"]).sum()
    assert 0.04 < discount < 0.2
    revenue = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    filled = orders.dropna(subset=["amount"])
    assert 0.2 < len(filled) / len(orders) < 0.5
    np.testing.assert_allclose(filled["amount"], filled["order_id"].map(revenue), atol=0.01)
    invoices = tables["invoices"]
    terms = (invoices["due_at"] - invoices["issued_at"]).dt.days
    assert terms.between(30, 60).all()
    paid = invoices["paid_at"].notna()
    assert 0.75 < paid.mean() < 0.99 and (invoices["paid_at"] > invoices["due_at"]).mean() > 0.05
