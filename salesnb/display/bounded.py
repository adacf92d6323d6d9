"""Bounded tables and charts: the top N rows and one "其他 / Others" row carrying the rest's count and totals.

A report must stay readable (and its page small) whether the data holds 26 products or 30,000, 50 reps or
3,000: every panel whose rows grow with the number of products, customers, reps or any other segment shows
its frame through :func:`top_n_with_other`. Only what is displayed is bounded: frames returned for findings
and metrics keep every row. The number of rows is ``report.top_n`` of the configuration (:func:`display_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..i18n import t
from .formatting import format_int

OTHER = "is_other"  # column marking the "others" row (True) of a bounded frame
MEMBERS = "members"  # column with the number of original rows behind each row (1, or the count of the rest)


def display_rows(config: dict[str, Any]) -> int:
    """Rows a ranked table or chart shows: ``report.top_n`` of the configuration."""
    return int(config["report"]["top_n"])


def other_label(lang: str, count: int) -> str:
    """The label of the "others" row: ``其他（1,234项）`` / ``Others (1,234)``."""
    return t("other_rows", lang, n=format_int(count))


def top_n_with_other(
    frame: pd.DataFrame,
    by: str | None,
    n: int,
    label_col: str,
    sum_cols: Sequence[str] = (),
    count_label: str = "",
    *,
    ascending: bool = False,
) -> pd.DataFrame:
    """The ``n`` largest rows of ``frame`` by ``by`` and, when rows are left over, one row holding the rest.

    Parameters
    ----------
    frame
        One row per member (product, customer, rep …).
    by
        Column to rank on, largest first (``ascending=True``: smallest first); ``None`` keeps the frame's order
        (it is already ranked). Ties keep the frame's order.
    n
        Rows to keep (at least 1).
    label_col
        Column that names the member; the "others" row gets ``count_label`` there, with ``{n}`` replaced by
        the number of members it holds (see :func:`other_label`).
    sum_cols
        Columns summed into the "others" row (amounts, counts, shares); every other column is empty there.
    count_label
        Label of the "others" row.

    Returns
    -------
    pandas.DataFrame
        The kept rows in rank order, then the "others" row; columns of ``frame`` plus ``members`` (1, or the
        number of members in "others") and ``is_other``. The sums of ``sum_cols`` and of ``members`` equal
        those of ``frame``. Without rows left over, the frame is only ranked (no "others" row).
    """
    if int(n) != n or n < 1:
        raise ParameterError(f"top_n_with_other: n must be a positive whole number, got {n!r}")
    missing = [c for c in [label_col, *([by] if by else []), *sum_cols] if c not in frame.columns]
    if missing:
        raise ParameterError(f"top_n_with_other: frame has no column(s) {', '.join(map(repr, missing))}")
    ranked = frame if by is None else frame.sort_values(by, ascending=ascending, kind="stable")
    ranked = ranked.reset_index(drop=True).assign(**{MEMBERS: 1, OTHER: False})
    if len(ranked) <= n:
        return ranked
    kept, rest = ranked.iloc[: int(n)], ranked.iloc[int(n) :]
    row: dict[str, Any] = {c: np.nan for c in ranked.columns}
    row.update({c: rest[c].sum(min_count=1) for c in sum_cols})  # none known (no sale a year before): unknown, not 0
    row.update({label_col: count_label.format(n=format_int(len(rest))), MEMBERS: len(rest), OTHER: True})
    return pd.concat([kept, pd.DataFrame([row], columns=ranked.columns)], ignore_index=True)


def bounded(
    frame: pd.DataFrame,
    report,
    label_col: str,
    sum_cols: Sequence[str] = (),
    by: str | None = None,
    *,
    ascending: bool = False,
) -> pd.DataFrame:
    """:func:`top_n_with_other` with the report's ``report.top_n`` rows and its language's "others" label."""
    label = t("other_rows", report.lang, n="{n}")
    return top_n_with_other(frame, by, display_rows(report.config), label_col, sum_cols, label, ascending=ascending)


def bounded_note(shown: pd.DataFrame, lang: str) -> str:
    """``仅列出前10项，其余2,345项合并为“其他”。`` under a bounded table; ``""`` when nothing was combined."""
    other = shown[shown[OTHER]] if OTHER in shown.columns else shown.iloc[:0]
    if other.empty:
        return ""
    return t("bounded_note", lang, shown=format_int(len(shown) - len(other)), rest=format_int(other[MEMBERS].sum()))
