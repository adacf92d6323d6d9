"""Sales targets at company, region, product-line and rep level.

A ``targets`` row with empty ``rep_id`` and ``product_line`` is a region target (a company target
when ``region`` is empty too). When a level is missing it is built from the level below: a company
target from region targets, a region target from its reps' targets, and either from its product lines' targets
when those are all an export sets (monthly targets per category: the page said there was no target at all).
"""

from __future__ import annotations

import pandas as pd

from ..periods import ALL
from .dataset import Dataset
from .facts import per_dataset


def _dataset_levels(ds: Dataset) -> dict[str, pd.DataFrame]:
    """:func:`_levels` of the dataset's targets, split once per dataset (read-only: callers only filter them)."""
    return per_dataset(ds, ("targets", "levels"), lambda: _levels(ds["targets"]))


def _levels(targets: pd.DataFrame) -> dict[str, pd.DataFrame]:
    no_rep = targets["rep_id"].isna()
    no_line = targets["product_line"].isna()
    no_region = targets["region"].isna()
    return {
        "company": targets[no_rep & no_line & no_region],
        "region": targets[no_rep & no_line & ~no_region],
        "line": targets[no_rep & ~no_line],
        "rep": targets[~no_rep & no_line],
    }


def _rep_regions(ds: Dataset, rep_rows: pd.DataFrame) -> pd.Series:
    region = rep_rows["region"]
    reps = ds.get("reps")
    if reps is not None:
        region = region.fillna(rep_rows["rep_id"].map(reps.set_index("rep_id")["region"]))
    return region


def total_target(ds: Dataset, months: list[str], region: str) -> float | None:
    """Target for ``region`` (or ``ALL``) summed over ``months``; ``None`` when no target covers them.

    Computed once per dataset, months and region: every angle's panels and rules ask for the same few (a plain
    number, so sharing it is safe).
    """
    key = ("targets", "total", tuple(months), region)
    return per_dataset(ds, key, lambda: _total_target(ds, list(months), region))


def _total_target(ds: Dataset, months: list[str], region: str) -> float | None:
    targets = ds.get("targets")
    if targets is None or targets.empty:
        return None
    levels = _dataset_levels(ds)
    total, found = 0.0, False
    for month in months:
        value = _month_target(ds, levels, month, region)
        if value is not None:
            total += value
            found = True
    return total if found else None


def _month_target(ds: Dataset, levels: dict[str, pd.DataFrame], month: str, region: str) -> float | None:
    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["period"] == month]

    if region == ALL:
        for level in ("company", "region", "rep"):
            rows = pick(levels[level])
            if len(rows):
                return float(rows["target_amount"].sum())
        lines = pick(levels["line"])
        company = lines[lines["region"].isna()]
        return _sum_or_none(company if len(company) else lines)
    rows = pick(levels["region"])
    rows = rows[rows["region"] == region]
    if len(rows):
        return float(rows["target_amount"].sum())
    reps = pick(levels["rep"])
    reps = reps[_rep_regions(ds, reps) == region]
    if len(reps):
        return float(reps["target_amount"].sum())
    lines = pick(levels["line"])
    return _sum_or_none(lines[lines["region"] == region])


def _sum_or_none(rows: pd.DataFrame) -> float | None:
    return float(rows["target_amount"].sum()) if len(rows) else None


def segment_targets(ds: Dataset, month: str, region: str, by: str) -> pd.Series:
    """Targets for one month per product line (``by="product_line"``) or per rep (``by="rep_id"``).

    Returns a Series indexed by segment value; empty when the data holds no such targets.
    """
    targets = ds.get("targets")
    if targets is None or targets.empty:
        return pd.Series(dtype=float)
    levels = _dataset_levels(ds)
    if by == "product_line":
        rows = levels["line"][levels["line"]["period"] == month]
        if region == ALL:
            company = rows[rows["region"].isna()]
            rows = company if len(company) else rows[rows["region"].notna()]
        else:
            rows = rows[rows["region"] == region]
    elif by == "rep_id":
        rows = levels["rep"][levels["rep"]["period"] == month]
        if region != ALL:
            rows = rows[_rep_regions(ds, rows) == region]
    else:
        raise ValueError(f"targets exist per product_line or rep_id, not {by!r}")
    return rows.groupby(by)["target_amount"].sum().astype(float)
