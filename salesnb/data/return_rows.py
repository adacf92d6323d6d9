"""An ERP export's return lines in its sales sheet, proposed as the ``returns`` table (``salesnb map``).

用友 U8's 销售出库单列表, 金蝶's 销售出库 and a supplier's invoice list write a return as a line of negative 数量 and
金额 (红字), often with a 单据类型 of 退货 or its own number (RINV…), sometimes with the sale it undoes (原单号).
When such lines are a minority of the sheet's priced lines, ``map`` proposes both halves of what they are: the
exclude leaving them out of the orders (revenue is the sales before returns, and ``validate`` passes) and the
``returns`` table read from the same rows (``rows: {returns: {数量: ["<0"]}}``): order id its 原单号 when the
sheet has one (else its own number: a return line under its sale's order), the product, ``quantity: "=-[数量]"``,
the date, and a reason column if one is there. When no return names an order sold in the sheet (Iowa's RINV
invoices, a 红字出库单 of its own number, no 原单号), the return rate could place none of them: only the exclude is
proposed, and said, rather than a returns table whose empty rates would read as no returns. A sheet mostly of
negative lines (a returns list, not sales) or negatives in amounts only (a discount line) proposes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .column_words import named_column
from .parsing import parse_number

if TYPE_CHECKING:
    from .propose import Proposal

NEGATIVE = "<0"  # the exclude and rows condition of a negative quantity (salesnb.data.exclude.CONDITION)
MINORITY = 0.5  # negative lines below this share of the sheet's lines with a quantity are returns of sales
REFERENCE_NAMES = (  # the sale a return undoes: an ERP's source document, a red invoice's blue one
    "原单号", "源单号", "原订单号", "原订单编号", "原单据号", "源单据号", "原单编号", "源单编号", "原始单号",
    "原销售单号", "原出库单号", "原发票号", "蓝字发票号", "退货原单号", "关联单号", "original order",
    "original order id", "original invoice", "source order",
)  # fmt: skip
REASON_NAMES = ("退货原因", "退货理由", "原因", "return reason", "reason")


def return_columns(frame: pd.DataFrame, found: dict[str, str], negative: pd.Series) -> dict[str, str] | None:
    """The ``returns`` columns of a sheet whose ``negative`` rows are returns, or ``None`` when they are no minority.

    ``found``: the concepts :func:`~.match.match_columns` read (order id, product, date, quantity). A reference or
    reason column counts only when it is filled on most of the return rows. ``{}`` (the returns are left out of
    the sales, but no table is read of them) when none of them names an order sold in the sheet.
    """
    quantity, date = found.get("quantity"), found.get("order_date")
    order, product = found.get("order_id"), found.get("product_id")
    counted = int(frame[quantity].notna().sum()) if quantity in frame.columns else 0
    if not (order and product and date) or not 0 < int(negative.sum()) < MINORITY * counted:
        return None
    if not {order, product, date} <= set(frame.columns):  # an id made of columns (customer × day): no number
        return None

    def filled(names: tuple[str, ...]) -> str | None:
        column = named_column(frame, names)
        return column if column is not None and frame.loc[negative, column].notna().mean() > 0.5 else None

    reference = filled(REFERENCE_NAMES)
    sold = frame.loc[parse_number(frame[quantity])[0].gt(0), order].dropna().astype(str).str.strip()
    if not frame.loc[negative, reference or order].dropna().astype(str).str.strip().isin(set(sold)).any():
        return {}
    columns = {"order_id": reference or order, "product_id": product, "quantity": f"=-[{quantity}]"}
    columns["returned_at"] = date
    reason = filled(REASON_NAMES)
    return columns | ({"reason": reason} if reason else {})


def add_returns(proposal: Proposal) -> None:
    """Propose the ``returns`` table from the flat sheet's return lines, with the exclude of them from the orders.

    Only for the sheet both orders and order lines come from, when no file offers a returns table of its own.
    ``proposal.return_lines`` keeps only what was proposed: the file's returns columns, ``{}`` for the exclude
    alone (no return names a sale of the sheet), nothing when neither.
    """
    file = proposal.tables.get("order_lines")
    columns = proposal.return_lines.pop(file, None)
    quantity = proposal.columns.get("order_lines", {}).get("quantity")
    if columns is None or proposal.tables.get("orders") != file or "returns" in proposal.tables:
        return
    if columns and columns["quantity"] != f"=-[{quantity}]":  # the lines' quantity is another column
        return
    proposal.return_lines = {file: columns}
    proposal.side_rules.append((file, {"order_lines": {quantity: [NEGATIVE]}}))
    if columns:
        proposal.tables["returns"], proposal.columns["returns"] = file, columns
        proposal.rows["returns"] = {quantity: [NEGATIVE]}
