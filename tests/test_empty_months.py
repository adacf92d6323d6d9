"""A month without a single order inside the data's range is missing data: no report of it, no baseline counts it.

20 customers buy 100 each month from 2025-09 to 2026-10, except 2026-08, which the export left out. September's
previous month and its trailing average skip August: MoM is unknown, the average is July and June's 2,000.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data import facts
from salesnb.data.loading import load_dataset
from salesnb.data.summary import format_summary, summarize
from salesnb.errors import ParameterError
from salesnb.overview import headline_metrics
from salesnb.report import open_report


def _orders(folder: Path, buyers: int) -> Path:
    rows = [
        (f"{m}-{c}", f"C{c}", f"{m}-10", 100)
        for m in pd.period_range("2025-09", "2026-10", freq="M").astype(str)
        if m != "2026-08"
        for c in range(buyers)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"]).to_csv(
        folder / "orders.csv", index=False
    )
    return folder


@pytest.fixture
def gap(tmp_path: Path) -> Path:
    return _orders(tmp_path / "gap", 20)


def test_a_business_of_few_orders_has_real_empty_months(tmp_path: Path) -> None:
    ds = load_dataset(_orders(tmp_path / "few", 5))  # 5 orders a month: an empty month can be real
    assert facts.empty_months(ds) == ()


def test_a_month_without_orders_is_found_said_and_not_reported(gap: Path) -> None:
    ds = load_dataset(gap)
    assert facts.empty_months(ds) == ("2026-08",)
    assert "! 2026-08 没有任何订单：导出可能漏了这几个月" in format_summary(summarize(ds), "zh")
    with pytest.raises(ParameterError, match="2026-08 没有任何订单"):
        open_report(data=str(gap), period="2026-08", region="ALL")


def test_baselines_leave_the_missing_month_out(gap: Path) -> None:
    report = open_report(data=str(gap), period="2026-09", region="ALL")
    assert report.trailing() == ["2026-06", "2026-07"]
    m = headline_metrics(report)
    assert m["revenue"] == 2000 and m["mom_growth"] is None and m["vs_trailing"] == 0.0


def test_the_store_knows_the_missing_month_without_reading_the_orders(gap: Path, tmp_path: Path) -> None:
    from salesnb.data.store_read import planning_dataset

    ds = planning_dataset(gap, None, tmp_path / "store")
    assert ds.tables == {} and facts.empty_months(ds) == ("2026-08",)


def test_a_single_partial_month_is_said_once_not_as_the_latest_complete_month(tmp_path):
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA1,C1,2019-11-05,210000\nA2,C2,2019-11-11,17000\n", encoding="utf-8"
    )
    text = format_summary(summarize(load_dataset(tmp_path)), "zh")
    assert "默认报告月份: 2019-11（数据只有这一个月，且只到 11 日，是不完整月）" in text
    assert "最近的完整月" not in text and "用 --period 2019-11 可查看" not in text
