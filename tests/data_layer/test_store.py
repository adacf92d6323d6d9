"""The columnar store: the Dataset comes back exactly, a new data version is re-ingested, a region load holds
that region's rows only, and a damaged store is rebuilt rather than trusted."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pandas as pd
import pytest

from salesnb.data import store, store_read
from salesnb.data.cache import source_signature
from salesnb.data.loading import load_dataset
from tests.tiny import TABLES, write_tiny


def assert_same_dataset(back, ds) -> None:
    """Every frame equal value for value, with the same dtypes, column order and index; every note kept."""
    assert list(back.tables) == list(ds.tables)
    for name, frame in ds.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_exact=True)
        assert [str(t) for t in back.tables[name].dtypes] == [str(t) for t in frame.dtypes], name
        assert isinstance(back.tables[name].index, pd.RangeIndex), name
    assert back.present_columns == ds.present_columns
    assert back.mapping == ds.mapping
    assert (back.source, back.parse_problems, back.ignored, back.warnings) == (
        ds.source,
        ds.parse_problems,
        ds.ignored,
        ds.warnings,
    )
    assert back.unparsed_rows.keys() == ds.unparsed_rows.keys()


@pytest.fixture
def tiny(tmp_path):
    """The tiny dataset without the orders' channel column (added empty by the loader, not present)."""
    tables = {**TABLES, "orders": [{k: v for k, v in row.items() if k != "channel"} for row in TABLES["orders"]]}
    return write_tiny(tmp_path / "data", tables=tables)


def test_round_trip_tiny_is_identical(tiny, tmp_path):
    ds = load_dataset(tiny)
    back = store_read.open_store(tiny, root=tmp_path / "store")
    assert_same_dataset(back, ds)
    assert "channel" not in back.present_columns["orders"]  # the dropped column: added empty, not present
    assert back.tables["orders"]["channel"].isna().all()


def test_round_trip_keeps_an_empty_table(tiny, tmp_path):
    (tiny / "returns.csv").write_text("order_id,product_id,quantity,returned_at,reason\n", encoding="utf-8")
    ds = load_dataset(tiny)
    back = store_read.open_store(tiny, root=tmp_path / "store")
    assert_same_dataset(back, ds)
    assert len(back.tables["returns"]) == 0 and str(back.tables["returns"]["returned_at"].dtype) == "datetime64[ns]"


def test_round_trip_sample_is_identical(sample, tmp_path):
    folder = store.write_store(sample, "sample-signature", tmp_path)
    back = store_read.load_store(folder, store.read_manifest(folder, "sample-signature"))
    assert_same_dataset(back, sample)


def test_unparsed_rows_come_back_as_arrays(tiny, tmp_path):
    ds = load_dataset(tiny)
    ds.unparsed_rows[("orders", "order_date")] = np.array([False, True, False, False, False, False, False])
    folder = store.write_store(ds, "sig", tmp_path)
    back = store_read.load_store(folder, store.read_manifest(folder, "sig"))
    assert back.unparsed_rows[("orders", "order_date")].dtype == bool
    assert back.unparsed_rows[("orders", "order_date")].tolist() == [False, True, False, False, False, False, False]


def test_store_is_reused_while_the_signature_matches(tiny, tmp_path, monkeypatch):
    root = tmp_path / "store"
    store_read.open_store(tiny, root=root)
    calls = []
    monkeypatch.setattr("salesnb.data.loading.load_dataset", lambda *a, **k: calls.append(a))
    back = store_read.open_store(tiny, root=root)
    assert calls == []  # read from the store, the CSV files not parsed again
    assert len(back.tables["orders"]) == 7


def test_signature_change_reingests_and_drops_the_old_version(tiny, tmp_path):
    root = tmp_path / "store"
    first = store_read.open_store(tiny, root=root)
    old_folder = store.store_dir(root, source_signature(tiny))
    lines = tiny / "order_lines.csv"
    lines.write_text(lines.read_text(encoding="utf-8") + "O7,P1,5,100\n", encoding="utf-8")
    os.utime(lines, ns=(time.time_ns(), time.time_ns() + 10**9))  # a new modification time, whatever the clock
    assert store.store_dir(root, source_signature(tiny)) != old_folder
    second = store_read.open_store(tiny, root=root)
    assert len(first.tables["order_lines"]) == 8
    assert len(second.tables["order_lines"]) == 9
    assert second.tables["order_lines"].iloc[-1].to_dict()["quantity"] == 5.0
    assert not old_folder.exists()  # one version per source stays on disk
    assert [p.name for p in root.iterdir()] == [store.store_dir(root, source_signature(tiny)).name]


def test_region_load_holds_that_regions_rows_only(tiny, tmp_path):
    ds = store_read.open_store(tiny, root=tmp_path / "store", region="华东")
    # O2 has no region of its own: its customer C2 is in 华东
    assert ds.tables["orders"]["order_id"].tolist() == ["O1", "O2", "O3", "O5"]
    assert ds.tables["order_lines"]["order_id"].tolist() == ["O1", "O2", "O2", "O3", "O5"]
    assert ds.tables["customers"]["customer_id"].tolist() == ["C1", "C2"]
    assert ds.tables["reps"]["rep_id"].tolist() == ["R1"]
    assert ds.tables["products"]["product_id"].tolist() == ["P1", "P2"]  # the catalogue is shared
    # region targets of 华东 plus the company and rep targets (no region: shared), in their loaded order
    assert ds.tables["targets"]["target_amount"].tolist() == [1000.0, 500.0, 150.0, 250.0, 600.0, 300.0]
    assert isinstance(ds.tables["orders"].index, pd.RangeIndex)


def test_region_load_prunes_row_groups(sample, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 1_000)
    folder = store.write_store(sample, "sig", tmp_path)
    path = folder / "order_lines.parquet"
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    region_column = meta.schema.names.index("_region")
    spans = [
        (meta.row_group(i).column(region_column).statistics.min, meta.row_group(i).column(region_column).statistics.max)
        for i in range(meta.num_row_groups)
    ]
    assert meta.num_row_groups == 13
    assert sum(lo == hi for lo, hi in spans) >= 8  # sorted by region: most groups hold one region only
    whole = store_read.read_table(path)
    east = store_read.read_table(path, region="华东")
    orders = sample.tables["orders"]
    east_orders = set(store_read.read_table(folder / "orders.parquet", region="华东")["order_id"])
    assert set(east["order_id"]) <= east_orders
    assert len(east) == whole["order_id"].isin(east_orders).sum()
    assert len(east_orders) < len(orders)


def _damage(folder, how: str) -> None:
    path = folder / "orders.parquet"
    if how == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    elif how == "garbage":  # same size, unreadable: passes the size check, fails the read
        path.write_bytes(b"x" * path.stat().st_size)
    elif how == "no manifest":  # a writer that died before the manifest
        (folder / store.MANIFEST).unlink()
    elif how == "other data":
        manifest = json.loads((folder / store.MANIFEST).read_text(encoding="utf-8"))
        manifest["signature"] = "someone else"
        (folder / store.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("how", ["truncated", "garbage", "no manifest", "other data"])
def test_damaged_store_is_rebuilt(tiny, tmp_path, how):
    root = tmp_path / "store"
    ds = load_dataset(tiny)
    store_read.open_store(tiny, root=root)
    folder = store.store_dir(root, source_signature(tiny))
    _damage(folder, how)
    back = store_read.open_store(tiny, root=root)
    assert_same_dataset(back, ds)
    assert store.read_manifest(folder, source_signature(tiny)) is not None  # whole again


def test_writes_leave_no_temporary_folder(tiny, tmp_path):
    root = tmp_path / "store"
    store_read.open_store(tiny, root=root)
    assert not [p for p in root.iterdir() if p.name.startswith(".tmp")]


def test_default_root_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "here"))
    assert store.default_root() == tmp_path / "here"
    monkeypatch.delenv(store.STORE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert store.default_root() == tmp_path / "cache" / "salesnb" / "store"


def test_database_source_is_ingested_again_by_each_run(tmp_path):
    import sqlite3

    db = tmp_path / "sales.db"
    with sqlite3.connect(db) as con:
        for name, rows in TABLES.items():
            pd.DataFrame(rows).to_sql(name, con, index=False)
    url = f"sqlite:///{db}"
    first = store_read.planning_dataset(url, None, tmp_path / "store")
    with sqlite3.connect(db) as con:  # same URL, new content: a stored copy must not be served
        con.execute("INSERT INTO order_lines VALUES ('O7', 'P1', 5, 100)")
    second = store_read.planning_dataset(url, None, tmp_path / "store")
    assert (len(first.tables["order_lines"]), len(second.tables["order_lines"])) == (8, 9)
    assert len(list((tmp_path / "store").iterdir())) == 1


def test_kernels_load_through_the_store(tiny, tmp_path, monkeypatch):
    from salesnb.data import cache

    names = list(load_dataset(tiny).tables)
    planned = store_read.planning_dataset(tiny, None, tmp_path / "store")
    assert planned.tables == {}  # the main process plans from the stored orders' columns, no table
    monkeypatch.setenv(store.READ_ENV, str(tmp_path / "store"))
    monkeypatch.setattr("salesnb.data.loading.load_dataset", lambda *a, **k: pytest.fail("source read again"))
    cache.clear()
    try:
        ds = cache.load_dataset_cached(tiny)
    finally:
        cache.clear()
    assert len(ds.tables["order_lines"]) == 8 and list(ds.tables) == names


def test_a_large_source_opened_by_hand_goes_through_the_default_store(tiny, tmp_path, monkeypatch):
    from salesnb.data import cache, ingest

    monkeypatch.delenv(store.READ_ENV, raising=False)
    monkeypatch.setenv(store.STORE_ENV, str(tmp_path / "cache"))
    expected = load_dataset(tiny)
    size = sum(path.stat().st_size for path in tiny.iterdir() if path.suffix == ".csv")  # tiny: CSV files only
    monkeypatch.setattr(ingest, "STREAM_BYTES", size + 1)  # one byte too small: loaded directly, nothing written
    assert cache.store_root_for(tiny) is None
    cache.clear()
    try:
        cache.load_dataset_cached(tiny)
        assert not (tmp_path / "cache").exists()
        monkeypatch.setattr(ingest, "STREAM_BYTES", size)  # large enough: ingested once, then read back
        assert cache.store_root_for(tiny) == str(tmp_path / "cache")
        cache.clear()
        first = cache.load_dataset_cached(tiny)
        assert len(list((tmp_path / "cache").iterdir())) == 1
        monkeypatch.setattr("salesnb.data.loading.load_dataset", lambda *a, **k: pytest.fail("source read again"))
        cache.clear()
        again = cache.load_dataset_cached(tiny)
    finally:
        cache.clear()
    assert cache.store_root_for("sqlite:///x.db") is None
    for ds in (first, again):
        assert list(ds.tables) == list(expected.tables)
        for name, frame in expected.tables.items():
            pd.testing.assert_frame_equal(ds.tables[name], frame)


def test_an_unwritable_default_store_loads_the_source_itself(tiny, tmp_path, monkeypatch):
    from salesnb.data import cache, ingest

    monkeypatch.delenv(store.READ_ENV, raising=False)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store folder would go")
    monkeypatch.setenv(store.STORE_ENV, str(blocker))
    monkeypatch.setattr(ingest, "STREAM_BYTES", 1)
    cache.clear()
    try:
        ds = cache.load_dataset_cached(tiny)
    finally:
        cache.clear()
    assert len(ds.tables["order_lines"]) == 8 and blocker.is_file()


def test_a_workbook_column_of_text_and_numbers_is_stored_as_text(tmp_path):
    """An unmapped free-text column of a sheet (规格: 1085*906 beside 10835801096) once stopped the run in the store."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["订单号", "客户", "订单日期", "金额", "规格", "交货日期"])
    sheet.append(["A1", "甲", pd.Timestamp("2025-03-02").to_pydatetime(), 100.0, "1085*906", "11/22,12/25"])
    sheet.append(["A2", "乙", pd.Timestamp("2025-03-05").to_pydatetime(), 50.5, 10835801096, None])
    sheet.append(["A3", "甲", pd.Timestamp("2025-03-09").to_pydatetime(), 20.0, None, pd.Timestamp("2025-04-01")])
    book.save(tmp_path / "订单表.xlsx")
    (tmp_path / "mapping.yaml").write_text(
        "tables: {orders: 订单表.xlsx}\ncolumns:\n"
        "  orders: {order_id: 订单号, customer_id: 客户, order_date: 订单日期, amount: 金额}\n",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path / "订单表.xlsx", mapping=tmp_path / "mapping.yaml")
    back = store_read.open_store(tmp_path / "订单表.xlsx", tmp_path / "mapping.yaml", root=tmp_path / "store")
    orders = back.tables["orders"]
    assert orders["规格"].tolist()[:2] == ["1085*906", "10835801096"] and pd.isna(orders["规格"].iloc[2])
    assert orders["交货日期"].tolist()[0] == "11/22,12/25" and orders["交货日期"].iloc[2].startswith("2025-04-01")
    pd.testing.assert_frame_equal(
        back.tables["orders"].drop(columns=["规格", "交货日期"]), ds.tables["orders"].drop(columns=["规格", "交货日期"])
    )
    assert orders["amount"].sum() == 170.5
