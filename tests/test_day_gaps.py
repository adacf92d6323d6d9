"""Days inside the export without any order, where the business sells every day: said, not read as a collapse.

A shop sells 4 orders of 100 a day from 2026-03-01 to 2026-08-31, closed every Monday; its export holds nothing
from 2026-06-20 to 2026-07-16 (27 days). Around the run (56 days before it, 45 after it to the last order on Sunday
08-30) it has orders on 87 of 101 days (share 87/102, longest quiet spell 1 day): 27 quiet days have a chance of
(15/102)^27 ≈ e^-52, and 27 > 2 × 1. A quiet weekend-and-Monday of 3 days (2026-04-11 .. 04-13) has a chance
of about e^-5.7: ordinary, not named.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tiny import write_tiny

from salesnb.data.day_gaps import day_gaps, gaps_in
from salesnb.data.loading import load_dataset
from salesnb.data.summary import format_summary, summarize
from salesnb.report import open_report

GAP = ("2026-06-20", "2026-07-16")
QUIET = ("2026-04-11", "2026-04-13")


def _orders() -> pd.DataFrame:
    rows = []
    for day in pd.date_range("2026-03-01", "2026-08-31"):
        if day.day_of_week == 0 or GAP[0] <= f"{day:%Y-%m-%d}" <= GAP[1] or QUIET[0] <= f"{day:%Y-%m-%d}" <= QUIET[1]:
            continue
        for n in range(4):
            rows.append((f"{day:%m%d}-{n}", f"C{(day.day * 4 + n) % 60}", f"{day:%Y-%m-%d}", 100))
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("day_gaps"), tables={"orders": _orders().to_dict("records")})


def test_the_improbable_run_is_found_with_its_days_and_rate_and_the_short_one_is_not(folder: Path) -> None:
    gaps = day_gaps(load_dataset(folder))
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap["start"], gap["end"], gap["days"]) == ("2026-06-20", "2026-07-16", 27)
    # 2026-04-25 .. 06-19 and 07-17 .. 08-30 (the last order; 08-31 is a Monday): 56 + 45 = 101 days, 48 + 39 open
    assert gap["per_day"] == pytest.approx(87 * 4 / 101)


def test_a_run_cut_to_each_month() -> None:
    gaps = ({"start": "2026-06-20", "end": "2026-07-16", "days": 27, "per_day": 3.0},)
    assert [(g["start"], g["end"], g["days"]) for g in gaps_in(gaps, "2026-06")] == [("2026-06-20", "2026-06-30", 11)]
    assert [(g["start"], g["end"], g["days"]) for g in gaps_in(gaps, "2026-07")] == [("2026-07-01", "2026-07-16", 16)]
    assert gaps_in(gaps, "2026-08") == []


def test_a_run_within_the_spring_festival_closure_is_the_holiday(tmp_path: Path) -> None:
    rows = [
        (f"{day:%m%d}-{n}", f"C{n}", f"{day:%Y-%m-%d}", 100)
        for day in pd.date_range("2026-01-01", "2026-03-31")
        if not ("2026-02-12" <= f"{day:%Y-%m-%d}" <= "2026-02-24")  # 春节 2026-02-17: closed 13 days
        for n in range(3)
    ]
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"]).to_csv(
        tmp_path / "orders.csv", index=False
    )
    ds = load_dataset(tmp_path)
    assert [g["days"] for g in day_gaps(ds)] == [13]  # no calendar: 13 days without an order are named
    assert day_gaps(ds, ["2026-02-17"], 15) == ()  # within 15 days of 春节: the holiday
    assert "没有任何订单：前后几周几乎天天有单" not in format_summary(summarize(ds), "zh")  # the default calendar


def test_validate_and_the_headers_say_so(folder: Path) -> None:
    text = format_summary(summarize(load_dataset(folder)), "zh")
    assert "! 2026-06-20 至 2026-07-16（27 天；前后几周平常每天约 3.4 单）没有任何订单" in text
    july = open_report(data=str(folder), period="2026-07", region="ALL")._repr_markdown_()
    assert "⚠ 本月 2026-07-01 至 2026-07-16（16 天；前后几周平常每天约 3.4 单）没有任何订单" in july
    assert "ℹ 对比基准月份中 2026-06-20 至 2026-06-30（11 天；前后几周平常每天约 3.4 单）没有任何订单" in july
    august = open_report(data=str(folder), period="2026-08", region="ALL", lang="en")._repr_markdown_()
    assert "In the baseline months, no order at all from 2026-06-20 to 2026-06-30 (11 days" in august
    assert "2026-07-01 to 2026-07-16 (16 days" in august
    may = open_report(data=str(folder), period="2026-05", region="ALL")._repr_markdown_()
    assert "没有任何订单" not in may  # April's 3 quiet days are ordinary


def test_the_summary_points_at_the_silent_days_before_calling_the_fall_broad(folder: Path) -> None:
    from salesnb.overview import quiet_month_note

    text, fell = quiet_month_note(open_report(data=str(folder), period="2026-07", region="ALL"))
    assert fell and "本月有 16 天没有任何订单（见页首），多半是导出漏了这几天或停业" in text
    assert "下滑是整体性的" not in text
