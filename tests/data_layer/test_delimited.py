"""Delimited text exports: semicolon CSVs, tab or space separated .txt/.tsv, and files without a header line."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data import ingest, loading
from salesnb.data.delimited import headerless, separator
from salesnb.data.loading import load_dataset, read_table_file
from salesnb.data.propose import propose_mapping
from tests.tiny import write_tiny

ORDERS = {"order_id": "订单编号", "customer_id": "客户编号", "order_date": "下单日期", "amount": "金额"}


@pytest.mark.parametrize(
    ("name", "text", "sep"),
    [
        ("a.csv", "订单编号,客户编号\nA1,C1\n", ","),
        ("a.csv", "订单编号;客户编号;金额\nA1;C1;1,50\n", ";"),  # Excel where the decimal mark is a comma
        ("a.txt", "订单编号\t客户编号\nA1\tC1\n", "\t"),
        ("a.tsv", "订单编号|客户编号\nA1|C1\n", "|"),
        ("a.txt", " 00001 20210101  1   11.77\n 00002 20210112  1   12.00\n", r"\s+"),
    ],
)
def test_the_separator_is_read_from_the_first_lines(tmp_path: Path, name: str, text: str, sep: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert separator(tmp_path / name, "utf-8-sig") == sep


def test_a_semicolon_csv_maps_and_loads(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "订单编号;客户编号;下单日期;金额\nA1;C1;2026-10-05;100\nA2;C2;2026-10-06;50\n", encoding="gb18030"
    )
    proposal = propose_mapping(tmp_path / "export.csv")
    assert proposal.columns["orders"] == ORDERS
    ds = load_dataset(tmp_path / "export.csv", mapping=proposal.mapping())
    assert ds["orders"]["amount"].sum() == 150


def test_a_space_aligned_txt_without_a_header_keeps_its_first_sale(tmp_path: Path) -> None:
    (tmp_path / "CDNOW.txt").write_text(
        " 00001 20210101  1   11.77\n 00002 20210112  1   12.00\n 00002 20210112  5   77.00\n", encoding="utf-8"
    )
    frame = read_table_file(tmp_path / "CDNOW.txt")
    assert frame.columns.tolist() == ["列1", "列2", "列3", "列4"] and len(frame) == 3
    assert frame["列1"].tolist() == ["00001", "00002", "00002"]  # codes keep their zeros
    mapping = {"tables": {"orders": "CDNOW.txt"}, "columns": {"orders": {"order_id": {"per": ["列1", "列2"]},
               "customer_id": "列1", "order_date": "列2", "amount": "列4"}}}  # fmt: skip
    ds = load_dataset(tmp_path / "CDNOW.txt", mapping=mapping)
    assert ds["orders"]["amount"].sum() == pytest.approx(100.77) and len(ds["orders"]) == 2
    assert any("第一行就是数据、没有表头，各列按顺序命名为 列1, 列2, 列3" in w.text("zh") for w in ds.warnings)


def test_a_header_in_words_is_a_header() -> None:
    import pandas as pd

    assert headerless(pd.Index(["00001", "20210101", "1", "11.77"]))
    assert not headerless(pd.Index(["订单编号", "2026", "金额"]))
    assert not headerless(pd.Index(["2024", "Unnamed: 1"]))


def test_a_semicolon_contract_folder_is_not_streamed(tmp_path: Path, monkeypatch) -> None:
    data = write_tiny(tmp_path / "data")
    orders = data / "orders.csv"
    orders.write_text(orders.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    calls = []
    real = loading.load_dataset
    monkeypatch.setattr(loading, "load_dataset", lambda source, **kw: calls.append(source) or real(source, **kw))
    ingest.ingest(data, None, "sig", tmp_path / "store", stream_bytes=0)
    assert calls == [data]  # read by the loader, which knows the separator


def test_note_lines_of_a_few_fields_above_a_wide_header_are_titles(tmp_path: Path) -> None:
    """用友's list: 报表名, then 查询条件/制表人/打印日期 as three comma fields, a blank line, then the header.

    The note line held commas, so it was read as the header (4 columns, the rest an index): map found no order id.
    """
    text = (
        "销售出库明细表\r\n查询条件：单据日期 2001-01-01 至 2002-10-17，,制表人：admin,打印日期：2002-10-18\r\n\r\n"
        "单据日期,单据号,客户编码,存货编码,数量,无税金额\r\n"
        '2001-1-1,FH01,C1,P1,2,"1,200.50"\r\n2001-1-2,FH02,C2,P1,1,300.00\r\n2001-1-2,FH02,C2,P2,3,99.50\r\n'
    )
    (tmp_path / "销售出库明细表.csv").write_bytes(text.encode("gb18030"))
    frame = read_table_file(tmp_path / "销售出库明细表.csv")
    assert frame.columns.tolist() == ["单据日期", "单据号", "客户编码", "存货编码", "数量", "无税金额"]
    assert frame["单据号"].tolist() == ["FH01", "FH02", "FH02"]
    proposal = propose_mapping(tmp_path / "销售出库明细表.csv")
    assert proposal.columns["orders"]["order_id"] == "单据号"
    ds = load_dataset(tmp_path / "销售出库明细表.csv", mapping=proposal.mapping())
    assert ds["orders"]["amount"].sum() == pytest.approx(1600.0) and len(ds["orders"]) == 2


@pytest.mark.parametrize(
    "lines",
    [
        ["a,b,c", "1,2,3", "4,5,6"],  # a plain file
        ["a,b,c", "1,2,3,", "4,5,6,"],  # rows with a trailing comma: the header is no note
        ["a,b,c,d", '1,"2,000",3,4', "5,6,7,8"],  # thousands inside quotes count as one field
    ],
)
def test_a_header_as_wide_as_its_rows_is_not_a_title(lines: list[str]) -> None:
    from salesnb.data.delimited import _title_count

    assert _title_count(lines) == 0


def test_decimal_commas_in_a_semicolon_file_make_no_note_line() -> None:
    """``id;price`` over ``1;1963,1``: read with commas the rows looked twice as wide as the header."""
    from salesnb.data.delimited import _title_count

    assert _title_count(["id;price", "1;1963,1", "2;0,075", "3;12"]) == 0
