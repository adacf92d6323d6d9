"""A single file no table of the mapping names: the error says which file the mapping names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.loading import load_dataset
from salesnb.errors import DataSourceError


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "十月订单.csv"
    pd.DataFrame({"订单号": ["A1"], "日期": ["2026-10-01"], "金额": [100]}).to_csv(path, index=False)
    return path


def test_a_mapping_naming_another_file_says_which(tmp_path: Path) -> None:
    """Run with another month's mapping: it names 天猫订单报表.csv (orders and lines, said once)."""
    path = _export(tmp_path)
    mapping = {"tables": {"orders": "天猫订单报表.csv", "order_lines": "天猫订单报表.csv#明细"}}
    with pytest.raises(DataSourceError) as raised:
        load_dataset(path, mapping=mapping)
    assert raised.value.text("zh") == (
        "十月订单.csv 不是以数据约定的表名命名的（orders.csv ……），而映射文件指向的是 天猫订单报表.csv，不是它："
        "是否用了另一个文件（例如另一个月）的映射文件？改映射文件的 tables，或用 salesnb map --data "
        f"{path} 重新生成"
    )
    assert "the mapping names 天猫订单报表.csv, not it" in raised.value.text("en")


def test_without_a_mapping_naming_files_the_message_is_unchanged(tmp_path: Path) -> None:
    path = _export(tmp_path)
    with pytest.raises(DataSourceError) as raised:
        load_dataset(path)
    assert raised.value.text("zh").startswith(
        "十月订单.csv 不是以数据约定的表名命名的（orders.csv ……），也没有映射文件指向它"
    )
