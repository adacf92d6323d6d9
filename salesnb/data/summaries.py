"""Rows that total several orders (a daily summary's 订单量): one order each, so counts and order values are right.

A summary export (日期 × 产品类别 × 地区, with 销售额 and 订单量) made one "order" of each row: 560 orders where
its 订单量 summed to 18,103, and an average order value 30× too high on the overview. With the mapping's
``orders: {order_count: 订单量}``, each row becomes as many orders as it counts, sharing its amount equally
(and its order lines, their quantities shared alike), after validation, so problems still name the file's rows.
Every count then reads the data's own orders: the overview's orders and order value, the order-count tests of
regions, reps and product lines. A row without a count, or counting less than one, stays one order.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .dataset import Dataset
from .messages import Message
from .parsing import anonymous_buyers

COUNT = "order_count"
SEPARATOR = "#"  # an order made from a summary row: the row's id, then #1, #2, …


def orders_of_summaries(ds: Dataset) -> Dataset:
    """``ds`` with each order row counting several orders (``orders.order_count``) made into that many orders."""
    orders = ds.tables.get("orders")
    if orders is None or COUNT not in ds.present_columns.get("orders", frozenset()):
        return ds
    counts = orders[COUNT].to_numpy(dtype=float)
    each = np.where(np.isfinite(counts) & (counts >= 1), np.rint(np.nan_to_num(counts, nan=1.0)), 1).astype(np.int64)
    if (each == 1).all():
        return ds
    made = _repeated(orders, each)
    made[COUNT] = 1.0  # each row is now one order: made again, it stays as it is
    if "amount" in made.columns:
        made["amount"] = made["amount"] / np.repeat(each, each)
    if "customer_id" not in ds.present_columns["orders"]:  # no customer column: each order its own unnamed buyer
        made["customer_id"] = anonymous_buyers(made["order_id"])
    tables = {**ds.tables, "orders": made}
    lines = ds.tables.get("order_lines")
    if lines is not None and len(lines):
        tables["order_lines"] = _shared_lines(lines, pd.Series(each, index=orders["order_id"].to_numpy()))
    note = Message("problem_summary_orders", rows=len(orders), orders=int(each.sum()), column=_column(ds))
    return dataclasses.replace(ds, tables=tables, warnings=[*ds.warnings, note])


def _repeated(frame: pd.DataFrame, each: np.ndarray) -> pd.DataFrame:
    """``frame``'s rows repeated ``each`` times, order ids ``id#1``, ``id#2`` … (a row counting one keeps its id)."""
    made = frame.iloc[np.repeat(np.arange(len(frame)), each)].reset_index(drop=True)
    number = np.arange(len(made)) - np.repeat(np.cumsum(each) - each, each) + 1  # 1, 2, … within each row
    base = made["order_id"].astype("string")
    numbered = base + pd.Series(number, dtype="string").radd(SEPARATOR)
    made["order_id"] = base.where(np.repeat(each == 1, each), numbered).astype(frame["order_id"].dtype)
    return made


def _shared_lines(lines: pd.DataFrame, each: pd.Series) -> pd.DataFrame:
    """A copy of every line of a summary row for each order made from it, the line's quantity shared among them."""
    per_line = lines["order_id"].map(each[~each.index.duplicated()]).fillna(1).to_numpy(dtype=np.int64)
    made = _repeated(lines, per_line)
    made["quantity"] = made["quantity"] / np.repeat(per_line, per_line)
    return made


def _column(ds: Dataset) -> str:
    """The user's name of the order-count column (订单量), for the note."""
    return str(ds.mapping.renames("orders").get(COUNT, COUNT))
