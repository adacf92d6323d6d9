"""Database sources streamed in chunks into parquet (SQLite here; PostgreSQL in tests/integration/test_postgres.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from salesnb.data.database import _text, masked_url, open_database, stage_database
from salesnb.data.dataset import Mapping
from salesnb.data.loading import load_dataset
from salesnb.data.mapping import load_mapping

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
RENAMED = {"order_id": "订单号", "order_date": "下单日期", "amount": "金额"}


def sqlite_of(path: Path, frames: dict[str, pd.DataFrame]) -> str:
    engine = sa.create_engine(f"sqlite:///{path}")
    for name, frame in frames.items():
        frame.to_sql(name, engine, index=False)
    engine.dispose()
    return f"sqlite:///{path}"


def sample(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, **kwargs)


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Orders and customers with typed columns (dates, floats with NaN, integers), as a database holds them."""
    orders = sample("orders").assign(
        order_date=lambda f: pd.to_datetime(f["order_date"]), amount=lambda f: f["amount"].astype(float)
    )
    customers = sample("customers").assign(employee_count=lambda f: f["employee_count"].astype("Int64"))
    return sqlite_of(tmp_path_factory.mktemp("db") / "typed.db", {"orders": orders, "customers": customers})


def test_chunks_of_the_asked_size_make_the_whole_table(typed: str) -> None:
    with open_database(typed) as source:
        chunks = list(source.chunks("orders", 1000))
        (whole,) = list(source.chunks("orders", 10**9))
    rows = len(sample("orders"))
    assert [len(c) for c in chunks] == [1000] * (rows // 1000) + [rows % 1000]
    pd.testing.assert_frame_equal(pd.concat([c.to_pandas() for c in chunks], ignore_index=True), whole.to_pandas())
    first = whole.slice(0, 1).to_pylist()[0]
    assert first["order_date"] == "2024-11-01 00:00:00.000000" and first["amount"] is None  # text; NaN missing


def test_staged_parquet_has_one_row_group_per_chunk(typed: str, tmp_path: Path) -> None:
    staged = stage_database(typed, Mapping(), tmp_path, chunk_rows=1000)
    assert {t: (n, p.name) for t, (n, p) in staged.files.items()} == {
        "orders": ("orders", "orders.parquet"),
        "customers": ("customers", "customers.parquet"),
    }
    orders = pq.ParquetFile(staged.files["orders"][1])
    assert orders.num_row_groups == -(-len(sample("orders")) // 1000)
    assert orders.metadata.row_group(0).num_rows == 1000
    pd.testing.assert_frame_equal(load_dataset(tmp_path)["orders"], load_dataset(typed)["orders"])  # folder too


def test_typed_database_gives_the_folders_dataset(typed: str, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("orders", "customers"):
        (folder / f"{name}.csv").write_bytes((SAMPLE / f"{name}.csv").read_bytes())
    from_db, from_folder = load_dataset(typed), load_dataset(folder)
    assert from_db.source == typed and from_db.table_names == ["orders", "customers"]
    for name in from_db.table_names:
        pd.testing.assert_frame_equal(from_db[name], from_folder[name], obj=name)


def test_renamed_table_and_columns_from_the_database(tmp_path: Path) -> None:
    orders = sample("orders").rename(columns=RENAMED)
    url = sqlite_of(tmp_path / "renamed.db", {"销售订单": orders, "Customers": sample("customers")})
    mapping = {"tables": {"orders": "销售订单"}, "columns": {"orders": RENAMED}}
    ds = load_dataset(url, mapping=mapping, validate=False)
    assert ds.table_names == ["orders", "customers"]  # Customers found ignoring case
    expected = load_dataset(SAMPLE, validate=False)
    pd.testing.assert_frame_equal(ds["orders"], expected["orders"])
    folder = tmp_path / "staged"
    folder.mkdir()
    staged = stage_database(url, load_mapping(mapping), folder)  # the staged folder is a source, same mapping
    pd.testing.assert_frame_equal(load_dataset(folder, mapping=mapping, validate=False)["orders"], ds["orders"])
    assert staged.ignored == []


def test_driver_values_become_the_text_of_a_csv() -> None:
    assert [_text(v) for v in (None, "a", 3, 2.5, float("nan"), Decimal("1234.50"))] == [
        None, "a", "3", "2.5", None, "1234.50"
    ]  # fmt: skip
    assert (
        _text(dt.datetime(2026, 1, 5, 10, 30)) == "2026-01-05 10:30:00" and _text(dt.date(2026, 1, 5)) == "2026-01-05"
    )
    assert masked_url("postgresql://analyst:s3cret@host/db") == "postgresql://analyst:***@host/db"
