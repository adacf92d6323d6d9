"""How many rows of each table belong to one region: the report's short text form, never the rows themselves.

A region's executed notebook is shared like its page, so what the report object prints must hold that
region's data only. Counting is enough for a reader to see what the report stands on.
"""

from __future__ import annotations

import pandas as pd

from ..periods import ALL
from . import facts
from .dataset import Dataset

_KEYS = ("order_id", "opportunity_id", "customer_id", "rep_id")  # how a table without a region column links to one


def scope_rows(ds: Dataset, region: str) -> dict[str, int | None]:
    """Rows of each table (contract order) that belong to ``region``; every row for ``ALL``.

    Orders follow the fact layer (their own region, else their customer's); a table with a ``region`` column
    is filtered on it; any other table through the first key it shares with a region table (order, deal,
    customer, rep). A table that links to none (the product catalogue) counts as ``None``: shared by all.
    Counted once per dataset and region (every notebook of a scope shows its report first); callers get a copy.
    """
    return dict(facts.per_dataset(ds, ("facts", "scope_rows", region), lambda: _count_rows(ds, region)))


def _belongs(values: pd.Series, keys: set) -> pd.Series:
    """Whether each of ``values`` is one of ``keys``: ``isin`` through one hash lookup (text keys by pyarrow)."""
    return pd.Series(facts.positions(pd.Index(sorted(keys, key=str)), pd.Series(values)) >= 0, index=values.index)


def _count_rows(ds: Dataset, region: str) -> dict[str, int | None]:
    if region == ALL:
        return {name: len(ds.tables[name]) for name in ds.table_names}
    owned: dict[str, set] = {}
    if ds.has("orders"):
        orders = facts.in_region(facts.order_facts(ds), region)
        owned["order_id"] = set(orders["order_id"])
    for name in ("opportunities", "customers", "reps"):
        table, key = ds.get(name), {"opportunities": "opportunity_id", "customers": "customer_id"}.get(name, "rep_id")
        if table is not None and key not in owned:
            owned[key] = set(table.loc[table["region"] == region, key])
    counts: dict[str, int | None] = {}
    for name in ds.table_names:
        table = ds.tables[name]
        key = next((k for k in _KEYS if k in owned and k in table.columns), None)
        if name == "orders" or (key == "order_id" and "region" not in table.columns):
            counts[name] = int(_belongs(table["order_id"], owned["order_id"]).sum())
        elif "region" in table.columns:
            counts[name] = int((table["region"] == region).sum())
        elif key is not None:
            counts[name] = int(_belongs(table[key], owned[key]).sum())
        else:
            counts[name] = None
    return counts
