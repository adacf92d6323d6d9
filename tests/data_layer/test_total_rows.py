"""Subtotal rows named with what they total (1月小计, 华东区合计, 本页合计) are no sales, as 合计 alone is not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.loading import load_dataset
from salesnb.data.skipped_rows import rows_without_sales

MAPPING = {
    "tables": {"orders": "销售.csv"},
    "columns": {"orders": {"order_id": "单号", "customer_id": "客户", "order_date": "日期", "amount": "金额"}},
}


def test_a_month_s_subtotal_row_is_skipped_and_said(tmp_path: Path) -> None:
    """Two January sales (100 + 50), their 1月小计 of 150, one February sale of 30 and 2月小计: 2 + 1 orders."""
    text = (
        "日期,单号,客户,金额\n2018/1/3,A1,C1,100\n2018/1/9,A2,C2,50\n1月小计,,,150\n2018/2/1,A3,C1,30\n2月小计,,,30\n"
    )
    (tmp_path / "销售.csv").write_text(text, encoding="gb18030")
    ds = load_dataset(tmp_path / "销售.csv", mapping=MAPPING)
    assert ds["orders"]["amount"].tolist() == [100.0, 50.0, 30.0]
    assert "数据表 orders：2 个合计或小计行不是销售，已跳过（第 4, 6 行）" in [w.text("zh") for w in ds.warnings]


def test_labels_ending_in_a_total_word_are_totals_and_sales_are_not() -> None:
    frame = pd.DataFrame(
        {
            "日期": ["华东区 小计", "本页合计：", "Total January", "2018/1/3", "累计销量冠军", None, "Total Wine"],
            "商品": [None, None, None, "合计牌保温杯", "感康", "总计", "Merlot"],
            "金额": [150, 150, 150, 20, 8, 178, 12],
        }
    )  # a customer named Total Wine fills its row: a sale, not a total
    _, total = rows_without_sales(frame)
    assert total.tolist() == [True, True, True, False, False, True, False]
