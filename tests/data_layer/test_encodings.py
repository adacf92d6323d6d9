"""A CSV export's encoding is recognised: UTF-8, GB18030, and a Western Excel's Windows-1252 without mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data import encodings
from salesnb.data.encodings import csv_encodings
from salesnb.data.loading import read_table_file

WESTERN = "customer_id,customer_name,city\nC1,Müller Zürich,Québec\nC2,Ångström & Söhne,Göteborg\nC3,Plain Ltd,Paris\n"


def test_a_western_export_whose_accents_form_gb18030_pairs_is_read_as_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(WESTERN.encode("cp1252"))
    assert WESTERN.encode("cp1252").decode("gb18030")  # GB18030 reads it without an error: only garbled
    assert csv_encodings(path)[0] == "cp1252"
    frame = read_table_file(path)
    assert frame["customer_name"].tolist() == ["Müller Zürich", "Ångström & Söhne", "Plain Ltd"]
    assert frame["city"].tolist() == ["Québec", "Göteborg", "Paris"]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_chinese_and_utf8_exports_keep_their_reading(tmp_path: Path, encoding: str) -> None:
    text = "订单编号,客户名称,金额\nA1,杭州瑞丰机械有限公司,1，200\nA2,宁波小林贸易,￥300\n"
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding=encoding)
    assert csv_encodings(path)[0] == ("gb18030" if encoding == "gb18030" else "utf-8-sig")
    assert read_table_file(path)["客户名称"].tolist() == ["杭州瑞丰机械有限公司", "宁波小林贸易"]


def test_dense_high_bytes_are_not_taken_for_western_text() -> None:
    """Text of mostly non-ASCII letters is no Western export: GB18030 decoding (and its error) stays."""
    assert not encodings._reads_as_western("ÒÂ·þ¿ã×Ó")
    assert encodings._reads_as_western("Société Générale, Zürich")
    assert not encodings._reads_as_western("o\x00r\x00d\x00e\x00r\x00")  # UTF-16 read byte by byte


def test_only_the_first_mebibyte_is_sampled_and_cut_at_a_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(encodings, "SAMPLE_BYTES", 64)
    line = "杭州瑞丰机械有限公司,1\n".encode("gb18030")  # 24 bytes: the cut falls after the second line
    path = tmp_path / "x.csv"
    path.write_bytes(b"name,n\n" + line * 10)
    sample = encodings._sample(path)
    assert sample.endswith(b"\n") and len(sample) == 7 + 2 * len(line)
    assert csv_encodings(path)[0] == "gb18030"


def test_a_declared_encoding_is_the_only_one_tried(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(WESTERN.encode("cp1252"))
    assert csv_encodings(path, "latin-1") == ("latin-1",)
    assert read_table_file(path, "latin-1")["customer_name"].tolist()[0] == "Müller Zürich"
