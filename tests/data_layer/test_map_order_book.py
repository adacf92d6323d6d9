"""``salesnb map`` on a distributor's order book (US Regional Sales: one sheet of orders with a discount share)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


def test_a_discount_applied_share_nets_the_unit_price(tmp_path: Path) -> None:
    """``Discount Applied`` 0.05 … 0.4 is the share taken off the unit price, as ``Discount`` is (Northwind)."""
    for name in ("Discount Applied", "Discount %", "UnitPriceDiscountPct", "discount_percent"):
        columns = {"OrderNumber": ["1"], "Unit Price": ["100"], "Order Quantity": ["2"], name: ["0.2"]}
        found, _ = match_columns(frame(**columns))
        assert found.get("discount_off") == name, name
    (tmp_path / "orders.csv").write_text(
        "OrderNumber,OrderDate,_CustomerID,_ProductID,Order Quantity,Discount Applied,Unit Price\n"
        "SO - 1,2020-12-01,7,13,5,0.2,100\nSO - 2,2020-12-02,8,14,2,0.05,40\n",
        encoding="utf-8",
    )
    export = tmp_path / "orders.csv"
    lines = load_dataset(export, mapping=propose_mapping(export).mapping())["order_lines"]
    assert (lines["quantity"] * lines["unit_price"]).round(2).tolist() == [400.0, 76.0]  # 500 less 20 %, 80 less 5 %
    assert lines["list_price"].tolist() == [100.0, 40.0]


def test_a_requested_delivery_date_is_the_promised_date() -> None:
    """The date the customer asked delivery for, beside the delivery date: late deliveries can be counted."""
    columns = {
        "OrderNumber": ["SO - 1", "SO - 2"],
        "OrderDate": ["2020-12-01", "2020-12-02"],
        "Requested Delivery Date": ["2021-01-05", "2021-01-06"],
        "DeliveryDate": ["2021-01-04", "2021-01-09"],
    }
    found, _ = match_columns(frame(**columns))
    assert (found["promised_at"], found["delivered_at"]) == ("Requested Delivery Date", "DeliveryDate")
    found, _ = match_columns(frame(OrderNumber=["1"], OrderDate=["2020-12-01"], RequestedDate=["2021-01-05"]))
    assert found["promised_at"] == "RequestedDate"


def test_an_erp_s_requested_arrival_date_is_the_promised_date() -> None:
    """用友/金蝶 sales orders name the date asked for 要求到货日期 (or 要货日期, 预计到货日期) beside 到货日期."""
    for name in ("要求到货日期", "要货日期", "预计到货日期", "计划到货日期", "约定到货日期", "承诺到货日期"):
        columns = {
            "单据编号": ["XS1", "XS2"],
            "单据日期": ["2026/10/5", "2026/10/6"],
            name: ["2026/11/5", "2026/11/6"],
            "到货日期": ["2026/11/4", "2026/11/9"],
        }
        found, _ = match_columns(frame(**columns))
        assert (found.get("promised_at"), found["delivered_at"]) == (name, "到货日期"), name
