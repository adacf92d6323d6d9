"""Customer facts every report can share: one row per customer, and the company-size bands.

A customer's **acquisition month** is the earlier of ``customers.acquired_at`` and the month of its first
order, both over the whole data (the first order's month is :func:`~salesnb.data.facts.order_facts`'
``customer_first_month``: one definition for every report). It **counts as new** in that month; in a partial
month's view (days 1..D of each month, :func:`~salesnb.data.facts.same_days`) only when it was acquired on one of
those days. Its **home region** is ``customers.region``, else the region of its first order; its **first region**
the region of its first order, else its home region (new customers are counted where they first bought).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import month_labels, shift_month
from . import facts
from .dataset import Dataset


def customer_facts(ds: Dataset) -> pd.DataFrame:
    """One row per customer (orders and customers table together), indexed by ``customer_id``.

    Columns: name, region (``customers.region``, else the region of the first order), first_region (region of
    the first order, else ``region``), industry, employee_count, source (``acquisition_channel``),
    first_month (first order), acquired_month (the earlier of ``acquired_at`` and the first order), new_month
    (the month it counts as a new customer in: acquired_month, empty in a partial month's view when that was
    after day D). Computed once per dataset.
    """
    return facts.per_dataset(ds, ("customers", "customer_facts"), lambda: _build_customer_facts(ds))


def _build_customer_facts(ds: Dataset) -> pd.DataFrame:
    orders = facts.order_facts(ds).take(facts.date_order(ds))
    # each customer's first order itself: in a partial month's view the first order's own ``month`` may be empty
    # (after day D), and the first *labelled* order would make a customer of May new in July
    first = orders[orders["customer_id"].notna()].drop_duplicates("customer_id").set_index("customer_id")
    ids = pd.Index(orders["customer_id"].dropna().unique(), name="customer_id").sort_values()  # no per-id Python
    frame = pd.DataFrame(index=ids)
    frame["first_month"] = first["customer_first_month"]
    frame["first_region"] = first["region"]
    acquired_on = first["order_date"].reindex(ids)
    customers = ds.get("customers")
    if customers is not None:
        table = customers.drop_duplicates("customer_id").set_index("customer_id")
        frame = frame.reindex(frame.index.union(table.index))
        frame.index.name = "customer_id"

        def column(name: str) -> pd.Series:
            return table[name].reindex(frame.index) if name in table.columns else pd.Series(pd.NA, frame.index)

        frame["name"] = column("customer_name")
        home = column("region")
        frame["industry"] = column("industry")
        frame["employee_count"] = pd.to_numeric(column("employee_count"), errors="coerce")
        frame["source"] = column("acquisition_channel")
        acquired = column("acquired_at")
        acquired = acquired if pd.api.types.is_datetime64_any_dtype(acquired) else None
    else:
        home = pd.Series(pd.NA, frame.index)
        for name in ("name", "industry", "employee_count", "source"):
            frame[name] = pd.NA
        acquired = None
    frame["region"] = home.fillna(frame["first_region"]).fillna(facts.UNKNOWN).astype(str)
    frame["first_region"] = frame["first_region"].fillna(frame["region"]).astype(str)
    frame["name"] = frame["name"].fillna(pd.Series(frame.index, index=frame.index)).astype(str)
    frame["industry"] = frame["industry"].fillna(facts.UNKNOWN).astype(str)
    frame["source"] = frame["source"].fillna(facts.UNKNOWN).astype(str)
    acq = frame["first_month"]
    acquired_on = acquired_on.reindex(frame.index)
    if acquired is not None:
        acq = pd.concat([acq, month_labels(acquired)], axis=1).min(axis=1)
        acquired_on = pd.concat([acquired_on, acquired.astype(acquired_on.dtype)], axis=1).min(axis=1)
    frame["acquired_month"] = acq
    day = facts.view_day(ds)
    frame["new_month"] = acq if day is None else acq.where(acquired_on.dt.day <= day)
    return frame


def acquisition_start(ds: Dataset, quantile: float = 0.75, most: int = 12, span: float = 2.0) -> str:
    """The first month whose first orders are new customers: the data's first month after its warm-up.

    An export begins at some date, not with the business: a customer first seen in its first months may have
    bought long before (left censoring). In the 朝阳医院 pharmacy export every January buyer was "new" (592
    against some 160 a month later), so each later month read as a collapse of new customers. The warm-up is
    the time within which ``quantile`` of the returning customers' repeat purchases follow the one before
    (:func:`repeat_gap`), counted from the first order: the first month starting after it is the first counted,
    at least one month on (the first month's buyers are all first seen) and at most ``most``. An export that
    does not span ``span`` warm-ups has not seen the gaps longer than the one read (a 6-month cut of the sample
    reads 100 days, its 24 months 212), so its warm-up is the longest, ``most`` months: a buyer first seen after
    a year of data is new, or back after so long that winning it counts as much; an export shorter than that
    counts none of its months (the month returned lies after its last). The data's first month when every
    customer's ``customers.acquired_at`` is known: then nothing is inferred.
    """

    def build() -> str:
        first, last = facts.data_months(ds)
        customers = ds.get("customers")
        if customers is not None and "acquired_at" in customers and customers["acquired_at"].notna().all():
            return first
        orders = facts.order_facts(ds)[["customer_id", "order_date"]].dropna()
        days, window = repeat_gap(orders, quantile)
        ends = orders["order_date"].min() + pd.Timedelta(days=days)  # the first month starting on or after it
        months = (ends - pd.Timedelta(1, "ns")).to_period("M").ordinal - pd.Period(first, freq="M").ordinal + 1
        if days * span > window:  # not seen with room for longer gaps: as long as a warm-up may be
            months = most
        return shift_month(first, -min(max(months, 1), most))

    return facts.per_dataset(ds, ("customers", "acquisition_start", quantile, most, span), build)


def repeat_gap(orders: pd.DataFrame, quantile: float) -> tuple[float, int]:
    """The days within which ``quantile`` of returning customers' repeat orders follow the one before; the window.

    ``window``: the days from the first order to the last. 0 days without repeat orders.

    Two corrections over the plain quantile of the gaps between one customer's orders. Each customer weighs
    one, shared among its gaps: a customer is new or not once, and a monthly buyer's eleven gaps would
    otherwise outvote eleven four-monthly buyers, who are the ones still unseen in an export's early months.
    And a gap of ``g`` days fits in only ``window − g`` of the ``window`` days an export spans, so a long gap
    is seen less often than it happens: each weighs ``window ÷ (window − g)`` (on a year of the sample, the
    three-quarter gap reads 163 days, against 71 over plain gaps).
    """
    orders = orders.sort_values(["customer_id", "order_date"], kind="stable")
    window = int((orders["order_date"].max() - orders["order_date"].min()).days) + 1 if len(orders) else 0
    same = orders["customer_id"].eq(orders["customer_id"].shift())
    gaps = orders["order_date"].diff().dt.days[same]
    keep = gaps > 0
    gaps, who = gaps[keep].to_numpy(dtype=float), orders["customer_id"][same][keep.to_numpy()]
    if not len(gaps):
        return 0.0, window
    weights = 1.0 / who.map(who.value_counts()).to_numpy(dtype=float) * window / (window - gaps)
    order = np.argsort(gaps, kind="stable")
    share = np.cumsum(weights[order]) / weights.sum()
    return float(gaps[order][min(np.searchsorted(share, quantile - 1e-12), len(gaps) - 1)]), window


NEW, RETURNING, UNSPLIT = "new", "returning", "unsplit"  # who a purchase's buyer is: :func:`buyer_kinds`


def buyer_kinds(ds: Dataset, customer_ids: pd.Series, months: pd.Series | str, start: str) -> pd.Series:
    """Who bought, per purchase (a customer and the month it bought in): new, returning, or not told apart.

    The one split of buyers every page shares: :data:`NEW` when the customer was acquired in that month (its
    :func:`customer_facts` ``new_month``, the customers the market page counts as new), :data:`RETURNING` when
    acquired before it, :data:`UNSPLIT` in a month before ``start`` (:func:`acquisition_start`: the data's
    warm-up, where a buyer first seen may have bought before the export began, so new and returning cannot be
    told apart), missing for a purchase without a customer. Indexed like ``customer_ids``.
    """
    months = pd.Series(months, index=customer_ids.index) if isinstance(months, str) else months
    new = customer_ids.map(customer_facts(ds)["new_month"]).eq(months).to_numpy(dtype=bool)
    kinds = np.where(months.lt(start).to_numpy(dtype=bool), UNSPLIT, np.where(new, NEW, RETURNING))
    return pd.Series(kinds, index=customer_ids.index, dtype=object).where(customer_ids.notna().to_numpy())


def customer_names(ds: Dataset, ids: pd.Series) -> pd.Series:
    """The display name of each customer id in ``ids`` (the id itself when the customer has no name)."""
    return ids.map(customer_facts(ds)["name"]).fillna(ids)


def customer_regions(ds: Dataset) -> pd.Series:
    """The region of each customer: ``customers.region``, else the region of the customer's latest order.

    The one definition of a customer's region (an order's region is :func:`salesnb.data.facts.order_facts`'s).
    """

    def build() -> pd.Series:
        orders = facts.order_facts(ds).take(facts.date_order(ds))  # by date, then id
        region = orders.groupby("customer_id")["region"].last()
        customers = ds.get("customers")
        if customers is not None:
            own = customers.set_index("customer_id")["region"].dropna()
            region = own.combine_first(region)
        return region

    return facts.per_dataset(ds, ("customers", "regions"), build)
