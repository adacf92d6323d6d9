"""Prices from the product catalogue: order lines that give a quantity but no price.

A star-schema export (a sales fact table of order number, product key and quantity beside a product table
holding each product's price, as AdventureWorks and many ERP 出库单 exports are) prices its lines through the
catalogue. The data contract's revenue is quantity × unit_price; a line without a unit price takes its
product's ``products.list_price``, and the loader says how many lines did. A line whose product has no price
either stays empty and is reported as a missing required value.
"""

from __future__ import annotations

import pandas as pd

from .messages import Message

LINES, PRODUCTS = "order_lines", "products"


def catalogue_prices(
    tables: dict[str, pd.DataFrame], present: dict[str, frozenset[str]]
) -> tuple[dict[str, pd.DataFrame], dict[str, frozenset[str]], list[Message]]:
    """``tables`` with each priceless order line priced at its product's list price, ``present`` updated, a note.

    Nothing changes when every line has its price, or when there is no catalogue price to take.
    """
    lines, products = tables.get(LINES), tables.get(PRODUCTS)
    if lines is None or products is None or "list_price" not in present.get(PRODUCTS, frozenset()):
        return tables, present, []
    if "product_id" not in present.get(LINES, frozenset()):
        return tables, present, []
    priced = "unit_price" in present.get(LINES, frozenset())
    missing = lines["unit_price"].isna() if priced else pd.Series(True, index=lines.index)
    if not missing.any():
        return tables, present, []
    catalogue = products.dropna(subset=["product_id"]).drop_duplicates("product_id").set_index("product_id")
    price = lines.loc[missing, "product_id"].map(catalogue["list_price"])
    filled = int(price.notna().sum())
    if not filled:
        return tables, present, []
    lines = lines.copy()
    lines["unit_price"] = lines["unit_price"].astype("float64")
    lines.loc[missing, "unit_price"] = price.astype("float64")
    tables = {**tables, LINES: lines}
    present = {**present, LINES: present.get(LINES, frozenset()) | {"unit_price"}}
    return tables, present, [Message("problem_catalogue_prices", n=filled, share=f"{filled / len(lines):.0%}")]
