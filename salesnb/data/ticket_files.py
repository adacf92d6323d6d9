"""A helpdesk's ticket export (``salesnb map``): its rows are support tickets, not orders.

A flat export holding only tickets (ticket id, customer, created and resolved time, category, priority, no
amount) was proposed as orders lacking an order id: the creation time as the order date, the category as a
product line. A file with a ticket id (``column_names.yaml``: ``ticket_columns``), a customer, a creation time
and no money is proposed as the ``tickets`` table alone; the orders stay missing and ``map`` says so.
"""

from __future__ import annotations

import pandas as pd

from .column_words import NAMES, named_column
from .pipelines import dated_column

TICKET_NAMES: dict[str, tuple[str, ...]] = {c: tuple(names) for c, names in NAMES["ticket_columns"].items()}
MONEY = ("amount", "unit_price", "quantity", "list_amount", "list_price", "profit")  # any of these: a sale
DATES = ("created_at", "first_response_at", "resolved_at", "response_due_at")


def ticket_named(frame: pd.DataFrame, found: dict[str, str]) -> dict[str, str]:
    """The tickets columns the frame's names give (a time only when it reads as dates), each column used once.

    The customer and the order are the ones ``match_columns`` found; a priority may also be the ticket's kind
    (category) when nothing else names it, as a mapping allows (``mapping.ONE_NAME_MANY_ROLES``).
    """
    named = {"customer_id": found.get("customer_id") or found.get("customer_name"), "order_id": found.get("order_id")}
    for column, names in TICKET_NAMES.items():
        named[column] = dated_column(frame, names) if column in DATES else named_column(frame, names)
    named["category"] = named["category"] or named["severity"]
    out: dict[str, str] = {}
    for column in ("ticket_id", "customer_id", "created_at", "category", *TICKET_NAMES, "order_id"):
        user = named.get(column)
        shared = column == "severity" and user == out.get("category")  # the priority as its kind and its priority
        if user and column not in out and (user not in out.values() or shared):
            out[column] = user
    return out


def ticket_columns(frame: pd.DataFrame, found: dict[str, str]) -> dict[str, str] | None:
    """The tickets columns of a file holding tickets and no sale, else ``None``.

    A ticket id, a customer, a creation time and a category (or a priority as its kind) are needed; a file with
    an amount, a price or a quantity holds sales, whatever else it holds.
    """
    if any(found.get(c) for c in MONEY):
        return None
    columns = ticket_named(frame, found)
    if not all(columns.get(c) for c in ("ticket_id", "customer_id", "created_at", "category")):
        return None
    return columns
