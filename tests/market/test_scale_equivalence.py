"""The market angle's faster computations equal their definitions, bit for bit, on random frames.

Each oracle is the computation as it was written before (pandas pivots, ``map``/``isin``, a sort by share and
customer); the new one must give the very same numbers, since findings and metrics are compared byte for byte.
"""

import numpy as np
import pandas as pd
import pytest

from salesnb.data.facts import among, lookup
from salesnb.market.concentration import concentration_shares
from salesnb.market.keys import Cells, month_revenue, order_cells
from salesnb.market.retention import retention_table
from salesnb.market.rfm import INACTIVE, tier_moves

MONTHS = [str(p) for p in pd.period_range("2024-01", "2025-06", freq="M")]


def _orders(rng: np.random.Generator, n: int, customers: int) -> pd.DataFrame:
    ids = pd.array([f"C{i:04d}" for i in rng.integers(0, customers, n)], dtype="str")
    revenue = np.round(rng.lognormal(6, 1.5, n), int(rng.integers(0, 3)))
    revenue[rng.random(n) < 0.05] = 0.0
    return pd.DataFrame({"customer_id": ids, "month": pd.array(rng.choice(MONTHS, n), dtype="str"), "revenue": revenue})


def _cells(orders: pd.DataFrame) -> Cells:
    """What :func:`salesnb.market.keys.customer_month_revenue` holds for these orders."""
    return order_cells(orders)


def _retention_definition(orders: pd.DataFrame, acquired: pd.Series, months: list[str], k: int) -> pd.DataFrame:
    revenue = orders.pivot_table(
        index="customer_id", columns="month", values="revenue", aggfunc="sum", fill_value=0.0
    ).reindex(columns=months, fill_value=0.0)
    bought = (
        orders.groupby(["customer_id", "month"]).size().unstack(fill_value=0).reindex(columns=months, fill_value=0)
    ) > 0
    bought = bought.reindex(revenue.index, fill_value=False)
    month_arr = np.array(months, dtype=object)
    returning = acquired.reindex(bought.index).to_numpy(dtype=object)[:, None] < month_arr[None, :]
    b = bought.to_numpy()
    counts = np.concatenate([np.zeros((b.shape[0], 1), dtype=int), np.cumsum(b, axis=1)], axis=1)
    window = np.zeros_like(b)
    for j in range(len(months)):
        window[:, j] = (counts[:, j] - counts[:, max(j - k, 0)]) > 0
    rev = revenue.to_numpy()
    held = {"buyers": b, "returning_buyers": b & returning, "revenue": rev, "returning_revenue": rev * returning}
    held |= {"window_buyers": window, "retained": window & b, "retained_revenue": rev * (window & b)}
    frame = pd.DataFrame({"month": months, **{name: cells.sum(axis=0) for name, cells in held.items()}})
    frame["lapsed"] = frame["window_buyers"] - frame["retained"]
    frame["repeat_rate"] = frame["returning_buyers"] / frame["buyers"].where(frame["buyers"] > 0)
    frame["retention_rate"] = frame["retained"] / frame["window_buyers"].where(frame["window_buyers"] > 0)
    frame.loc[frame.index < k, ["retention_rate"]] = np.nan
    return frame


def _shares_definition(revenue: pd.Series, top: int) -> dict:
    values = revenue[revenue > 0].astype(float)
    total = float(values.sum())
    if values.empty or total <= 0:
        return {"customers": 0, "total": 0.0, "top_share": None, "largest_share": None, "largest_customer": None,
                "hhi": None}  # fmt: skip
    shares = (values / total).sort_values(ascending=False, kind="stable")
    ordered = shares.reset_index()
    ordered.columns = ["customer", "share"]
    ordered = ordered.sort_values(["share", "customer"], ascending=[False, True], kind="stable")
    return {
        "customers": int(len(shares)),
        "total": total,
        "top_share": float(min(ordered["share"].head(top).sum(), 1.0)),
        "largest_share": float(ordered["share"].iloc[0]),
        "largest_customer": str(ordered["customer"].iloc[0]),
        "hhi": float(min((shares**2).sum(), 1.0)),
    }


def test_retention_table_hand_computed():
    orders = pd.DataFrame(
        {"customer_id": ["A", "A", "B", "B", "C"], "month": ["2025-01", "2025-03", "2025-02", "2025-03", "2025-03"],
         "revenue": [10.0, 20.0, 5.0, 7.0, 1.0]}
    )  # fmt: skip
    acquired = pd.Series({"A": "2024-12", "B": "2025-02", "C": "2025-03"})
    frame = retention_table(_cells(orders), acquired, ["2025-01", "2025-02", "2025-03"], k=2)
    assert frame["buyers"].tolist() == [1, 1, 3]
    assert frame["returning_buyers"].tolist() == [1, 0, 2]  # B is new in 02, C in 03
    assert frame["revenue"].tolist() == [10.0, 5.0, 28.0] and frame["returning_revenue"].tolist() == [10.0, 0.0, 27.0]
    assert frame["window_buyers"].tolist() == [0, 1, 2] and frame["retained"].tolist() == [0, 0, 2]  # A and B in 03
    assert frame["retained_revenue"].tolist() == [0.0, 0.0, 27.0]
    assert frame["retention_rate"].isna().tolist() == [True, True, False]  # the first k months: no full window


@pytest.mark.parametrize("seed", range(12))
def test_retention_table_equals_the_definition(seed):
    rng = np.random.default_rng(seed)
    orders = _orders(rng, int(rng.integers(1, 4000)), int(rng.integers(1, 600)))
    ids = sorted(set(orders["customer_id"]))
    acquired = pd.Series(rng.choice(["2023-06", *MONTHS], len(ids)), index=ids)
    k = int(rng.integers(1, 7))
    pd.testing.assert_frame_equal(
        retention_table(_cells(orders), acquired, MONTHS, k), _retention_definition(orders, acquired, MONTHS, k),
        check_exact=True,
    )  # fmt: skip


def test_concentration_shares_hand_computed():
    got = concentration_shares(pd.Series({"B": 300.0, "A": 300.0, "C": 100.0, "D": 0.0, "E": -50.0}), top=2)
    assert got["customers"] == 3 and got["total"] == 700.0
    assert got["largest_customer"] == "A" and got["largest_share"] == 300 / 700  # a tie: the first id
    assert got["top_share"] == 300 / 700 + 300 / 700
    assert got["hhi"] == (300 / 700) ** 2 + (300 / 700) ** 2 + (100 / 700) ** 2


@pytest.mark.parametrize("seed", range(20))
def test_concentration_shares_equal_the_definition(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 3000))
    values = rng.choice([0.0, -5.0, 100.0, 250.0, 1000.0], n) if seed % 3 == 0 else rng.lognormal(8, 2, n)
    index = pd.Index([f"C{i:05d}" for i in rng.permutation(n)], dtype="str" if seed % 2 else object)
    revenue = pd.Series(values, index=index)
    for top in (1, 10, 37):
        assert concentration_shares(revenue, top) == _shares_definition(revenue, top)


@pytest.mark.parametrize("dtype", ["str", object])
def test_lookup_and_among_equal_map_and_isin(dtype):
    rng = np.random.default_rng(3)
    table = pd.Series(rng.normal(size=50), index=pd.Index([f"K{i}" for i in range(50)], dtype=dtype))
    values = pd.Series([f"K{i}" for i in rng.integers(0, 80, 500)], dtype=dtype, name="key")
    values[::17] = None
    pd.testing.assert_series_equal(lookup(values, table), values.map(table), check_exact=True)
    keys = pd.Index([f"K{i}" for i in range(0, 100, 3)], dtype=dtype)
    np.testing.assert_array_equal(among(keys, values), keys.isin(values))


def _moves_definition(before: pd.Series, now: pd.Series, names: list[str]) -> pd.DataFrame:
    ids = now.index.union(before.index)
    pairs = pd.DataFrame(
        {"from": before.reindex(ids).fillna(INACTIVE).to_numpy(), "to": now.reindex(ids).fillna(INACTIVE).to_numpy()}
    )
    matrix = pd.crosstab(pairs["from"], pairs["to"]).reindex(index=names, columns=names, fill_value=0)
    matrix.index.name, matrix.columns.name = "from", "to"
    return matrix.astype(int)


@pytest.mark.parametrize("seed", range(10))
def test_tier_moves_equal_the_crosstab(seed):
    rng = np.random.default_rng(seed)
    tiers = ["vip", "loyal", "regular", "at_risk"]
    names = [*tiers, INACTIVE]

    def tiers_of(n: int) -> pd.Series:
        ids = pd.Index([f"C{i:04d}" for i in rng.choice(900, n, replace=False)], dtype="str")
        return pd.Series(rng.choice([*tiers, "retired"] if seed % 3 == 0 else tiers, n), index=ids, dtype=object)

    before, now = tiers_of(int(rng.integers(0, 500))), tiers_of(int(rng.integers(1, 500)))
    pd.testing.assert_frame_equal(tier_moves(before, now, names), _moves_definition(before, now, names))


@pytest.mark.parametrize("seed", range(8))
def test_month_revenue_equals_grouping_the_month(seed):
    rng = np.random.default_rng(seed)
    orders = _orders(rng, int(rng.integers(1, 3000)), int(rng.integers(1, 400)))
    cells = _cells(orders)
    for month in [*MONTHS[:4], "2023-01"]:  # 2023-01: no order
        want = orders[orders["month"] == month].groupby("customer_id")["revenue"].sum()
        pd.testing.assert_series_equal(month_revenue(cells, month), want, check_exact=True)


@pytest.mark.parametrize("seed", range(8))
def test_order_cells_equal_grouping_by_customer_and_month(seed):
    rng = np.random.default_rng(seed)
    orders = _orders(rng, int(rng.integers(1, 3000)), int(rng.integers(1, 400)))
    orders.loc[orders.index[::29], "customer_id"] = None  # no customer: left out, as grouping leaves it out
    want = orders.groupby(["customer_id", "month"], sort=True)["revenue"].sum()
    cells = order_cells(orders)
    got = pd.Series(
        cells.revenue, index=pd.MultiIndex.from_arrays([cells.ids.take(cells.customer), cells.months.take(cells.month)])
    )
    np.testing.assert_array_equal(got.index.get_level_values(0), want.index.get_level_values(0))
    np.testing.assert_array_equal(got.index.get_level_values(1), want.index.get_level_values(1))
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())  # the same sums, bit for bit


def test_order_cells_hand_computed():
    orders = pd.DataFrame(
        {"customer_id": ["B", "A", "B", "A", None], "month": ["2025-02", "2025-01", "2025-02", "2025-02", "2025-01"],
         "revenue": [1.0, 2.0, 4.0, 8.0, 16.0]}
    )  # fmt: skip
    cells = order_cells(orders)
    assert list(cells.ids.take(cells.customer)) == ["A", "A", "B"]
    assert list(cells.months.take(cells.month)) == ["2025-01", "2025-02", "2025-02"]
    assert cells.revenue.tolist() == [2.0, 8.0, 5.0]
