"""A flat export's reps beside a target sheet: a rep who sold nothing (:mod:`salesnb.data.unsold`), a rep's region
(:mod:`salesnb.data.target_regions`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_layer.rep_sheets import rep_sales_mapping
from salesnb.data.loading import load_dataset
from salesnb.data.targets import segment_targets, total_target
from salesnb.errors import DataValidationError

SALES = """订单号,下单日期,客户,销售员,金额
S1,2020/5/4,甲,Ann,100
S2,2020/5/6,乙,Ann,50
S3,2020/5/9,乙,Bob,30
"""
MAPPING = rep_sales_mapping("targets.csv", {"period": "月份", "rep_id": "销售员", "target_amount": "目标金额"})


def _folder(tmp_path: Path, targets: str) -> Path:
    (tmp_path / "sales.csv").write_text(SALES, encoding="gb18030")
    (tmp_path / "targets.csv").write_text(targets, encoding="gb18030")
    return tmp_path


def test_a_target_rep_who_sold_nothing_joins_the_reps_and_is_said(tmp_path: Path) -> None:
    targets = "月份,销售员,目标金额\n2020/4,Ann,90\n2020/5,Ann,120\n2020/5,Bob,40\n2020/4,Cy,70\n2020/5,Cy,80\n"
    ds = load_dataset(_folder(tmp_path, targets), mapping=MAPPING)
    assert sorted(ds["reps"]["rep_id"]) == ["Ann", "Bob", "Cy"]
    assert ds["targets"]["target_amount"].sum() == 400  # Cy's targets kept: 90 + 120 + 40 + 70 + 80
    [line] = [w for w in ds.warnings if w.key.startswith("problem_unsold")]
    assert line.values["n"] == 1 and line.values["examples"] == ["'Cy' ×2"]
    assert "targets.rep_id：1 个 rep_id 在销售明细中一行也没有" in line.text("zh")
    assert ds["orders"]["amount"].sum() == 180  # the orders are as before


def test_target_reps_mostly_unknown_are_a_naming_mismatch_and_refused(tmp_path: Path) -> None:
    targets = "月份,销售员,目标金额\n2020/5,E01,120\n2020/5,E02,40\n2020/5,Ann,10\n"  # 工号 beside names
    with pytest.raises(DataValidationError, match="targets.rep_id"):
        load_dataset(_folder(tmp_path, targets), mapping=MAPPING)


def test_a_reps_table_of_its_own_still_refuses_an_unknown_target_rep(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "月份,销售员,目标金额\n2020/5,Ann,120\n2020/5,Bob,40\n2020/5,Cy,80\n")
    (folder / "reps.csv").write_text("销售员,区域\nAnn,华东\nBob,华南\n", encoding="utf-8")
    mapping = {**MAPPING, "tables": {**MAPPING["tables"], "reps": "reps.csv"}}
    with pytest.raises(DataValidationError, match="targets.rep_id"):
        load_dataset(folder, mapping=mapping)


REGIONAL = """订单号,下单日期,客户,销售员,区域,金额
S1,2020/5/4,甲,Ann,华东,100
S2,2020/5/6,乙,Ann,华东,50
S3,2020/5/7,乙,Ann,华东,50
S4,2020/5/8,乙,Ann,华东,50
S5,2020/5/9,丙,Ann,华南,10
S6,2020/5/9,丙,Bob,华南,30
S7,2020/5/10,甲,Bob,华东,20
"""


def test_a_rep_target_counts_in_the_region_of_most_of_the_reps_orders(tmp_path: Path) -> None:
    """A flat export's rep has no region of its own: the 加拿大 report said its rep had no personal target."""
    (tmp_path / "sales.csv").write_text(REGIONAL, encoding="gb18030")
    (tmp_path / "targets.csv").write_text("月份,销售员,目标金额\n2020/5,Ann,300\n2020/5,Bob,60\n", encoding="gb18030")
    mapping = {
        **MAPPING,
        "columns": {**MAPPING["columns"], "orders": {**MAPPING["columns"]["orders"], "region": "区域"}},
    }
    ds = load_dataset(tmp_path, mapping=mapping)
    regions = dict(zip(ds["targets"]["rep_id"], ds["targets"]["region"], strict=True))
    assert regions["Ann"] == "华东" and pd.isna(regions["Bob"])  # Ann: 4 of 5 orders in 华东 (80%); Bob: 1 of 2
    [line] = [w for w in ds.warnings if w.key.startswith("problem_target_home")]
    assert line.values["examples"] == ["Ann → 华东"]
    assert segment_targets(ds, "2020-05", "华东", "rep_id").to_dict() == {"Ann": 300.0}
    assert segment_targets(ds, "2020-05", "华南", "rep_id").empty
    assert total_target(ds, ["2020-05"], "ALL") == 360  # the company's: every rep's
