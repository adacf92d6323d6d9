"""Sales targets at company, region, product-line and rep level.

A ``targets`` row with empty ``rep_id`` and ``product_line`` is a region target (a company target
when ``region`` is empty too). When a level is missing it is built from the level below: a company
target from region targets, a region target from its reps' targets, and either from its product lines' targets
when those are all an export sets (monthly targets per category: the page said there was no target at all).

A scope's target is built from its reps' targets only when the reps given one made most of its sales
(:data:`MIN_REP_COVERAGE`): a target sheet naming 3 of 17 reps, who sold 10% of the month, summed to a company
target of 95万 against 333万 of sales, "达成率 350%" while those 3 reps reached 36%. Such a scope has no target;
:func:`rep_target_gap` says why.
"""

from __future__ import annotations

import pandas as pd

from ..periods import ALL, months_back
from .dataset import Dataset
from .facts import order_facts, per_dataset, scoped

MIN_REP_COVERAGE = 0.8  # share of a scope's sales its reps with a target must have made for their sum to be its target
REFERENCE_MONTHS = 3  # a month without sales yet (next month's plan) is read on the months before it


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
                covered = level != "rep" or _covered(ds, month, region, rows)
                return float(rows["target_amount"].sum()) if covered else None
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
        return float(reps["target_amount"].sum()) if _covered(ds, month, region, reps) else None
    lines = pick(levels["line"])
    return _sum_or_none(lines[lines["region"] == region])


def _rep_share(ds: Dataset, month: str, region: str, reps: pd.Series) -> float | None:
    """Share of the scope's sales in ``month`` made by ``reps`` (on the months before it when it has none yet)."""
    orders = order_facts(ds)
    for months in ([month], months_back(month, REFERENCE_MONTHS, offset=1)):
        rows = scoped(orders, region, months)
        total = float(rows["revenue"].sum())
        if total > 0:
            return float(rows.loc[rows["rep_id"].isin(reps.dropna()), "revenue"].sum()) / total
    return None


def _covered(ds: Dataset, month: str, region: str, rep_rows: pd.DataFrame) -> bool:
    share = _rep_share(ds, month, region, rep_rows["rep_id"])
    return share is None or share >= MIN_REP_COVERAGE


def rep_target_gap(ds: Dataset, month: str, region: str) -> dict[str, float | int] | None:
    """Why ``region`` (or ``ALL``) has no target in ``month`` though reps have one: ``{reps, share}``, else ``None``.

    ``reps`` counts the scope's reps with a target that month, ``share`` the part of the scope's sales they made,
    below :data:`MIN_REP_COVERAGE`; ``None`` when the scope has a target or no rep has one.
    """
    targets = ds.get("targets")
    if targets is None or targets.empty or total_target(ds, [month], region) is not None:
        return None
    reps = _dataset_levels(ds)["rep"]
    reps = reps[reps["period"] == month]
    if region != ALL:
        reps = reps[_rep_regions(ds, reps) == region]
    share = _rep_share(ds, month, region, reps["rep_id"]) if len(reps) else None
    return None if share is None else {"reps": int(reps["rep_id"].nunique()), "share": share}


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
