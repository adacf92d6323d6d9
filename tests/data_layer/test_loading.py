"""Loading: folders of CSV/Parquet/Excel files and SQL databases, mapping, parsing by column kind, summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from salesnb.data.contract import COUNT, DATE, ID, NUMBER, PERIOD, SCORE, TABLES, TEXT, TIMESTAMP
from salesnb.data.dataset import Dataset
from salesnb.data.loading import load_dataset
from salesnb.data.parsing import KIND_DTYPES
from salesnb.data.summary import format_summary, summarize
from salesnb.errors import ConfigError, DataSourceError, DataValidationError, MissingTableError, SalesnbError

ORDERS_CSV = """order_id,customer_id,order_date,region,amount,note
0001,C01,2026-01-05,华东,"1,234.5",first
0002,C02,2026/1/20,,20,
0003,C01,2026-03-02 10:30,华东,8,x
"""
CUSTOMERS_CSV = """customer_id,customer_name,region,employee_count
C01,杭州瑞丰,华东,600
C02,广州南方,华南,
C03,深圳新锐,,40
"""
# One valid value per column kind, used to build a one-row table for any contract table.
VALID = {ID: "X1", TEXT: "t", DATE: "2026-01-05", TIMESTAMP: "2026-01-05 10:00", NUMBER: "1", COUNT: "2"}
VALID |= {SCORE: "5", PERIOD: "2026-01"}


def write(folder: Path, **tables: str) -> Path:
    """Write each ``name=csv_text`` as ``folder/name.csv`` (UTF-8) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def one_row_csv(table: str, drop: str | None = None) -> str:
    """A valid one-row CSV holding every column of ``table`` (minus ``drop``)."""
    columns = [c for c in TABLES[table].columns if c.name != drop]
    return ",".join(c.name for c in columns) + "\n" + ",".join(VALID[c.kind] for c in columns) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write(tmp_path / "data", orders=ORDERS_CSV, customers=CUSTOMERS_CSV)


def test_folder_of_csvs_loads_with_contract_dtypes(folder: Path) -> None:
    ds = load_dataset(folder)
    orders = ds["orders"]
    assert orders["order_id"].tolist() == ["0001", "0002", "0003"]  # leading zeros kept
    assert orders["order_id"].dtype == "str"
    assert orders["order_date"].dtype == "datetime64[ns]"
    assert orders["order_date"].tolist() == [
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2026-01-20"),
        pd.Timestamp("2026-03-02 10:30"),
    ]
    assert orders["amount"].dtype == "float64"
    assert orders["amount"].tolist() == [1234.5, 20.0, 8.0]  # thousands separator accepted (an order of 0 is no order)
    assert ds["customers"]["employee_count"].tolist()[::2] == [600.0, 40.0]
    assert ds["customers"]["employee_count"].isna().tolist() == [False, True, False]


def test_missing_optional_columns_are_added_and_present_columns_records_the_truth(folder: Path) -> None:
    ds = load_dataset(folder)
    orders = ds["orders"]
    contract = [c.name for c in TABLES["orders"].columns]
    assert list(orders.columns) == [*contract, "note"]  # contract order, extra columns kept at the end
    assert orders["channel"].isna().all() and orders["channel"].dtype == "str"
    assert orders["promised_at"].dtype == "datetime64[ns]"
    assert ds.present_columns["orders"] == frozenset({"order_id", "customer_id", "order_date", "region", "amount"})
    assert orders["note"].tolist()[::2] == ["first", "x"]  # extra column untouched
    assert orders["region"].isna().tolist() == [False, True, False]  # empty -> NA


def test_whitespace_is_stripped_from_headers_and_values(tmp_path: Path) -> None:
    folder = write(tmp_path, orders=" order_id , customer_id ,order_date\n O1 ,  C1,2026-01-05\n O2 ,   ,2026-01-06\n")
    orders = load_dataset(folder, validate=False)["orders"]
    assert orders["order_id"].tolist() == ["O1", "O2"]
    assert orders["customer_id"].isna().tolist() == [False, True]


def test_period_and_date_variants_are_normalised(tmp_path: Path) -> None:
    targets = "period,target_amount,region\n2026-1,1,A\n2026/02,2,A\n2026-03-15,3,A\n2026年4月,4,A\n202605,5,A\n"
    leads = "lead_id,created_at,source\nL1,2026/01/08 09:15:00,展会\nL2,2026年1月9日,展会\nL3,2026.01.10,展会\n"
    folder = write(tmp_path, orders=one_row_csv("orders"), targets=targets, leads=leads)
    ds = load_dataset(folder)
    assert ds["targets"]["period"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert ds["leads"]["created_at"].tolist() == [
        pd.Timestamp("2026-01-08 09:15"),
        pd.Timestamp("2026-01-09"),
        pd.Timestamp("2026-01-10"),
    ]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_contract_table_loads_with_the_dtype_of_each_kind(tmp_path: Path, table: str) -> None:
    folder = write(tmp_path, **{"orders": one_row_csv("orders"), table: one_row_csv(table)})
    frame = load_dataset(folder)[table]
    for column in TABLES[table].columns:
        assert frame[column.name].dtype == KIND_DTYPES[column.kind], column.name
        assert frame[column.name].notna().all(), column.name


def test_survey_score_columns_are_scores(tmp_path: Path) -> None:
    surveys = "customer_id,responded_at,nps,score_交付,comment\nC1,2026-01-05,9,80,好\n"
    ds = load_dataset(write(tmp_path, orders=one_row_csv("orders"), surveys=surveys))
    assert ds["surveys"]["score_交付"].dtype == "float64"
    assert ds["surveys"]["comment"].tolist() == ["好"]
    assert "score_交付" in ds.present_columns["surveys"]


def test_parquet_and_xlsx_load_like_csv(tmp_path: Path) -> None:
    orders = pd.DataFrame(
        {
            "order_id": [1001.0, 1002.0],  # integer ids stored as floats by the export
            "customer_id": ["C01", "C02"],
            "order_date": pd.to_datetime(["2026-01-05", "2026-01-06"]).astype("datetime64[us]"),
            "amount": [10, 20],
        }
    )
    orders.to_parquet(tmp_path / "orders.parquet")
    customers = pd.DataFrame({"customer_id": ["C01", "C02"], "region": ["华东", "华南"], "employee_count": [5, 7]})
    customers.to_excel(tmp_path / "customers.xlsx", index=False)
    ds = load_dataset(tmp_path)
    assert ds["orders"]["order_id"].tolist() == ["1001", "1002"]
    assert ds["orders"]["order_date"].dtype == "datetime64[ns]"
    assert ds["orders"]["amount"].tolist() == [10.0, 20.0]
    assert ds["customers"]["region"].tolist() == ["华东", "华南"]
    assert ds["customers"]["employee_count"].dtype == "float64"


def test_csv_with_excel_bom_and_gb18030_csv(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_bytes(ORDERS_CSV.encode("utf-8-sig"))
    (tmp_path / "customers.csv").write_bytes(CUSTOMERS_CSV.encode("gb18030"))
    ds = load_dataset(tmp_path)
    assert "order_id" in ds.present_columns["orders"]  # the BOM is not part of the first header
    assert ds["customers"]["customer_name"].tolist()[:2] == ["杭州瑞丰", "广州南方"]


MAPPED_ORDERS = "订单编号,客户编号,下单日期,大区\nA1,C01,2026-01-05,华东\nA2,C02,2026-01-06,华南\n"
MAPPING = {
    "tables": {"orders": "订单明细"},
    "columns": {
        "orders": {"order_id": "订单编号", "customer_id": "客户编号", "order_date": "下单日期", "region": "大区"}
    },
}


def test_mapping_renames_a_table_and_its_columns(tmp_path: Path) -> None:
    (tmp_path / "订单明细.csv").write_text(MAPPED_ORDERS, encoding="utf-8")
    ds = load_dataset(tmp_path, mapping=MAPPING, validate=False)  # orders without money: see test_validation
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2"]
    assert ds["orders"]["region"].tolist() == ["华东", "华南"]
    assert ds.present_columns["orders"] == frozenset({"order_id", "customer_id", "order_date", "region"})


def test_mapping_from_yaml_file(tmp_path: Path) -> None:
    (tmp_path / "订单明细.csv").write_text(MAPPED_ORDERS, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "tables:\n  orders: 订单明细\ncolumns:\n  orders:\n    order_id: 订单编号\n"
        "    customer_id: 客户编号\n    order_date: 下单日期\n",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path, mapping=mapping, validate=False)
    assert ds["orders"]["customer_id"].tolist() == ["C01", "C02"]
    assert ds["orders"]["大区"].tolist() == ["华东", "华南"]  # unmapped column kept as an extra


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"tables": {"oders": "x"}}, "orders"),
        ({"columns": {"orders": {"order_no": "编号"}}}, "order_id"),
        ({"columns": {"ordres": {"order_id": "编号"}}}, "orders"),
        ({"table": {"orders": "x"}}, "tables, columns"),
        ({"tables": {"orders": ""}}, "no name given"),
    ],
)
def test_bad_mapping_raises_config_error_listing_valid_names(tmp_path: Path, mapping: dict, expected: str) -> None:
    write(tmp_path, orders=one_row_csv("orders"))
    with pytest.raises(ConfigError, match=expected):
        load_dataset(tmp_path, mapping=mapping)


def test_missing_mapping_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mapping file not found"):
        load_dataset(write(tmp_path, orders=one_row_csv("orders")), mapping=tmp_path / "nope.yaml")


def test_mapped_column_absent_from_the_file_names_both_names(tmp_path: Path) -> None:
    (tmp_path / "订单明细.csv").write_text("订单编号,客户编号\nA1,C01\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path, mapping=MAPPING)
    lines = [p for p in caught.value.problems if p.startswith("orders.order_date")]
    assert len(lines) == 1 and "下单日期" in lines[0]
    assert any(p.startswith("orders.region") and "大区" in p for p in caught.value.problems)  # mapped optional too


def test_mapped_column_absent_is_an_error_even_when_the_contract_name_is_present(tmp_path: Path) -> None:
    """The mapping is the user's word: a mapped column the file lacks is named, not quietly replaced."""
    write(tmp_path, orders=one_row_csv("orders"))
    with pytest.raises(DataValidationError, match="orders.order_date: .*the mapping names it '下单日期'"):
        load_dataset(tmp_path, mapping={"columns": {"orders": {"order_date": "下单日期"}}})


def test_missing_mapped_orders_names_the_users_table(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="no table or file named '订单明细' \\(mapped to orders\\)"):
        load_dataset(write(tmp_path, customers=CUSTOMERS_CSV), mapping={"tables": {"orders": "订单明细"}})


def test_sqlite_url_loads_the_same_data_as_the_folder(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "sales.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    for name in ("orders", "customers"):
        pd.read_csv(folder / f"{name}.csv", dtype=str).to_sql(name, engine, index=False)
    pd.DataFrame({"x": [1]}).to_sql("notes", engine, index=False)
    engine.dispose()
    from_db, from_folder = load_dataset(f"sqlite:///{db}"), load_dataset(folder)
    assert from_db.table_names == ["orders", "customers"]
    assert from_db.ignored == ("notes",)
    for name in from_db.table_names:
        pd.testing.assert_frame_equal(from_db[name], from_folder[name])


def test_sqlite_file_that_does_not_exist_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="not found"):
        load_dataset(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("url", ["nosuchdb://host/db", "sqlite:////no/such/dir/sales.db"])
def test_bad_database_url_is_a_data_source_error(url: str) -> None:
    with pytest.raises(DataSourceError, match="sqlite:///"):
        load_dataset(url)


def test_missing_folder_is_an_error_and_a_single_file_is_a_source(tmp_path: Path) -> None:
    with pytest.raises(DataSourceError, match="data folder not found"):
        load_dataset(tmp_path / "nope")
    write(tmp_path, orders=one_row_csv("orders"), customers=one_row_csv("customers"))
    ds = load_dataset(tmp_path / "orders.csv", validate=False)
    assert ds.table_names == ["orders"] and ds.ignored == ()  # only that file, not its neighbours
    (tmp_path / "export.csv").write_text(one_row_csv("orders"), encoding="utf-8")
    with pytest.raises(DataSourceError, match="salesnb map --data"):
        load_dataset(tmp_path / "export.csv")


def test_two_formats_for_one_table_is_an_error_naming_both(tmp_path: Path) -> None:
    write(tmp_path, orders=one_row_csv("orders"))
    pd.read_csv(tmp_path / "orders.csv").to_parquet(tmp_path / "orders.parquet")
    with pytest.raises(DataSourceError, match=r"orders\.csv, orders\.parquet"):
        load_dataset(tmp_path)


def test_unreadable_file_is_a_data_source_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path, orders=one_row_csv("orders"))
    (tmp_path / "customers.parquet").write_bytes(b"not a parquet file")
    with pytest.raises(DataSourceError, match="customers.parquet"):
        load_dataset(tmp_path)


def test_missing_optional_table_is_fine(tmp_path: Path) -> None:
    ds = load_dataset(write(tmp_path, orders=one_row_csv("orders"), notes="a\n1\n"))
    assert ds.has("orders") and not ds.has("orders", "customers")
    assert ds.has(("orders",)) and ds.missing("orders", "customers", "reps") == ["customers", "reps"]
    assert ds.get("customers") is None
    assert ds.table_names == ["orders"] and ds.ignored == ("notes.csv",)
    with pytest.raises(MissingTableError, match="needs table customers") as caught:
        ds["customers"]
    assert isinstance(caught.value, SalesnbError) and isinstance(caught.value, KeyError)
    with pytest.raises(MissingTableError, match="unknown table"):
        ds.has("oders")


def test_missing_orders_is_a_validation_error(tmp_path: Path) -> None:
    folder = write(tmp_path, customers=CUSTOMERS_CSV, 订单="x\n1\n")
    with pytest.raises(DataValidationError, match="needs table orders") as caught:
        load_dataset(folder)
    assert "订单.csv" in caught.value.problems[0]  # hints at the file that was not recognised
    assert load_dataset(folder, validate=False).table_names == ["customers"]


@pytest.mark.parametrize(
    ("table", "column"),
    [pytest.param(t.name, c, id=f"{t.name}.{c}") for t in TABLES.values() for c in t.required_columns],
)
def test_missing_required_column(tmp_path: Path, table: str, column: str) -> None:
    tables = {"orders": one_row_csv("orders"), table: one_row_csv(table, drop=column)}
    with pytest.raises(DataValidationError) as caught:
        load_dataset(write(tmp_path, **tables))
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{table}.{column}: required column is missing from all 1 rows")


def test_many_lines_load_exactly(tmp_path: Path) -> None:
    n = 200_000  # a fifth of the 1M-row target (speed: benchmarks/load.py)
    rng = np.random.default_rng(0)
    ids = np.char.add("O", rng.integers(0, 1000, n).astype(str))
    lines = pd.DataFrame({"order_id": ids, "product_id": "P1", "quantity": rng.integers(1, 9, n), "unit_price": 9.5})
    lines.to_csv(tmp_path / "order_lines.csv", index=False)
    orders = pd.DataFrame({"order_id": np.char.add("O", np.arange(1000).astype(str)), "customer_id": "C1"})
    orders.assign(order_date="2026-01-05").to_csv(tmp_path / "orders.csv", index=False)
    ds = load_dataset(tmp_path)
    assert ds["order_lines"]["quantity"].sum() == lines["quantity"].sum()


def test_summarize_counts_dates_months_regions_and_angles(folder: Path) -> None:
    summary = summarize(load_dataset(folder))
    assert summary["tables"] == {"orders": 3, "customers": 3}
    assert summary["date_range"] == ("2026-01-05", "2026-03-02")
    assert summary["months"] == ["2026-01", "2026-03"]
    assert summary["regions"] == ["华东", "华南"]  # order 0002 has no region: its customer C02 is 华南
    angles = summary["angles"]  # read from each angle's declaration in the registry
    assert angles["overview"] == {"ready": True, "missing": [], "rules": 0, "unavailable": {}}
    assert angles["market"]["ready"] and angles["market"]["unavailable"] == {
        "acquisition_cost_high": ["marketing_spend"]
    }
    assert angles["product"]["ready"] is False and angles["product"]["missing"] == ["order_lines", "products"]
    assert not angles["team"]["ready"] and angles["team"]["any_of"] == ["orders.rep_id", "activities", "targets"]
    assert angles["process"]["missing"] == ["opportunities"]
    support = angles["support"]  # orders without delivery dates, no tickets, surveys or invoices: no section runs
    assert not support["ready"] and support["missing"] == [] and support["unavailable"]["sla_breach"] == ["tickets"]
    assert support["sections"]["delivery"] == ["orders.promised_at", "orders.delivered_at"]
    assert support["any_of"] == ["tickets", "orders.promised_at + orders.delivered_at", "surveys", "invoices"]
    period = {"month": "2026-02", "partial": "2026-03", "through_day": 2, "summary": None}  # the data ends on March 2
    period["orders"] = 0  # a thin business's February without orders: a real zero, still the default
    assert summary["period"] == period


def test_summarize_without_customers_uses_order_regions_only(tmp_path: Path) -> None:
    summary = summarize(load_dataset(write(tmp_path, orders=ORDERS_CSV)))
    assert summary["regions"] == ["华东"]


def test_format_summary_in_chinese_and_english(folder: Path) -> None:
    summary = summarize(load_dataset(folder))
    zh = format_summary(summary)
    assert "orders: 3 条" in zh and "2026-01-05 至 2026-03-02" in zh and "华东, 华南" in zh
    assert "✗ 产品与竞争 (product): 缺少订单明细表（order_lines）、产品表（products）" in zh
    en = format_summary(summary, lang="en")
    assert "orders: 3 rows" in en and "Months covered (2): 2026-01 … 2026-03" in en
    assert (
        "✓ Overview (overview): ready" in en
        and "✗ Team (team): no section has its data; needs one of: the rep id of orders" in en
    )
    assert "Default report month (latest complete): 2026-02 (0 orders in it)" in en
    assert "2026-03 is partial (the data ends on day 2)" in en
    assert (
        "✗ Support (support): no section has its data; needs one of: the tickets table (tickets); "
        "or the promised date of orders (orders.promised_at), the delivery date of orders (orders.delivered_at)"
    ) in en
    assert (
        "6 of 7 finding rules can run" in en
        and "✗ acquisition_cost_high: needs the marketing spend table (marketing_spend)" in en
    )


def test_dataset_is_hashable_for_caches() -> None:
    ds = Dataset({"orders": pd.DataFrame()})
    assert {ds: 1}[ds] == 1


def test_na_is_a_region_and_null_markers_are_empty(tmp_path: Path) -> None:
    """``NA`` (North America) is a value in a text column; ``NULL``/``N/A`` are empty anywhere, ``NA`` in a number.

    pandas' default reads every ``NA`` as missing: North America's 38% of a real export lost its region.
    """
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,region,channel,amount\n"
        "O1,C1,2026-01-05,NA,直营,100\n"
        "O2,C2,2026-01-06,EMEA,NULL,200\n"
        "O3,C1,2026-01-07,NA,N/A,300\n",
        encoding="utf-8",
    )
    (tmp_path / "customers.csv").write_text(
        "customer_id,customer_name,employee_count\nC1,Acme,NA\nC2,Bolt,40\n", encoding="utf-8"
    )
    ds = load_dataset(tmp_path)
    orders = ds["orders"]
    assert list(orders["region"]) == ["NA", "EMEA", "NA"]
    assert orders["channel"].isna().tolist() == [False, True, True]
    employees = ds["customers"].set_index("customer_id")["employee_count"]
    assert pd.isna(employees["C1"]) and employees["C2"] == 40  # a number column reads NA as empty, no problem
    from salesnb.data import facts

    assert facts.regions(ds) == ["EMEA", "NA"]


def test_a_table_split_into_yearly_files_is_read_as_one_and_map_proposes_its_pattern(tmp_path: Path) -> None:
    from salesnb.data.mapview import describe
    from salesnb.data.propose import propose_mapping

    head = "订单编号,客户编号,下单日期,金额\n"
    (tmp_path / "销售_2024.csv").write_text(head + "A1,C1,2024-12-30,5\n", encoding="utf-8")
    (tmp_path / "销售_2025.csv").write_text(head + "B1,C1,2025-01-03,7\nB2,C2,2025-02-01,9\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == "销售_*.csv"
    assert "! 销售_2024.csv, 销售_2025.csv 这 2 个文件列相同、文件名只差数字" in "\n".join(describe(proposal, "zh"))
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds["orders"]["order_id"].tolist() == ["A1", "B1", "B2"] and ds["orders"]["amount"].sum() == 21
    (tmp_path / "销售_2026.csv").write_text("订单编号,客户,下单日期,金额\nC1,C1,2026-01-03,7\n", encoding="utf-8")
    with pytest.raises(DataSourceError, match="销售_2026.csv and 销售_2024.csv differ in 客户, 客户编号"):
        load_dataset(tmp_path, mapping=proposal.mapping())


def test_a_yearly_file_ending_its_lines_in_a_comma_joins_the_others(tmp_path: Path) -> None:
    from salesnb.data.propose import propose_mapping

    head = "OrderNumber,CustomerKey,OrderDate,Amount"
    (tmp_path / "Sales_2015.csv").write_text(f"{head},\nA1,C1,30-Dec-2015,5,\n", encoding="utf-8")
    (tmp_path / "Sales_2016.csv").write_text(f"{head}\nB1,C1,3-Jan-2016,7\nB2,C2,1-Feb-2016,9\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == "Sales_*.csv"  # the empty, unnamed column of 2015 holds nothing
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds["orders"]["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-12-30", "2016-01-03", "2016-02-01"]


def test_a_customer_file_birth_dates_are_no_orders(tmp_path: Path) -> None:
    from salesnb.data.match import match_columns

    frame = pd.DataFrame({"CustomerKey": ["11", "12"], "BirthDate": ["1/3/1930", "1/11/1931"], "Gender": ["F", "M"]})
    assert "order_date" not in match_columns(frame)[0]
    frame = pd.DataFrame({"CustomerKey": ["11", "12"], "StockDate": ["3-Jan-2015", "5-Jan-2015"]})
    assert "order_date" not in match_columns(frame)[0]
    frame = pd.DataFrame({"Kunde": ["11", "12"], "Tag": ["3-Jan-2015", "5-Jan-2015"]})
    assert match_columns(frame)[0]["order_date"] == "Tag"  # a date column of no other meaning still is one


def test_title_rows_above_the_header_are_left_out_and_said(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "全国订单明细表（2026）,,,\n导出时间：2026-11-01,,,\norder_id,customer_id,order_date,amount\n"
        "A1,C1,2026-10-01,5\nA2,C2,2026-10-02,7\n",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path)
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2"] and ds["orders"]["amount"].sum() == 12
    assert ds.warnings[0].text("zh") == "数据表 orders：表头上方的 2 行是标题或导出说明，已从表头下一行开始读取"


def test_title_lines_written_without_separators_are_left_out_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    """An export writing 订单报表 and 导出时间 as bare lines: a parser error on line 3, or one column, before."""
    text = (
        "订单报表（2018年）\n导出时间：2019/1/2 10:05\norder_id,customer_id,order_date,amount\n"
        "A1,C1,2018/12/1 9:26,5\nA2,C2,2018/12/2 10:00,7\nA3,C2,2018/13/2,1\n"
    )
    (tmp_path / "orders.csv").write_bytes(text.encode("gb18030"))
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path)
    assert any("row 6" in p for p in caught.value.problems)  # the bad date, as the editor numbers it
    (tmp_path / "orders.csv").write_bytes(text.replace("A3,C2,2018/13/2,1\n", "").encode("gb18030"))
    ds = load_dataset(tmp_path)
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2"] and ds["orders"]["amount"].sum() == 12
    assert ds["orders"]["order_date"].dt.strftime("%Y-%m-%d").tolist() == ["2018-12-01", "2018-12-02"]
    assert ds.warnings[0].text("zh") == "数据表 orders：表头上方的 2 行是标题或导出说明，已从表头下一行开始读取"


def test_customers_who_never_order_twice_over_many_orders_and_months_are_said(tmp_path: Path) -> None:
    """Buyer names masked one per order (mrsoft001 …): every buyer new, retention 0; validate says why."""
    rows = [f"A{k},mrsoft{k:03d},2018-{k % 3 + 1:02d}-05,10" for k in range(100)]
    write(tmp_path, orders="order_id,customer_id,order_date,amount\n" + "\n".join(rows) + "\n")
    said = [w.text("zh") for w in load_dataset(tmp_path).warnings]
    assert said == [
        "orders.customer_id：100 笔订单（3 个月）的客户各不相同，没有一位客户下过第二单："
        "若客户列是每笔订单各自的编号（脱敏或匿名的买家名），报告会把每位买家都算作新客户，"
        "复购率、留存率为 0、此前的买家都算流失，客户价值无法估计；请导出能跨订单识别同一客户的列（会员号、手机号）"
    ]
    again = rows[:-1] + ["A99,mrsoft000,2018-03-05,10"]  # one buyer ordering twice: real customers
    write(tmp_path, orders="order_id,customer_id,order_date,amount\n" + "\n".join(again) + "\n")
    assert load_dataset(tmp_path).warnings == []
    write(tmp_path, orders="order_id,customer_id,order_date,amount\n" + "\n".join(rows[:99]) + "\n")
    assert load_dataset(tmp_path).warnings == []  # 99 orders: too few to tell


def test_a_header_with_a_few_empty_names_is_no_title() -> None:
    from salesnb.data.loading import below_title

    frame = pd.DataFrame({"订单编号": ["A1"], "Unnamed: 1": ["x"], "金额": ["5"]})
    assert below_title(frame) is frame  # one unnamed column of three: the header is the header


def test_a_won_deal_is_its_own_order_and_a_priority_both_category_and_severity(tmp_path: Path) -> None:
    (tmp_path / "won.csv").write_text(
        "opportunity_id,account,close_date,close_value\nD1,Acme,2017-03-01,1054\nD2,Beta,2017-03-11,4514\n",
        encoding="utf-8",
    )
    (tmp_path / "tickets.csv").write_text(
        "ticket_id,account,submitted_at,priority\nT1,Acme,2017-03-02,high\nT2,Beta,2017-03-12,low\n", encoding="utf-8"
    )
    mapping = {
        "tables": {"orders": "won", "tickets": "tickets"},
        "columns": {
            "orders": {"order_id": "opportunity_id", "opportunity_id": "opportunity_id", "customer_id": "account"},
            "tickets": {"customer_id": "account", "created_at": "submitted_at", "category": "priority"}
            | {"severity": "priority"},
        },
    }
    mapping["columns"]["orders"] |= {"order_date": "close_date", "amount": "close_value"}
    ds = load_dataset(tmp_path, mapping=mapping, validate=False)
    assert list(ds["orders"]["order_id"]) == list(ds["orders"]["opportunity_id"]) == ["D1", "D2"]
    assert list(ds["tickets"]["category"]) == list(ds["tickets"]["severity"]) == ["high", "low"]
    with pytest.raises(ConfigError, match="onto account"):  # a customer is no order
        load_dataset(tmp_path, mapping={"columns": {"orders": {"order_id": "account", "customer_id": "account"}}})
