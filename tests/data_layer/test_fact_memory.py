"""What a kernel holds at scale: fact tables share the tables' columns, size bands are text, not Python objects."""

import gc

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.testing import assert_frame_equal

from salesnb.data import facts
from salesnb.data.dataset import Dataset
from salesnb.data.store_read import release_arrow_memory, release_freed_memory


def _dataset() -> Dataset:
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3"],
            "customer_id": ["c1", "c2", "c1"],
            "order_date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-03"]),
            "region": ["华东", "华南", "华东"],
            "rep_id": ["r1", "r2", "r1"],
            "channel": ["直销", None, "直销"],
            "amount": [0.0, 0.0, 0.0],
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": ["o1", "o1", "o2", "o3"],
            "product_id": ["p1", "p2", "p1", "p2"],
            "quantity": [2.0, 1.0, 4.0, 3.0],
            "unit_price": [10.0, 5.5, 10.0, 5.5],
        }
    )
    return Dataset({"orders": orders, "order_lines": lines})


def test_line_and_order_facts_share_the_tables_columns_and_stay_apart_from_them():
    ds = _dataset()
    lines, orders = facts.line_facts(ds), facts.order_facts(ds)
    for column in ("quantity", "unit_price"):  # not a copy each: 15 MiB at a million lines
        assert np.shares_memory(lines[column].to_numpy(), ds["order_lines"][column].to_numpy())
    assert np.shares_memory(orders["order_date"].to_numpy(), ds["orders"]["order_date"].to_numpy())
    assert lines["revenue"].tolist() == [20.0, 5.5, 40.0, 16.5]
    assert orders["revenue"].tolist() == [25.5, 40.0, 16.5] and orders["channel"].tolist() == ["直销", "未知", "直销"]
    changed = lines.copy(deep=False)
    changed.loc[0, "quantity"] = 99.0  # copy-on-write: the dataset's lines keep their values
    assert ds["order_lines"]["quantity"].tolist() == [2.0, 1.0, 4.0, 3.0]


def test_size_band_is_text_and_groups_and_merges_as_the_object_labels_did():
    sizes = pd.Series([3, 49, 50, None, 1000, 60000], index=[5, 4, 3, 2, 1, 0])
    bands = facts.size_band(sizes, [0, 50, 200, 1000])
    assert bands.dtype == pd.StringDtype(na_value=np.nan) and bands.index.tolist() == [5, 4, 3, 2, 1, 0]
    assert bands.tolist() == ["<50", "<50", "50-199", "未知", "1000+", "1000+"]
    labels = pd.Series(bands.tolist(), index=bands.index, dtype=object)  # what it returned before
    assert bands.memory_usage(deep=True) < labels.memory_usage(deep=True)
    frame = pd.DataFrame({"band": bands, "amount": [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]})
    before = frame.assign(band=labels)
    totals = frame.groupby("band")["amount"].sum()
    assert totals.to_dict() == {"1000+": 48.0, "50-199": 4.0, "<50": 3.0, "未知": 8.0}
    assert totals.to_dict() == before.groupby("band")["amount"].sum().to_dict()
    names = pd.DataFrame({"band": ["<50", "1000+"], "name": ["small", "large"]})
    merged, merged_before = frame.merge(names, on="band"), before.merge(names, on="band")
    assert merged["name"].tolist() == ["small", "small", "large", "large"]
    assert_frame_equal(merged, merged_before, check_dtype=False)


def test_release_memory_hands_arrow_pool_pages_back(monkeypatch):
    from salesnb.batch import session
    from salesnb.data import store_read

    calls = []
    monkeypatch.setattr(store_read, "release_arrow_memory", lambda: calls.append("arrow"))
    session.release_memory()  # between two reports: the text columns' freed buffers go back too
    assert calls == ["arrow"]
    gc.unfreeze()


def test_release_arrow_memory_keeps_live_buffers():
    pool = pa.default_memory_pool()
    big = pc.add(pa.array(np.arange(1_000_000, dtype=np.int64)), 1)  # a result: in Arrow's own pool
    release_arrow_memory()
    assert pool.bytes_allocated() >= big.nbytes and big[999_999].as_py() == 1_000_000


def test_release_freed_memory_keeps_live_arrow_and_numpy_buffers(monkeypatch):
    from salesnb.data import store_read

    calls = []
    monkeypatch.setattr(store_read, "release_arrow_memory", lambda: calls.append("arrow"))
    text = pd.Series([f"c{i}" for i in range(100_000)], dtype="str")  # Arrow's pool
    numbers = np.arange(1_000_000, dtype=np.float64) * 2  # glibc's heap
    freed = np.ones(2_000_000)  # something made and freed
    del freed
    release_freed_memory()
    assert calls == ["arrow"] and text.iloc[99_999] == "c99999" and numbers[999_999] == 1_999_998.0
