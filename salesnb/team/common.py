"""The team angle's shared tables: each rep's revenue, orders and target per month in the report's scope.

A rep's figures are those of the report's scope: in a region report, the rep's orders in that region and the
rep targets of reps belonging to it (as :func:`salesnb.overview.attainment_frame` counts them).
"""

from __future__ import annotations

import pandas as pd

from ..data import facts
from ..data.dataset import Dataset
from ..data.reps import rep_info
from ..periods import ALL, month_labels
from ..report import Report


def rep_sales(report: Report) -> pd.DataFrame:
    """Revenue and order count per rep, region and month (orders without a rep are left out)."""

    def build(ds: Dataset) -> pd.DataFrame:
        orders = facts.order_facts(ds)
        orders = orders[orders["rep_id"].notna()]
        grouped = orders.groupby(["rep_id", "region", "month"], sort=True).agg(
            revenue=("revenue", "sum"), orders=("order_id", "size")
        )
        return grouped.reset_index()

    return report.cached("team", "rep_sales", build)


def rep_targets(report: Report) -> pd.DataFrame:
    """Rep-level targets (rows with a rep and no product line) with the rep's region filled from reps."""

    def build(ds: Dataset) -> pd.DataFrame:
        targets = ds.get("targets")
        if targets is None:
            return pd.DataFrame(columns=["rep_id", "region", "month", "target"])
        rows = targets[targets["rep_id"].notna() & targets["product_line"].isna()]
        region = rows["region"].fillna(rows["rep_id"].map(rep_info(ds)["region"]))
        frame = pd.DataFrame(
            {"rep_id": rows["rep_id"], "region": region, "month": rows["period"], "target": rows["target_amount"]}
        )
        return frame.groupby(["rep_id", "region", "month"], dropna=False)["target"].sum().reset_index()

    return report.cached("team", "rep_targets", build)


def rep_months(report: Report) -> pd.DataFrame:
    """Revenue, orders and target per (rep_id, month) in the report's region, over all months of the data.

    A rep's revenue counts the rep's orders in the region; a rep's target counts where the rep belongs
    to the region. ``target`` is NaN where the rep has none.
    """

    def build(ds: Dataset) -> pd.DataFrame:
        sales = facts.in_region(rep_sales(report), report.region)
        sales = sales.groupby(["rep_id", "month"])[["revenue", "orders"]].sum()
        targets = rep_targets(report)
        if report.region != ALL:
            targets = targets[targets["region"] == report.region]
        targets = targets.groupby(["rep_id", "month"])["target"].sum()
        frame = pd.concat([sales, targets], axis=1)
        frame[["revenue", "orders"]] = frame[["revenue", "orders"]].fillna(0.0)
        frame.index.names = ["rep_id", "month"]
        return frame.astype(float)

    return report.cached("team", f"rep_months:{report.region}", build)


def month_rows(report: Report, month: str) -> pd.DataFrame | None:
    """The rows of :func:`rep_months` for ``month`` indexed by rep, or ``None`` when the data has no such month."""
    months = rep_months(report)
    if month not in months.index.get_level_values("month"):
        return None
    return months.xs(month, level="month")


def activity_facts(report: Report) -> pd.DataFrame:
    """Activities with ``month`` and ``region`` (the rep's region, else the customer's)."""

    def build(ds: Dataset) -> pd.DataFrame:
        acts = ds["activities"]
        region = acts["rep_id"].map(rep_info(ds)["region"])
        customers = ds.get("customers")
        if customers is not None:
            region = region.fillna(acts["customer_id"].map(customers.set_index("customer_id")["region"]))
        return pd.DataFrame(
            {
                "rep_id": acts["rep_id"],
                "type": acts["type"].fillna(facts.UNKNOWN),
                "month": month_labels(acts["occurred_at"]),
                "region": region.fillna(facts.UNKNOWN),
            }
        )

    return report.cached("team", "activity_facts", build)
