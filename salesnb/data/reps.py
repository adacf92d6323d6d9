"""Rep facts shared by every angle: who a rep is (name, region, hire and leave dates), how to name one, tenure.

Read from the ``reps`` table once per dataset. The team angle and the commission statement both name reps
through :func:`rep_label`; keeping it here (and not in the team angle) is what lets ``commission`` stay a
flat module without importing the team package.
"""

from __future__ import annotations

import pandas as pd

from ..periods import bounds, month_end
from .dataset import Dataset
from .facts import per_dataset

DAYS_PER_MONTH = 30.4375  # average days per month (365.25 / 12): tenure in months from days
INFO_COLUMNS: tuple[str, ...] = ("rep_name", "region", "hire_date", "leave_date")


def rep_info(ds: Dataset) -> pd.DataFrame:
    """Reps indexed by ``rep_id`` with ``rep_name``, ``region``, ``hire_date``, ``leave_date`` (empty if absent)."""

    def build() -> pd.DataFrame:
        reps = ds.get("reps")
        columns = list(INFO_COLUMNS)
        if reps is None:
            return pd.DataFrame(columns=columns, index=pd.Index([], name="rep_id"))
        return reps.drop_duplicates("rep_id").set_index("rep_id")[columns]

    return per_dataset(ds, ("reps", "rep_info"), build)


def rep_label(ds: Dataset, rep_id: str, lang: str = "zh") -> str:
    """``蔡一鸣（R015）`` (``蔡一鸣 (R015)`` in English), or the id alone when the name is unknown or is the id.

    An export naming its reps only by name keys them by it: ``张三``, not ``张三（张三）``.
    """
    names = per_dataset(ds, ("reps", "names"), lambda: rep_info(ds)["rep_name"].to_dict())
    if isinstance(rep_id, str):  # a plain lookup: called once per row of a rep table, thousands of times a report
        name = names.get(rep_id)
    else:
        info = rep_info(ds)
        name = info["rep_name"].get(rep_id) if rep_id in info.index else None
    if name is None or pd.isna(name) or str(name) in ("", str(rep_id)):
        return str(rep_id)
    return f"{name}（{rep_id}）" if lang == "zh" else f"{name} ({rep_id})"


def tenure_months(ds: Dataset, rep_ids: pd.Index | pd.Series, month: str) -> pd.Series:
    """Months between each rep's hire date and the start of ``month`` (NaN when unknown), indexed by rep id."""
    hire = pd.Series(list(rep_ids), index=list(rep_ids)).map(rep_info(ds)["hire_date"])
    days = (bounds(month)[0] - pd.to_datetime(hire)).dt.days
    return (days / DAYS_PER_MONTH).astype(float)


def left_before_end(ds: Dataset, rep_ids: pd.Index | pd.Series, month: str) -> pd.Series:
    """True for reps whose leave date falls before the end of ``month``, indexed by rep id."""
    leave = pd.Series(list(rep_ids), index=list(rep_ids)).map(rep_info(ds)["leave_date"])
    return pd.to_datetime(leave).lt(month_end(month)).fillna(False).astype(bool)
