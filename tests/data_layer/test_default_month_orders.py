"""The default report month is never a month the export left out; validate says how many orders it holds.

A busy export (20 orders a month) whose month before a partial last one holds no order: that month is missing
(:func:`~salesnb.data.facts.empty_months`), a report refuses it, and ``run`` without ``--period`` stopped on it.
The default steps back to the latest month not left out. A thin business's month without orders is a real zero
and stays the default; ``validate`` now says how many orders the default month holds and how many months in the
span hold none (SAP SHINE, real29: a dense 2015, stray orders to 2022-01; default 2021-12, 0 orders).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data import facts, partial_month
from salesnb.data.loading import load_dataset
from salesnb.data.summary import format_summary, summarize
from salesnb.report import report_period


def _orders(folder: Path, stray: list[str]) -> Path:
    """20 orders a month in 2026-01 … 2026-06 (100 each), then one order on each date of ``stray``."""
    rows = []
    for month in range(1, 7):
        rows += [(f"O{month}{d:02d}", f"C{d % 4}", f"2026-{month:02d}-{d:02d}", "华东", 100) for d in range(1, 21)]
    rows += [(f"S{n}", "C9", date, "华东", 50) for n, date in enumerate(stray)]
    columns = ["order_id", "customer_id", "order_date", "region", "amount"]
    pd.DataFrame(rows, columns=columns).to_csv(folder / "orders.csv", index=False)
    return folder


def test_the_default_skips_empty_months_before_a_partial_last_one(tmp_path: Path) -> None:
    """Stray orders on 09-10 and 11-03: November is partial (to the 3rd), October empty -> 2026-09 (1 order)."""
    ds = load_dataset(_orders(tmp_path, ["2026-09-10", "2026-11-03"]))
    assert facts.data_months(ds) == ("2026-01", "2026-11")
    assert partial_month.last_month_partial(ds)["through_day"] == 3
    assert facts.empty_months(ds) == ("2026-07", "2026-08", "2026-10")  # the median month holds 20 orders
    assert partial_month.latest_complete_month(ds) == "2026-09"
    assert report_period(ds, "") == "2026-09"  # was 2026-10: refused as missing from the export


def test_the_month_before_a_partial_one_stays_the_default_when_it_has_orders(tmp_path: Path) -> None:
    ds = load_dataset(_orders(tmp_path, ["2026-07-10", "2026-08-03"]))
    assert partial_month.latest_complete_month(ds) == "2026-07"


def test_a_thin_business_month_without_orders_stays_the_default(tmp_path: Path) -> None:
    """Three orders in 2026-01 … 2026-03 (to March 2): February sold nothing, a real zero, still the default."""
    rows = [("O1", "C1", "2026-01-05", "华东", 10), ("O2", "C2", "2026-01-20", "华东", 20)]
    rows += [("O3", "C1", "2026-03-02", "华东", 30)]
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "region", "amount"]).to_csv(
        tmp_path / "orders.csv", index=False
    )
    ds = load_dataset(tmp_path)
    assert facts.empty_months(ds) == () and partial_month.latest_complete_month(ds) == "2026-02"
    assert "默认报告月份（最近的完整月）: 2026-02（该月 0 笔订单）" in format_summary(summarize(ds))


def test_validate_says_the_quiet_months_and_the_default_months_orders(tmp_path: Path) -> None:
    """2026-01 … 2026-11 with orders in 01–06, 09 and 11: 3 quiet months (07, 08, 10) are said — here they are
    no 'missing' months (empty_months: the median month holds 20 orders, 07/08/10 are listed there instead) — and
    the default month's orders: 1, a month a reader would not pick had he seen it."""
    ds = load_dataset(_orders(tmp_path, ["2026-09-10", "2026-11-03"]))
    summary = summarize(ds)
    assert summary["empty_months"] == ["2026-07", "2026-08", "2026-10"] and summary["quiet_months"] == 0
    assert summary["period"]["month"] == "2026-09" and summary["period"]["orders"] == 1
    said = format_summary(summary)
    assert "默认报告月份（最近的完整月）: 2026-09（该月 1 笔订单）" in said and "没有订单）" not in said


def test_quiet_months_of_a_thin_business_are_counted(tmp_path: Path) -> None:
    """A few orders a year (median month 0: no month is 'missing'): the months without orders are counted."""
    rows = [("O1", "C1", "2025-01-05", "华东", 10), ("O2", "C2", "2025-06-05", "华东", 20)]
    rows += [("O3", "C1", "2026-01-05", "华东", 30), ("O4", "C1", "2026-02-28", "华东", 40)]
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "region", "amount"]).to_csv(
        tmp_path / "orders.csv", index=False
    )
    summary = summarize(load_dataset(tmp_path))
    assert summary["empty_months"] == [] and summary["quiet_months"] == 14 - 4  # 2025-01 … 2026-02: 14 months
    said = format_summary(summary)
    assert "覆盖月份 (4): 2025-01 … 2026-02（其间 10 个月没有订单）" in said
    assert "默认报告月份（最近的完整月）: 2026-02（该月 1 笔订单）" in said
    assert "(10 months in between without any order)" in format_summary(summary, "en")
