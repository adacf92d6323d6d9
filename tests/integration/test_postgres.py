"""A real PostgreSQL server as the data source: same dataset and same reports as the folder it was loaded from.

The bundled sample is copied (COPY FROM STDIN) into typed tables (dates as ``date``, amounts as ``numeric`` ...,
as a CRM database holds them) on a temporary server; ``salesnb run`` on its URL must write byte-identical
``metrics.json``/``findings.json`` to a run on the folder, and never print or write the password.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from psycopg import sql

from salesnb.data.contract import COUNT, DATE, NUMBER, SCORE, TABLES, TIMESTAMP
from salesnb.data.database import open_database
from salesnb.data.loading import load_dataset
from salesnb.errors import DataSourceError

from .postgres import PASSWORD, Cluster

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
PG_TYPES = {DATE: "date", TIMESTAMP: "timestamp", NUMBER: "numeric", COUNT: "numeric", SCORE: "numeric"}
RENAMED = {"order_id": "订单号", "customer_id": "客户编号", "order_date": "下单日期", "region": "大区"}


def salesnb(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "salesnb", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def create_database(cluster: Cluster, name: str) -> str:
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
    return cluster.url(name)


def copy_csv(conn: psycopg.Connection, path: Path, table: str) -> None:
    """One sample CSV into a typed table ``table`` or ``schema.table`` (columns typed by the contract, others text)."""
    header = pd.read_csv(path, nrows=0).columns
    spec = TABLES[path.stem]
    columns = [
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(PG_TYPES.get(getattr(spec.column(c), "kind", ""), "text")))
        for c in header
    ]
    name = sql.Identifier(*table.split("."))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(name, sql.SQL(", ").join(columns)))
    statement = sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(name)
    with conn.cursor().copy(statement) as copy, open(path, "rb") as handle:
        while block := handle.read(1 << 16):
            copy.write(block)


@pytest.fixture(scope="module")
def sales(postgres: Cluster) -> str:
    """A database holding the whole sample, plus a table that is no contract table."""
    url = create_database(postgres, "sales")
    with psycopg.connect(url) as conn:
        for path in sorted(SAMPLE.glob("*.csv")):
            copy_csv(conn, path, path.stem)
        conn.execute("CREATE TABLE notes (x integer)")
    return url


def test_database_gives_the_same_dataset_as_the_folder(sales: str) -> None:
    from_db, from_folder = load_dataset(sales), load_dataset(SAMPLE)
    assert from_db.table_names == from_folder.table_names and len(from_db.table_names) == len(TABLES)
    assert from_db.ignored == ("notes",)
    assert PASSWORD not in from_db.source and from_db.source.startswith("postgresql://analyst:***@127.0.0.1")
    for name in from_db.table_names:
        pd.testing.assert_frame_equal(from_db[name], from_folder[name], obj=name)


def test_chunked_reader_reads_in_chunks(sales: str) -> None:
    with open_database(sales) as source:
        chunks = list(source.chunks("orders", 1000))
        whole = list(source.chunks("orders", 10**9))
    rows = len(pd.read_csv(SAMPLE / "orders.csv"))
    assert [len(c) for c in chunks] == [1000] * (rows // 1000) + [rows % 1000]
    assert len(whole) == 1
    chunked = pd.concat([c.to_pandas() for c in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(chunked, whole[0].to_pandas())
    assert chunked["amount"].isna().sum() == pd.read_csv(SAMPLE / "orders.csv")["amount"].isna().sum()  # NULL kept


def test_renamed_tables_and_columns_from_the_database(postgres: Cluster) -> None:
    url = create_database(postgres, "renamed")
    with psycopg.connect(url) as conn:
        copy_csv(conn, SAMPLE / "orders.csv", "销售订单")
        conn.execute("CREATE SCHEMA crm")
        copy_csv(conn, SAMPLE / "customers.csv", "crm.Customers")  # another schema; found ignoring case
        for old, new in RENAMED.items():
            conn.execute(
                sql.SQL("ALTER TABLE 销售订单 RENAME {} TO {}").format(sql.Identifier(old), sql.Identifier(new))
            )
        conn.execute("INSERT INTO 销售订单 (订单号, 客户编号, 下单日期, channel) VALUES ('X1', 'C00001', NULL, '')")
    mapping = {"tables": {"orders": "销售订单"}, "columns": {"orders": RENAMED}}
    ds = load_dataset(url + "?options=-csearch_path%3Dcrm,public", mapping=mapping, validate=False)
    folder = load_dataset(SAMPLE, validate=False)
    assert ds.table_names == ["orders", "customers"]
    orders = ds["orders"]
    pd.testing.assert_frame_equal(orders.iloc[:-1], folder["orders"], obj="orders")
    assert orders.iloc[-1]["order_id"] == "X1" and pd.isna(orders.iloc[-1]["order_date"])  # NULL date: missing
    assert pd.isna(orders.iloc[-1]["channel"])  # empty text is missing, as in a CSV
    pd.testing.assert_frame_equal(ds["customers"], folder["customers"], obj="customers")


@pytest.mark.parametrize(
    ("password", "port_offset", "expected"),
    [(PASSWORD + "x", 0, "password authentication failed"), (PASSWORD, 1, "port")],
)
def test_wrong_password_or_unreachable_server_is_one_line(
    postgres: Cluster, password: str, port_offset: int, expected: str
) -> None:
    url = f"postgresql://analyst:{password}@127.0.0.1:{postgres.port + port_offset}/postgres"
    result = salesnb("validate", "--data", url)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr and "postgresql://analyst:***@127.0.0.1" in result.stderr
    assert password not in result.stdout + result.stderr
    with pytest.raises(DataSourceError, match="check the URL, server and password"):
        load_dataset(url)


def test_database_without_orders_names_the_table(postgres: Cluster) -> None:
    url = create_database(postgres, "no_orders")
    with psycopg.connect(url) as conn:
        copy_csv(conn, SAMPLE / "customers.csv", "customers")
    result = salesnb("validate", "--data", url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "orders" in result.stderr and PASSWORD not in result.stdout + result.stderr


def test_reports_from_the_database_are_byte_identical_to_the_folder(sales: str, tmp_path: Path) -> None:
    """The password is in the URL, and still no output file holds it (the notebooks get the URL masked)."""
    args = ("--period", "2026-10", "--region", "华东", "--region", "华南", "--angle", "overview", "--angle", "market")
    assert f":{PASSWORD}@" in sales
    outputs = {}
    for name, data in (("db", sales), ("folder", str(SAMPLE))):
        out = tmp_path / name
        result = salesnb("run", "--data", data, *args, "--out", str(out), "--quiet")
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[name] = out
    compared = 0
    for path in sorted(outputs["folder"].rglob("*.json")):
        if path.name in ("metrics.json", "findings.json"):
            twin = outputs["db"] / path.relative_to(outputs["folder"])
            assert twin.read_bytes() == path.read_bytes(), path.relative_to(outputs["folder"])
            compared += 1
    assert compared == 2 * 2  # two regions x (metrics, findings), each holding both angles
    assert sum(len(json.loads(p.read_bytes())) for p in outputs["db"].rglob("findings.json")) > 0  # not vacuous
    assert all(PASSWORD.encode() not in p.read_bytes() for p in outputs["db"].rglob("*") if p.is_file())
