"""Flat exports: several tables from one file, computed columns, date formats, file names, mapping errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data.dates import parse_dates
from salesnb.data.expressions import column_names, parse_expression
from salesnb.data.loading import load_dataset
from salesnb.data.mapping import load_mapping
from salesnb.errors import ConfigError, DataSourceError, DataValidationError

FLAT = """单号,日期,客户,区域,产品,品类,数量,销售额
A1,2026/10/05,甲,华东,P1,X,2,"1,000.00"
A1,2026/10/05,甲,华东,P2,Y,1,5
A2,2026/10/06,甲,华南,P1,X,3,15
A3,2026/10/07,乙,华北,P2,Y,4,20
"""
FLAT_MAPPING = {
    "tables": {"orders": "sales.csv", "order_lines": "sales", "customers": "sales", "products": "SALES"},
    "columns": {
        "orders": {"order_id": "单号", "customer_id": "客户", "order_date": "日期", "amount": "销售额"},
        "order_lines": {"order_id": "单号", "product_id": "产品", "quantity": "数量", "unit_price": "=销售额 / 数量"},
        "customers": {"customer_id": "客户", "region": "区域"},
        "products": {"product_id": "产品", "product_line": "品类"},
    },
}


def dates(values: list[str | None], **options) -> tuple[list[str | None], list[bool], str | None]:
    parsed, failed, hint = parse_dates(pd.Series(values, dtype="str"), **options)
    shown = [None if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M") for v in parsed]
    return shown, failed.tolist(), hint


def flat_folder(tmp_path: Path, text: str = FLAT, encoding: str = "utf-8") -> Path:
    (tmp_path / "sales.csv").write_text(text, encoding=encoding)
    return tmp_path


# --------------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "value", ["2026-10-05", "2026/10/05", "2026/10/5", "2026.10.05", "2026年10月5日", "20261005", "46300"]
)
def test_unambiguous_date_formats_read_the_same_day(value: str) -> None:
    assert dates([value]) == (["2026-10-05 00:00"], [False], None)


def test_two_digit_years_first_are_read_when_the_last_parts_vary_as_days_do() -> None:
    """24-11-01 … 26-10-31 read day first made 365 months of 2001 … 2031: the years take 3 values, the days 31."""
    days = pd.date_range("2024-11-01", "2026-10-31", freq="D")
    shown, failed, hint = dates(list(days.strftime("%y-%m-%d")))
    assert shown == list(days.strftime("%Y-%m-%d 00:00")) and not any(failed) and hint is None
    assert dates(["01/11/24", "15/11/24", "31/01/25"])[0] == [
        "2024-11-01 00:00",
        "2024-11-15 00:00",
        "2025-01-31 00:00",
    ]
    assert dates(["11/01/24", "11/15/24", "01/31/25"])[0] == [
        "2024-11-01 00:00",
        "2024-11-15 00:00",
        "2025-01-31 00:00",
    ]


@pytest.mark.parametrize(
    "value",
    [
        "2018-01-01 星期五",
        "2018-01-01 周五",
        "2018-01-01周日",
        "2018/1/1 (一)",
        "2018/1/1（礼拜天）",
        "2018-01-01 Mon",
        "2018-01-01 Friday",
        "2018年1月1日 星期一",
        "2018-01-01 (Fri.)",
    ],
)
def test_a_trailing_weekday_is_dropped_even_when_it_disagrees_with_the_date(value: str) -> None:
    assert dates([value, "2018-01-13"]) == (["2018-01-01 00:00", "2018-01-13 00:00"], [False, False], None)


@pytest.mark.parametrize(
    "value",
    ["5-Oct-2026", "05-OCT-26", "5 October 2026", "Oct 5, 2026", "October 5th 2026", "Oct-05-2026", "Oct. 5, 2026"],
)
def test_a_month_spelt_out_reads_the_same_day(value: str) -> None:
    assert dates([value]) == (["2026-10-05 00:00"], [False], None)


def test_a_month_spelt_out_keeps_its_time_and_refuses_a_day_past_the_month() -> None:
    shown, failed, _ = dates(["5-Dec-2001 8:05 PM", "12-Jan-2015 12:30 AM", "31-Feb-2015", "Mon 5"])
    assert shown == ["2001-12-05 20:05", "2015-01-12 00:30", None, None] and failed == [False, False, True, True]


def test_only_one_trailing_weekday_token_is_dropped() -> None:
    shown, failed, _ = dates(["周五", "下周一", "2018-01-01 星期五 星期五", "星期五 2018-01-01"])
    assert shown == [None, None, None, None] and failed == [True, True, True, True]


def test_excel_serial_numbers_from_a_typed_source_are_dates() -> None:
    parsed, failed, _ = parse_dates(pd.Series([46300.0, None]))
    assert parsed.iloc[0] == pd.Timestamp("2026-10-05") and pd.isna(parsed.iloc[1]) and not failed.any()


def test_day_month_order_is_read_from_a_value_above_twelve() -> None:
    assert dates(["10/5/2026", "10/13/2026"])[0] == ["2026-10-05 00:00", "2026-10-13 00:00"]  # month first
    assert dates(["10/5/2026", "13/5/2026"])[0] == ["2026-05-10 00:00", "2026-05-13 00:00"]  # day first
    # the data wins over a declaration it contradicts
    assert dates(["10/5/2026", "13/5/2026"], dayfirst=False)[0] == ["2026-05-10 00:00", "2026-05-13 00:00"]


def test_ambiguous_day_month_needs_the_declared_order() -> None:
    shown, failed, hint = dates(["10/5/2026", "1/5/2026"])
    assert shown == [None, None] and failed == [True, True] and "dayfirst" in hint and "'10/5/2026'" in hint
    assert dates(["10/5/2026", "1/5/2026"], dayfirst=False)[0] == ["2026-10-05 00:00", "2026-01-05 00:00"]
    assert dates(["10/5/2026", "1/5/2026"], dayfirst=True)[0] == ["2026-05-10 00:00", "2026-05-01 00:00"]


def test_two_digit_years_times_and_am_pm() -> None:
    assert dates(["12/13/10 14:16", "12/1/10 8:26"])[0] == ["2010-12-13 14:16", "2010-12-01 08:26"]
    assert dates(["13/10/2026 1:05 PM", "1/10/2026 12:00 AM"])[0] == ["2026-10-13 13:05", "2026-10-01 00:00"]


def test_mixed_orders_keep_the_common_reading_and_report_the_rest() -> None:
    shown, failed, hint = dates(["13/5/2026", "14/5/2026", "5/13/2026"])
    assert shown == ["2026-05-13 00:00", "2026-05-14 00:00", None] and failed == [False, False, True]
    assert hint is None


def test_declared_format_is_used_as_is() -> None:
    assert dates(["05.10.2026", "x"], fmt="%d.%m.%Y") == (["2026-10-05 00:00", None], [False, True], None)


def test_ambiguous_dates_in_a_file_are_a_validation_problem_naming_the_fix(tmp_path: Path) -> None:
    text = "order_id,customer_id,order_date,amount\n1,C1,10/5/2026,5\n2,C1,1/5/2026,7\n"
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"orders\.order_date: 2 rows .*dayfirst"):
        load_dataset(tmp_path)
    ds = load_dataset(tmp_path, mapping={"dates": {"dayfirst": True}})
    assert ds["orders"]["order_date"].tolist() == [pd.Timestamp("2026-05-10"), pd.Timestamp("2026-05-01")]
    ds = load_dataset(tmp_path, mapping={"dates": {"formats": {"orders.order_date": "%m/%d/%Y"}}})
    assert ds["orders"]["order_date"].tolist() == [pd.Timestamp("2026-10-05"), pd.Timestamp("2026-01-05")]


# --------------------------------------------------------------------------------------------------- expressions


def test_expressions_read_names_with_spaces_chinese_and_numbers() -> None:
    node = parse_expression("[Unit Price] * (1 - Discount) + 销售额/数量")
    assert column_names(node) == ["Unit Price", "Discount", "销售额", "数量"]
    assert parse_expression("`a]b` / 2") == ("/", ("col", "a]b"), ("num", 2.0))


@pytest.mark.parametrize("text", ["Sales /", "(Sales", "Sales Quantity", " ", "__import__('os') )"])
def test_unreadable_expressions_are_config_errors(text: str) -> None:
    with pytest.raises(ConfigError, match=r"columns\.order_lines.*unit_price"):
        load_mapping({"columns": {"order_lines": {"unit_price": f"={text}"}}})


# --------------------------------------------------------------------------------------------------- flat export


def test_flat_export_feeds_several_tables_one_row_per_id(tmp_path: Path) -> None:
    ds = load_dataset(flat_folder(tmp_path), mapping=FLAT_MAPPING)
    orders = ds["orders"].set_index("order_id")
    assert orders["amount"].to_dict() == {"A1": 1005.0, "A2": 15.0, "A3": 20.0}  # order total = sum of its lines
    assert orders["order_date"]["A2"] == pd.Timestamp("2026-10-06")
    lines = ds["order_lines"]
    assert len(lines) == 4 and lines["unit_price"].tolist() == [500.0, 5.0, 5.0, 5.0]
    assert (lines["quantity"] * lines["unit_price"]).sum() == 1040.0
    customers = ds["customers"].set_index("customer_id")["region"].to_dict()
    assert customers == {"甲": "华东", "乙": "华北"}  # 甲: 华东 twice, 华南 once
    assert ds["products"].set_index("product_id")["product_line"].to_dict() == {"P1": "X", "P2": "Y"}
    assert ds.warnings == [
        "customers.region: 1 customer_id value has different region on different rows; kept the most frequent, "
        "e.g. 甲: '华东' ×2, '华南' ×1"
    ]


def test_a_flat_column_without_one_readable_value_is_reported_not_a_crash(tmp_path: Path, capsys) -> None:
    text = "单号,日期,客户,区域,产品,品类,数量,销售额\n"
    text += "A1,someday,甲,,P1,X,1,1\nA1,someday,甲,,P2,X,1,2\nA2,never,乙,,P1,X,1,3\n"
    with pytest.raises(DataValidationError) as caught:
        load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    assert caught.value.problems == [
        "orders.order_date: 3 rows have unparseable dates, e.g. row 2 (A1): 'someday', row 3 (A1): 'someday', "
        "row 4 (A2): 'never'; expected YYYY-MM-DD"
    ]
    (tmp_path / "m.yaml").write_text(__import__("yaml").safe_dump(FLAT_MAPPING, allow_unicode=True), encoding="utf-8")
    assert main(["validate", "--data", str(tmp_path / "sales.csv"), "--mapping", str(tmp_path / "m.yaml")]) == 1
    assert "orders.order_date：有 3 行日期无法识别" in capsys.readouterr().err
    ds = load_dataset(
        flat_folder(tmp_path, text.replace("someday", "2026-10-05").replace("never", "2026-10-06")),
        mapping=FLAT_MAPPING,
    )  # a blank optional column: every customer without a region
    assert ds["customers"]["region"].isna().all() and ds["customers"]["customer_id"].tolist() == ["甲", "乙"]


def test_a_day_the_calendar_lacks_has_its_own_problem_line(tmp_path: Path, capsys) -> None:
    text = FLAT + "A4,2018-02-29 星期四,乙,华北,P1,X,1,3\nA5,2018/2/30,乙,华北,P1,X,1,3\nA6,soon,乙,华北,P1,X,1,3\n"
    with pytest.raises(DataValidationError) as caught:
        load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    assert caught.value.problems == [
        "orders.order_date: 2 rows have dates that do not exist, e.g. row 6 (A4): '2018-02-29 星期四', "
        "row 7 (A5): '2018/2/30'; 2018-02 has no day 29; check these rows' dates in the system they come from, "
        'or leave them out with exclude: {orders: {日期: ["2018-02-29 星期四", "2018/2/30"]}} in the mapping',
        "orders.order_date: 1 row has an unparseable date, e.g. row 8 (A6): 'soon'; expected YYYY-MM-DD",
    ]
    zh = caught.value.text("zh")
    assert "orders.order_date：有 2 行日期不存在，例如 第 6 行 (A4)：'2018-02-29 星期四'" in zh
    assert "2018 年 2 月没有 29 日" in zh and "应为 YYYY-MM-DD" in zh


def test_the_exclude_a_day_the_calendar_lacks_is_told_and_leaves_those_rows_out(tmp_path: Path) -> None:
    # A hospital pharmacy's export (朝阳医院 2018) dates 23 sales 2018-02-29 星期一: the manager cannot mend the
    # system, so the problem line gives the exclude that loads the rest; following it, the two good days count.
    text = FLAT + "A4,2018-02-29 星期一,乙,华北,P1,X,1,3\nA5,2018-02-29 星期一,甲,华北,P2,Y,2,8\n"
    with pytest.raises(DataValidationError) as caught:
        load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    zh = caught.value.text("zh")
    assert "2018 年 2 月没有 29 日；请在导出它的系统中核对这些行的日期，或在映射中写 exclude: " in zh
    assert '{orders: {日期: ["2018-02-29 星期一"]}} 先不计入这些行' in zh
    ds = load_dataset(tmp_path, mapping={**FLAT_MAPPING, "exclude": {"orders": {"日期": ["2018-02-29 星期一"]}}})
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2", "A3"]
    assert ds["orders"]["amount"].sum() == 1040.0


def test_a_spreadsheets_formula_errors_are_named_and_the_exclude_leaving_them_out_is_told(tmp_path: Path) -> None:
    # an Excel sheet saved as CSV writes a formula that could not compute as its error text: the amount is lost
    text = (
        FLAT.replace('"1,000.00"', "#VALUE!") + "A4,2026/10/08,乙,华北,P1,X,2,#DIV/0!\nA5,2026/10/08,乙,华北,P2,X,1,9\n"
    )
    with pytest.raises(DataValidationError) as caught:
        load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    zh = caught.value.text("zh")
    assert "orders.amount：有 2 行不是数字，例如 第 2 行 (A1)：'#VALUE!', 第 6 行 (A4)：'#DIV/0!'" in zh
    assert "这是表格公式出错留下的值，原数已丢失；请在源表修好公式后重新导出，或在映射中写 exclude: " in zh
    assert '{orders: {销售额: ["#VALUE!", "#DIV/0!"]}} 先不计入这些行' in zh
    ds = load_dataset(tmp_path, mapping={**FLAT_MAPPING, "exclude": {"orders": {"销售额": ["#VALUE!", "#DIV/0!"]}}})
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2", "A3", "A5"]  # A1 keeps its other line
    assert ds["orders"]["amount"].sum() == 5 + 15 + 20 + 9
    with pytest.raises(DataValidationError) as mixed:  # not only formula errors: the plain hint
        load_dataset(flat_folder(tmp_path, text.replace("#DIV/0!", "n.a.")), mapping=FLAT_MAPPING)
    assert "公式" not in mixed.value.text("zh") and "应为数字，如 1234.5" in mixed.value.text("zh")


def test_conflict_ties_keep_the_value_seen_first(tmp_path: Path) -> None:
    text = "单号,日期,客户,区域,产品,品类,数量,销售额\nA1,2026/10/05,甲,华南,P1,X,1,1\nA2,2026/10/05,甲,华东,P1,X,1,1\n"
    ds = load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    assert ds["customers"]["region"].tolist() == ["华南"]


def test_an_order_number_reused_by_other_customers_or_days_is_split_into_orders(tmp_path: Path) -> None:
    # A1: 甲 on 10-05 (two lines, one at a time of day), 乙 on 10-05, 甲 again on 11-02: three orders.
    # A2: one order whose second line has no customer (the number's first, 甲). A1#2 is taken: A1#2# is used.
    text = """单号,日期,客户,区域,产品,品类,数量,销售额
A1,2026/10/05,甲,华东,P1,X,1,100
A1,2026/10/05 14:30,甲,华东,P2,Y,1,50
A1,2026/10/05,乙,华南,P1,X,1,30
A2,2026/10/06,甲,华东,P1,X,1,7
A2,2026/10/06,,华东,P2,Y,1,3
A1,2026/11/02,甲,华东,P2,Y,2,40
A1#2,2026/10/09,丙,华北,P1,X,1,9
"""
    ds = load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    orders = ds["orders"].set_index("order_id")
    assert orders["amount"].to_dict() == {"A1": 150.0, "A1#2#": 30.0, "A2": 10.0, "A1#3": 40.0, "A1#2": 9.0}
    assert orders["customer_id"].to_dict() == {"A1": "甲", "A1#2#": "乙", "A2": "甲", "A1#3": "甲", "A1#2": "丙"}
    assert orders.loc["A1#3", "order_date"] == pd.Timestamp("2026-11-02")  # November's revenue stays in November
    lines = ds["order_lines"]
    assert lines["order_id"].tolist() == ["A1", "A1", "A1#2#", "A2", "A2", "A1#3", "A1#2"]
    assert ds.warnings == [
        "orders.order_id: 1 order number (单号) appears on rows that differ in 客户 / 日期; split into "
        "separate orders by 单号 + 客户 + 日期 (2 more), e.g. A1 ×3",
        "orders.order_date: 1 order_id value has different order_date on different rows; kept the most frequent, "
        "e.g. A1: 2026-10-05 ×1, 2026-10-05 14:30:00 ×1",  # one order, two times of its day: told, not split
    ]


def test_map_says_which_order_numbers_it_split(tmp_path: Path, monkeypatch, capsys) -> None:
    text = "订单编号,订单日期,客户名称,地区,产品名称,数量,销售额\n"
    text += "A1,2026/10/05,甲,华东,P1,1,100\nA1,2026/11/02,乙,华南,P2,2,40\nA2,2026/10/06,甲,华东,P1,1,7\n"
    flat_folder(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "sales.csv"]) == 0
    out = capsys.readouterr().out
    assert "按此映射数据校验通过\n! orders.order_id：1 个订单号（订单编号）" in out
    assert "出现在 客户名称 / 订单日期 / 地区 不同的行上" in out
    assert "已按“订单编号 + 客户名称 + 订单日期 + 地区”分成不同订单" in out
    assert "多出 1 张），例如 A1 ×2" in out


def test_a_receipt_number_each_store_reuses_on_a_day_is_one_order_per_store(tmp_path: Path) -> None:
    # A POS export numbers receipts per store: 0001 at 东门店 and 0001 at 西门店 on the same day are two sales.
    # Without a customer column, one order would take the first store: 西门店's 30 would count as 东门店's.
    text = """小票号,销售日期,门店,大区,商品,数量,金额
0001,2026/10/05,东门店,华东,P1,1,100
0001,2026/10/05,东门店,华东,P2,1,20
0001,2026/10/05,西门店,华南,P1,1,30
0002,2026/10/05,西门店,华南,P2,2,8
"""
    orders = {"order_id": "小票号", "order_date": "销售日期", "channel": "门店", "region": "大区", "amount": "金额"}
    mapping = {
        "tables": {"orders": "sales.csv", "order_lines": "sales.csv"},
        "columns": {
            "orders": orders,
            "order_lines": {"order_id": "小票号", "product_id": "商品", "quantity": "数量", "unit_price": "=金额/数量"},
        },
    }
    ds = load_dataset(flat_folder(tmp_path, text), mapping=mapping)
    orders = ds["orders"].set_index("order_id")
    assert orders["amount"].to_dict() == {"0001": 120.0, "0001#2": 30.0, "0002": 8.0}
    assert orders["channel"].to_dict() == {"0001": "东门店", "0001#2": "西门店", "0002": "西门店"}
    assert orders.groupby("region")["amount"].sum().to_dict() == {"华东": 120.0, "华南": 38.0}
    assert ds["order_lines"]["order_id"].tolist() == ["0001", "0001", "0001#2", "0002"]
    assert ds.warnings == [
        "orders.order_id: 1 order number (小票号) appears on rows that differ in 销售日期 / 大区 / 门店; split into "
        "separate orders by 小票号 + 销售日期 + 大区 + 门店 (1 more), e.g. 0001 ×2"
    ]


def test_numeric_order_numbers_split_keep_their_text(tmp_path: Path) -> None:
    text = "单号,日期,客户,区域,产品,品类,数量,销售额\n"
    text += "1001,2026/10/05,甲,华东,P1,X,1,1\n1001,2026/10/08,甲,华东,P1,X,1,2\n"
    ds = load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    assert ds["orders"]["order_id"].tolist() == ["1001", "1001#2"]
    assert ds["order_lines"]["order_id"].tolist() == ["1001", "1001#2"]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_flat_export_reads_in_chinese_encodings_and_with_a_bom(tmp_path: Path, encoding: str) -> None:
    ds = load_dataset(flat_folder(tmp_path, encoding=encoding), mapping=FLAT_MAPPING)  # 单号 first: no BOM in it
    assert ds["customers"]["customer_id"].tolist() == ["甲", "乙"] and ds["orders"]["order_id"].nunique() == 3


def test_a_single_file_is_a_source_for_every_table_the_mapping_names(tmp_path: Path) -> None:
    flat_folder(tmp_path)
    (tmp_path / "customers.csv").write_text("customer_id\nZ9\n", encoding="utf-8")  # a neighbour, not read
    ds = load_dataset(tmp_path / "sales.csv", mapping=FLAT_MAPPING)
    assert ds.table_names == ["orders", "order_lines", "customers", "products"]
    assert "Z9" not in ds["customers"]["customer_id"].tolist()


def test_a_file_named_by_a_keyed_table_alone_keeps_duplicate_ids_an_error(tmp_path: Path) -> None:
    mapping = {"tables": {"orders": "sales"}, "columns": {"orders": FLAT_MAPPING["columns"]["orders"]}}
    with pytest.raises(DataValidationError, match=r"orders\.order_id: 2 rows have duplicate ids"):
        load_dataset(flat_folder(tmp_path), mapping=mapping)


def test_table_name_with_extension_matches_only_that_file(tmp_path: Path) -> None:
    flat_folder(tmp_path)
    pd.read_csv(tmp_path / "sales.csv").iloc[:1].to_excel(tmp_path / "sales.xlsx", index=False)
    with pytest.raises(DataSourceError, match=r"sales\.csv, sales\.xlsx.*with its extension"):
        load_dataset(tmp_path, mapping={**FLAT_MAPPING, "tables": {"orders": "sales"}})
    mapping = {"tables": {"orders": "sales.xlsx"}, "columns": {"orders": FLAT_MAPPING["columns"]["orders"]}}
    assert load_dataset(tmp_path, mapping=mapping)["orders"]["order_id"].tolist() == ["A1"]


def test_computed_column_naming_a_missing_column_names_the_file_columns(tmp_path: Path) -> None:
    columns = {
        **FLAT_MAPPING["columns"],
        "order_lines": {"order_id": "单号", "product_id": "产品", "quantity": "数量", "unit_price": "=金额 / 数量"},
    }
    with pytest.raises(DataValidationError) as caught:
        load_dataset(flat_folder(tmp_path), mapping={**FLAT_MAPPING, "columns": columns})
    assert (
        "order_lines.unit_price: the mapping computes it as '=金额 / 数量', but sales.csv has no column '金额'; "
        "its columns: 单号, 日期, 客户, 区域, 产品, 品类, 数量, 销售额"
    ) in caught.value.problems


def test_division_by_zero_and_text_in_a_computed_column_are_problems(tmp_path: Path) -> None:
    text = FLAT + "A4,2026/10/08,乙,华北,P1,X,0,3\nA5,2026/10/08,乙,华北,P1,X,abc,3\n"
    with pytest.raises(DataValidationError) as caught:
        load_dataset(flat_folder(tmp_path, text), mapping=FLAT_MAPPING)
    problems = caught.value.problems
    assert "order_lines.unit_price: 1 row has no value: '=销售额 / 数量' divides by zero, e.g. row 6: '0'" in problems
    assert any(
        p.startswith("order_lines.unit_price: 1 row has a value that is not a number in column '数量'")
        for p in problems
    )
    assert not any("unit_price: 2 rows have an empty required value" in p for p in problems)  # said once


def test_mapped_column_the_file_lacks_fails_validate_with_exit_1(tmp_path: Path, capsys) -> None:
    flat_folder(tmp_path)
    columns = {**FLAT_MAPPING["columns"], "customers": {"customer_id": "客户", "region": "大区"}}
    (tmp_path / "m.yaml").write_text(
        __import__("yaml").safe_dump({**FLAT_MAPPING, "columns": columns}, allow_unicode=True), encoding="utf-8"
    )
    assert main(["validate", "--data", str(tmp_path / "sales.csv"), "--mapping", str(tmp_path / "m.yaml")]) == 1
    err = capsys.readouterr().err
    assert "customers.region" in err and "“大区”" in err and "区域" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"dates": {"dayfirst": "yes"}}, "dayfirst must be true"),
        ({"dates": {"order": "dmy"}}, "unknown option"),
        ({"dates": {"formats": {"order_date": "dd/mm"}}}, "format such as"),
        ({"encoding": "klingon"}, "unknown encoding"),
        ({"sheets": {}}, "valid sections: tables, columns, dates, encoding"),
    ],
)
def test_bad_mapping_options_are_config_errors(mapping: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_mapping(mapping)


def test_declared_encoding_is_used(tmp_path: Path) -> None:
    text = "order_id,customer_id,order_date,region,amount\n1,C1,2026-10-05,臺北,5\n"
    (tmp_path / "orders.csv").write_text(text, encoding="big5")
    assert load_dataset(tmp_path, mapping={"encoding": "big5"})["orders"]["region"].tolist() == ["臺北"]
    (tmp_path / "orders.csv").write_bytes(
        b"order_id,customer_id,order_date,region,amount\n1,C1,2026-10-05,\x81 \x81,5\n"
    )
    with pytest.raises(DataSourceError, match="encoding: big5"):
        load_dataset(tmp_path)  # not UTF-8, GB18030 or Windows-1252


def test_a_single_file_source_is_signed_by_its_content(tmp_path: Path) -> None:
    from salesnb.batch.freshness import data_fingerprint
    from salesnb.data.cache import source_signature

    export = flat_folder(tmp_path) / "sales.csv"
    ds = load_dataset(export, mapping=FLAT_MAPPING)
    before = (source_signature(export), data_fingerprint(str(export), ds))
    export.write_text(FLAT + "A9,2026/10/09,乙,华北,P2,Y,1,1\n", encoding="utf-8")
    after = (source_signature(export), data_fingerprint(str(export), ds))
    assert before[0] != after[0] and before[1] != after[1]


def test_a_date_column_with_no_values_parses_to_all_missing() -> None:
    """An optional date column left empty on every row (tickets not resolved yet) is all NaT, not an error."""
    parsed, failed, hint = parse_dates(pd.Series([None, None, None, None], dtype="str"))
    assert parsed.isna().all() and not failed.any() and hint is None


PER_MAPPING = {
    "tables": {"orders": "sales", "order_lines": "sales"},
    "columns": {
        "orders": {"order_id": {"per": ["客户", "日期"]}, "customer_id": "客户", "order_date": "日期",
                   "amount": "销售额"},
        "order_lines": {"order_id": {"per": ["客户", "日期"]}, "product_id": "产品", "quantity": "数量",
                        "unit_price": "=销售额 / 数量"},
    },
}  # fmt: skip


def test_an_order_id_made_of_customer_and_day_ignores_the_time_and_names_an_empty_part(tmp_path: Path) -> None:
    text = "日期,客户,产品,数量,销售额\n2026/10/05 09:00,甲,P1,1,10\n2026/10/05 17:30,甲,P2,1,5\n2026/10/05,乙,P1,1,7\n"
    ds = load_dataset(flat_folder(tmp_path, text), mapping=PER_MAPPING)
    assert ds["orders"].set_index("order_id")["amount"].to_dict() == {"甲 + 2026-10-05": 15.0, "乙 + 2026-10-05": 7.0}
    assert ds["order_lines"]["order_id"].tolist() == ["甲 + 2026-10-05", "甲 + 2026-10-05", "乙 + 2026-10-05"]
    assert ds.warnings[-1].endswith("2 orders from 3 rows")
    with pytest.raises(
        DataValidationError, match=r"order_lines\.order_id: 1 row has an empty required value, e\.g\. row 5"
    ):
        load_dataset(flat_folder(tmp_path, text + "2026/10/06,,P1,1,3\n"), mapping=PER_MAPPING)


@pytest.mark.parametrize("per", [{"per": []}, {"per": "客户"}, {"per": ["客户"], "by": "day"}, {"per": ["客户", ""]}])
def test_a_bad_per_id_is_a_config_error(per: dict) -> None:
    with pytest.raises(ConfigError, match=r"columns\.orders\.order_id: only an id column"):
        load_mapping({"columns": {"orders": {"order_id": per}}})
    with pytest.raises(ConfigError, match=r"columns\.order_lines\.quantity: only an id column"):
        load_mapping({"columns": {"order_lines": {"quantity": {"per": ["a", "b"]}}}})


def test_an_expression_that_joins_text_is_refused_in_the_readers_language() -> None:
    mapping = {"columns": {"customers": {"customer_name": "=[FirstName] + ' ' + [LastName]"}}}
    with pytest.raises(ConfigError) as caught:
        load_mapping(mapping)
    assert caught.value.args[0].text("zh") == (
        "映射文件 columns.customers.customer_name：读不懂表达式“[FirstName] + ' ' + [LastName]”：多出了“'”"
        "（表达式只做 + − × ÷ 运算，不能拼接文字）"
    )
    assert caught.value.args[0].text("en").startswith("mapping columns.customers.customer_name: cannot read the")


@pytest.mark.parametrize(
    ("value", "number"),
    [("¥1,234.50", 1234.5), ("￥99", 99.0), ("$12.00", 12.0), ("1,234.50元", 1234.5), ("RMB 100", 100.0),
     ("-¥5", -5.0), ("(123.45)", -123.45), ("12.5%", 0.125), ("1,234", 1234.0),
     ("-", 0.0), ("¥ -", 0.0), (" — ", 0.0)],  # an accountant's zero: the 金额 column was refused for it
)  # fmt: skip
def test_numbers_as_a_formatted_sheet_shows_them_are_read(value: str, number: float) -> None:
    from salesnb.data.parsing import parse_number

    parsed, failed = parse_number(pd.Series([value], dtype="str"))
    assert parsed.iloc[0] == pytest.approx(number) and not failed.any()


def test_a_formatted_amount_column_maps_and_loads(tmp_path: Path) -> None:
    from salesnb.data.propose import propose_mapping

    rows = '订单编号,客户,日期,金额\nA1,甲,2026-10-05,"¥1,000.50"\nA2,乙,2026-10-06,¥99\n'
    (tmp_path / "sales.csv").write_text(rows, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "sales.csv")
    assert proposal.columns["orders"]["amount"] == "金额"
    assert load_dataset(tmp_path / "sales.csv", mapping=proposal.mapping())["orders"]["amount"].sum() == 1099.5
    (tmp_path / "sales.csv").write_text(rows + "A3,乙,2026-10-07,abc\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="abc"):  # a value that is no number is still reported
        load_dataset(tmp_path / "sales.csv", mapping=proposal.mapping())


def test_an_order_shipped_in_parts_is_delivered_with_its_last_line(tmp_path: Path) -> None:
    from salesnb.data.propose import propose_mapping

    (tmp_path / "s.csv").write_text(
        "订单编号,客户编号,下单日期,产品ID,数量,单价,预计送货日期,实际送货日期\n"
        "A1,C1,2026-10-01,P1,1,10,2026-10-05,2026-10-04\nA1,C1,2026-10-01,P2,1,10,2026-10-05,2026-10-09\n"
        "A1,C1,2026-10-01,P3,1,10,2026-10-05,2026-10-04\nA2,C2,2026-10-02,P1,1,10,,\n",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path / "s.csv", mapping=propose_mapping(tmp_path / "s.csv").mapping())
    delivered = ds["orders"].set_index("order_id")["delivered_at"]
    assert delivered["A1"] == pd.Timestamp("2026-10-09") and pd.isna(delivered["A2"])  # late: not the usual 10-04
    assert not [w for w in ds.warnings if "delivered_at" in w.text("en")]  # parts shipped apart are no conflict


def test_orders_with_an_empty_amount_are_named_with_the_exclude_that_leaves_them_out(tmp_path: Path) -> None:
    """An order ledger's unfilled 总金额: counted as orders adding no revenue, the average order value fell silently."""
    ledger = "订单号,客户名称,订单日期,总金额\nA1,甲,2026-04-02,300\nA2,乙,2026-04-05,\n"
    ledger += "A3,甲,2026-04-09,100\nA4,丙,2026-04-12,\n"
    (tmp_path / "订单.csv").write_text(ledger, encoding="utf-8")
    columns = {"order_id": "订单号", "customer_id": "客户名称", "order_date": "订单日期", "amount": "总金额"}
    ds = load_dataset(tmp_path / "订单.csv", mapping={"tables": {"orders": "订单"}, "columns": {"orders": columns}})
    said = [w.text("zh") for w in ds.warnings if w.startswith("orders.amount")]
    assert said == [
        "orders.amount：2 笔订单的金额（总金额）为空，例如 A2, A4：它们计入订单数、不计销售额，会拉低客单价；"
        '若它们不是销售，可在映射中写 exclude: {orders: {总金额: [""]}} 去掉'
    ]
    mapping = {"tables": {"orders": "订单"}, "columns": {"orders": columns}, "exclude": {"orders": {"总金额": [""]}}}
    left = load_dataset(tmp_path / "订单.csv", mapping=mapping)
    assert left["orders"]["order_id"].tolist() == ["A1", "A3"]
    assert not any(w.startswith("orders.amount") for w in left.warnings)
