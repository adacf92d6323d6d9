"""A rep's target counted in the region the rep sells in, when neither the target nor the reps table says where.

A flat export names the region on each order, not on the rep (``map`` keeps it on the order when reps sell in
several regions), and a target sheet names the rep alone. A region report then found no target of any rep: the
加拿大 report said there was no personal target, of a rep who had one of 75万 and sold only in 加拿大. A rep
target without a region takes the region of at least :data:`HOME_SHARE` of the rep's orders; a rep spread over
several regions keeps a target of the company's only, as before.
"""

from __future__ import annotations

import pandas as pd

from .facts import UNKNOWN, order_regions
from .messages import Message, counted
from .validation import MAX_EXAMPLES

HOME_SHARE = 0.8  # share of a rep's orders that must lie in one region for the rep's target to count there


def _home(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """rep_id → the region of at least :data:`HOME_SHARE` of the rep's orders (reps with one only)."""
    orders = tables["orders"]
    region = order_regions(orders, tables.get("customers"), tables.get("reps"))
    counts = pd.DataFrame({"rep_id": orders["rep_id"], "region": region}).dropna().value_counts()
    share = counts / counts.groupby(level="rep_id").transform("sum")
    home = share[share >= HOME_SHARE].reset_index().set_index("rep_id")["region"]
    return home[home != UNKNOWN]


def rep_target_regions(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Message]]:
    """``tables`` with each rep target lacking a region given the rep's home region (:func:`_home`), and a note.

    Only reps whose region the reps table does not give are placed: a rep's own region is read from it already.
    """
    targets, orders = tables.get("targets"), tables.get("orders")
    if targets is None or orders is None or "rep_id" not in orders.columns:
        return tables, []
    reps = tables.get("reps")
    placed = pd.Series(dtype=object)
    if reps is not None and "region" in reps.columns:
        placed = reps.dropna(subset=["rep_id", "region"]).drop_duplicates("rep_id").set_index("rep_id")["region"]
    open_rows = targets["rep_id"].notna() & targets["region"].isna() & ~targets["rep_id"].isin(placed.index)
    if not open_rows.any():
        return tables, []
    region = targets.loc[open_rows, "rep_id"].map(_home(tables)).dropna()
    if region.empty:
        return tables, []
    filled = targets.copy()
    filled.loc[region.index, "region"] = region.astype(filled["region"].dtype)
    pairs = filled.loc[region.index, ["rep_id", "region"]].drop_duplicates()
    shown = [f"{rep} → {where}" for rep, where in pairs.head(MAX_EXAMPLES).itertuples(index=False)]
    note = counted("problem_target_home", len(pairs), share=f"{HOME_SHARE:.0%}", examples=shown)
    return {**tables, "targets": filled}, [note]
