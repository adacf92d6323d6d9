"""The support angle's own helpers: customer regions, customer value, revenue at stake, month-end judging.

The revenue at stake of a service problem is the revenue of the orders it touches (the order a ticket or a
late delivery is about), or of the customers it touches (their average monthly revenue over
``support.customer_value_months``); only the part above the baseline rate counts (:func:`excess`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..data import facts
from ..data.customers import customer_regions
from ..data.dataset import Dataset
from ..periods import ALL
from ..report import Report

NAME = "support"  # the angle's name: cache namespace, settings and thresholds section, findings' angle


def usual_months(report: Report, region: str | None = None) -> list[str]:
    """The ``support.history_months`` months before the period that the data covers: the usual level.

    ``region``: those of that region (default: the report's), without its gap months (:meth:`Report.covered`).
    """
    return report.history(report.settings(NAME)["history_months"], region=region)


def order_rows(ds: Dataset, order_ids: pd.Series) -> np.ndarray | None:
    """Position in the order facts of each of ``order_ids`` (``-1``: unknown); ``None`` when order ids repeat.

    One text match serves every column a row reads from its order (region, revenue); with repeated order ids
    ``Series.map`` raises, as it always did (the callers then map).
    """
    orders = facts.order_facts(ds)
    return facts.positions(orders["order_id"], order_ids) if facts.order_ids_unique(ds) else None


ORDER_TABLES = ("tickets", "invoices")  # the tables whose rows read their order's region (and revenue)


def table_order_rows(ds: Dataset, name: str) -> np.ndarray | None:
    """:func:`order_rows` of the ``order_id`` of table ``name`` (one of :data:`ORDER_TABLES`), per dataset.

    The tickets' and the invoices' order ids are matched together, once: most of a match is hashing every
    order id, which both tables would otherwise pay for.
    """

    def build() -> dict[str, np.ndarray] | None:
        names = [table for table in ORDER_TABLES if ds.has(table)]
        ids = [ds[table]["order_id"] for table in names]
        at = order_rows(ds, pd.concat(ids, ignore_index=True) if len(ids) > 1 else ids[0])
        if at is None:
            return None
        ends = np.cumsum([len(column) for column in ids])
        return dict(zip(names, np.split(at.astype(np.int32 if len(at) < 2**31 else np.intp), ends[:-1]), strict=True))

    found = facts.per_dataset(ds, (NAME, "table_order_rows"), build)
    return None if found is None else found[name]


def region_rows(report: Report, name: str, table: pd.DataFrame, region: str) -> np.ndarray | None:
    """Positions in the per-dataset ``table`` called ``name`` of ``region``'s rows (``None`` for ALL: every row).

    The rows ``facts.in_region`` filters, in order, found by one grouping of the region column per dataset: the
    ALL report asks for every region in turn, and filtering the whole table (every column) each time was most
    of its receivables and delivery figures.
    """
    if region == ALL:
        return None

    def build(_ds: Dataset) -> dict[str, np.ndarray]:
        groups = table.groupby("region", sort=False, observed=True).indices
        return {key: at.astype(_position_type(table)) for key, at in groups.items()}

    found = report.cached(NAME, ("region_rows", name), build).get(region)
    return np.array([], dtype=np.intp) if found is None else found


def _position_type(table: pd.DataFrame) -> type:
    """The narrowest integer type holding a position in ``table``: positions held per dataset take half the memory."""
    return np.int32 if len(table) < 2**31 else np.int64


def scoped_rows(
    report: Report,
    name: str,
    table: pd.DataFrame,
    region: str,
    months: list[str] | str,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """``facts.scoped(table, region, months)`` for the per-dataset ``table`` called ``name``: the same rows.

    The region's rows (:func:`region_rows`) are grouped by ``month`` once per dataset (positions in ``table``,
    not copies), so each month or window asked for (a trend asks for 13, each with its trailing window) takes
    its own rows instead of comparing every row's month label again; with ``columns``, only these columns of
    them (a sum reads one).
    """

    def build(_ds: Dataset) -> dict[str, np.ndarray]:
        at = region_rows(report, name, table, region)
        labels = table[["month"]] if at is None else table[["month"]].take(at)
        groups = labels.groupby("month", sort=False, observed=True).indices
        kind = _position_type(table)
        return {month: (rows if at is None else at[rows]).astype(kind) for month, rows in groups.items()}

    groups = report.cached(NAME, ("month_rows", name, region), build)
    wanted = [months] if isinstance(months, str) else list(dict.fromkeys(months))
    parts = [groups[month] for month in wanted if month in groups]
    at = np.sort(np.concatenate(parts)) if parts else np.array([], dtype=np.intp)
    return (table if columns is None else table[columns]).take(at)


def in_scope(counts: pd.DataFrame, region: str, months: list[str] | None = None) -> pd.DataFrame:
    """The rows of a per-region count table (``region``, ``month`` columns) of ``region`` (ALL: all) in ``months``."""
    keep = np.ones(len(counts), dtype=bool) if region == ALL else (counts["region"] == region).to_numpy(dtype=bool)
    if months is not None:
        keep = keep & counts["month"].isin(months).to_numpy(dtype=bool)
    return counts[keep]


def from_orders(ds: Dataset, rows: pd.DataFrame, column: str, at: np.ndarray | None) -> pd.Series:
    """The order facts' ``column`` of each row's order (missing when unknown): ``at`` from :func:`order_rows`."""
    orders = facts.order_facts(ds)
    if at is None:
        return rows["order_id"].map(orders.set_index("order_id")[column])
    return facts.take(orders[column], at, rows.index)


def row_regions(ds: Dataset, rows: pd.DataFrame, at: np.ndarray | None = None) -> pd.Series:
    """The region of each row (``order_id``, ``customer_id``): its order's, else its customer's; missing when neither.

    ``Series.map`` by order and by customer, with the fact layer's one-lookup :func:`~salesnb.data.facts.lookup`
    (a text match over half a million orders is most of a ticket or invoice table's build otherwise); ``at``:
    the rows' :func:`order_rows`, when the caller has them already.
    """
    if at is None:
        at = order_rows(ds, rows["order_id"])
    region = from_orders(ds, rows, "region", at)
    return region.fillna(facts.lookup(rows["customer_id"], customer_regions(ds))).rename("region")


def customer_value(report: Report) -> pd.Series:
    """Average monthly revenue per customer over the ``support.customer_value_months`` months up to the period."""
    months = report.settings(NAME)["customer_value_months"]
    end = pd.Period(report.period, freq="M")
    labels = [str(end - k) for k in range(months)]

    def build(ds: Dataset) -> pd.Series:
        orders = facts.in_months(facts.order_facts(ds), labels)
        return orders.groupby("customer_id")["revenue"].sum() / months

    return report.cached(NAME, f"customer_value:{report.period}:{months}", build)


def customer_values(
    report: Report, customers: pd.Series | pd.Index | np.ndarray | pd.api.extensions.ExtensionArray
) -> pd.Series:
    """``customer_value(report).reindex(customers).fillna(0.0)``, by one hash lookup.

    Indexed by ``customers`` in their order, as ``reindex`` gives. A few customers (a category's complaints, a
    score's dissatisfied respondents: hundreds of calls per report) are looked up in the value's own hash index,
    built once per dataset and period; many (every buyer of a region) by :func:`facts.positions`, which builds
    no index of every customer (pandas builds one of Python strings, seconds at ten million order lines).
    """
    value = customer_value(report)
    keys = pd.Index(customers, name=value.index.name)
    if not len(keys):
        return value.reindex(keys).fillna(0.0)
    few = len(keys) * FEW_KEYS <= len(value)
    at = value.index.get_indexer(keys) if few else facts.positions(value.index, pd.Series(keys))
    return pd.Series(facts.take(value, at, keys).to_numpy(), index=keys, name=value.name).fillna(0.0)


FEW_KEYS = 20  # customer_values: at most 1/20 of the valued customers are looked up in their hash index


def order_revenue(report: Report) -> pd.Series:
    """Revenue per order id."""
    return report.cached(NAME, "order_revenue", lambda ds: facts.order_facts(ds).set_index("order_id")["revenue"])


def at_stake(report: Report, rows: pd.DataFrame) -> float:
    """Revenue touched by ``rows``: their orders' revenue (each order once), else their customers' monthly value.

    ``rows`` has ``order_id`` and ``customer_id``; a row whose order is unknown counts its customer instead.
    Rows carrying their order's revenue (``order_revenue``, missing when unknown: the ticket facts) are read
    as they are, without matching their order ids against every order.
    """
    if rows.empty:
        return 0.0
    if "order_revenue" in rows.columns:
        with_id = rows["order_id"].notna()
        amounts = rows.loc[with_id].drop_duplicates("order_id")["order_revenue"]  # each order once, as found
        without = rows[~(with_id & rows["order_revenue"].notna())]
        customers = without["customer_id"].dropna().unique()
        return float(amounts.sum()) + float(customer_values(report, customers).sum())
    orders = pd.Series(rows["order_id"].dropna().unique())
    amounts = order_revenue(report).reindex(orders.to_numpy())
    known = set(orders[amounts.notna().to_numpy()])
    without = rows[~rows["order_id"].map(lambda o: o in known)]
    customers = without["customer_id"].dropna().unique()
    return float(amounts.sum()) + float(customer_values(report, customers).sum())


def excess(total: float, rate: float, baseline: float | None) -> float:
    """The part of ``total`` above what the baseline rate would give: total × (1 − baseline / rate)."""
    if not rate or rate <= 0:
        return 0.0
    base = baseline if baseline is not None and not math.isnan(baseline) else 0.0
    return max(0.0, total * (1 - base / rate))
