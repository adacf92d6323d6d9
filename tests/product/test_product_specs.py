"""A 规格 column (规格型号, 规格(ml)) tells apart products sharing a name: 马利宝椰子 750ml, not （42716）."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.match import match_columns
from salesnb.data.propose import propose_mapping
from salesnb.product.common import product_names

ROWS = {
    "订单编号": ["S1", "S1", "S2", "S3"],
    "下单日期": ["2026/9/3", "2026/9/3", "2026/9/10", "2026/9/17"],
    "客户名称": ["甲店", "甲店", "乙店", "丙店"],
    "产品编码": ["42716", "42717", "42718", "67526"],
    "产品名称": ["马利宝椰子", "马利宝椰子", "马利宝椰子", "甘露咖啡"],
    "规格型号": ["750ml", "1000ml", "750ml", "750ml"],
    "数量": [12, 6, 2, 3],
    "单价": [11.99, 14.99, 11.99, 21.74],
}


def test_map_takes_the_spec_column_to_the_products(tmp_path: Path) -> None:
    found, _ = match_columns(pd.DataFrame(ROWS).rename(columns={"规格型号": "规格(ml)"}))
    assert found["spec"] == "规格(ml)"
    path = tmp_path / "销售明细.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False, encoding="gb18030")
    proposal = propose_mapping(str(path))
    assert proposal.columns["products"]["spec"] == "规格型号"


def test_a_shared_name_is_told_apart_by_its_spec_then_by_its_id(tmp_path: Path) -> None:
    """42716 and 42718 are both 马利宝椰子 750ml: the spec does not tell them apart, their ids do; 42717 is
    the only 1000ml one; 甘露咖啡 shares its name with no other product and keeps it bare."""
    path = tmp_path / "销售明细.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False, encoding="gb18030")
    ds = load_dataset(str(path), mapping=propose_mapping(str(path)).mapping())
    names = product_names(ds, pd.Series(["42716", "42717", "42718", "67526"])).tolist()
    assert names == ["马利宝椰子 750ml（42716）", "马利宝椰子 1000ml", "马利宝椰子 750ml（42718）", "甘露咖啡"]


def test_without_a_spec_a_shared_name_carries_its_id(tmp_path: Path) -> None:
    path = tmp_path / "销售明细.csv"
    pd.DataFrame(ROWS).drop(columns="规格型号").to_csv(path, index=False, encoding="gb18030")
    ds = load_dataset(str(path), mapping=propose_mapping(str(path)).mapping())
    names = product_names(ds, pd.Series(["42716", "42717", "67526"])).tolist()
    assert names == ["马利宝椰子（42716）", "马利宝椰子（42717）", "甘露咖啡"]
