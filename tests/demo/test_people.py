"""Reps and customers: realistic names and sizes, reps selling only while employed, acquisition at first order."""

import pandas as pd


def test_customers_products_reps_look_real(tables):
    customers, products, reps = tables["customers"], tables["products"], tables["reps"]
    assert customers["customer_name"].str.match(r"^.{2,4}.{2}.+(有限公司|有限责任公司)$").all()
    assert customers["customer_name"].is_unique
    size = customers["employee_count"]
    assert (size < 50).mean() > 0.1 and (size > 1000).mean() > 0.02
    assert {"制造业", "零售", "医疗", "教育", "互联网", "物流"} <= set(customers["industry"])
    assert 20 <= len(products) <= 30 and products["product_line"].nunique() in (3, 4)
    recent = products["launch_date"] >= pd.Timestamp("2026-05-01")
    assert 2 <= recent.sum() <= 5
    assert 40 <= len(reps) <= 60 and reps["rep_name"].str.len().between(2, 3).all()
    window = reps["leave_date"].between(pd.Timestamp("2024-11-01"), pd.Timestamp("2026-10-31"))
    assert window.sum() >= 5 and (reps["hire_date"] >= pd.Timestamp("2024-11-01")).sum() >= 5
    assert set(tables["orders"]["channel"]) == {"直营", "分销", "电商"}


def test_reps_sell_only_while_employed(tables):
    orders = tables["orders"].dropna(subset=["rep_id"]).merge(tables["reps"], on="rep_id", suffixes=("", "_rep"))
    assert len(orders) > 0.6 * len(tables["orders"])
    assert (orders["order_date"] >= orders["hire_date"]).all()
    assert ((orders["order_date"] < orders["leave_date"]) | orders["leave_date"].isna()).all()
    assert (orders["region"] == orders["region_rep"]).all()


def test_new_customers_acquired_at_first_order(tables):
    orders, customers = tables["orders"], tables["customers"]
    first = orders.groupby("customer_id")["order_date"].min()
    new = customers[customers["acquired_at"] >= pd.Timestamp("2024-11-01")].set_index("customer_id")
    assert len(new) > 500
    assert (first.reindex(new.index) == new["acquired_at"]).all()
    assert set(customers["acquisition_channel"]) <= {"展会", "线上广告", "自然流量", "转介绍", "电话营销"}
    buyers = orders.groupby(orders["order_date"].dt.strftime("%Y-%m"))["customer_id"].nunique()
    new_per_month = new.groupby(new["acquired_at"].dt.strftime("%Y-%m")).size()
    assert (new_per_month.reindex(buyers.index[1:]) < buyers.iloc[1:] * 0.35).all()  # mostly repeat buyers
