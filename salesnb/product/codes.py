"""The order lines' labels as integer codes, and scope groupings made on them instead of on the text.

The sections' checks group a year of order lines by scope (ALL and every region in an ALL report), product line
or product, month; at a million lines the text keys cost more than the sums: pyarrow's hashing of every id and
label again per call, and ``with_scopes`` doubling the rows of an ALL report before grouping them. Here the
labels are factorised once per dataset (:func:`~salesnb.product.common.coded`), a code being the label's rank
so codes sort as the labels do, and :func:`scope_groups` groups the rows of each scope on the codes without
copying them into scopes.

A group's rows are the same rows in the same order as in the grouping of ``with_scopes`` on the text, and the
sums are pandas' own (compensated) group sums over them: the same numbers to the last bit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..data import facts
from ..periods import ALL
from ..report import Report
from .common import coded


class Key(NamedTuple):
    """A grouping key over the rows being grouped: its name, each row's code (``-1``: left out) and the labels."""

    name: str
    codes: np.ndarray
    labels: pd.Index


def month_rows(ds, months: list[str]) -> np.ndarray:
    """Positions of the order lines in ``months``, in line order: ``in_months`` on the month codes."""
    found = coded(ds)
    wanted = found.labels["month"].get_indexer(pd.Index(months, dtype=object))
    return np.flatnonzero(np.isin(found.codes["month"], wanted[wanted >= 0]))


def line_key(ds, column: str, rows: np.ndarray) -> Key:
    """The :data:`CODED` ``column`` of the order lines at ``rows`` as a grouping :class:`Key`."""
    found = coded(ds)
    return Key(column, found.codes[column][rows], found.labels[column])


def flag_key(name: str, flags: np.ndarray) -> Key:
    """A boolean grouping key (``False`` before ``True``, as pandas sorts them)."""
    return Key(name, np.asarray(flags, dtype=np.int32), pd.Index([False, True]))


def scope_groups(
    report: Report,
    rows: np.ndarray,
    keys: list[Key],
    values: dict[str, tuple[np.ndarray | None, str]],
    *,
    regional: dict[str, tuple[np.ndarray | None, str]] | None = None,
) -> pd.DataFrame:
    """``aggregate(with_scopes(lines at rows, report).groupby(["scope", *keys]), **values)`` made on codes.

    ``rows``: positions of order lines, in line order; ``keys``: codes of these rows; ``values``: see
    :func:`grouped` (``regional``: other values of the same rows for the regions' scopes, when a row's value
    depends on its scope). The scopes are the report's region, or ALL and every region but the unknown one for an
    ALL report. Indexed by scope and the keys' labels, sorted like the text grouping.
    """
    company = report.region == ALL
    return report_scopes(report, *every_scope(report.ds, rows, keys, values, company=company, regional=regional))


def every_scope(
    ds,
    rows: np.ndarray,
    keys: list[Key],
    values: dict[str, tuple[np.ndarray | None, str]],
    *,
    company: bool = True,
    regional: dict[str, tuple[np.ndarray | None, str]] | None = None,
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The grouping (:func:`grouped`) of all ``rows`` (``None`` unless ``company``) and of each region's rows.

    The second is indexed by ``scope`` (every region, the unknown one too) and the keys, of ``regional`` values
    when given: what :func:`report_scopes` picks a report's scopes from.
    """
    region = Key("scope", coded(ds).codes["region"][rows], coded(ds).labels["region"])
    by_region = grouped([region, *keys], regional if regional is not None else values)
    return (grouped(keys, values) if company else None), by_region


def report_rows(report: Report, months: list[str] | None = None) -> np.ndarray:
    """Positions of the order lines of the report's region (every line for ALL) in ``months``, in line order.

    Without ``months``: every line with a month.
    """
    rows = month_rows(report.ds, months) if months is not None else np.flatnonzero(coded(report.ds).codes["month"] >= 0)
    if report.region == ALL:
        return rows
    found = coded(report.ds)
    return rows[found.codes["region"][rows] == found.labels["region"].get_indexer(pd.Index([report.region]))[0]]


def report_scopes(report: Report, company: pd.DataFrame | None, regional: pd.DataFrame) -> pd.DataFrame:
    """The report's scopes of :func:`every_scope`'s groupings: its region, or ALL and every known region."""
    scope = regional.index.get_level_values("scope")
    if report.region != ALL:
        return regional[scope == report.region]
    return pd.concat([_with_scope(ALL, company, scope.dtype), regional[scope != facts.UNKNOWN]]).sort_index()


def _with_scope(scope: str, frame: pd.DataFrame, dtype: object) -> pd.DataFrame:
    """``frame`` with ``scope`` as the first level of its index (of ``dtype``: the regions' labels')."""
    levels = [
        pd.Index([scope] * len(frame), dtype=dtype),
        *(frame.index.get_level_values(k) for k in range(frame.index.nlevels)),
    ]
    return frame.set_axis(pd.MultiIndex.from_arrays(levels, names=["scope", *frame.index.names]))


def grouped(
    keys: list[Key],
    values: dict[str, tuple[np.ndarray | None, str]],
    ok: np.ndarray | None = None,
    *,
    empty: bool = False,
) -> pd.DataFrame:
    """``groupby(keys)`` of the rows (where ``ok``) on their codes: per output column, (values, how).

    ``how`` is ``"sum"`` or ``"mean"`` (pandas' own, over each group's rows in their order), ``"size"`` (values
    ``None``) or ``"nunique"`` (of integer codes, ``-1`` missing: :func:`_distinct`). Rows with a key missing (code
    ``-1``) are left out, as ``groupby`` leaves out missing keys; ``empty`` leaves out every row. Indexed by the
    keys' labels (a MultiIndex for several keys), sorted as the labels sort.
    """
    keep = np.ones(len(keys[0].codes), dtype=bool) if ok is None else np.asarray(ok, dtype=bool).copy()
    if empty:
        keep[:] = False
    for key in keys:
        keep &= key.codes >= 0
    every = bool(keep.all())  # the common case: no copy of the rows' values

    def kept(values: np.ndarray) -> np.ndarray:
        return np.asarray(values) if every else np.asarray(values)[keep]

    combined = np.zeros(int(keep.sum()), dtype=np.int64)
    for key in keys:
        combined = combined * len(key.labels) + kept(key.codes)
    found, group, sizes = _groups(combined, int(np.prod([len(key.labels) for key in keys])))
    by = pd.Categorical.from_codes(group, categories=pd.RangeIndex(len(found)))  # the groups, not hashed again
    totals = {}
    for how in ("sum", "mean"):  # one grouping for all the columns reduced alike
        columns = {name: kept(column) for name, (column, is_how) in values.items() if is_how == how}
        if columns:
            totals.update(getattr(pd.DataFrame(columns).groupby(by, observed=True), how)().items())
    out = {}
    for name, (column, how) in values.items():
        if how in ("sum", "mean"):
            out[name] = totals[name].to_numpy()
        elif how == "size":
            out[name] = sizes
        else:
            out[name] = _distinct(group, kept(column), len(found))
    frame, levels = pd.DataFrame(out), []
    for key in reversed(keys):
        levels.append(key.labels.take(found % len(key.labels)))
        found = found // len(key.labels)
    index = pd.MultiIndex.from_arrays(levels[::-1], names=[k.name for k in keys])
    return frame.set_axis(index if len(keys) > 1 else index.get_level_values(0))


def _groups(combined: np.ndarray, domain: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct ``combined`` keys (sorted), each row's group among them, and each group's row count.

    Counted over the key's whole ``domain`` when it is not much larger than the rows (no sort), else sorted.
    """
    if domain <= max(1 << 20, 4 * len(combined)):
        counts = np.bincount(combined, minlength=domain)
        found = np.flatnonzero(counts)
        dense = np.cumsum(counts > 0) - 1
        return found, dense[combined], counts[found].astype(np.int64)
    found, group, sizes = np.unique(combined, return_inverse=True, return_counts=True)
    return found, group.reshape(-1), sizes.astype(np.int64)


def _distinct(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """How many distinct ``values`` (integer codes; ``-1``: missing, not counted) each of ``count`` groups holds.

    ``groupby(groups).nunique()`` of the codes (``groups``: 0 … count − 1), by hashing the (group, value) pairs
    once: no sort per group.
    """
    present = values >= 0
    span = int(values.max()) + 1 if present.any() else 1
    pairs = pd.unique(groups[present].astype(np.int64) * span + values[present])
    return np.bincount(pairs // span, minlength=count).astype(np.int64)
