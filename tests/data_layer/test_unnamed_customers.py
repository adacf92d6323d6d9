"""散客, 零售客户, walk-in in a customer column: no customer on record, read as an empty cell.

Real round 26 (hotel bookings exported as a Chinese PMS would): the 客户名称 column names the travel agency or the
company, and 散客 for a guest who booked directly. Read as one customer, 散客 was a buyer of every month (97
buyers in 2017-07, not 96) and 17.7% of 葡萄牙本地's last-12-month revenue sat in its top-10 share (70.6%, not
54.5%). An empty cell is already read as a sale to nobody on record; a placeholder word must be read the same.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb import market
from salesnb.data.column_words import unnamed_customers
from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping
from salesnb.report import open_report


def test_placeholder_words_are_read_loosely_and_names_that_only_contain_them_are_kept() -> None:
    values = pd.Series(["散客", " 零售客户 ", "Walk-in Customer", "walk_in", "旅行社9", "散客之家酒店", None, "匿名"])
    assert unnamed_customers(values).tolist() == [True, True, True, True, False, False, False, True]


def _export(folder: Path) -> Path:
    rows = [  # 2026-09 and 2026-10; 散客 buys 900 in October, the agencies 600 and 300, the company 200
        ("H1", "2026/9/3 14:00", "旅行社9", "直销", "600.00"),
        ("H2", "2026/9/9 14:00", "散客", "直销", "1,000.00"),
        ("H3", "2026/9/20 14:00", "协议单位40", "企业协议", "200.00"),
        ("H4", "2026/10/2 14:00", "旅行社9", "OTA", "600.00"),
        ("H5", "2026/10/5 14:00", "散客", "直销", "500.00"),
        ("H6", "2026/10/8 14:00", "散客", "直销", "400.00"),
        ("H7", "2026/10/15 14:00", "旅行社240", "OTA", "300.00"),
        ("H8", "2026/10/31 14:00", "协议单位40", "企业协议", "200.00"),
    ]
    frame = pd.DataFrame(rows, columns=["订单编号", "入住日期", "客户名称", "渠道", "订单金额"])
    frame.to_csv(folder / "酒店预订明细.csv", index=False, encoding="gb18030")
    return folder


def test_a_walk_in_guest_is_no_buyer_but_its_sales_count(tmp_path: Path) -> None:
    folder = _export(tmp_path)
    mapping = propose_mapping(folder).mapping()
    ds = load_dataset(folder, mapping=mapping)
    orders = ds["orders"].set_index("order_id")
    assert orders.loc[["H2", "H5", "H6"], "customer_id"].isna().all()
    assert orders["amount"].sum() == pytest.approx(3800.0)  # every sale still counts
    assert "散客" not in set(ds["customers"]["customer_id"].dropna())
    r = open_report(str(folder), "2026-10", "ALL", dataset=ds)
    m = market.concentration.period_concentration(r)
    # October: 2,000 in all; the named buyers 旅行社9 600, 旅行社240 300, 协议单位40 200 (散客 900 is nobody's)
    assert m["customers"] == 3 and m["largest_customer"] == "旅行社9"
    assert m["largest_share"] == pytest.approx(600 / 2000) and m["top_share"] == pytest.approx(1100 / 2000)


def test_a_customer_table_row_for_the_walk_in_pool_is_no_customer(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA1,C1,2026-10-01,5\nA2,散客,2026-10-02,7\nA3,C1,2026-10-03,4\n",
        encoding="utf-8",
    )
    (tmp_path / "customers.csv").write_text("customer_id,region\nC1,华东\n散客,华南\n", encoding="utf-8")
    ds = load_dataset(tmp_path)
    assert ds["customers"]["customer_id"].tolist() == ["C1"]
    assert ds["orders"]["customer_id"].isna().tolist() == [False, True, False]
    assert ds["orders"]["amount"].sum() == 16
