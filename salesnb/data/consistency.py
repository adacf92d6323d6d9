"""Checks that no single column shows: stated amounts against lines, empty amounts, rows twice, one-order buyers.

Revenue is read from the order lines (quantity × unit_price) whenever there are lines; a mapped
``orders.amount`` is then only a second statement of the same money. When the two disagree the user should
know which one the reports use, and by how much, before reading a single figure: a price column capped
or rounded in the export (Kaggle's sales_data_sample caps PRICEEACH at 100) made every revenue 22% low.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .column_words import says_customer
from .dataset import JOINED
from .messages import Message, counted
from .validation import FILE_ROW

AMOUNT_TOLERANCE = 0.01  # an order agrees when its lines are within 1% (and a cent) of its amount
TOTAL_TOLERANCE = 0.005  # ... and the warning is given when the totals differ by 0.5% or more


def amount_disagreement(tables: dict[str, pd.DataFrame]) -> list[Message]:
    """One warning when ``orders.amount`` and the order lines' total differ by ``TOTAL_TOLERANCE`` or more.

    Compared over the orders that have both an amount and lines; the warning counts the orders that
    disagree and gives both totals, or, when every amount is its lines plus one same markup (a tax), says so
    (:func:`_fixed_markup`). Nothing when there are no lines or no amounts.
    """
    orders, lines = tables.get("orders"), tables.get("order_lines")
    if orders is None or lines is None or "amount" not in orders or not len(lines):
        return []
    stated = orders.dropna(subset=["amount"]).drop_duplicates("order_id").set_index("order_id")["amount"]
    if stated.empty:
        return []
    value = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum(min_count=1)
    both = pd.concat({"amount": stated.astype(float), "lines": value}, axis=1, join="inner").dropna()
    if both.empty:
        return []
    amount, from_lines = float(both["amount"].sum()), float(both["lines"].sum())
    if abs(from_lines - amount) < TOTAL_TOLERANCE * max(abs(amount), 1.0):
        return []
    apart = np.abs(both["lines"] - both["amount"]) > np.maximum(AMOUNT_TOLERANCE * both["amount"].abs(), 0.01)
    n = int(apart.sum())
    totals = {"amount": f"{amount:,.2f}", "lines": f"{from_lines:,.2f}"}
    rate, taxed = _fixed_markup(both)
    if rate is not None:  # a tax or surcharge on every order: the lines are the price before it
        share = f"{taxed / len(both):.0%}"
        return [Message("problem_amount_taxed", rate=f"{rate:.1%}", n=len(both), share=share, **totals)]
    change = f"{from_lines / amount - 1:+.1%}" if amount else "—"
    return [counted("problem_amount_vs_lines", n, share=f"{n / len(both):.0%}", change=change, **totals)]


TAXED_SHARE = 0.95  # orders whose amount is their lines × one same factor (within a cent's rounding): a tax
MARKUP_TOLERANCE = 0.002  # the factor of each order within 0.2 % of the usual one (a cent on a small order)


def _fixed_markup(both: pd.DataFrame) -> tuple[float | None, int]:
    """``(rate, orders)``: the markup every order's amount bears over its lines (5 % tax), ``None`` when there is none.

    Above the lines by one same factor on :data:`TAXED_SHARE` of the orders and by more than the totals' tolerance:
    a value-added tax (13 %, 9 %, 6 %, 5 %) or a service charge, added to the line prices in the amount.
    """
    priced = both[(both["lines"] > 0) & (both["amount"] > 0)]
    if priced.empty:
        return None, 0
    factor = priced["amount"] / priced["lines"]
    usual = float(factor.median())
    same = int((np.abs(factor - usual) <= MARKUP_TOLERANCE * usual + 0.01 / priced["lines"]).sum())
    if usual - 1 < TOTAL_TOLERANCE or same < TAXED_SHARE * len(both):
        return None, 0
    return usual - 1, same


EMPTY_AMOUNT_EXAMPLES = 3  # order ids named in the warning


def empty_amounts(tables: dict[str, pd.DataFrame], column: str) -> list[Message]:
    """One warning naming the orders whose amount is empty when revenue comes from ``orders.amount`` alone.

    Such an order still counts as an order (and its customer as a buyer) while adding nothing to revenue, so the
    average order value falls; an order ledger's unfilled 总金额 did this silently. ``column`` is the user's name of
    the amount, for the ``exclude`` that leaves them out. Nothing when the order lines price the orders.
    """
    orders = tables.get("orders")
    if orders is None or "amount" not in orders or "order_lines" in tables or not len(orders):
        return []
    empty = orders["amount"].isna().to_numpy()
    if not empty.any() or empty.all():  # no amount at all is validation's problem (the orders carry no money)
        return []
    examples = ", ".join(map(str, orders.loc[empty, "order_id"].head(EMPTY_AMOUNT_EXAMPLES)))
    return [counted("problem_empty_amounts", int(empty.sum()), column=column, examples=examples)]


IDENTICAL_ROWS_LISTED = 10  # file rows named in the warning about identical rows


def identical_rows(raw: pd.DataFrame, table: pd.DataFrame, name: str, where: str | Message) -> list[Message]:
    """One warning when rows of ``name``'s file (order lines, or orders made of rows) repeat an earlier row entirely.

    A till or POS export that holds one sale twice (exported twice, a sheet pasted under itself) was counted twice
    in silence; but two identical rows may also be two identical sales (two coffees at one price in one minute), so
    the numbers stay as they are: every row still counts, and the warning says how many rows repeat an earlier one,
    which rows of the file, and how much revenue they add. ``table`` is the contract frame cut from ``raw`` (same
    rows, same order): a line's revenue is quantity × unit_price, an order row's its amount.
    """
    columns = [c for c in raw.columns if c != FILE_ROW]
    if not columns or len(raw) != len(table):
        return []
    copies = raw.duplicated(subset=columns, keep="first").to_numpy()
    if not copies.any():
        return []
    if name == "order_lines":
        value = table["quantity"] * table["unit_price"]
    else:
        value = table["amount"] if "amount" in table else pd.Series(np.nan, index=table.index)
    added = pd.to_numeric(value[copies], errors="coerce").sum(min_count=1)
    rows = (raw[FILE_ROW].to_numpy() if FILE_ROW in raw else np.arange(len(raw)))[copies] + 1  # 1-based, as shown
    listed = ", ".join(map(str, rows[:IDENTICAL_ROWS_LISTED])) + (" …" if len(rows) > IDENTICAL_ROWS_LISTED else "")
    amount = "—" if pd.isna(added) else f"{float(added):,.2f}"
    return [counted("problem_identical_rows", int(copies.sum()), where=where, rows=listed, amount=amount)]


ONE_ORDER_MIN_ORDERS = 100  # so many orders with a customer, none of them a second order: the ids are the orders'
ONE_ORDER_MIN_MONTHS = 3  # ... over at least this many months


def one_order_each(tables: dict[str, pd.DataFrame], present: frozenset[str], column: str = "") -> list[Message]:
    """One warning when no customer orders twice over many orders and months: a customer column made per order.

    A shop export whose buyer names were masked one per row (mrsoft001 … mrsoft1783) read as 1,466 customers of one
    order each over a year: every month's buyers all new, retention and repeat purchases 0% and every earlier buyer
    lost, with nothing to say the ids, not the customers, were new. ``present``: the orders' columns in the data.
    Where the customer is already known by a phone or card (``column``: 客户姓名 + 联系电话, a dealer's buyers of a
    car each), asking for a phone column makes no sense: the warning says each buyer bought once.
    """
    orders = tables.get("orders")
    if orders is None or "customer_id" not in present:
        return []
    named = orders.loc[orders["customer_id"].notna(), ["customer_id", "order_date"]]
    if len(named) < ONE_ORDER_MIN_ORDERS or not named["customer_id"].is_unique:
        return []
    months = int(named["order_date"].dt.to_period("M").nunique())
    if months < ONE_ORDER_MIN_MONTHS:
        return []
    phone = any(says_customer(part) for part in str(column).split(JOINED))
    return [
        Message(f"problem_one_order_each{'_phone' if phone else ''}", orders=len(named), months=months, column=column)
    ]
