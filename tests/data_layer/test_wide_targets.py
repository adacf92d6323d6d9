"""A target sheet with a column per month (年份, 销售员, 1月 … 12月): mapped, proposed and read a row per month."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_layer.rep_sheets import rep_sales_mapping
from salesnb.data.loading import load_dataset
from salesnb.data.mapping import load_mapping
from salesnb.data.propose import propose_mapping
from salesnb.data.wide_targets import month_of
from salesnb.errors import ConfigError, DataValidationError

SALES = """订单号,下单日期,客户,销售员,金额
S1,2020/1/4,甲,Ann,100
S2,2020/2/6,乙,Ann,50
S3,2020/2/9,乙,Bob,30
"""
WIDE = "年份,销售员,1月,2月,3月\n2020,Ann,100,,120\n2020,Bob,NULL,40,45\n2021,Ann,90,95,\n"
MONTHS = {"year": "年份", "months": ["1月", "2月", "3月"]}
MAPPING = rep_sales_mapping("销售目标.csv", {"period": MONTHS, "rep_id": "销售员"})


def _folder(tmp_path: Path, targets: str = WIDE) -> Path:
    (tmp_path / "sales.csv").write_text(SALES, encoding="gb18030")
    (tmp_path / "销售目标.csv").write_text(targets, encoding="gb18030")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "said"),
    [("1月", (None, 1)), ("12月份", (None, 12)), ("十二月", (None, 12)), ("三月", (None, 3)), ("2024年1月", (2024, 1)),
     ("2024-03", (2024, 3)), ("Jan", (None, 1)), ("March", (None, 3)), ("Mar-24", (2024, 3)), ("13月", None),
     ("合计", None), ("Total", None)],
)  # fmt: skip
def test_a_month_column_name_says_its_month_and_maybe_its_year(name: str, said: tuple | None) -> None:
    assert month_of(name) == said


def test_each_filled_month_cell_is_a_target_row_and_an_empty_one_none(tmp_path: Path) -> None:
    targets = load_dataset(_folder(tmp_path), mapping=MAPPING)["targets"]
    rows = sorted(zip(targets["period"], targets["rep_id"], targets["target_amount"], strict=True))
    assert rows == [
        ("2020-01", "Ann", 100.0),
        ("2020-02", "Bob", 40.0),
        ("2020-03", "Ann", 120.0),
        ("2020-03", "Bob", 45.0),
        ("2021-01", "Ann", 90.0),
        ("2021-02", "Ann", 95.0),
    ]  # Ann's empty February 2020, Bob's NULL January and Ann's empty March 2021: no target


def test_map_proposes_the_sheet_as_targets_a_column_per_month(tmp_path: Path) -> None:
    proposal = propose_mapping(_folder(tmp_path))
    assert proposal.tables["targets"] == "销售目标.csv"
    assert proposal.mapping()["columns"]["targets"] == MAPPING["columns"]["targets"]
    assert proposal.unused.get("销售目标.csv", []) == []  # the months and the year are read
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds["targets"]["target_amount"].sum() == 490  # 100 + 120 + 40 + 45 + 90 + 95


def test_a_sheet_of_months_not_named_as_targets_stays_a_pivot(tmp_path: Path) -> None:
    (tmp_path / "sales.csv").write_text(SALES, encoding="gb18030")
    (tmp_path / "各月汇总.csv").write_text(WIDE, encoding="gb18030")  # 各月汇总: sales per rep and month
    proposal = propose_mapping(tmp_path)
    assert "targets" not in proposal.tables and proposal.pivots["各月汇总.csv"] == ["1月", "2月", "3月"]


def test_month_columns_without_a_year_are_a_problem_and_period_dicts_only_for_targets(tmp_path: Path) -> None:
    mapping = {
        **MAPPING,
        "columns": {**MAPPING["columns"], "targets": {"period": {"months": ["1月"]}, "rep_id": "销售员"}},
    }
    with pytest.raises(DataValidationError, match="column '1月' has no year"):
        load_dataset(_folder(tmp_path), mapping=mapping)
    with pytest.raises(ConfigError, match="columns.orders.period"):
        load_mapping({"columns": {"orders": {"period": {"months": ["1月"]}}}})
