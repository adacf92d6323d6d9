"""The streaming ingest writes the store the whole-table path writes, and leaves messy data to the loader.

One loader semantics: a streamed store is byte for byte the store of ``load_dataset`` + ``write_store``
(same manifest, same parquet files, same frames read back), with many blocks and many row groups; a source
with anything to report (GB18030, slash dates, a bad value, a duplicate id, a broken reference, an empty
table) is loaded whole, so its Dataset, warnings and errors are the loader's own.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from salesnb.data import ingest, ingest_stream, loading, stage_processes, store, store_read
from salesnb.errors import DataValidationError
from tests.tiny import TABLES, write_tiny

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture
def spy(monkeypatch):
    """Record whether the whole-table loader ran inside :func:`ingest.ingest` (``spy`` lists its sources)."""
    calls: list[str] = []
    real = loading.load_dataset

    def load(source, **kwargs):
        calls.append(str(source))
        return real(source, **kwargs)

    monkeypatch.setattr(loading, "load_dataset", load)
    return calls


def _store(root: Path) -> Path:
    (folder,) = [p for p in root.iterdir() if not p.name.startswith(".")]
    return folder


def assert_same_store(streamed: Path, whole: Path) -> None:
    """Same manifest, same parquet bytes, and the same Dataset read back (every frame equal)."""
    manifest = json.loads((whole / store.MANIFEST).read_text(encoding="utf-8"))
    assert json.loads((streamed / store.MANIFEST).read_text(encoding="utf-8")) == manifest
    for name in manifest["order"]:
        assert (streamed / f"{name}.parquet").read_bytes() == (whole / f"{name}.parquet").read_bytes(), name
    back, expected = store_read.load_store(streamed, manifest), store_read.load_store(whole, manifest)
    for name, frame in expected.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_exact=True)


def test_sample_streamed_in_blocks_is_the_whole_table_store(tmp_path, monkeypatch, spy):
    monkeypatch.setattr(ingest_stream, "BLOCK_BYTES", 256 * 1024)  # several blocks per large table
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 1_000)  # many row groups, the last of each table partial
    ingest.ingest(SAMPLE, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == []  # streamed, not loaded whole
    store.write_store(loading.load_dataset(SAMPLE), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))
    manifest = json.loads((_store(tmp_path / "streamed") / store.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["order_lines"]["rows"] > 3 * 1_000


def test_small_sources_keep_the_whole_table_path(tmp_path, spy):
    data = write_tiny(tmp_path / "data")
    ingest.ingest(data, None, "sig", tmp_path / "store")
    assert spy == [str(data)]


@pytest.mark.parametrize("column", ["channel", "customer_id"])  # no customer: each order its own unnamed buyer
def test_missing_optional_column_streams_and_matches(tmp_path, spy, column):
    tables = {**TABLES, "orders": [{k: v for k, v in row.items() if k != column} for row in TABLES["orders"]]}
    if column == "customer_id":
        tables.pop("customers")
    data = write_tiny(tmp_path / "data", tables=tables)
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == []
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))
    folder = _store(tmp_path / "streamed")
    back = store_read.load_store(folder, json.loads((folder / store.MANIFEST).read_text(encoding="utf-8")))
    assert column not in back.present_columns["orders"]
    if column == "customer_id":
        assert back.tables["orders"]["customer_id"].tolist() == back.tables["orders"]["order_id"].tolist()


def _rows(name: str, **changes) -> dict[str, list[dict]]:
    """The tiny tables with the first row of ``name`` changed."""
    return {**TABLES, name: [{**TABLES[name][0], **changes}] + TABLES[name][1:]}


MESSY = {
    "slash dates": (_rows("orders", order_date="2025/10/5"), None),
    "day-month dates": (_rows("orders", order_date="25/10/2025"), None),
    "a bad amount": (_rows("orders", amount="十二"), "orders.amount"),
    "a duplicate id": (_rows("customers", customer_id="C2"), "customers.customer_id"),
    "a broken reference": (_rows("orders", customer_id="C9"), "orders.customer_id"),
    "an empty required value": (_rows("orders", order_date=""), "orders.order_date"),
    "a line spelt in capitals": (_rows("products", product_line="a线"), None),  # A线 elsewhere: one line
    "a region spelt with its suffix": (_rows("customers", region="华东区"), None),  # 华东 in orders: one region
}


@pytest.mark.parametrize("case", sorted(MESSY))
def test_messy_sources_are_loaded_whole(case, tmp_path, spy):
    tables, error = MESSY[case]
    data = write_tiny(tmp_path / "data", tables=tables)
    if error:
        with pytest.raises(DataValidationError) as streamed:
            ingest.ingest(data, None, "sig", tmp_path / "store", stream_bytes=0)
        with pytest.raises(DataValidationError) as whole:
            loading.load_dataset(data)
        assert str(streamed.value) == str(whole.value) and error in str(whole.value)
        assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())  # nothing left behind
        return
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == [str(data)]  # fell back to the loader
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


def test_gb18030_and_an_empty_table_are_loaded_whole(tmp_path, spy):
    data = write_tiny(tmp_path / "data")
    customers = data / "customers.csv"
    customers.write_bytes(customers.read_text(encoding="utf-8").encode("gb18030"))
    (data / "returns.csv").write_text("order_id,product_id,quantity,returned_at,reason\n", encoding="utf-8")
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == [str(data)]
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


def test_empty_rows_at_a_files_end_fall_back_to_the_loader_that_drops_them(tmp_path, spy):
    data = write_tiny(tmp_path / "data")
    orders = data / "orders.csv"
    columns = orders.read_text(encoding="utf-8").splitlines()[0].count(",")
    with orders.open("a", encoding="utf-8") as handle:
        handle.write("," * columns + "\n" + "," * columns + "\n")  # a spreadsheet's formatted empty rows
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == [str(data)]  # a block cannot tell its empty rows are the file's last: loaded whole
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))
    assert len(loading.load_dataset(data)["orders"]) == len(TABLES["orders"])


def test_a_failing_stream_leaves_nothing_behind(tmp_path, monkeypatch):
    data = write_tiny(tmp_path / "data")

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(ingest_stream, "_write", broken)
    with pytest.raises(OSError, match="disk full"):
        ingest.ingest(data, None, "sig", tmp_path / "store", stream_bytes=0)
    assert list((tmp_path / "store").iterdir()) == []


def test_a_ragged_row_is_read_by_the_loader(tmp_path, spy):
    data = write_tiny(tmp_path / "data")
    with open(data / "products.csv", "a", encoding="utf-8") as handle:
        handle.write("P3,丙\n")  # fewer fields than the header: pandas fills them empty, pyarrow refuses
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == [str(data)]
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


@pytest.fixture
def in_processes(monkeypatch):
    """Stage every source in child processes (as a large one on a machine with two cores); list each child's tasks."""
    children: list[list[str]] = []
    real = stage_processes.subprocess.run

    def run(command, **kwargs):
        children.append([Path(task).name for task in command[3:]])  # python -m salesnb.data.stage_processes TASK ...
        return real(command, **kwargs)

    monkeypatch.setattr(stage_processes.subprocess, "run", run)
    monkeypatch.setattr(ingest_stream, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(ingest_stream, "CHILD_BYTES", 0)
    monkeypatch.setattr(ingest_stream, "_cores", lambda: 2)
    return children


def test_tables_staged_in_parallel_processes_give_the_same_store(tmp_path, monkeypatch, spy, in_processes):
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 1_000)
    ingest.ingest(SAMPLE, None, "sig", tmp_path / "parallel", stream_bytes=0)
    assert spy == [] and len(in_processes) == 2  # one child process per core, each staging its share of the tables
    staged = sorted(task for child in in_processes for task in child)
    assert staged == sorted(f".{path.stem}.task" for path in SAMPLE.glob("*.csv"))  # every table once
    store.write_store(loading.load_dataset(SAMPLE), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "parallel"), _store(tmp_path / "whole"))


def test_tables_are_shared_between_the_children_by_size():
    """Largest first, each to the group with the fewest bytes so far: three groups 10 | 6+2 | 5+3 (d to 5, then e
    to 6); two groups 10+3 | 6+5+2 (c to 6, d to 10, e to 11)."""
    sizes = {"a": 10, "b": 6, "c": 5, "d": 3, "e": 2}
    assert stage_processes.shares(sizes, 3) == [["a"], ["b", "e"], ["c", "d"]]
    assert stage_processes.shares(sizes, 2) == [["a", "d"], ["b", "c", "e"]]
    assert stage_processes.shares({"a": 1}, 4) == [["a"]] and stage_processes.shares({}, 2) == []


def test_a_problem_found_in_a_staging_process_falls_back_to_the_loader(tmp_path, spy, in_processes):
    tables, _ = MESSY["slash dates"]
    data = write_tiny(tmp_path / "data", tables=tables)
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert in_processes and spy == [str(data)]
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


def test_a_script_without_a_main_guard_ingests_in_child_processes(tmp_path):
    """The children run salesnb's own entry, not the caller's script (multiprocessing would re-run it)."""
    import subprocess
    import sys

    script = tmp_path / "report.py"
    script.write_text(
        "from salesnb.data import ingest, ingest_stream\n"
        "ingest_stream.PARALLEL_BYTES = 0\n"
        "ingest_stream._cores = lambda: 2\n"
        "ingest_stream.CHILD_BYTES = 200_000\n"  # the larger tables in children, the others in the script
        f"print(ingest.ingest({str(SAMPLE)!r}, None, 'sig', {str(tmp_path / 'store')!r}, stream_bytes=0))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (Path(done.stdout.strip()) / store.MANIFEST).is_file()


def test_small_tables_are_staged_here_while_the_children_stage_the_large_ones(tmp_path, spy, in_processes, monkeypatch):
    monkeypatch.setattr(ingest_stream, "CHILD_BYTES", 200_000)
    large = sorted(p.name for p in SAMPLE.glob("*.csv") if p.stat().st_size >= 200_000)
    ingest.ingest(SAMPLE, None, "sig", tmp_path / "mixed", stream_bytes=0)
    staged = [task.removesuffix(".task").lstrip(".") + ".csv" for child in in_processes for task in child]
    assert spy == [] and sorted(staged) == large
    assert 0 < len(large) < len(list(SAMPLE.glob("*.csv")))
    store.write_store(loading.load_dataset(SAMPLE), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "mixed"), _store(tmp_path / "whole"))


def _with_amounts(first: float | None = None) -> dict[str, list[dict]]:
    """The tiny tables with each order's amount = its lines' total (the first order's replaced by ``first``)."""
    totals: dict[str, float] = {}
    for line in TABLES["order_lines"]:
        totals[line["order_id"]] = totals.get(line["order_id"], 0) + line["quantity"] * line["unit_price"]
    orders = [{**row, "amount": totals.get(row["order_id"], "")} for row in TABLES["orders"]]
    if first is not None:
        orders[0]["amount"] = first
    return {**TABLES, "orders": orders}


def test_an_amount_that_disagrees_with_the_lines_is_said_and_loaded_whole(tmp_path, spy):
    """Revenue reads the lines; O1 states 500 against its lines' 2 × 100: one order apart, said as a warning."""
    from salesnb.data.messages import say

    agreeing = write_tiny(tmp_path / "agree", tables=_with_amounts())
    ingest.ingest(agreeing, None, "sig", tmp_path / "streamed_ok", stream_bytes=0)
    assert spy == []  # nothing to say: streamed
    assert loading.load_dataset(agreeing).warnings == []
    data = write_tiny(tmp_path / "data", tables=_with_amounts(first=500))
    (warning,) = [w for w in loading.load_dataset(data).warnings if "orders.amount" in say(w, "en")]
    text = say(warning, "en")
    assert "1 order (" in text and "revenue is read from the lines" in text
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy[-1] == str(data)  # the stream had something to say: loaded whole, with the same warning
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


def test_identical_order_lines_are_said_and_loaded_whole(tmp_path, spy):
    """O3's line 4 × 50 written twice: the loader says so (200 of revenue), so the stream leaves it to the loader."""
    from salesnb.data.messages import say

    lines = TABLES["order_lines"]
    data = write_tiny(tmp_path / "data", tables={**TABLES, "order_lines": [*lines[:4], lines[3], *lines[4:]]})
    (warning,) = [w for w in loading.load_dataset(data).warnings if "every column" in say(w, "en")]
    assert say(warning, "en").startswith("table order_lines: row 6 repeats an earlier row in every column")
    assert "(200.00 of revenue)" in say(warning, "en")
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy[-1] == str(data)  # the stream had something to say: loaded whole, with the same warning
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


def test_an_order_of_0_is_left_to_the_loader_that_leaves_it_out(tmp_path, spy):
    """O3's lines given away (unit price 0): the loader leaves the order out and says so; the stream must too."""
    lines = [{**row, "unit_price": 0} if row["order_id"] == "O3" else row for row in TABLES["order_lines"]]
    data = write_tiny(tmp_path / "data", tables={**TABLES, "order_lines": lines})
    assert "O3" not in set(loading.load_dataset(data)["orders"]["order_id"])
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy[-1] == str(data)  # the stream had something to say: loaded whole, with the same warning
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))


def test_orders_without_money_are_left_to_the_loader_that_refuses_them(tmp_path, spy):
    data = write_tiny(tmp_path / "data", drop=("order_lines",))  # the tiny orders have no amount column
    with pytest.raises(DataValidationError, match="no money"):
        ingest.ingest(data, None, "sig", tmp_path / "store", stream_bytes=0)
    assert spy == [str(data)]


def test_orders_taking_their_reps_region_stream_as_they_load(tmp_path, spy):
    tables = {**TABLES, "orders": [{**row, "region": ""} for row in TABLES["orders"]]}
    tables["customers"] = [{**row, "region": ""} for row in TABLES["customers"]]
    data = write_tiny(tmp_path / "data", tables=tables)
    ingest.ingest(data, None, "sig", tmp_path / "streamed", stream_bytes=0)
    assert spy == []
    store.write_store(loading.load_dataset(data), "sig", tmp_path / "whole")
    assert_same_store(_store(tmp_path / "streamed"), _store(tmp_path / "whole"))
    manifest = json.loads((_store(tmp_path / "streamed") / store.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["regions"] == ["华东", "华南"]  # the reps' regions
