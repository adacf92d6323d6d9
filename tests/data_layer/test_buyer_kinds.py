"""Who bought (salesnb.data.customers.buyer_kinds): new, returning, or not told apart in the data's warm-up."""

import pandas as pd

from salesnb.data.customers import NEW, RETURNING, UNSPLIT, buyer_kinds
from salesnb.data.dataset import Dataset


def dataset(acquired_b: str | None = None) -> Dataset:
    """A buys in January and March, C in February, B in March; one March order names no customer."""
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4", "O5"],
            "customer_id": ["A", "C", "A", "B", pd.NA],
            "order_date": pd.to_datetime(["2026-01-10", "2026-02-10", "2026-03-10", "2026-03-12", "2026-03-31"]),
            "region": "华东",
            "rep_id": pd.NA,
            "channel": pd.NA,
            "amount": 100.0,
        }
    )
    tables = {"orders": orders}
    if acquired_b:
        tables["customers"] = pd.DataFrame(
            {"customer_id": ["A", "B", "C"], "acquired_at": pd.to_datetime([None, acquired_b, None])}
        )
    return Dataset(tables)


def test_a_month_before_the_warm_up_s_end_tells_no_one_apart():
    ids = pd.Series(["A", "C", "A", "B", None], index=[10, 11, 12, 13, 14])
    months = pd.Series(["2026-01", "2026-02", "2026-03", "2026-03", "2026-03"], index=ids.index)
    kinds = buyer_kinds(dataset(), ids, months, start="2026-03")
    assert kinds.iloc[:4].tolist() == [UNSPLIT, UNSPLIT, RETURNING, NEW]  # A seen in January: back; B first seen
    assert pd.isna(kinds.iloc[4]) and list(kinds.index) == [10, 11, 12, 13, 14]
    # without a warm-up (start at the data's first month) January's and February's first buyers are new
    assert buyer_kinds(dataset(), ids, months, start="2026-01").iloc[:4].tolist() == [NEW, NEW, RETURNING, NEW]


def test_an_acquisition_date_before_the_first_order_makes_a_buyer_returning():
    kinds = buyer_kinds(dataset("2025-12-01"), pd.Series(["B", "A"]), "2026-03", start="2026-01")
    assert kinds.tolist() == [RETURNING, RETURNING]
