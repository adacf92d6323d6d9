"""Orders the mapping's exclude leaves out still mark the days the export covered (``Dataset.covered_through``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data import facts, partial_month, store_read
from salesnb.data.ingest import ingest
from salesnb.data.loading import load_dataset
from salesnb.data.store import read_manifest

DAYS = [f"2026-{m}-{d:02d}" for m in ("09", "10") for d in range(1, 29)]  # sales through 10-28
CANCELLED = ["2026-10-29", "2026-10-30", "2026-10-31"]  # the export's last days: every order cancelled


def _folder(folder: Path) -> Path:
    """orders.csv (状态) and order_lines.csv: two files, the exclude applied to the loaded orders."""
    folder.mkdir()
    rows = [(f"O{i}", "C1", day, "华东", "已付款") for i, day in enumerate(DAYS)]
    rows += [(f"X{i}", "C2", day, "华东", "已取消") for i, day in enumerate(CANCELLED)]
    columns = ["order_id", "customer_id", "order_date", "region", "状态"]
    pd.DataFrame(rows, columns=columns).to_csv(folder / "orders.csv", index=False)
    lines = [(order, "P1", 1, 100.0) for order, *_ in rows]
    pd.DataFrame(lines, columns=["order_id", "product_id", "quantity", "unit_price"]).to_csv(
        folder / "order_lines.csv", index=False
    )
    return folder


def test_cancelled_orders_on_the_last_days_keep_the_month_complete(tmp_path: Path) -> None:
    """Orders through 10-31, those of 10-29..31 cancelled: October is complete, not partial through day 28.

    The whole-table loader and the columnar store (the ingest loads a source with an exclude) say the same.
    """
    src = _folder(tmp_path / "src")
    mapping = {"exclude": {"orders": {"状态": ["已取消"]}}}
    loaded = load_dataset(src, mapping=mapping)
    folder = ingest(src, mapping, "excluded-last-days", tmp_path / "store", stream_bytes=1)
    stored = store_read.load_store(folder, read_manifest(folder, "excluded-last-days"))
    for ds in (loaded, stored):
        assert ds.excluded == {"orders": 3, "order_lines": 3} and ds.covered_through == "2026-10-31"
        assert len(ds["orders"]) == 56 and facts.last_order_date(ds) == pd.Timestamp("2026-10-31")
        assert facts.through_day(ds, "2026-10") is None and partial_month.latest_complete_month(ds) == "2026-10"


def test_a_flat_export_s_cancelled_rows_mark_their_days_too(tmp_path: Path) -> None:
    """One file feeding orders and lines, its rows left out before the tables are cut (``drop_flat_rows``)."""
    rows = [(f"O{i}", "C1", day, "已付款", "P1", 1, 100) for i, day in enumerate(DAYS)]
    rows += [(f"X{i}", "C2", day, "已取消", "P1", 1, 100) for i, day in enumerate(CANCELLED)]
    columns = ["订单号", "客户", "日期", "状态", "商品", "数量", "单价"]
    pd.DataFrame(rows, columns=columns).to_csv(tmp_path / "sales.csv", index=False)
    mapping = {
        "tables": {"orders": "sales.csv", "order_lines": "sales.csv"},
        "columns": {
            "orders": {"order_id": "订单号", "customer_id": "客户", "order_date": "日期"},
            "order_lines": {"order_id": "订单号", "product_id": "商品", "quantity": "数量", "unit_price": "单价"},
        },
        "exclude": {"orders": {"状态": ["已取消"]}},
    }
    ds = load_dataset(tmp_path / "sales.csv", mapping=mapping)
    assert ds.excluded == {"orders": 3, "order_lines": 3} and ds.covered_through == "2026-10-31"
    assert facts.last_order_date(ds) == pd.Timestamp("2026-10-31") and facts.through_day(ds, "2026-10") is None


def test_an_excluded_order_past_the_last_month_adds_no_month(tmp_path: Path) -> None:
    """An excluded order dated after the kept orders' last month reaches that month's end only."""
    src = _folder(tmp_path / "src")
    orders = pd.read_csv(src / "orders.csv")
    orders.loc[len(orders) - 1, "order_date"] = "2027-01-15"
    orders.to_csv(src / "orders.csv", index=False)
    ds = load_dataset(src, mapping={"exclude": {"orders": {"状态": ["已取消"]}}})
    assert ds.covered_through == "2027-01-15" and facts.last_order_date(ds) == pd.Timestamp("2026-10-31")
