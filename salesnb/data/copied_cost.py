"""A cost column holding each line's sales amount: read as no cost, not as a margin of 0 %.

Some exports fill the cost column with the line's own amount, or keep cost = amount where the ERP has no cost (a
profit column of zeros gives the same). Read as a cost, every margin is 0 %: the margin tables show 0 % everywhere
and the margin rules read it as real. No business sells nearly every line at its cost, so when a line's cost is
within :data:`COST_TOLERANCE` of its amount on :data:`COPIED_SHARE` of the lines holding both (at least
:data:`MIN_LINES` of them), the cost is a copy of the amount: it is left out as if the export had none (margin
analyses are skipped as for data without cost), ``validate`` warns, and the report header says so
(``Dataset.copied_cost``). The column stays in ``present_columns``, emptied: it was mapped and found (``map``
checks the loaded data again, and a mapped column missing from them is a problem). The order lines' own cost is
read first; then the product's cost, over the lines without one of their own.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .dataset import Dataset
from .messages import Message

COPIED_SHARE = 0.95  # share of the lines with a cost and a price whose cost is their amount: the cost is a copy
COST_TOLERANCE = 0.005  # a line's cost is its amount within 0.5 % of the amount (a rounding, a cent)
MIN_LINES = 10  # fewer lines with a cost say too little (three lines sold at cost may be a clearance)
UNIT_COST = "unit_cost"


def is_copy(lines: int, copies: int) -> bool:
    """Whether ``copies`` of ``lines`` (lines with a cost and a positive price) make the cost a copy of the amount."""
    return lines >= MIN_LINES and copies >= COPIED_SHARE * lines


def copied_count(cost: pd.Series, price: pd.Series) -> tuple[int, int]:
    """``(lines, copies)``: the lines with a cost and a positive unit price, and those whose cost is the price.

    Per unit, as a line's cost (quantity × unit cost) is its amount (quantity × unit price) exactly when the unit
    cost is the unit price: within :data:`COST_TOLERANCE` of the price.
    """
    cost, price = cost.to_numpy(dtype=float), price.to_numpy(dtype=float)
    both = ~np.isnan(cost) & (price > 0)
    close = np.abs(cost[both] - price[both]) <= COST_TOLERANCE * price[both]
    return int(both.sum()), int(close.sum())


def drop_copied_cost(ds: Dataset) -> Dataset:
    """``ds`` without a cost that copies the amount (order lines', then products'), with a warning for each.

    ``copied_cost``: ``{table: {"column": the mapped cost, "lines": lines compared, "copies": equal}}``.
    """
    lines = ds.get("order_lines")
    if lines is None or not len(lines):
        return ds
    tables = dict(ds.tables)
    found: dict[str, dict] = {}
    own = lines[UNIT_COST] if UNIT_COST in lines else pd.Series(np.nan, index=lines.index)
    counted = copied_count(own, lines["unit_price"])
    if is_copy(*counted):
        found["order_lines"] = {"lines": counted[0], "copies": counted[1]}
        tables["order_lines"] = lines.assign(**{UNIT_COST: np.nan})
        own = pd.Series(np.nan, index=lines.index)
    products = ds.get("products")
    if products is not None and UNIT_COST in products and len(products):
        by_product = products.drop_duplicates("product_id").set_index("product_id")[UNIT_COST]
        theirs = lines["product_id"].map(by_product).where(own.isna())
        counted = copied_count(theirs, lines["unit_price"])
        if is_copy(*counted):
            found["products"] = {"lines": counted[0], "copies": counted[1]}
            tables["products"] = products.assign(**{UNIT_COST: np.nan})
    if not found:
        return ds
    warnings = list(ds.warnings)
    for table, entry in found.items():
        mapped = ds.mapping.columns.get(table, {}).get(UNIT_COST, "")
        entry["column"] = mapped.lstrip("=").strip() or f"{table}.{UNIT_COST}"  # 成本, or [成本] / [数量]
        share = f"{entry['copies'] / entry['lines']:.0%}"
        warnings.append(Message("problem_cost_is_amount", column=entry["column"], n=entry["lines"], share=share))
    return dataclasses.replace(ds, tables=tables, warnings=warnings, copied_cost=found)


def copied_cost_share(ds: Dataset) -> tuple[str, str] | None:
    """``(columns, share)`` of a cost left out as a copy of the amount, for the report header; ``None`` if none."""
    if not ds.copied_cost:
        return None
    columns = ", ".join(str(entry["column"]) for entry in ds.copied_cost.values())
    lines = sum(entry["lines"] for entry in ds.copied_cost.values())
    copies = sum(entry["copies"] for entry in ds.copied_cost.values())
    return columns, f"{copies / max(lines, 1):.0%}"


def no_cost_note(ds: Dataset, lang: str) -> str:
    """Why a margin panel shows none: no unit cost, or one left out as the amount's copy (:func:`drop_copied_cost`)."""
    from ..i18n import t

    copied = copied_cost_share(ds)
    return t("mk_no_cost_copied", lang, column=copied[0]) if copied else t("mk_no_cost", lang)
