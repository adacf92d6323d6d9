"""A shared fact table's region and month rows: filtered once, kept, handed out as copies.

Every angle slices the same per-dataset tables (order and line facts, deals, leads ...) by the report's region
and months, each section again and for every month of a baseline. For a frame marked shared
(:func:`share_rows`: a per-dataset table nobody modifies) the filtered rows are kept (bounded by
:data:`SLICE_SHARE` of the frame's rows, least recently used dropped) and handed out as shallow copies
(pandas' copy-on-write makes them free and isolated). Everything kept goes with its frame.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd

from ..periods import ALL

_SLICES: dict[int, tuple[weakref.ref, OrderedDict]] = {}  # id of a shared frame -> (its ref, {filter: rows})
SLICE_SHARE = 0.5  # rows kept per shared frame (its region and month slices), as a share of its own rows
SLICE_MIN_ROWS = 20_000  # ... and at least these (a small table keeps all its slices)


def share_rows(frame: pd.DataFrame) -> None:
    """Mark ``frame`` as a shared table nobody modifies (a per-dataset one): its region and month rows are kept.

    :func:`in_region`, :func:`in_months` and :func:`scoped` then filter it once per label and hand out copies
    of the rows (a caller changing its rows changes nothing shared).
    """
    key = id(frame)
    if key in _SLICES and _SLICES[key][0]() is frame:
        return
    _SLICES[key] = (weakref.ref(frame, lambda _, key=key: _SLICES.pop(key, None)), OrderedDict())


def _filtered(frame: pd.DataFrame, column: str, wanted: str | list[str]) -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` equals ``wanted`` (one label) or is one of ``wanted`` (a list)."""
    return frame[frame[column] == wanted] if isinstance(wanted, str) else frame[frame[column].isin(wanted)]


def _rows(frame: pd.DataFrame, how: tuple, build: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame, bool]:
    """``build()`` (rows of ``frame``), kept under ``how`` when ``frame`` is shared; and whether it is kept."""
    entry = _SLICES.get(id(frame))
    if entry is None or entry[0]() is not frame:
        return build(), False
    kept = entry[1]
    if how in kept:
        kept.move_to_end(how)
        return kept[how], True
    rows = kept[how] = build()
    budget = max(SLICE_MIN_ROWS, int(len(frame) * SLICE_SHARE))
    while len(kept) > 1 and sum(len(r) for r in kept.values()) > budget:
        kept.popitem(last=False)
    if how in kept:
        share_rows(rows)  # a region's rows are sliced again by month (:func:`scoped`)
    return rows, how in kept


def _handed_out(rows: pd.DataFrame, kept: bool) -> pd.DataFrame:
    return rows.copy(deep=False) if kept else rows


def _region_rows(frame: pd.DataFrame, region: str) -> tuple[pd.DataFrame, bool]:
    return _rows(frame, ("region", region), lambda: _filtered(frame, "region", region))


def _month_rows(frame: pd.DataFrame, months: list[str] | str) -> tuple[pd.DataFrame, bool]:
    if isinstance(months, str):
        return _rows(frame, ("month", months), lambda: _filtered(frame, "month", months))
    return _rows(frame, ("months", tuple(months)), lambda: _filtered(frame, "month", list(months)))


def in_region(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows of ``frame`` for ``region`` (all rows for ``ALL``); filtered once for a shared frame (see share_rows)."""
    if region == ALL:
        return frame
    return _handed_out(*_region_rows(frame, region))


def in_months(frame: pd.DataFrame, months: list[str] | str) -> pd.DataFrame:
    """Rows of ``frame`` whose ``month`` label is one of ``months``; filtered once for a shared frame."""
    return _handed_out(*_month_rows(frame, months))


def scoped(frame: pd.DataFrame, region: str, months: list[str] | str) -> pd.DataFrame:
    """``in_months(in_region(frame, region), months)``, the region's rows of a shared frame filtered once."""
    if region == ALL:
        return in_months(frame, months)
    rows, kept = _region_rows(frame, region)
    return _handed_out(*_month_rows(rows, months)) if kept else in_months(rows, months)
