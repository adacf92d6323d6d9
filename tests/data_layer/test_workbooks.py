"""Excel workbooks: the old ``.xls`` (WPS, Taobao, ERPs) reads like ``.xlsx``; a failure is said in Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data import workbooks
from salesnb.data.loading import _maybe_repeated, load_dataset, read_table_file
from salesnb.data.propose import propose_mapping
from salesnb.errors import DataSourceError

TAOBAO_XLS = Path(__file__).parents[1] / "data" / "xls" / "淘宝订单.xls"  # written by make_taobao_xls.py


@pytest.fixture
def taobao(tmp_path: Path) -> Path:
    return Path(shutil.copy(TAOBAO_XLS, tmp_path / TAOBAO_XLS.name))


def test_an_xls_export_reads_with_dates_and_numbers(taobao: Path) -> None:
    frame = read_table_file(taobao)
    assert frame.columns.tolist()[:4] == ["订单编号", "买家会员名", "买家实际支付金额", "宝贝总数量"]
    assert frame["买家实际支付金额"].tolist() == [99.5, 240.0, 59.0, 0.0, 120.0]
    assert frame["订单创建时间"].iloc[1] == pd.Timestamp("2026-09-02 20:01")
    assert frame["订单付款时间"].isna().tolist() == [False, False, False, True, False]


def test_an_xls_taobao_report_maps_validates_and_leaves_closed_orders_out(taobao: Path) -> None:
    proposal = propose_mapping(taobao)
    mapping = proposal.mapping()
    assert mapping["columns"]["orders"] == {
        "order_id": "订单编号",
        "customer_id": "买家会员名",
        "order_date": "订单创建时间",  # when the order was placed, not 订单付款时间
        "amount": "买家实际支付金额",
    }
    assert mapping["columns"]["order_lines"]["quantity"] == "宝贝总数量"
    assert mapping["columns"]["products"] == {"product_id": "宝贝标题"}
    assert mapping["exclude"] == {"orders": {"订单状态": ["交易关闭"], "订单付款时间": [""]}}  # T1004: closed, unpaid
    ds = load_dataset(taobao, mapping=mapping)
    assert ds["orders"].set_index("order_id")["amount"].to_dict() == {
        "T1001": 99.5,
        "T1002": 240.0,
        "T1003": 59.0,
        "T1005": 120.0,
    }
    assert ds["orders"]["order_date"].min() == pd.Timestamp("2026-09-01 09:26")


def test_a_folder_table_may_be_an_xls_file(taobao: Path, tmp_path: Path) -> None:
    taobao.rename(tmp_path / "orders.xls")
    mapping = {
        "columns": {"orders": {"order_id": "订单编号", "customer_id": "买家会员名", "order_date": "订单创建时间"}}
    }
    assert load_dataset(tmp_path, mapping=mapping, validate=False)["orders"]["customer_id"].tolist() == [
        "小王",
        "阿美",
        "小王",
        "老李",
        "阿美",
    ]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("orders.xls", "order_id,customer_id\nO1,C1\n", "它其实是文本文件（如 CSV），只是扩展名为 .xls"),
        (
            "orders.xls",
            "<html><table><tr><td>1</td></tr></table></html>",
            "它其实是网页（HTML）文件，只是扩展名为 .xls",
        ),
        ("orders.xlsx", b"PK\x03\x04 broken zip", "文件已损坏、不完整或设了打开密码"),
        ("orders.xls", b"\xd0\xcf\x11\xe0 cut short", "文件已损坏、不完整或设了打开密码"),
    ],
)
def test_an_unreadable_workbook_says_what_it_is_and_to_save_it_again(
    tmp_path: Path, name: str, content: str | bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DataSourceError) as caught:
        load_dataset(tmp_path)
    text = caught.value.text("zh")
    assert text == f"无法读取 {path}：{says}；请用 Excel 或 WPS 打开它，另存为 .xlsx 或 CSV 后再试"
    assert "calamine" not in text.casefold() and "cannot detect" not in text.casefold()
    assert "save it as .xlsx or CSV" in caught.value.text("en")


def test_map_on_a_broken_xls_fails_in_chinese(tmp_path: Path, capsys) -> None:
    (tmp_path / "导出.xls").write_text("订单编号\tcustomer\nO1\tC1\n", encoding="utf-8")
    assert main(["map", "--data", str(tmp_path / "导出.xls"), "--out", str(tmp_path / "m.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：无法读取") and "另存为 .xlsx 或 CSV" in err
    assert not (tmp_path / "m.yaml").exists()


def test_an_empty_xls_is_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "orders.xls").write_bytes(b"")
    with pytest.raises(DataSourceError) as caught:
        load_dataset(tmp_path)
    assert caught.value.text("zh") == f"{tmp_path / 'orders.xls'} 是空文件；请给它加上表头行，或把它移走"


def test_a_missing_reader_says_how_to_install_it(taobao: Path, monkeypatch) -> None:
    def no_engine(*args, **kwargs):
        raise ImportError("Missing optional dependency 'python-calamine'.")

    monkeypatch.setattr(workbooks.pd, "read_excel", no_engine)
    with pytest.raises(DataSourceError) as caught:
        read_table_file(taobao)
    assert "需要 python-calamine" in caught.value.text("zh") and "另存为 CSV" in caught.value.text("zh")


def test_only_a_renamed_looking_header_is_read_again() -> None:
    assert _maybe_repeated(pd.Index(["区域", "区域.1", "金额"]))
    assert not _maybe_repeated(pd.Index(["区域", "版本.1", "金额", 2026]))


def test_a_repeated_header_in_a_workbook_is_still_refused(tmp_path: Path) -> None:
    pd.DataFrame([["O1", "华东", "华南"]], columns=["order_id", "region", "region"]).to_excel(
        tmp_path / "orders.xlsx", index=False
    )
    with pytest.raises(DataSourceError, match="several columns named region"):
        load_dataset(tmp_path)


def test_one_field_under_two_headers_differing_in_a_space_is_one_column(tmp_path: Path) -> None:
    """A Taobao report writes 宝贝种类 and 宝贝种类␠, each row filling one: one field, not a refused file."""
    frame = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "order_date": ["2018-06-01", "2018-06-02", "2018-06-03"],
            "customer_id": ["C1", "C2", "C3"],
            "amount": [10.0, 20.0, 30.0],
            "region": ["华东", None, None],
            "region ": [None, "华南", "华东"],
        }
    )
    frame.to_excel(tmp_path / "orders.xlsx", index=False)
    orders = load_dataset(tmp_path).tables["orders"]
    assert orders["region"].tolist() == ["华东", "华南", "华东"]
    frame.loc[0, "region "] = "华北"  # a row holding two values: two fields under one name, refused
    frame.to_excel(tmp_path / "orders.xlsx", index=False)
    with pytest.raises(DataSourceError, match="several columns named region"):
        load_dataset(tmp_path)


def test_a_title_above_a_header_naming_one_field_twice_is_still_found(tmp_path: Path) -> None:
    """The title row's sheet whose header writes 宝贝种类 and 宝贝种类␠: the header is found, the twins made one."""
    header = ["order_id", "order_date", "customer_id", "amount", "宝贝种类", "宝贝种类 "]
    rows = [["O1", "2018-06-01", "C1", 10.0, 1, None], ["O2", "2018-06-02", "C2", 20.0, None, 2]]
    with pd.ExcelWriter(tmp_path / "orders.xlsx") as book:
        pd.DataFrame([["淘宝订单明细 2018-06"]]).to_excel(book, index=False, header=False)
        pd.DataFrame(rows, columns=header).to_excel(book, index=False, startrow=2)
    ds = load_dataset(tmp_path)
    assert ds["orders"]["amount"].tolist() == [10.0, 20.0]
    assert ds.warnings[0].text("zh") == "数据表 orders：表头上方的 2 行是标题或导出说明，已从表头下一行开始读取"


def test_customers_offered_equally_by_two_sheets_come_from_the_orders_sheet(tmp_path: Path) -> None:
    """Sheet 明日 lists other buyers (no dates); sheet 莫寒 holds the orders: its buyers are the customers."""
    with pd.ExcelWriter(tmp_path / "店铺.xlsx") as book:
        pd.DataFrame({"买家会员名": ["mrhy1", "mrhy2"], "买家实际支付金额": [41.86, 48.86]}).to_excel(
            book, sheet_name="明日", index=False
        )
        orders = {
            "买家会员名": ["mm1", "mm2"],
            "买家实际支付金额": [10.0, 20.0],
            "订单创建时间": ["2018-05-16", "2018-05-09"],
        }
        pd.DataFrame(orders).to_excel(book, sheet_name="莫寒", index=False)
    proposal = propose_mapping(tmp_path / "店铺.xlsx")
    assert proposal.tables["orders"] == proposal.tables["customers"] == "店铺.xlsx#莫寒"


def test_a_workbooks_sheets_are_listed_and_empty_ones_skipped(tmp_path: Path) -> None:
    with pd.ExcelWriter(tmp_path / "book.xlsx") as book:
        pd.DataFrame({"a": [1]}).to_excel(book, sheet_name="说明", index=False)
        pd.DataFrame({"b": []}).to_excel(book, sheet_name="空表", index=False)
        pd.DataFrame({"c": [1, 2]}).to_excel(book, sheet_name="订单", index=False)
    assert workbooks.sheet_names(tmp_path / "book.xlsx") == ["说明", "空表", "订单"]
    assert workbooks.data_sheets(tmp_path / "book.xlsx") == ("说明", ["说明", "订单"])
    assert workbooks.data_sheets(TAOBAO_XLS) == ("订单报表", ["订单报表"])


def _monthly_book(path: Path, months: dict[str, list[tuple]]) -> Path:
    """A workbook with a summary sheet and one sheet per month of order rows (订单编号, 客户, 日期, 金额)."""
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"月份": list(months), "合计": [sum(r[3] for r in rows) for rows in months.values()]}).to_excel(
            writer, sheet_name="汇总", index=False
        )
        for sheet, rows in months.items():
            pd.DataFrame(rows, columns=["订单编号", "客户", "日期", "金额"]).to_excel(
                writer, sheet_name=sheet, index=False
            )
    return path


def test_a_workbook_with_a_sheet_per_month_is_read_whole(tmp_path: Path) -> None:
    from salesnb.data.mapview import describe

    book = _monthly_book(
        tmp_path / "2026年销售.xlsx",
        {
            "1月": [("A1", "甲", "2026-01-05", 5.0)],
            "2月": [("B1", "甲", "2026-02-03", 7.0), ("B2", "乙", "2026-02-09", 9.0)],
        },
    )
    proposal = propose_mapping(book)
    assert proposal.tables["orders"] == "2026年销售.xlsx#*月"  # not the first month's sheet alone
    said = "\n".join(describe(proposal, "zh"))
    assert "! 2026年销售.xlsx 的 1月, 2月 这 2 个工作表列相同、表名只差数字" in said
    ds = load_dataset(book, mapping=proposal.mapping())
    assert ds["orders"]["order_id"].tolist() == ["A1", "B1", "B2"] and ds["orders"]["amount"].sum() == 21


def test_a_sheet_pattern_matching_no_sheet_names_the_sheets(tmp_path: Path) -> None:
    book = _monthly_book(tmp_path / "sales.xlsx", {"Sheet1": [("A1", "甲", "2026-01-05", 5.0)]})
    columns = {"order_id": "订单编号", "customer_id": "客户", "order_date": "日期", "amount": "金额"}
    mapping = {"tables": {"orders": "sales.xlsx#*月"}, "columns": {"orders": columns}}
    with pytest.raises(DataSourceError, match="sales.xlsx has no sheet named '\\*月'; its sheets: 汇总, Sheet1"):
        load_dataset(book, mapping=mapping)
