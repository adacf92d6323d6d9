"""The commission's order numbers and paid-invoice matching equal their pandas definitions on random data."""

import numpy as np
import pandas as pd
import pytest

from salesnb import commission
from salesnb.data.dataset import Dataset
from salesnb.periods import month_labels
from salesnb.report import open_report
from team.helpers import SAMPLE

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # the loader's id columns


def _sequence_definition(ds: Dataset) -> pd.Series:
    """The definition: a stable sort by the text columns, a cumcount per customer, +1 when acquired before."""
    orders = ds["orders"][["order_id", "customer_id", "order_date"]]
    ordered = orders.sort_values(["customer_id", "order_date", "order_id"], kind="stable")
    number = ordered.groupby("customer_id", sort=False).cumcount() + 1
    customers = ds.get("customers")
    if customers is not None:
        first = ordered.groupby("customer_id", sort=False)["order_date"].transform("min").dt.normalize()
        acquired = ordered["customer_id"].map(customers.set_index("customer_id")["acquired_at"])
        number = number + (pd.to_datetime(acquired).dt.normalize() < first).astype(int)
    return pd.Series(number.to_numpy(), index=ordered["order_id"].to_numpy(), name="sequence")


def _random_dataset(seed: int, *, customers: bool = True, missing_customers: bool = False, dtype=TEXT) -> Dataset:
    rng = np.random.default_rng(seed)
    n, people = int(rng.integers(1, 300)), int(rng.integers(1, 40))
    ids = rng.permutation(np.arange(n * 3))[:n]  # unique, in no order; text order is not number order
    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    dates = pd.Series(days + pd.to_timedelta(rng.integers(0, 3, n) * 7, unit="h"))  # same days, other hours
    dates[rng.random(n) < 0.05] = pd.NaT
    who = pd.Series([f"C{k}" for k in rng.integers(0, people, n)], dtype=dtype)
    if missing_customers:
        who[rng.random(n) < 0.1] = np.nan
    tables = {
        "orders": pd.DataFrame(
            {"order_id": pd.Series([f"O{k}" for k in ids], dtype=dtype), "customer_id": who, "order_date": dates}
        )
    }
    if customers:
        known = [f"C{k}" for k in range(people) if rng.random() < 0.9]
        acquired = pd.Timestamp("2024-12-01") + pd.to_timedelta(rng.integers(0, 90, len(known)), unit="D")
        acquired = pd.Series(acquired + pd.to_timedelta(rng.integers(0, 23, len(known)), unit="h"))
        acquired[rng.random(len(known)) < 0.1] = pd.NaT
        tables["customers"] = pd.DataFrame({"customer_id": pd.Series(known, dtype=dtype), "acquired_at": acquired})
    return Dataset(tables=tables)


def test_hand_computed_numbers():
    orders = pd.DataFrame(
        {
            "order_id": pd.Series(["b", "a", "c", "d", "e"], dtype=TEXT),
            "customer_id": pd.Series(["X", "X", "Y", "X", "Y"], dtype=TEXT),
            "order_date": pd.to_datetime(["2025-01-02", "2025-01-02", "2025-01-05", "2025-01-01", "2025-01-04"]),
        }
    )
    customers = pd.DataFrame(
        {"customer_id": pd.Series(["X", "Y"], dtype=TEXT), "acquired_at": pd.to_datetime(["2025-01-01", "2024-06-01"])}
    )
    ds = Dataset(tables={"orders": orders, "customers": customers})
    # X: d (Jan 1), then a and b on Jan 2 by id; Y was acquired before its first order (e): it starts at 2
    assert commission.sequence_numbers(ds).tolist() == [3, 2, 3, 1, 2]
    assert commission.order_sequence(ds).to_dict() == {"b": 3, "a": 2, "c": 3, "d": 1, "e": 2}


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("customers", [True, False])
def test_sequence_matches_the_definition(seed, customers):
    ds = _random_dataset(seed, customers=customers)
    expected = _sequence_definition(ds)
    got = commission.order_sequence(ds)
    assert got.dtype == expected.dtype
    pd.testing.assert_series_equal(got.reindex(expected.index), expected, check_index_type=False)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("dtype", [TEXT, object])
def test_orders_without_a_customer_are_not_numbered(seed, dtype):
    ds = _random_dataset(seed, missing_customers=True, dtype=dtype)
    expected = _sequence_definition(ds)
    got = commission.order_sequence(ds).reindex(expected.index)
    pd.testing.assert_series_equal(got, expected, check_index_type=False)


@pytest.mark.parametrize("seed", range(10))
def test_rows_of_equals_the_first_match(seed):
    rng = np.random.default_rng(seed)
    keys = pd.Series([f"K{k}" for k in rng.integers(0, 50, 200)], dtype=TEXT)  # repeated keys: the first wins
    values = pd.Series([f"K{k}" for k in rng.integers(0, 70, 40)], dtype=TEXT)
    values[rng.random(40) < 0.1] = np.nan
    first = {key: k for k, key in reversed(list(enumerate(keys)))}
    expected = [first.get(v, -1) if isinstance(v, str) else -1 for v in values]
    assert commission.rows_of(keys, values).tolist() == expected


@pytest.mark.parametrize("period", ["2026-01", "2026-09", "2026-10"])
def test_paid_in_equals_the_payment_month_label(period):
    report = open_report(str(SAMPLE), period, "ALL")
    paid_at = report.ds["invoices"]["paid_at"]
    expected = paid_at.notna() & (month_labels(paid_at) == period)
    assert expected.any()
    assert commission.paid_in(report).equals(expected)
