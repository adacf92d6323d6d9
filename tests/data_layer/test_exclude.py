"""Rows the mapping excludes (cancelled orders) leave the data with what depends on them; problems keep their rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from salesnb.data import facts
from salesnb.data.ingest import stream_plan
from salesnb.data.loading import load_dataset
from salesnb.data.validation import FILE_ROW
from salesnb.errors import ConfigError, DataSourceError, DataValidationError
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CANCELLED = ["O00001", "O00118", "O00002"]  # O00001 has a ticket, O00118 a return, O00002 an invoice
EXCLUDE = {"exclude": {"orders": {"订单状态": ["已取消", "作废"]}}}


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a status column on its orders: three of them cancelled or void."""
    folder = tmp_path_factory.mktemp("sample")
    for path in SAMPLE.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    orders = pd.read_csv(folder / "orders.csv", dtype=str)
    orders["订单状态"] = "已完成"
    orders.loc[orders["order_id"].isin(CANCELLED), "订单状态"] = ["已取消", "作废", "已取消"]
    orders.to_csv(folder / "orders.csv", index=False)
    return folder


def test_cancelled_orders_leave_with_their_lines_and_returns_and_unlink_tickets_and_invoices(marked: Path) -> None:
    whole = load_dataset(marked)
    kept = load_dataset(marked, mapping=EXCLUDE)
    assert len(kept.tables["orders"]) == len(whole.tables["orders"]) - 3
    assert not kept.tables["orders"]["order_id"].isin(CANCELLED).any()
    for table in ("order_lines", "returns"):  # a required reference: the row goes with its order
        lost = whole.tables[table]["order_id"].isin(CANCELLED)
        assert lost.any() and len(kept.tables[table]) == len(whole.tables[table]) - lost.sum()
    for table in ("tickets", "invoices"):  # an optional one: the row stays, its link goes
        assert len(kept.tables[table]) == len(whole.tables[table])
        assert whole.tables[table]["order_id"].isin(CANCELLED).any()
        assert not kept.tables[table]["order_id"].isin(CANCELLED).any()
    revenue = facts.order_facts(whole).set_index("order_id")["revenue"]
    assert facts.order_facts(kept)["revenue"].sum() == pytest.approx(revenue.sum() - revenue[CANCELLED].sum())
    said = "\n".join(kept.warnings)
    assert "orders: 3 rows left out as the mapping's exclude says (订单状态 = 已取消, 作废)" in said
    assert "order_lines:" in said and "tickets:" in said


def test_an_order_whose_every_line_is_cancelled_leaves_one_with_some_lines_keeps_the_rest(tmp_path: Path) -> None:
    """The status is on the lines: A1 lost both lines, A2 one of two, A3 none."""
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date\nA1,C1,2026-10-01\nA2,C2,2026-10-02\nA3,C3,2026-10-03\n", encoding="utf-8"
    )
    (tmp_path / "order_lines.csv").write_text(
        "order_id,product_id,quantity,unit_price,行状态\nA1,P1,1,100,已取消\nA1,P2,2,50,已取消\n"
        "A2,P1,1,100,已取消\nA2,P2,1,50,正常\nA3,P1,3,100,正常\n",
        encoding="utf-8",
    )
    (tmp_path / "returns.csv").write_text(
        "return_id,order_id,product_id,returned_at,quantity\nR1,A1,P1,2026-10-05,1\nR2,A2,P2,2026-10-06,1\n",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path, mapping={"exclude": {"order_lines": {"行状态": ["已取消"]}}})
    assert ds["orders"]["order_id"].tolist() == ["A2", "A3"]
    assert ds["returns"]["return_id"].tolist() == ["R2"]  # A1's return went with A1
    orders = facts.order_facts(ds).set_index("order_id")
    assert orders["revenue"].to_dict() == {"A2": 50.0, "A3": 300.0}  # A2 keeps its one line
    assert ds.excluded == {"orders": 1, "order_lines": 3, "returns": 1}
    said = [w.text("zh") for w in ds.warnings]
    assert "orders：1 行的 order_lines 全部被排除，一并去掉" in said
    assert "orders: 1 row left out because every one of its order_lines was" in ds.warnings


def test_excluded_rows_keep_every_problem_at_its_row_in_the_file(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,status\nA1,C1,2026-10-01,100,ok\nA2,C1,2026-10-02,50,cancelled\n"
        "A3,C1,2026-13-45,70,ok\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match=r"row 4 \(A3\): '2026-13-45'"):
        load_dataset(tmp_path, mapping={"exclude": {"orders": {"status": "cancelled"}}})


def test_an_excluded_column_the_table_lacks_is_named_with_the_columns_it_has(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date,amount\nA1,C1,2026-10-01,100\n")
    with pytest.raises(DataSourceError, match="table orders has no column '订单状态'; its columns: order_id"):
        load_dataset(tmp_path, mapping=EXCLUDE)


@pytest.mark.parametrize(
    ("exclude", "expected"),
    [
        ({"sales": {"status": ["x"]}}, "mapping exclude: unknown table 'sales'"),
        ({"orders": {"status": []}}, "mapping exclude.orders.status: name the values"),
        ({"orders": ["status"]}, "mapping 'exclude.orders' must be a dictionary"),
    ],
)
def test_a_bad_exclude_section_is_a_config_error(tmp_path: Path, exclude: dict, expected: str) -> None:
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date,amount\nA1,C1,2026-10-01,100\n")
    with pytest.raises(ConfigError, match=expected):
        load_dataset(tmp_path, mapping={"exclude": exclude})


def test_an_exclude_takes_the_whole_table_path_not_the_stream(marked: Path) -> None:
    assert stream_plan(marked, None, stream_bytes=0) is not None
    assert stream_plan(marked, EXCLUDE, stream_bytes=0) is None


def test_the_left_out_rows_are_counted_kept_by_the_store_and_said_on_every_report(marked: Path, tmp_path: Path) -> None:
    from salesnb.data.store_read import open_store
    from salesnb.report import open_report

    whole, kept = load_dataset(marked), load_dataset(marked, mapping=EXCLUDE)
    lines = int(whole.tables["order_lines"]["order_id"].isin(CANCELLED).sum())
    returns = int(whole.tables["returns"]["order_id"].isin(CANCELLED).sum())
    assert kept.excluded == {"orders": 3, "order_lines": lines, "returns": returns}  # unlinked rows stay
    mapping = tmp_path / "mapping.yaml"  # outside the data folder: the shared fixture stays as it is
    mapping.write_text("exclude: {orders: {订单状态: [已取消, 作废]}}\n", encoding="utf-8")
    stored = open_store(marked, mapping, root=tmp_path / "store")
    assert stored.excluded == kept.excluded and len(stored.tables["orders"]) == len(kept.tables["orders"])
    report = open_report(period="2026-10", region="华东", dataset=kept, lang="zh")
    note = f"按映射的排除规则（订单状态 = 已取消, 作废），数据中 3 笔订单及 {lines} 行订单明细不计入"
    assert note in report._repr_markdown_()
    assert "排除规则" not in open_report(period="2026-10", region="华东", dataset=whole)._repr_markdown_()


TAOBAO = """订单编号,买家会员名,买家实际支付金额,宝贝总数量,宝贝标题,订单付款时间,订单创建时间
100,甲,748.5,1,PHP从入门到精通,2018-01-01 09:26:18,2018-01-01 09:26:00
101,乙,0,0,,,2018-01-02 14:43:36
102,甲,269,4,Java编程词典,2018-01-03 10:18:12,2018-01-03 09:37:42
103,丙,0,0,,,2018-01-04 00:37:33
104,丁,99,x,Python入门,2018-01-05 08:00:00,2018-01-05 07:59:00
"""
TAOBAO_MAPPING = {
    "tables": {"orders": "淘宝.csv", "order_lines": "淘宝.csv", "customers": "淘宝.csv", "products": "淘宝.csv"},
    "columns": {
        "orders": {"order_id": "订单编号", "customer_id": "买家会员名", "order_date": "订单创建时间",
                   "amount": "买家实际支付金额"},
        "order_lines": {"order_id": "订单编号", "product_id": "宝贝标题", "quantity": "宝贝总数量",
                        "unit_price": "=[买家实际支付金额] / [宝贝总数量]"},
        "customers": {"customer_id": "买家会员名"},
        "products": {"product_id": "宝贝标题"},
    },
    "exclude": {"orders": {"订单付款时间": [""]}},
}  # fmt: skip


def test_a_flat_exports_unpaid_orders_leave_before_their_empty_cells_are_checked(tmp_path: Path) -> None:
    """Orders 101 and 103 were never paid: no product, quantity 0. Excluded by their empty payment time."""
    (tmp_path / "淘宝.csv").write_text(TAOBAO.replace(",x,", ",1,"), encoding="gb18030")
    ds = load_dataset(tmp_path, mapping=TAOBAO_MAPPING)
    assert ds.tables["orders"]["order_id"].tolist() == ["100", "102", "104"]
    assert ds.tables["order_lines"]["order_id"].tolist() == ["100", "102", "104"]
    assert set(ds.tables["customers"]["customer_id"]) == {"甲", "丁"}  # 乙 and 丙 bought nothing
    assert ds.excluded == {"orders": 2, "order_lines": 2}
    assert all(FILE_ROW not in frame.columns for frame in ds.tables.values())  # the file's rows served the checks
    said = "orders: 2 rows left out as the mapping's exclude says (订单付款时间 = （空）)"
    assert [str(w) for w in ds.warnings] == [said]
    assert facts.order_facts(ds)["revenue"].sum() == pytest.approx(748.5 + 269 + 99)
    from salesnb.data.exclude import exclude_rule

    assert exclude_rule(ds.mapping.exclude, "en") == "订单付款时间 = (empty)"  # what an English report's note says
    kept_out = {**TAOBAO_MAPPING, "exclude": {}}
    with pytest.raises(DataValidationError, match=r"order_lines\.product_id"):  # without the rule they are problems
        load_dataset(tmp_path, mapping=kept_out)


def test_a_problem_on_a_kept_row_of_a_flat_export_keeps_its_row_in_the_file(tmp_path: Path) -> None:
    (tmp_path / "淘宝.csv").write_text(TAOBAO, encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"order_lines\.quantity: 1 row .*e\.g\. row 6: 'x'"):  # 104: row 6
        load_dataset(tmp_path, mapping=TAOBAO_MAPPING)


def test_an_empty_cell_rule_on_a_table_of_its_own(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,paid_at\nA1,C1,2026-10-01,100,2026-10-01\nA2,C1,2026-10-02,50,\n"
        "A3,C2,2026-10-03,70,  \n",
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path, mapping={"exclude": {"orders": {"paid_at": [None]}}})
    assert ds.tables["orders"]["order_id"].tolist() == ["A1"] and ds.excluded == {"orders": 2}


POS = """单号,日期,卡号,商品,数量,实收
1,2018-01-01,c1,P1,2,20
1,2018-01-01,c1,P2,-1,-8
,,,,,
2,2018-01-02,c2,P1,0,0
2,2018-01-02,c2,P2,1,10
3,2018-01-03,c3,P1,1,abc
"""  # a return line (-1), an empty row, a no-op line (0 and 0), a bad amount on file row 6
POS_MAPPING = {
    "tables": {"orders": "pos.csv", "order_lines": "pos.csv"},
    "columns": {
        "orders": {"order_id": "单号", "customer_id": "卡号", "order_date": "日期", "amount": "实收"},
        "order_lines": {"order_id": "单号", "product_id": "商品", "quantity": "数量", "unit_price": "=[实收] / [数量]"},
    },
}


def test_numeric_conditions_leave_out_returns_and_no_op_lines_of_a_flat_export_before_its_checks(
    tmp_path: Path,
) -> None:
    (tmp_path / "pos.csv").write_text(POS, encoding="utf-8")
    mapping = {**POS_MAPPING, "exclude": {"order_lines": {"数量": ["<0", "= 0"]}}}
    with pytest.raises(DataValidationError) as caught:  # the kept rows' problems keep their rows in the file
        load_dataset(tmp_path, mapping=mapping)
    assert len(caught.value.problems) == 2 and all("e.g. row 7" in p for p in caught.value.problems)
    (tmp_path / "pos.csv").write_text(POS.replace("abc", "5"), encoding="utf-8")
    ds = load_dataset(tmp_path, mapping=mapping)
    lines = ds.tables["order_lines"]
    assert lines["quantity"].tolist() == [2.0, 1.0, 1.0] and lines["unit_price"].tolist() == [10.0, 10.0, 5.0]
    assert ds.tables["orders"].set_index("order_id")["amount"].to_dict() == {"1": 20.0, "2": 10.0, "3": 5.0}
    assert ds.excluded == {"order_lines": 2}
    assert [str(w) for w in ds.warnings] == [
        "pos.csv: row 4 is empty and was skipped",
        "order_lines: 2 rows left out as the mapping's exclude says (数量 < 0; 数量 = 0)",
    ]
    with pytest.raises(DataValidationError) as caught:  # without the rule: the returns and the no-op line
        load_dataset(tmp_path, mapping=POS_MAPPING)
    problems = "\n".join(caught.value.problems)
    assert "order_lines.quantity: 1 row has a negative value, e.g. row 3: -1" in problems
    assert "'=[实收] / [数量]' divides by zero, e.g. row 5: '0'" in problems
    assert "empty required" not in problems  # the empty row 4 is no problem


def test_a_numeric_condition_on_a_table_of_its_own_reads_the_typed_numbers(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,paid\nA1,C1,2026-10-01,100,100\nA2,C1,2026-10-02,50,0.00\n"
        'A3,C2,2026-10-03,70,"1,070"\nA4,C2,2026-10-04,9,n/a\n',
        encoding="utf-8",
    )
    ds = load_dataset(tmp_path, mapping={"exclude": {"orders": {"paid": ["=0", ">=1000"], "amount": ["<10"]}}})
    assert ds.tables["orders"]["order_id"].tolist() == ["A1"]  # 0.00, 1,070 and the amount 9 left out
    ds = load_dataset(tmp_path, mapping={"exclude": {"orders": {"paid": ["0"]}}})  # text: "0.00" is not "0"
    assert ds.tables["orders"]["order_id"].tolist() == ["A1", "A2", "A3", "A4"]


def _load_sales(tmp_path: Path, rows: str):
    """Load ``rows`` of a sales.csv (:func:`_flat_sales_mapping`'s columns) with that mapping."""
    (tmp_path / "sales.csv").write_text("单号,客户,日期,产品,数量,金额,状态\n" + rows, encoding="utf-8")
    return load_dataset(tmp_path / "sales.csv", mapping=_flat_sales_mapping())


def _flat_sales_mapping() -> dict:
    """sales.csv (单号, 客户, 日期, 产品, 数量, 金额, 状态) as orders and lines, the 已取消 left out."""
    return {
        "tables": {"orders": "sales.csv", "order_lines": "sales.csv"},
        "columns": {
            "orders": {"order_id": "单号", "customer_id": "客户", "order_date": "日期", "amount": "金额"},
            "order_lines": {
                "order_id": "单号",
                "product_id": "产品",
                "quantity": "数量",
                "unit_price": "=[金额] / [数量]",
            },
        },
        "exclude": {"orders": {"状态": ["已取消"]}},
    }


def test_a_flat_exports_excluded_orders_of_several_lines_say_orders_and_rows(tmp_path: Path) -> None:
    ds = _load_sales(
        tmp_path, "A1,甲,2026-10-05,P1,1,10,已取消\nA1,甲,2026-10-05,P2,2,20,已取消\nA2,乙,2026-10-06,P1,1,10,完成\n"
    )
    assert ds.tables["orders"]["order_id"].tolist() == ["A2"]
    assert [w.text("zh") for w in ds.warnings] == ["orders：按映射的排除规则（状态 = 已取消）去掉 1 条，占文件 2 行"]


def test_rows_without_an_order_number_are_counted_as_rows_and_a_shared_rule_is_said_once(tmp_path):
    """A register's rows without 订单号: '去掉 0 条，占文件 2 行' said nothing; the rule named twice in the header."""
    from salesnb.data.exclude import exclude_rule

    (tmp_path / "登记.csv").write_text(
        "订单号,客户,订单日期,产品,数量,单价\nA1,甲,2026-04-02,P1,1,10\n,乙,2026-04-03,P1,2,10\n"
        "A2,丙,2026-04-05,P2,1,30\n,丙,2026-04-06,P2,1,30\n",
        encoding="utf-8",
    )
    flat = {"orders": "登记", "order_lines": "登记"}
    columns = {
        "orders": {"order_id": "订单号", "customer_id": "客户", "order_date": "订单日期"},
        "order_lines": {"order_id": "订单号", "product_id": "产品", "quantity": "数量", "unit_price": "单价"},
    }
    exclude = {"orders": {"订单号": [""]}, "order_lines": {"订单号": [""]}}
    ds = load_dataset(tmp_path / "登记.csv", mapping={"tables": flat, "columns": columns, "exclude": exclude})
    said = [w.text("zh") for w in ds.warnings if "排除规则" in w.text("zh")]
    assert said == [
        "orders：按映射的排除规则（订单号 = （空））去掉 2 行",
        "order_lines：按映射的排除规则（订单号 = （空））去掉 2 行",
    ]
    assert exclude_rule(ds.mapping.exclude) == "订单号 = （空）"
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2"]


def test_a_lone_orders_files_credit_notes_and_voided_invoices_leave_before_the_checks(tmp_path: Path) -> None:
    """A 销项发票 ledger: the red (negative) and voided invoices the mapping excludes do not refuse the file."""
    (tmp_path / "发票.csv").write_text(
        "发票号码,开票日期,购方单位代号,价税合计,发票状态\n1,2019/12/2,B1,1000,有效发票\n2,2019/12/3,B2,-300,有效发票\n"
        "3,2019/12/4,B1,500,作废发票\n4,2019/12/13,B3,20,有效发票\n",
        encoding="utf-8",
    )
    mapping = {
        "tables": {"orders": "发票.csv"},
        "columns": {
            "orders": {
                "order_id": "发票号码",
                "order_date": "开票日期",
                "customer_id": "购方单位代号",
                "amount": "价税合计",
            }
        },
        "exclude": {"orders": {"发票状态": ["作废发票"], "价税合计": ["<0"]}},
    }
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds.tables["orders"]["order_id"].tolist() == ["1", "4"]
    assert ds.tables["orders"]["amount"].sum() == 1020 and ds.excluded == {"orders": 2}


def test_the_reports_note_names_no_order_lines_when_the_data_has_none(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,状态\nA1,C1,2026-10-01,100,有效\nA2,C1,2026-10-02,50,作废\n",
        encoding="utf-8",
    )
    (tmp_path / "mapping.yaml").write_text("exclude:\n  orders:\n    状态: [作废]\n", encoding="utf-8")
    report = open_report(str(tmp_path), "2026-10", "ALL", mapping_path=str(tmp_path / "mapping.yaml"))
    note = report._repr_markdown_().split("\n\n")[-1]
    assert note == "ℹ 按映射的排除规则（状态 = 作废），数据中 1 笔订单不计入：本报告的所有数字均不含这些订单。"


def test_an_order_with_one_line_cancelled_says_that_its_other_lines_stay(tmp_path: Path) -> None:
    """A Wayfair PO of two lines, one cancelled and one shipped: map said '去掉 147 条' while the header said 145."""
    ds = _load_sales(
        tmp_path,
        "A1,甲,2026-10-05,P1,1,10,已取消\nA1,甲,2026-10-05,P2,2,20,完成\n"
        "A2,乙,2026-10-06,P1,1,10,已取消\nA3,乙,2026-10-07,P1,1,10,完成\n",
    )
    assert ds.tables["orders"]["order_id"].tolist() == ["A1", "A3"]  # A1 keeps its shipped line
    assert ds.excluded == {"orders": 1, "order_lines": 2}
    assert [w.text("zh") for w in ds.warnings] == [
        "orders：按映射的排除规则（状态 = 已取消）去掉 2 行，涉及 2 条："
        "其中 1 条整条不计入，1 条只去掉这几行、其余的行照常计入"
    ]
    assert [w.text("en") for w in ds.warnings] == [
        "orders: 2 rows left out as the mapping's exclude says (状态 = 已取消), of 2 records: 1 left out whole, "
        "1 with other rows kept"
    ]
