"""Derived fact tables shared by every angle: one row per order, one row per order line.

Revenue follows the data contract: Σ quantity × unit_price over order_lines, or
``orders.amount`` when order_lines is absent. An order's region is ``orders.region``,
falling back to its customer's region.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import pandas as pd

from ..periods import month_labels
from .cut_day import cut_short
from .dataset import Dataset
from .lookups import among as among  # re-exported: the fact layer's one hash lookup
from .lookups import lookup as lookup
from .lookups import positions, take
from .slices import in_months as in_months  # re-exported: the fact layer is where callers slice
from .slices import in_region as in_region
from .slices import scoped as scoped
from .slices import share_rows
from .store_read import OrderKeys, order_keys

_CACHE: weakref.WeakKeyDictionary[Dataset, dict] = weakref.WeakKeyDictionary()
T = TypeVar("T")
UNKNOWN = "未知"  # label for a missing region / channel / product line; never a finding's segment or a driver
# (display.formatting.UNKNOWN_LABEL shows it in the reader's language)
COMPLETE_WITHIN_DAYS = 3  # a month is complete when the orders reach one of its last 3 days (a weekend, a holiday)
_VIEWS: weakref.WeakKeyDictionary[Dataset, int] = weakref.WeakKeyDictionary()  # same-days view -> its last day


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
        if isinstance(store[key], pd.DataFrame):
            share_rows(store[key])
    return store[key]


LARGE_DATASET_ROWS = 500_000  # rows over all tables from which derived tables are dropped after use
SMALL_DERIVED_SHARE = 0.01  # ... except aggregates under this share of the data's rows (each, and all together)


SHARED_FACTS = ("facts", "deals", "stays", "leads", "customers", "reps", "targets")  # the data layer's namespaces


def forget_derived(
    ds: Dataset | None = None, *, keep: tuple[str, ...] = SHARED_FACTS, min_rows: int = LARGE_DATASET_ROWS
) -> None:
    """Drop the angle modules' large per-dataset tables of a large dataset (every dataset's when ``ds`` is None).

    An angle's derived tables (customer histories, funnels, invoice facts ...) can be several times the
    size of the data: about 1 GB at a million order lines. Dropped once its findings are known and between
    reports, only one angle's tables are alive at a time. The fact layer's own tables (``keep``: order and
    line facts, deals and their stage stays, leads, customers, reps, targets) stay: every angle reads them,
    and rebuilding them per angle and per report cost more than they hold. Small aggregates stay too (each
    under :data:`SMALL_DERIVED_SHARE` of the data's rows, the smallest first up to that share in all): the
    company's channel, new-customer or revenue months that every region's report compares itself with cost
    little to hold and a pass over the largest tables to rebuild. A dataset under ``min_rows`` rows keeps
    everything: rebuilding would cost time and save little.
    """
    pairs = [(ds, _CACHE.get(ds, {}))] if ds is not None else list(_CACHE.items())
    for dataset, store in pairs:
        data_rows = sum(len(table) for table in dataset.tables.values())
        if data_rows < min_rows:
            continue
        limit = int(data_rows * SMALL_DERIVED_SHARE)
        sizes = {k: _held_rows(v) for k, v in store.items() if not (isinstance(k, tuple) and k and k[0] in keep)}
        held = 0
        for key, rows in sorted(sizes.items(), key=lambda item: item[1]):  # stable: the smallest kept first
            held += rows
            if rows >= limit or held > limit:
                del store[key]


def _held_rows(value: object) -> int:
    """Rows a cached value holds: a frame's, an array's, summed over a dict's, list's or tuple's items."""
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index, np.ndarray)):
        return len(value)
    if isinstance(value, dict):
        return sum(_held_rows(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_held_rows(item) for item in value)
    return 0


def _cached(ds: Dataset, key: str, build: Callable[[Dataset], pd.DataFrame]) -> pd.DataFrame:
    return per_dataset(ds, ("facts", key), lambda: build(ds))


def order_facts(ds: Dataset) -> pd.DataFrame:
    """One row per order with ``month``, ``region``, ``revenue``, ``units`` and ``first_month`` of its customer.

    Columns: order_id, customer_id, order_date, month, region, rep_id, channel, revenue, units,
    customer_first_month (first ever order month of the customer: a new customer is
    :func:`salesnb.data.customers.buyer_kinds`'s, which knows acquisition dates and the data's warm-up).
    """
    return _cached(ds, "order_facts", _build_order_facts)


def line_facts(ds: Dataset) -> pd.DataFrame:
    """One row per order line with revenue, the order's month/region/channel/customer and the product line."""
    return _cached(ds, "line_facts", _build_line_facts)


def order_ids_unique(ds: Dataset) -> bool:
    """Whether no order id repeats: rows can then read their order's columns by one position lookup."""
    return per_dataset(ds, ("facts", "order_ids_unique"), lambda: bool(ds["orders"]["order_id"].is_unique))


def line_orders(ds: Dataset) -> np.ndarray | None:
    """Row of each order line's order in the orders (and the :func:`order_facts`), ``-1`` for none, per dataset.

    ``None`` without order lines or when order ids repeat (``map`` then raises, as it always did). The order totals,
    the line facts and the order costs all read a line's order: matching the text ids once serves them all.
    """

    def build() -> np.ndarray | None:
        lines = ds.get("order_lines")
        if lines is None or not order_ids_unique(ds):
            return None
        return positions(ds["orders"]["order_id"], lines["order_id"])

    return per_dataset(ds, ("facts", "line_orders"), build)


def date_order(ds: Dataset) -> np.ndarray:
    """Rows of the :func:`order_facts` in order of ``order_date``, then ``order_id`` (stable), per dataset.

    A customer's first order and its latest region read the orders in this order: one sort serves both.
    """

    def build() -> np.ndarray:
        orders = order_facts(ds)[["order_date", "order_id"]].reset_index(drop=True)
        return orders.sort_values(["order_date", "order_id"], kind="stable").index.to_numpy()

    return per_dataset(ds, ("facts", "date_order"), build)


def _build_order_facts(ds: Dataset) -> pd.DataFrame:
    orders = ds["orders"]
    frame = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "customer_id": orders["customer_id"],
            "order_date": orders["order_date"],
            "rep_id": orders["rep_id"],
            "channel": orders["channel"].fillna(UNKNOWN),
        },
        copy=False,  # the orders' own columns, not copies (copy-on-write keeps them apart)
    )
    frame["month"] = month_labels(frame["order_date"])
    frame["region"] = order_regions(orders, ds.get("customers"), ds.get("reps"))

    lines = ds.get("order_lines")
    totals = order_totals(orders, lines, line_orders(ds))
    frame["revenue"] = totals["revenue"].fillna(0.0)
    frame["units"] = totals["units"].fillna(0.0) if lines is not None and len(lines) else float("nan")

    first = frame.groupby("customer_id")["month"].min()
    frame["customer_first_month"] = lookup(frame["customer_id"], first)
    return frame.reset_index(drop=True)


def order_totals(orders: pd.DataFrame, lines: pd.DataFrame | None, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Each order's total as the facts count it, aligned with ``orders``: the one definition of an order's money.

    Columns: revenue (Σ quantity × unit_price of its lines, or ``orders.amount`` when there are no order lines;
    NaN for an order without lines or amount), units (Σ quantity; NaN without lines) and known (every line of
    it priced, or its amount given: a revenue of 0 is then a real 0, not a missing price). ``rows``: each line's
    order row when known (:func:`line_orders`); its lines are then summed by that number, the same sums in the same
    order as by their text id.
    """
    if lines is not None and len(lines):
        revenue = lines["quantity"] * lines["unit_price"]
        sums = pd.DataFrame({"order_id": lines["order_id"], "revenue": revenue, "units": lines["quantity"]})
        sums = sums.assign(unknown=revenue.isna().astype(int))
        if rows is None:
            per_order = sums.groupby("order_id", sort=False)[["revenue", "units", "unknown"]].sum()
            at = positions(per_order.index, orders["order_id"])  # one lookup for every column
        else:  # a line without an order id is no order's, as grouping by the id drops it
            known = (rows >= 0) & lines["order_id"].notna().to_numpy()
            per_order = sums[known].groupby(rows[known], sort=False)[["revenue", "units", "unknown"]].sum()
            at = np.full(len(orders), -1, dtype=np.intp)
            at[per_order.index.to_numpy()] = np.arange(len(per_order))
        unknown = take(per_order["unknown"], at, orders.index)
        return pd.DataFrame(
            {
                "revenue": take(per_order["revenue"], at, orders.index).astype(float),
                "units": take(per_order["units"], at, orders.index),
                "known": (unknown == 0).to_numpy(),  # an order without lines: NaN, not known
            },
            index=orders.index,
        )
    amount = orders["amount"].astype(float)
    return pd.DataFrame({"revenue": amount, "units": np.nan, "known": amount.notna()}, index=orders.index)


def order_regions(orders: pd.DataFrame, customers: pd.DataFrame | None, reps: pd.DataFrame | None) -> pd.Series:
    """Each order's region: its own, else its customer's, else its rep's, else :data:`UNKNOWN`.

    ``orders`` needs ``region`` and ``customer_id`` (and ``rep_id`` for the rep's region). The rep's region is the
    last resort, as for deals and leads (:mod:`.deals`, :mod:`.leads`): an order book whose regions sit only on the
    sales team (a rep roster with 大区) still gives region reports.
    """
    region = orders["region"]
    for key, table in (("customer_id", customers), ("rep_id", reps)):
        if table is not None and key in orders.columns and "region" in table.columns and region.isna().any():
            by_key = table.dropna(subset=[key]).drop_duplicates(key).set_index(key)["region"]
            region = region.fillna(orders[key].map(by_key))
    return region.fillna(UNKNOWN).astype(str)


def _build_line_facts(ds: Dataset) -> pd.DataFrame:
    lines = ds.get("order_lines")
    if lines is None:
        return pd.DataFrame(
            columns=["order_id", "product_id", "product_line", "revenue", "quantity", "month", "region"]
        )
    orders = order_facts(ds)
    frame = pd.DataFrame(
        {
            "order_id": lines["order_id"],
            "product_id": lines["product_id"],
            "quantity": lines["quantity"],
            "unit_price": lines["unit_price"],
            "revenue": lines["quantity"] * lines["unit_price"],
        },
        copy=False,  # the lines' own columns, not copies (copy-on-write keeps them apart)
    )
    at = line_orders(ds)  # the order facts' rows are the orders'
    for column in ("month", "region", "channel", "customer_id", "rep_id"):
        if at is not None:  # one lookup for the five columns
            frame[column] = take(orders[column], at, frame.index)
        else:  # duplicated order ids: map raises as it always did
            frame[column] = frame["order_id"].map(orders.set_index("order_id")[column])
    products = ds.get("products")
    if products is not None:
        frame["product_line"] = lookup(frame["product_id"], products.set_index("product_id")["product_line"])
    else:
        frame["product_line"] = pd.NA
    frame["product_line"] = frame["product_line"].fillna(UNKNOWN).astype(str)
    return frame


def is_unknown(values: pd.Series) -> pd.Series:
    """Where ``values`` say nothing: missing, blank or the :data:`UNKNOWN` label."""
    text = values.astype("string").str.strip()
    return (text.isna() | (text == "") | (text == UNKNOWN)).fillna(True).astype(bool)


def unknown_segment(segment: dict[str, object] | None) -> bool:
    """Whether a finding's ``segment`` names the :data:`UNKNOWN` label: "unknown" is never where a problem sits."""
    return any(value == UNKNOWN for value in (segment or {}).values())


def _order_keys(ds: Dataset) -> OrderKeys | None:
    """The orders' regions and first and last dates read from the store (a dataset loaded from it), once."""
    return per_dataset(ds, ("facts", "order_keys"), lambda: order_keys(ds))


def regions(ds: Dataset) -> list[str]:
    """Region names present in the orders (after the customer and rep fallbacks), sorted, without the unknown label.

    A dataset loaded from the store answers from its stored orders' region names and the customers and reps of
    the orders without one (:func:`~salesnb.data.store_read.order_keys`), without building the order facts.
    """

    def build() -> list[str]:
        stored = _order_keys(ds)
        if stored is not None:
            keys = stored.keys
            named = order_regions(keys, stored.customers, stored.reps)
        else:
            named = order_facts(ds)["region"]
        names = named.dropna().unique().tolist()
        return sorted(n for n in names if n != UNKNOWN)

    return list(per_dataset(ds, ("facts", "regions"), build))  # asked by every rule's scopes: once per dataset


def _order_dates(ds: Dataset) -> pd.Series:
    """The orders' dates: every one, or the first and last only for a dataset loaded from the store."""
    stored = _order_keys(ds)
    return stored.dates if stored is not None else order_facts(ds)["order_date"]


def data_months(ds: Dataset) -> tuple[str, str]:
    """First and last ``YYYY-MM`` covered by orders."""

    def build() -> tuple[str, str]:
        stored = _order_keys(ds)
        months = (month_labels(stored.dates) if stored is not None else order_facts(ds)["month"]).dropna()
        return months.min(), months.max()

    return per_dataset(ds, ("facts", "data_months"), build)


MISSING_MONTH_ORDERS = 10  # a month this busy is empty by chance with probability e^-10: an empty one is missing


def empty_months(ds: Dataset) -> tuple[str, ...]:
    """The months between the first and the last order without a single order: missing from the export.

    A month with no order at all inside the data's range (a month left out of an export, a sheet not copied) read
    as a real zero: revenue −100 %, a new-customer collapse, and a trailing average pulled down for the months
    after it. Baselines leave such months out and no report is made of one. Only where a month is never empty by
    chance: the data's median month has :data:`MISSING_MONTH_ORDERS` orders or more (a business of a few orders
    a year has real empty months).
    """

    def build() -> tuple[str, ...]:
        counts = month_orders(ds)
        first, last = data_months(ds)
        if not isinstance(first, str) or not isinstance(last, str):
            return ()
        span = pd.period_range(first, last, freq="M").astype(str)
        per_month = [int(counts.get(m, 0)) for m in span]
        if float(np.median(per_month)) < MISSING_MONTH_ORDERS:
            return ()
        return tuple(m for m, n in zip(span, per_month, strict=True) if n == 0)

    return per_dataset(ds, ("facts", "empty_months"), build)


def month_orders(ds: Dataset) -> dict[str, int]:
    """``{YYYY-MM: orders}`` for each month holding an order (from the store's counts when loaded from it)."""
    stored = _order_keys(ds)
    counts = stored.months if stored is not None else order_facts(ds)["month"].dropna().value_counts().to_dict()
    return {str(month): int(n) for month, n in counts.items() if n}


def last_order_date(ds: Dataset) -> pd.Timestamp | None:
    """The date of the latest order (``None`` without dated orders): how far the data reaches.

    An order left out at load (``Dataset.covered_through``: excluded as cancelled, returned, unpaid, or of total
    0) still counts: the export covered its day, so a last day with only cancelled orders or a gift on it does not
    cut the month short. Only within the last month of kept orders: such a row adds no month (an open deal's
    expected close date may lie ahead).
    """

    def build() -> pd.Timestamp | None:
        dates = _order_dates(ds).dropna()
        last = dates.max().normalize() if len(dates) else None
        dropped = pd.Timestamp(ds.covered_through) if ds.covered_through else None
        if last is None or dropped is None:
            return last
        dropped = dropped.tz_localize(last.tz) if last.tz is not None else dropped
        return max(last, min(dropped, last + pd.offsets.MonthEnd(0)))

    return per_dataset(ds, ("facts", "last_order_date"), build)


def last_day(ds: Dataset, *recorded: pd.Series) -> pd.Timestamp | None:
    """The data's last day as a table sees it: :func:`last_order_date`, or a later day the table itself records.

    ``recorded``: the table's dates of what happened (a delivery, a deal's creation, close or stage change, an
    invoice's issue or payment), never a date ahead (a promise, an expected close, a due date). A table exported
    after the orders reaches further; one exported before them, or recording little, is still read up to the
    orders' last day (a deal due in between and open is slipped: the orders show that day is over). The export
    may be taken during that day, so something due on it and not done is not late yet (not judged).
    """
    dates = [last_order_date(ds), *(s.max() for s in recorded if len(s))]
    known = [pd.Timestamp(d).normalize() for d in dates if d is not None and not pd.isna(d)]
    return max(known) if known else None


def through_day(ds: Dataset, month: str) -> int | None:
    """The last day of ``month`` the orders reach when the data ends inside it (a partial month), else ``None``.

    Only the data's last month can be partial: it is complete when the latest order falls in its last
    :data:`COMPLETE_WITHIN_DAYS` days (data ending on Oct 9 makes October partial through day 9; ending on Oct 29,
    30 or 31 leaves it complete); a last day exported before it ended (:func:`cut_last_day`) is left out. The one
    definition of an order month's partial days, behind the default period and the partial label. The orders
    decide, not the other tables: tables exported on other days end on other days, and reading a month through its
    first D days is like for like even where it was complete, while a cut month read as whole is not.
    """
    last = last_order_date(ds)
    if last is None or last.strftime("%Y-%m") != month or last.day > last.days_in_month - COMPLETE_WITHIN_DAYS:
        return None
    return int(last.day) - (cut_last_day(ds) is not None)


def cut_last_day(ds: Dataset) -> dict | None:
    """The data's last day when it looks exported before it ended (:func:`~.cut_day.cut_short`), else ``None``."""

    def build() -> dict | None:
        last, stored = last_order_date(ds), _order_keys(ds)
        days = pd.Series(stored.days) if stored is not None else order_facts(ds)["order_date"].dropna().value_counts()
        return None if last is None else cut_short(days, last)

    return per_dataset(ds, ("facts", "cut_last_day"), build)


def view_day(ds: Dataset) -> int | None:
    """The last day of the month a :func:`same_days` view covers; ``None`` for a dataset read whole."""
    return _VIEWS.get(ds)


def same_days(ds: Dataset, day: int) -> Dataset:
    """The dataset as a partial month's report reads it: each month's figures cover days 1..``day`` only.

    The raw tables are shared, untouched (a commission's order sequence, an invoice's order, a customer's last
    purchase all still see every order) but for targets and marketing spend, cut to days 1..``day`` by
    :func:`prorated_targets`;
    the derived order and line facts differ: an order placed after
    day ``day`` of its month keeps its row but loses its ``month`` label, so every month-based figure
    (:func:`in_months`, per-month groupings) of every baseline -- previous month, same month last year,
    trailing and history months -- covers the same days as the partial month itself: revenue, orders and
    customers are compared like with like. Customers' first months and the data's months stay those of the
    whole data. Built once per dataset and day; a view asked for its own day is returned as it is.
    """
    if _VIEWS.get(ds) == day:
        return ds

    def build() -> Dataset:
        orders = order_facts(ds)
        late = orders["order_date"].dt.day > day
        cut = orders.assign(month=orders["month"].mask(late))
        lines = line_facts(ds)
        late_ids = set(orders.loc[late, "order_id"])
        tables = dict(ds.tables)
        if "targets" in tables:  # a month's target for its days 1..D: the time-progress share (时间进度)
            tables["targets"] = prorated_targets(tables["targets"], day)
        if "marketing_spend" in tables:  # its months' spend over days 1..D, like the customers they are set against
            tables["marketing_spend"] = prorated_targets(tables["marketing_spend"], day, "amount")
        view = dataclasses.replace(ds, tables=tables)  # same tables but targets, caches of its own
        _VIEWS[view] = day
        store = _CACHE.setdefault(view, {})
        store[("facts", "order_facts")] = cut
        store[("facts", "line_facts")] = lines.assign(month=lines["month"].mask(lines["order_id"].isin(late_ids)))
        share_rows(cut)
        share_rows(store[("facts", "line_facts")])
        store[("facts", "line_orders")] = line_orders(ds)  # the same rows, the same orders
        store[("facts", "order_ids_unique")] = order_ids_unique(ds)
        store[("facts", "date_order")] = date_order(ds)  # the same dates and ids
        store[("facts", "data_months")] = data_months(ds)
        store[("facts", "last_order_date")] = last_order_date(ds)
        return view

    return per_dataset(ds, ("facts", "same_days", day), build)


def prorated_targets(targets: pd.DataFrame, day: int, column: str = "target_amount") -> pd.DataFrame:
    """``targets`` with each month's amount scaled to its days 1..``day`` (× day ÷ days in the month, at most 1).

    What a partial month's attainment is measured against: the target the time elapsed asks for. The same for a
    month's marketing spend (``column="amount"``): what days 1..D cost, set against the customers they won.
    """
    start = pd.to_datetime(targets["period"].astype("string") + "-01", errors="coerce", format="%Y-%m-%d")
    share = (day / start.dt.days_in_month).clip(upper=1.0).fillna(1.0)
    return targets.assign(**{column: targets[column] * share})


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
    return pd.Series(out, index=values.index, dtype="str")  # text, not Python objects: a fifth of the memory
