"""Derived fact tables shared by every angle: one row per order, one row per order line.

Revenue follows the data contract: Σ quantity × unit_price over order_lines, or
``orders.amount`` when order_lines is absent. An order's region is ``orders.region``,
falling back to its customer's region.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import pandas as pd

from ..periods import ALL, month_labels
from .dataset import Dataset

_CACHE: weakref.WeakKeyDictionary[Dataset, dict] = weakref.WeakKeyDictionary()
T = TypeVar("T")
UNKNOWN = "未知"  # label for a missing region / channel / product line


def per_dataset(ds: Dataset, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` computed once per dataset object and kept as long as the dataset lives.

    Derived tables (facts, customer histories, funnels) are shared by every report and angle run on the
    same loaded dataset; callers namespace ``key`` by module. Callers must not modify the result.
    """
    try:
        store = _CACHE.setdefault(ds, {})
    except TypeError:  # unhashable dataset object: no caching
        return build()
    if key not in store:
        store[key] = build()
    return store[key]


LARGE_DATASET_ROWS = 500_000  # rows over all tables from which derived tables are dropped after use


def forget_derived(
    ds: Dataset | None = None, *, keep: tuple[str, ...] = ("facts",), min_rows: int = LARGE_DATASET_ROWS
) -> None:
    """Drop the angle modules' per-dataset tables of a large dataset (every one when ``ds`` is None).

    An angle's derived tables (customer histories, funnels, invoice facts ...) can be several times the
    size of the data: about 1 GB at a million order lines. Dropped once its findings are known and between
    reports, only one angle's tables are alive at a time; the shared order and line facts (``keep``) stay.
    A dataset under ``min_rows`` rows keeps everything: rebuilding would cost time and save little.
    """
    pairs = [(ds, _CACHE.get(ds, {}))] if ds is not None else list(_CACHE.items())
    for dataset, store in pairs:
        if sum(len(table) for table in dataset.tables.values()) < min_rows:
            continue
        for key in [k for k in store if not (isinstance(k, tuple) and k and k[0] in keep)]:
            del store[key]


def _cached(ds: Dataset, key: str, build: Callable[[Dataset], pd.DataFrame]) -> pd.DataFrame:
    return per_dataset(ds, ("facts", key), lambda: build(ds))


def order_facts(ds: Dataset) -> pd.DataFrame:
    """One row per order with ``month``, ``region``, ``revenue``, ``units`` and ``first_month`` of its customer.

    Columns: order_id, customer_id, order_date, month, region, rep_id, channel, revenue, units,
    customer_first_month, is_new_customer_order (first ever order month of the customer).
    """
    return _cached(ds, "order_facts", _build_order_facts)


def line_facts(ds: Dataset) -> pd.DataFrame:
    """One row per order line with revenue, the order's month/region/channel/customer and the product line."""
    return _cached(ds, "line_facts", _build_line_facts)


def _build_order_facts(ds: Dataset) -> pd.DataFrame:
    orders = ds["orders"]
    frame = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "customer_id": orders["customer_id"],
            "order_date": orders["order_date"],
            "rep_id": orders["rep_id"],
            "channel": orders["channel"].fillna(UNKNOWN),
        }
    )
    frame["month"] = month_labels(frame["order_date"])
    region = orders["region"]
    customers = ds.get("customers")
    if customers is not None:
        by_customer = customers.set_index("customer_id")["region"]
        region = region.fillna(frame["customer_id"].map(by_customer))
    frame["region"] = region.fillna(UNKNOWN).astype(str)

    lines = ds.get("order_lines")
    if lines is not None and len(lines):
        per_order = (
            pd.DataFrame(
                {
                    "order_id": lines["order_id"],
                    "revenue": lines["quantity"] * lines["unit_price"],
                    "units": lines["quantity"],
                }
            )
            .groupby("order_id", sort=False)[["revenue", "units"]]
            .sum()
        )
        frame["revenue"] = frame["order_id"].map(per_order["revenue"]).fillna(0.0)
        frame["units"] = frame["order_id"].map(per_order["units"]).fillna(0.0)
    else:
        frame["revenue"] = orders["amount"].fillna(0.0).astype(float)
        frame["units"] = float("nan")

    first = frame.groupby("customer_id")["month"].min()
    frame["customer_first_month"] = frame["customer_id"].map(first)
    frame["is_new_customer_order"] = frame["customer_first_month"] == frame["month"]
    return frame.reset_index(drop=True)


def _build_line_facts(ds: Dataset) -> pd.DataFrame:
    lines = ds.get("order_lines")
    if lines is None:
        return pd.DataFrame(
            columns=["order_id", "product_id", "product_line", "revenue", "quantity", "month", "region"]
        )
    orders = order_facts(ds).set_index("order_id")
    frame = pd.DataFrame(
        {
            "order_id": lines["order_id"],
            "product_id": lines["product_id"],
            "quantity": lines["quantity"],
            "unit_price": lines["unit_price"],
            "revenue": lines["quantity"] * lines["unit_price"],
        }
    )
    for column in ("month", "region", "channel", "customer_id", "rep_id"):
        frame[column] = frame["order_id"].map(orders[column])
    products = ds.get("products")
    if products is not None:
        frame["product_line"] = frame["product_id"].map(products.set_index("product_id")["product_line"])
    else:
        frame["product_line"] = pd.NA
    frame["product_line"] = frame["product_line"].fillna(UNKNOWN).astype(str)
    return frame


def in_region(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows of ``frame`` for ``region`` (all rows for ``ALL``)."""
    if region == ALL:
        return frame
    return frame[frame["region"] == region]


def in_months(frame: pd.DataFrame, months: list[str] | str) -> pd.DataFrame:
    """Rows of ``frame`` whose ``month`` label is one of ``months``."""
    if isinstance(months, str):
        return frame[frame["month"] == months]
    return frame[frame["month"].isin(months)]


def regions(ds: Dataset) -> list[str]:
    """Region names present in the orders (after the customer fallback), sorted, without the unknown label."""
    names = order_facts(ds)["region"].dropna().unique().tolist()
    return sorted(n for n in names if n != UNKNOWN)


def data_months(ds: Dataset) -> tuple[str, str]:
    """First and last ``YYYY-MM`` covered by orders."""

    def build() -> tuple[str, str]:
        months = order_facts(ds)["month"].dropna()
        return months.min(), months.max()

    return per_dataset(ds, ("facts", "data_months"), build)


def size_band_labels(edges: list[float] | tuple[float, ...]) -> list[str]:
    """Labels of the company-size bands cut at ``edges`` (employees): the one spelling every angle shows.

    ``[0, 50, 200, 1000]`` gives ``["<50", "50-199", "200-999", "1000+"]``; edges not starting at 0 get a first
    band below them (``[10, 100]`` → ``<10``, ``10-99``, ``100+``).
    """
    cuts = [int(e) for e in edges]
    if not cuts or cuts[0] > 0:
        cuts = [0, *cuts]
    labels = []
    for low, high in zip(cuts, [*cuts[1:], None], strict=True):
        if high is None:
            labels.append(f"{low}+")
        elif low == 0:
            labels.append(f"<{high}")
        else:
            labels.append(f"{low}-{high - 1}")
    return labels


def size_band(values: pd.Series, edges: list[float] | tuple[float, ...]) -> pd.Series:
    """Company-size band label of each employee count; ``未知`` where the count is missing."""
    cuts = [float(e) for e in edges]
    if not cuts or cuts[0] > 0:
        cuts = [0.0, *cuts]
    labels = size_band_labels(edges)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    position = np.searchsorted(np.array(cuts[1:]), numbers, side="right")
    out = np.array(labels, dtype=object)[np.clip(position, 0, len(labels) - 1)]
    out = np.where(np.isnan(numbers), UNKNOWN, out)
    return pd.Series(out, index=values.index, dtype=object)
