"""A two-row header (merged group names above the column names), as Chinese ERP and Excel reports print it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from salesnb.data.loading import load_dataset, read_table_file
from salesnb.data.propose import propose_mapping
from salesnb.errors import DataValidationError

GROUPS = ["销售日期", "客户信息", "商品信息", None, "数量", "金额", None]
NAMES = [None, "社保卡号", "商品编码", "商品名称", None, "应收金额", "实收金额"]
ROWS = [
    ["2018-06-01", "C1", "P1", "感康", 2, 16.8, 15.0],
    ["2018-06-01", "C1", "P2", "三九感冒灵", 1, 28.0, 28.0],
    ["2018-06-03", "C2", "P1", "感康", 1, 8.4, 8.0],
]


def _merged_book(path: Path) -> Path:
    """销售日期 and 数量 merged down over both header rows; 客户信息, 商品信息 and 金额 merged across their columns."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(GROUPS)
    sheet.append(NAMES)
    for cells in ("A1:A2", "C1:D1", "E1:E2", "F1:G1"):
        sheet.merge_cells(cells)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


def test_a_merged_two_row_header_is_read_by_its_lower_names(tmp_path: Path) -> None:
    frame = read_table_file(_merged_book(tmp_path / "销售明细.xlsx"))
    assert frame.columns.tolist() == ["销售日期", "社保卡号", "商品编码", "商品名称", "数量", "应收金额", "实收金额"]
    assert frame["实收金额"].tolist() == [15.0, 28.0, 8.0]


def test_a_csv_with_a_group_row_above_its_header_is_mapped_and_counted(tmp_path: Path) -> None:
    """The same report saved as CSV: map proposes the orders, which total 15 + 28 = 43 on 1 June and 8 on 3 June."""
    lines = [GROUPS, NAMES, *ROWS]
    text = "\n".join(",".join("" if v is None else str(v) for v in line) for line in lines) + "\n"
    (tmp_path / "销售明细.csv").write_text(text, encoding="gb18030")
    proposal = propose_mapping(tmp_path / "销售明细.csv")
    assert proposal.columns["orders"]["amount"] == "实收金额"
    ds = load_dataset(tmp_path / "销售明细.csv", mapping=proposal.mapping())
    assert sorted(ds["orders"]["amount"].tolist()) == [8.0, 43.0]
    said = [w.text("zh") for w in ds.warnings]
    assert "销售明细.csv：表头占两行，上一行是分组名（客户信息、商品信息、金额），已按下一行的列名读取" in said


def test_a_first_row_of_text_under_a_blank_header_is_data_not_names(tmp_path: Path) -> None:
    """A customer list with a last column left unnamed: its first customer is a row, not a header."""
    (tmp_path / "customers.csv").write_text("客户编号,客户名称,\nC1,张三,老客户\nC2,李四,新客户\n", encoding="utf-8")
    frame = read_table_file(tmp_path / "customers.csv")
    assert frame["客户编号"].tolist() == ["C1", "C2"]


def test_rows_under_a_two_row_header_are_numbered_as_the_sheet_shows_them(tmp_path: Path) -> None:
    """Two header rows stand above the sales: the third sale's amount that is no number is the sheet's row 5."""
    path = _merged_book(tmp_path / "销售明细.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["G5"] = "待定"
    book.save(path)
    mapping = {
        "tables": {"orders": "销售明细.xlsx"},
        "columns": {"orders": {"order_id": {"per": ["社保卡号", "销售日期"]}, "customer_id": "社保卡号",
                               "order_date": "销售日期", "amount": "实收金额"}},
    }  # fmt: skip
    with pytest.raises(DataValidationError) as raised:
        load_dataset(path, mapping=mapping)
    assert "第 5 行" in raised.value.problems[0].text("zh")


def test_a_two_row_header_under_a_title_is_found(tmp_path: Path) -> None:
    """A report title and an export line above the two header rows: the first sale is not taken for the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["朝阳医院销售明细表"])
    sheet.append(["导出时间：2018/7/20"])
    sheet.append(GROUPS)
    sheet.append(NAMES)
    for cells in ("A1:G1", "A3:A4", "C3:D3", "E3:E4", "F3:G3"):
        sheet.merge_cells(cells)
    for row in ROWS:
        sheet.append(row)
    book.save(tmp_path / "销售明细.xlsx")
    frame = read_table_file(tmp_path / "销售明细.xlsx")
    assert frame.columns.tolist() == ["销售日期", "社保卡号", "商品编码", "商品名称", "数量", "应收金额", "实收金额"]
    assert frame["实收金额"].tolist() == [15.0, 28.0, 8.0]


def test_the_same_lower_name_under_two_groups_is_two_columns(tmp_path: Path) -> None:
    """金蝶's 序时簿: 编码/名称 under 客户 and again under 物料, below a merged title; read as 客户编码, 物料编码 ….

    Before, a lower row naming 编码 twice was taken for data: the title became the header and map refused the file.
    Orders: D1 = 2 × 10 + 1 × 5 = 25 on 1 June, D2 = 3 × 10 = 30 on 2 June.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某公司 销售出库序时簿"])
    sheet.merge_cells("A1:I1")
    sheet.append(["日期", "单据编号", "客户", None, "物料", None, "数量", "单价", "金额"])
    sheet.append([None, None, "编码", "名称", "编码", "名称", None, None, None])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:F2", "G2:G3", "H2:H3", "I2:I3"):
        sheet.merge_cells(cells)
    for row in (
        ["2018-06-01", "D1", "KH01", "甲店", "WL01", "游戏A", 2, 10.0, 20.0],
        ["2018-06-01", "D1", "KH01", "甲店", "WL02", "游戏B", 1, 5.0, 5.0],
        ["2018-06-02", "D2", "KH02", "乙店", "WL01", "游戏A", 3, 10.0, 30.0],
    ):
        sheet.append(row)
    book.save(tmp_path / "序时簿.xlsx")
    frame = read_table_file(tmp_path / "序时簿.xlsx")
    assert frame.columns.tolist() == [
        "日期",
        "单据编号",
        "客户编码",
        "客户名称",
        "物料编码",
        "物料名称",
        "数量",
        "单价",
        "金额",
    ]
    proposal = propose_mapping(tmp_path / "序时簿.xlsx")
    assert proposal.columns["orders"]["customer_id"] == "客户编码"
    assert proposal.columns["order_lines"]["product_id"] == "物料编码"
    ds = load_dataset(tmp_path / "序时簿.xlsx", mapping=proposal.mapping())
    assert dict(zip(ds["orders"]["order_id"], ds["orders"]["amount"], strict=True)) == {"D1": 25.0, "D2": 30.0}


def test_a_name_repeated_under_one_group_is_still_data(tmp_path: Path) -> None:
    """A first data row whose text repeats within one group (北京, 北京 under 地区) is a row, not column names."""
    text = "日期,地区,,金额\n,北京,北京,10\n2018-06-01,上海,上海,20\n"
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    frame = read_table_file(tmp_path / "s.csv")
    assert frame.columns.tolist()[0] == "日期" and len(frame) == 2
