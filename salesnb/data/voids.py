"""Voided lines of a flat till export: a sale line and the line that cancels it, on the same slip, both left out.

A store system voids a line by writing its negative beside it: 货号 A, 销量 1, 销售额 1,205.30 and, on the same
销售单, 货号 A, 销量 −1, 销售额 −1,205.30. Together they sold nothing. The negative line alone breaks the contract
(a negative quantity); leaving out only the negatives (``exclude: 销量: ["<0"]``) kept the sale half, and a
slip voided whole stayed an order: +12 orders and +5.5 % revenue in a month of a real store export. A pair is
one positive and one negative line of the same order and product with opposite quantities, on the same day when
the export dates its rows; pairs are matched one to one, so a return of part of a line (−1 of 3) is not a void and
is reported as before, nor is a line brought back whole on a later day: that is a return, and cancelling it took
its sale out of its month (on the sample's lines with its 178 returns written as negative lines of their orders,
45 whole-line returns cancelled 45 sales, 5 orders and 1.12 million of revenue).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Mapping
from .derive import day_of
from .exclude import raw_column
from .messages import Message, counted
from .parsing import parse_number


def cancel_voided_lines(frame: pd.DataFrame, names: Mapping, where: str) -> tuple[pd.DataFrame, list[Message]]:
    """``frame`` (one flat export, rows as read) without its voided pairs of lines, and a warning counting them."""
    order, product, quantity = (
        raw_column(frame, names, "order_lines", c) for c in ("order_id", "product_id", "quantity")
    )
    if order is None or product is None or quantity is None:
        return frame, []
    voided = voided_rows(frame, order, product, quantity, raw_column(frame, names, "orders", "order_date"))
    if not len(voided):
        return frame, []
    n, slips = len(voided) // 2, int(frame.loc[voided, order].nunique())
    return frame.drop(index=voided), [counted("problem_voided_lines", n, where=where, slips=slips)]


def voided_rows(frame: pd.DataFrame, order: str, product: str, quantity: str, date: str | None = None) -> pd.Index:
    """The rows (index labels) of ``frame`` that are voided pairs, by its order, product, quantity and date columns."""
    units, _ = parse_number(frame[quantity])
    if not (units < 0).any():
        return frame.index[:0]
    work = pd.DataFrame(
        {"order": frame[order].astype("string"), "product": frame[product].astype("string"), "size": units.abs()}
    )
    keys = ["order", "product", "size"]
    if date is not None and date in frame.columns:  # a void is written on its slip's day; a later one is a return
        work["day"] = day_of(frame[date]).astype("string").fillna("")
        keys.append("day")
    work["sign"] = np.sign(units)
    work = work[(work["sign"] != 0) & work[["order", "product", "size"]].notna().all(axis=1)]
    work["rank"] = work.groupby([*keys, "sign"], sort=False).cumcount()  # the k-th sale pairs with the k-th void
    negatives = work[work["sign"] < 0].groupby(keys, sort=False).size().rename("negatives")
    positives = work[work["sign"] > 0].groupby(keys, sort=False).size().rename("positives")
    pairs = pd.concat([negatives, positives], axis=1).fillna(0).min(axis=1).rename("pairs")
    work = work.join(pairs, on=keys)
    return work.index[work["rank"] < work["pairs"]]
