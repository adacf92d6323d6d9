"""Validation: every contract problem is found, counted and shown with example rows, all at once."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.dataset import Dataset
from salesnb.data.loading import load_dataset
from salesnb.data.validation import show_value, validate_dataset
from salesnb.errors import DataValidationError

ORDERS = """order_id,customer_id,order_date,amount
O1,C1,2026-01-05,100
O2,C2,2026-01-06,200
O3,C1,2026-01-07,300
"""
CUSTOMERS = "customer_id,region\nC1,华东\nC2,华南\n"
LINES = "order_id,product_id,quantity,unit_price\nO1,P1,2,10\nO2,P1,1,10\nO3,P1,3,10\n"


def load(tmp_path: Path, **tables: str) -> Dataset:
    """Write ``name=csv_text`` files (orders and customers by default) and load them without validating."""
    tables = {"orders": ORDERS, "customers": CUSTOMERS} | tables
    for name, text in tables.items():
        if text is not None:
            (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return load_dataset(tmp_path, validate=False, file_rows=True)


def test_valid_dataset_has_no_problems(tmp_path: Path) -> None:
    ds = load(tmp_path, order_lines=LINES)
    assert validate_dataset(ds) == []


def test_unparseable_dates_are_problems_with_raw_examples(tmp_path: Path) -> None:
    orders = ORDERS + "O4,C1,2026-13-45,1\nO5,C2,yesterday,1\nO6,C2,,1\n"
    problems = validate_dataset(load(tmp_path, orders=orders))
    assert problems == [
        "orders.order_date: 2 rows have unparseable dates, e.g. row 5 (O4): '2026-13-45', row 6 (O5): 'yesterday'; "
        "expected YYYY-MM-DD",
        "orders.order_date: 1 row has an empty required value, e.g. row 7 (O6)",  # not counted twice
    ]


def test_unparseable_numbers_and_months(tmp_path: Path) -> None:
    orders = ORDERS.replace(",100", ",一百").replace(",200", ',"1,5"')
    targets = "period,target_amount\n2026-13,1\nQ1,2\n2026-01,3\n"
    problems = validate_dataset(load(tmp_path, orders=orders, targets=targets))
    assert problems == [
        "orders.amount: 2 rows have values that are not numbers, e.g. row 2 (O1): '一百', row 3 (O2): '1,5'; "
        "expected a number such as 1234.5",
        "targets.period: 2 rows have unparseable months, e.g. row 2: '2026-13', row 3: 'Q1'; expected YYYY-MM",
    ]


def test_months_written_as_excel_and_chinese_exports_write_them(tmp_path: Path) -> None:
    written = ["Apr-18", "Apr 2018", "April 2018", "2018/4", "2018年4月", "201804", "Sept 2018", "apricot 18"]
    targets = "period,target_amount,region\n" + "".join(f"{p},{n},R{n}\n" for n, p in enumerate(written, start=1))
    ds = load(tmp_path, targets=targets)
    problems = validate_dataset(ds)
    assert problems == ["targets.period: 1 row has an unparseable month, e.g. row 9: 'apricot 18'; expected YYYY-MM"]
    assert list(ds["targets"]["period"][:7]) == ["2018-04"] * 6 + ["2018-09"]


def test_negative_quantity(tmp_path: Path) -> None:
    lines = LINES.replace("O2,P1,1,10", "O2,P1,-3,10")
    assert validate_dataset(load(tmp_path, order_lines=lines)) == [
        "order_lines.quantity: 1 row has a negative value, e.g. row 3: -3"
    ]


def test_duplicate_ids_are_counted_and_shown_together(tmp_path: Path) -> None:
    orders = ORDERS + "O1,C1,2026-01-08,1\nO2,C1,2026-01-09,1\nO1,C1,2026-01-10,1\n"
    assert validate_dataset(load(tmp_path, orders=orders)) == [
        "orders.order_id: 5 rows have duplicate ids (2 ids used more than once), "
        "e.g. row 2: 'O1', row 5: 'O1', row 7: 'O1'"
    ]


def test_orphan_customer_reference(tmp_path: Path) -> None:
    orders = ORDERS + "O4,C9,2026-01-08,1\nO5,C8,2026-01-09,1\n"
    assert validate_dataset(load(tmp_path, orders=orders)) == [
        "orders.customer_id: 2 rows have a customer_id not found in customers.customer_id, "
        "e.g. row 5 (O4): 'C9', row 6 (O5): 'C8'"
    ]


def test_references_are_only_checked_when_the_referenced_table_is_present(tmp_path: Path) -> None:
    orders = ORDERS + "O4,C9,2026-01-08,1\n"
    assert validate_dataset(load(tmp_path, orders=orders, customers=None)) == []


def test_scores_out_of_bounds(tmp_path: Path) -> None:
    surveys = "customer_id,responded_at,nps,csat,score_服务\nC1,2026-01-05,11,-1,80\nC2,2026-01-05,10,100,120\n"
    assert validate_dataset(load(tmp_path, surveys=surveys)) == [
        "surveys.nps: 1 row has a score outside 0–10, e.g. row 2: 11",
        "surveys.csat: 1 row has a score outside 0–100, e.g. row 2: -1",
        "surveys.score_服务: 1 row has a score outside 0–100, e.g. row 3: 120",
    ]


def test_empty_required_values(tmp_path: Path) -> None:
    orders = ORDERS + ",C1,2026-01-08,1\nO5,,2026-01-09,1\n,C2,2026-01-10,1\n"
    assert validate_dataset(load(tmp_path, orders=orders)) == [
        "orders.order_id: 2 rows have an empty required value, e.g. row 5, row 7",
    ]  # an order without a customer (O5) is a walk-in sale: it counts in revenue, not among the buyers


def test_one_target_row_per_period_region_rep_and_product_line(tmp_path: Path) -> None:
    targets = (
        "period,target_amount,region,rep_id,product_line\n"
        "2026-01,10,华东,,\n2026-01,20,华东,,A线\n2026-1,30,华东,,\n2026-01,40,华南,,\n2026-01,50,华东,R1,\n"
    )
    reps = "rep_id\nR1\n"
    assert validate_dataset(load(tmp_path, targets=targets, reps=reps)) == [
        "targets.(period, region, rep_id, product_line): 2 rows have the same combination as another row, "
        "e.g. row 2: ('2026-01', '华东', (empty), (empty)), row 4: ('2026-01', '华东', (empty), (empty)); "
        "keep one target row per month, region, rep and product line"
    ]


def test_examples_are_limited_to_three(tmp_path: Path) -> None:
    lines = "order_id,product_id,quantity,unit_price\n" + "".join(f"O1,P1,-{i},1\n" for i in range(1, 8))
    (problem,) = validate_dataset(load(tmp_path, order_lines=lines))
    assert problem == "order_lines.quantity: 7 rows have a negative value, e.g. row 2: -1, row 3: -2, row 4: -3"


def test_all_problems_are_collected_in_one_error(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(ORDERS + "O1,C9,someday,1\n", encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "order_lines.csv").write_text(LINES.replace(",2,10", ",-2,10"), encoding="utf-8")
    (tmp_path / "reps.csv").write_text("rep_name\n张三\n", encoding="utf-8")
    (tmp_path / "surveys.csv").write_text("customer_id,responded_at,nps\nC1,2026-01-05,12\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path)
    heads = [p.split(":")[0] for p in caught.value.problems]
    assert heads == [
        "orders.order_date",
        "orders.order_id",
        "orders.customer_id",
        "order_lines.quantity",
        "reps.rep_id",
        "surveys.nps",
    ]
    assert "6 problem(s)" in str(caught.value)


# Each kind of problem, as (table csv overrides, table.column that fails, failing rows, example value shown).
CASES = {
    "unparseable date": ({"orders": ORDERS + "O4,C1,2026-02-30,1\n"}, "orders.order_date", "1 row has", "'2026-02-30'"),
    "negative amount": ({"orders": ORDERS + "O4,C1,2026-01-08,-5\n"}, "orders.amount", "1 row has", "-5"),
    "duplicate id": ({"orders": ORDERS + "O3,C1,2026-01-08,1\n"}, "orders.order_id", "2 rows have", "'O3'"),
    "orphan": ({"orders": ORDERS + "O4,C7,2026-01-08,1\n"}, "orders.customer_id", "1 row has", "'C7'"),
    "orphan line": ({"order_lines": LINES + "O8,P1,1,1\n"}, "order_lines.order_id", "1 row has", "'O8'"),
    "score": ({"surveys": "customer_id,responded_at,nps\nC1,2026-01-05,10.5\n"}, "surveys.nps", "1 row has", "10.5"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_message_names_table_column_row_count_and_an_example(tmp_path: Path, case: str) -> None:
    tables, column, count, example = CASES[case]
    (problem,) = validate_dataset(load(tmp_path, **tables))
    pattern = rf"{re.escape(column)}: {count} .+, e\.g\. row \d+( \(\w+\))?: {re.escape(example)}"
    assert re.match(pattern, problem), problem


def test_mapped_table_that_is_absent_is_reported(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(ORDERS, encoding="utf-8")
    ds = load_dataset(tmp_path, mapping={"tables": {"customers": "客户"}}, validate=False)
    assert validate_dataset(ds) == ["customers: the mapping names table '客户', but the data source has no such table"]


def test_parse_problems_argument_is_merged_in_table_order(tmp_path: Path) -> None:
    ds = load(tmp_path, order_lines=LINES.replace(",2,10", ",-2,10"))
    problems = validate_dataset(ds, ["orders.order_date: 1 row has an unparseable date, e.g. row 1: 'x'", "other"])
    assert [p.split(":")[0] for p in problems] == ["orders.order_date", "order_lines.quantity", "other"]


def test_loading_raises_with_every_problem(tmp_path: Path) -> None:
    load(tmp_path, orders=ORDERS + "O1,C9,2026-01-08,-1\n")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path)
    assert len(caught.value.problems) == 3  # negative amount, duplicate id, unknown customer


def test_a_hand_made_dataset_without_load_information_is_validated_from_its_frames() -> None:
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O1"],
            "customer_id": ["C1", "C2"],
            "order_date": pd.to_datetime(["2026-01-01", None]),
            "amount": [1.0, 2.0],
        }
    )
    assert validate_dataset(Dataset({"orders": orders})) == [
        "orders.order_date: 1 row has an empty required value, e.g. row 2 (O1)",
        "orders.order_id: 2 rows have duplicate ids (1 id used more than once), e.g. row 1: 'O1', row 2: 'O1'",
    ]


def test_validation_is_vectorised_on_many_rows() -> None:
    n = 300_000
    ids = pd.Series([f"O{i}" for i in range(n)], dtype="str")
    orders = pd.DataFrame({"order_id": ids, "customer_id": "C1", "order_date": pd.Timestamp("2026-01-01")})
    lines = pd.DataFrame({"order_id": ids, "product_id": "P1", "quantity": 1.0, "unit_price": -1.0})
    ds = Dataset({"orders": orders, "order_lines": lines})
    (problem,) = validate_dataset(ds)
    assert problem.startswith("order_lines.unit_price: 300,000 rows have a negative value")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("x", "'x'"), (3.0, "3"), (2.5, "2.5"), (None, "(empty)"), (pd.Timestamp("2026-01-02"), "2026-01-02")],
)
def test_show_value(value: object, shown: str) -> None:
    assert show_value(value) == shown


def test_orders_without_an_amount_or_lines_are_refused_rather_than_reported_as_zero(tmp_path: Path) -> None:
    orders = "order_id,customer_id,order_date\nO1,C1,2026-01-05\n"
    assert validate_dataset(load(tmp_path, orders=orders)) == [
        "orders: the orders carry no money: there is neither an amount column (orders.amount) nor order lines "
        "(quantity × unit_price in order_lines), so every revenue would be 0; map the amount column to "
        "orders.amount, or the quantity and price to order_lines.quantity and unit_price"
    ]
    lines = "order_id,product_id,quantity,unit_price\nO1,P1,1,10\n"
    assert validate_dataset(load(tmp_path, orders=orders, order_lines=lines)) == []
