"""Consignees that are a marketplace's warehouses, not buyers: said by ``salesnb map``, never dropped.

Without a buyer column ``map`` takes the consignee (收货人, Ship To Name) as the customer (:mod:`.match`). In a
marketplace seller's export the consignee of many orders is the platform's own warehouse or fulfilment centre
(Wayfair Warehouse CA, CastleGate, FBA, 海外仓): read as customers, a few such names become the largest buyers and
every customer section (concentration, repeat buying, new customers) reads them as real. When names holding a
warehouse word (``column_names.yaml``: ``warehouse_words``; a Latin word whole, a one-character Chinese word
ending a word, as 菜鸟仓 but not 王仓林) take :data:`WAREHOUSE_SHARE` of the orders or more,
``map`` names them as a caution; the data stays as it is (the user may exclude them, or map a buyer column).
"""

from __future__ import annotations

import re

import pandas as pd

from .column_words import CONSIGNEE_NAMES, WAREHOUSE_WORDS, normalise

WAREHOUSE_SHARE = 0.1  # warehouse names taking this share of the orders together: a caution (one buyer rarely does)
NAMED = 3  # the warehouse names a caution shows, the largest first
_WHOLE = [rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" for w in WAREHOUSE_WORDS if w.isascii()]  # FBA, not FBAR
_ENDING = [rf"{re.escape(w)}(?![\u4e00-\u9fff])" for w in WAREHOUSE_WORDS if len(w) == 1 and not w.isascii()]  # 菜鸟仓
_ANYWHERE = [re.escape(w) for w in WAREHOUSE_WORDS if len(w) > 1 and not w.isascii()]  # 仓库, 配送中心
WAREHOUSE = re.compile("|".join(_WHOLE + _ENDING + _ANYWHERE), re.IGNORECASE)


def is_consignee(column: str | None) -> bool:
    """Whether a mapped column is a consignee's (收货人, Ship To Name, recipient), not a buyer's."""
    return column is not None and normalise(column) in {normalise(n) for n in CONSIGNEE_NAMES}


def warehouse_customers(customers: pd.Series) -> tuple[list[tuple[str, float]], float]:
    """``([(name, share of the orders)], their total share)``: the warehouse names among the orders' ``customers``.

    The largest :data:`NAMED` first, the total over all of them; ``([], 0.0)`` unless they hold
    :data:`WAREHOUSE_SHARE` of the orders together.
    """
    named = customers.dropna().astype("str")
    if not len(named):
        return [], 0.0
    shares = named.value_counts(sort=False) / len(customers)
    found = shares[shares.index.str.contains(WAREHOUSE)].sort_values(ascending=False, kind="stable")
    total = float(found.sum())
    if total < WAREHOUSE_SHARE:
        return [], 0.0
    return [(str(name), float(share)) for name, share in found.head(NAMED).items()], total
