"""Numbers instead of texts: each order's customer as an integer code, so per-customer work groups numbers.

A customer's **code** is its position among the sorted customer ids (:func:`customer_ids`). Codes sort as the
ids do, and pandas adds a group's values in the order of the rows whatever the key, so grouping by codes (or by
a number made of a code and a month's position) gives the very groups, in the very order, and the very sums as
grouping by the id texts — without hashing a text per order, which is most of the cost at a million orders.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..data import facts
from ..data.customers import customer_facts
from ..data.grouping import sorted_codes
from ..report import Report
from .common import NAME


def customer_ids(report: Report) -> pd.Index:
    """The customer ids codes stand for: the customer facts' index (sorted, unique, every ordering customer)."""
    ids = customer_facts(report.ds).index
    if ids.hasnans or not (ids.is_monotonic_increasing and ids.is_unique):  # not expected: keep codes sorted
        ids = pd.Index(ids.dropna().unique(), name=ids.name).sort_values()
    return ids


def order_codes(report: Report) -> np.ndarray:
    """Per row of the order facts, its customer's code (``-1``: no customer id); once per dataset."""

    def build(_) -> np.ndarray:
        customer = facts.order_facts(report.ds)["customer_id"]
        codes = facts.positions(customer_ids(report), customer)
        codes[customer.isna().to_numpy()] = -1  # a missing id is no customer (grouping drops it)
        return codes

    return report.cached(NAME, "order_customer_codes", build)


def row_codes(report: Report, rows: pd.DataFrame) -> np.ndarray:
    """The customer codes of ``rows``, rows of the order facts (a region's, a month's: they keep its index)."""
    orders = facts.order_facts(report.ds)
    index = orders.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        at = rows.index.to_numpy()
    else:
        at = index.get_indexer(rows.index)
    return order_codes(report)[at]


def facts_rows(report: Report) -> np.ndarray:
    """Per customer code, its row in the customer facts (the codes themselves: :func:`customer_ids` is their index)."""
    cust = customer_facts(report.ds)
    ids = customer_ids(report)
    if ids is cust.index:
        return np.arange(len(ids))
    return facts.positions(cust.index, ids.to_series())


def names_of(report: Report, codes: np.ndarray) -> np.ndarray:
    """The display names of the customers with ``codes`` (:func:`salesnb.data.customers.customer_names`)."""
    cust = customer_facts(report.ds)
    ids = customer_ids(report)
    if ids is cust.index:
        return np.asarray(cust["name"].array.take(codes))
    from ..data.customers import customer_names

    return customer_names(report.ds, pd.Series(ids.take(codes))).to_numpy()


def labels_of(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Sorted codes of ``values`` (``-1``: missing) and the labels they stand for: ``pd.factorize(sort=True)``."""
    codes, labels = sorted_codes(values)
    return codes.astype(np.intp), labels.rename(values.name)


def grouped_sum(values: pd.Series | pd.DataFrame, key: np.ndarray) -> pd.Series | pd.DataFrame:
    """``values`` (a column or columns) summed per ``key`` (integers; negative keys are left out), keys sorted.

    What ``groupby(key, sort=True).sum()`` gives, a group's values added in row order: the sums a grouping by
    the texts the key stands for gives.
    """
    keep = key >= 0
    if not keep.all():
        values, key = values[keep], key[keep]
    return values.groupby(key, sort=True).sum()


def pair_sum(
    values: pd.Series | pd.DataFrame,
    first: np.ndarray,
    second: np.ndarray,
    labels: tuple[pd.Index, pd.Index],
    names: tuple[str, str],
) -> pd.Series | pd.DataFrame:
    """``values`` summed per (first, second) pair: ``groupby([first_labels, second_labels], sort=True).sum()``.

    ``first``/``second`` are sorted codes (:func:`labels_of`, customer codes) with ``labels`` their meanings;
    a pair with a negative code is left out, as grouping leaves out a missing label.
    """
    width = max(len(labels[1]), 1)
    sums = grouped_sum(values, pair_key(first, second, width))
    pairs = sums.index.to_numpy()
    sums.index = pair_index(pairs // width, pairs % width, labels, names)
    return sums


def pair_key(first: np.ndarray, second: np.ndarray, width: int) -> np.ndarray:
    """One sorted number per (first, second) pair of codes (``second`` below ``width``); ``-1`` if either is missing."""
    return np.where((first >= 0) & (second >= 0), first.astype(np.int64) * width + second, -1)


def pair_index(
    first: np.ndarray, second: np.ndarray, labels: tuple[pd.Index, pd.Index], names: tuple[str, str]
) -> pd.MultiIndex:
    """The sorted (first, second) pairs of codes as the ``MultiIndex`` of their labels, levels only those used.

    What a grouping by the two label columns gives as its index (``first`` sorted, then ``second`` within it).
    """
    levels, codes = [], []
    for column, label in zip((first, second), labels, strict=True):
        used, at = _compact(column, len(label))
        levels.append(label.take(used))
        codes.append(at)
    return pd.MultiIndex(levels=levels, codes=codes, names=list(names), verify_integrity=False)


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes used (sorted) among ``0 .. size-1`` and each code's position among them: ``np.unique``'s inverse."""
    used = np.flatnonzero(np.bincount(codes, minlength=size))
    at = np.empty(max(size, 1), dtype=np.intp)
    at[used] = np.arange(len(used))
    return used, at[codes]


class Cells(NamedTuple):
    """Revenue per (customer, month) cell of some orders, sorted by customer code, then month code.

    ``customer``/``month``/``revenue`` hold one value per cell; the codes stand for ``ids[customer]`` and
    ``months[month]`` (both sorted). A tuple of arrays, so the per-dataset cache sees its size.
    """

    ids: pd.Index
    months: pd.Index
    customer: np.ndarray
    month: np.ndarray
    revenue: np.ndarray


def order_cells(orders: pd.DataFrame, codes: tuple[np.ndarray, pd.Index] | None = None) -> Cells:
    """The :class:`Cells` of ``orders`` (``customer_id``, ``month``, ``revenue``): their revenue per customer and month.

    The sums of ``orders.groupby(["customer_id", "month"], sort=True)["revenue"].sum()``, added in row order.
    ``codes`` are the rows' customer codes and the ids they stand for, when known (:func:`row_codes`); else
    the ids are numbered here. Rows without a customer or a month are left out, as grouping leaves them out.
    """
    customer, ids = codes if codes is not None else labels_of(orders["customer_id"])
    month, months = labels_of(orders["month"])
    width = max(len(months), 1)
    sums = grouped_sum(orders["revenue"], pair_key(customer, month, width))
    pairs = sums.index.to_numpy()
    return Cells(ids, months, pairs // width, pairs % width, sums.to_numpy(dtype=float))


def customer_month_revenue(report: Report, region: str) -> Cells:
    """Revenue per customer and month of a scope's orders (:func:`order_cells`): one grouping per scope and dataset.

    Retention reads it as its customers × months figures, concentration one month of it at a time
    (:func:`month_revenue`): the same sums as grouping the month's rows by customer (the same rows, in order).
    """

    def build(ds) -> Cells:
        orders = facts.in_region(facts.order_facts(ds), region)
        return order_cells(orders, (row_codes(report, orders), customer_ids(report)))

    return report.cached(NAME, f"customer_month_revenue:{region}", build)


def month_revenue(cells: Cells, month: str) -> pd.Series:
    """One month's revenue per customer (sorted by customer id) out of :class:`Cells`."""
    at = cells.months.get_indexer([month])[0]
    keep = cells.month == at if at >= 0 else np.zeros(len(cells.month), dtype=bool)
    ids = cells.ids.take(cells.customer[keep]).rename("customer_id")
    return pd.Series(cells.revenue[keep], index=ids, name="revenue")
