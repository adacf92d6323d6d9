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
from .facts import per_dataset
from .messages import Message
from .parsing import anonymous_buyers
from .validation import TARGET_GRAIN, summary_targets

COUNT = "order_count"
SEPARATOR = "#"  # an order made from a summary row: the row's id, then #1, #2, …
MAX_MADE_ORDERS = 1_000_000  # more orders than this are not made: the rows are read as totals (:func:`total_rows`)


def orders_of_summaries(ds: Dataset) -> Dataset:
    """``ds`` with each order row counting several orders (``orders.order_count``) made into that many orders."""
    orders = ds.tables.get("orders")
    if orders is None or COUNT not in ds.present_columns.get("orders", frozenset()):
        return ds
    counts = orders[COUNT].to_numpy(dtype=float)
    each = np.where(np.isfinite(counts) & (counts >= 1), np.rint(np.nan_to_num(counts, nan=1.0)), 1).astype(np.int64)
    if (each == 1).all():
        return ds
    if each.sum() > MAX_MADE_ORDERS:  # a chain's daily receipts: millions of rows; its rows read as totals instead
        return _counts_set_aside(ds, int(each.sum()))
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


def _counts_set_aside(ds: Dataset, orders: int) -> Dataset:
    """``ds`` without its order counts: each row one total, as a summary without 订单量 (:func:`total_rows`).

    Made into orders, the rows of a big store chain's daily sales (hundreds of receipts a store a day) would be
    tens of millions of rows and exhaust the memory; read as totals, every revenue figure and test still holds and
    only the order counts and the order value are not shown (the note says why).
    """
    table = ds.tables["orders"].copy()
    table[COUNT] = pd.Series(np.nan, index=table.index).astype(table[COUNT].dtype)  # mapped, and empty
    note = Message("problem_summary_orders_many", rows=len(table), orders=orders, column=_column(ds))
    return dataclasses.replace(ds, tables={**ds.tables, "orders": table}, warnings=[*ds.warnings, note])


def orders_counted(ds: Dataset) -> bool:
    """Whether the orders rows were made from a count of orders per row (:func:`orders_of_summaries`)."""
    present = ds.present_columns.get("orders", frozenset())
    return COUNT in present and bool(ds["orders"][COUNT].notna().any())


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


def total_rows(ds: Dataset) -> list[str]:
    """The columns each orders row totals by (a 月度销售汇总, a store's daily sales: :func:`~.shapes.period_totals`).

    Such rows are no orders: their number is the number of months (or days) × stores × categories, much the same
    every month, so no count of orders, order value or basket can be read from them and the tests that read a
    segment's orders read its revenue instead. Known from the mapping: the order id is made of columns
    (``order_id: {per: [...]}``) and there is no customer and no count of orders (:data:`COUNT`) beside it, as
    ``map`` proposes for a summary. [] for every other dataset.
    """

    def build() -> list[str]:
        present = ds.present_columns.get("orders", frozenset())
        parts = ds.mapping.joined.get(ds.mapping.renames("orders").get("order_id", ""))
        if not ds.has("orders") or not parts or orders_counted(ds) or "customer_id" in present:
            return []
        return list(parts)

    return per_dataset(ds, ("summaries", "total_rows"), build)


def _column(ds: Dataset) -> str:
    """The user's name of the order-count column (订单量), for the note."""
    return str(ds.mapping.renames("orders").get(COUNT, COUNT))


def summed_targets(ds: Dataset) -> Dataset:
    """``ds`` with a summary's targets (:func:`~.validation.summary_targets`) added up per month, region, rep and line.

    Each row of a 月度销售汇总 carries its store's and category's 目标: the targets of one region and category
    are the sum over its stores. A rep's target per category gives the rep's (over the categories) and the
    category's (over the reps), each a level of :mod:`.targets`, so neither the team page nor the product lines
    lose theirs. Rows keep the order of each combination's first row; a combination without any target stays
    without one.
    """
    targets = ds.tables.get("targets")
    if targets is None or not summary_targets(ds.mapping):
        return ds
    grain = [c for c in TARGET_GRAIN if c in targets.columns]
    both = targets["rep_id"].notna() & targets["product_line"].notna()  # a rep's target per category
    if both.any():  # the reps' targets (over their categories) and the lines' (over their reps), as levels of their own
        apart = [targets[both].assign(product_line=pd.NA), targets[both].assign(rep_id=pd.NA)]
        targets = pd.concat([targets[~both], *apart], ignore_index=True).astype(targets.dtypes.to_dict())
    elif not targets.duplicated(grain).any():
        return ds
    groups = targets.groupby(grain, dropna=False, sort=False)
    summed = groups.first().assign(target_amount=groups["target_amount"].sum(min_count=1)).reset_index()
    summed = summed[list(targets.columns)].astype(targets.dtypes.to_dict())
    named = ds.mapping.renames("targets")
    shown = " × ".join(str(named[c]) for c in grain if c in named)
    note = Message("problem_summed_targets", rows=len(targets), targets=len(summed), grain=shown)
    return dataclasses.replace(ds, tables={**ds.tables, "targets": summed}, warnings=[*ds.warnings, note])
