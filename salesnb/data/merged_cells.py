"""An order's cells written once, on its first line: a flat export's merged 订单号, 下单时间, 订单状态 cells.

Taobao's order export and many ERP sheets print an order of several lines with its order number, date, status
and buyer merged over the lines (or written on the first line only). Read back, the other lines have these cells
empty: each such line was refused for an empty order id, or would have formed an order of its own. A line whose
order-level cells are all empty while it holds a line's data (a product, a quantity) belongs to the order above
it: those cells are filled from that row, and a warning counts the lines. The order's amount is not copied: it is
the order's total, written once. A row below an order holding none of the mapped cells (a second parcel's
tracking number) is no line: it is skipped, said in a warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Mapping
from .messages import Message, counted


def fill_merged_orders(frame: pd.DataFrame, names: Mapping, where: str) -> tuple[pd.DataFrame, list[Message]]:
    """``frame`` with each order's first-line cells copied down onto its following lines, and a warning."""
    orders, lines = names.renames("orders"), names.renames("order_lines")
    key = orders.get("order_id", "order_id")
    if key not in frame.columns or key in names.joined:
        return frame, []
    order_level = [u for c, u in orders.items() if c != "amount" and u in frame.columns]
    order_level += [c for c in names.exclude.get("orders", {}) if c in frame.columns and c not in order_level]
    line_level = [u for c, u in lines.items() if c != "order_id" and u in frame.columns and u not in order_level]
    if not line_level:
        return frame, []
    mapped = frame[[*order_level, *line_level, *([orders["amount"]] if orders.get("amount") in frame else [])]]
    below = frame[key].ffill().notna().to_numpy()  # rows above the first order have no order to join
    empty = mapped.isna().all(axis=1).to_numpy() & below  # a second parcel's tracking number: nothing to read
    blank = frame[order_level].isna().all(axis=1).to_numpy() & below & ~empty
    if not (blank.any() or empty.any()):
        return frame, []
    first = pd.Series(np.where(frame[key].notna(), np.arange(len(frame)), np.nan)).ffill().to_numpy()
    filled = frame.copy()
    filled.loc[blank, order_level] = frame[order_level].iloc[first[blank].astype(int)].to_numpy()
    found = [counted("problem_merged_order_cells", int(blank.sum()), where=where, column=key)] if blank.any() else []
    if empty.any():
        found.append(counted("problem_merged_empty_rows", int(empty.sum()), where=where))
    return filled.loc[~empty], found
