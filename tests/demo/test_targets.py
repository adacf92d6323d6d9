"""Targets near the run-rate outside the planted cells."""


def test_targets_near_run_rate(tables, planted):
    targets, orders, lines = tables["targets"], tables["orders"], tables["order_lines"]
    region_rows = targets[targets["rep_id"].isna() & targets["product_line"].isna()]
    assert region_rows["region"].notna().all() and len(region_rows) == 5 * 24
    assert targets["rep_id"].notna().sum() > 30 * 24 and targets["product_line"].notna().sum() == 5 * 4 * 24
    revenue = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    actual = orders.assign(rev=orders["order_id"].map(revenue), period=orders["order_date"].dt.strftime("%Y-%m"))
    actual = actual.groupby(["region", "period"])["rev"].sum()
    attainment = actual / region_rows.set_index(["region", "period"])["target_amount"]
    assert 0.85 < attainment.median() < 1.05
    hit = attainment.index.isin([(p["region"], p["period"]) for p in planted])
    assert attainment[~hit].between(0.6, 1.5).all()
