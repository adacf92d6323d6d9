"""A month without findings: the summary says none sits in one segment, how the month moved, and warns of a broad fall.

Orders only (no region, channel or product line): 20 customers buy 100 each month for 14 months; in the report
month each buys for 88. Revenue 1,760 against 2,000 last month, last year and on the 3-month average: −12 %, past
``overview.broad_decline`` and short of ``thresholds.market.company_decline``; at 60 each (−40 %) the company's fall
is a finding of its own (region_underperform over the whole company), which the summary lists.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb import overview
from salesnb.report import open_report


def _orders(folder: Path, amount_last: int, before: dict[str, int] | None = None) -> Path:
    rows = []
    months = pd.period_range("2025-09", "2026-10", freq="M")
    for month in months:
        amount = amount_last if month == months[-1] else (before or {}).get(str(month), 100)
        rows += [(f"{month}-{c}", f"C{c}", f"{month}-10", amount) for c in range(20)]
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"]).to_csv(
        folder / "orders.csv", index=False
    )
    return folder


def test_a_broad_fall_without_findings_is_said_with_its_size(tmp_path: Path) -> None:
    report = open_report(data=str(_orders(tmp_path / "fall", 88)), period="2026-10", region="ALL")
    panel = overview.executive_summary_panel(report)
    assert panel.findings == []
    html = panel.to_html()
    assert html.startswith('<p class="salesnb-findings-none">⚠ 本期各个角度都未发现集中在某个区域')
    assert "本月销售额 1,760，较上月 -12.0%、较去年同月 -12.0%、较近 3 个月均值 -12.0%。" in html
    assert "较去年同月、较近 3 个月均值的下滑是整体性的" in html


def test_a_company_wide_fall_past_its_own_expectation_is_a_finding_the_summary_lists(tmp_path: Path) -> None:
    report = open_report(data=str(_orders(tmp_path / "fall", 60)), period="2026-10", region="ALL")
    panel = overview.executive_summary_panel(report)
    assert [(f["code"], f["segment"], f["severity"]) for f in panel.findings] == [("region_underperform", {}, "high")]
    assert panel.findings[0]["effect"] == pytest.approx(800.0)
    assert "全公司本月销售额 1,200；按公司自身的趋势和季节，本月应在 2,000 左右" in panel.findings[0]["detail"]
    assert "salesnb-findings-none" not in panel.to_html()


def test_a_fall_on_last_year_alone_is_named_and_weighed_against_the_months_own_swing(tmp_path: Path) -> None:
    # Last October 200 a customer, the three months before this one 80, this month 100: +25% on last month and on
    # the 3-month average, −50% on last year. The summary must not speak of a fall without saying against what;
    # and a month at its usual level, last October's one-off spike aside, is within what the company's own trend
    # and season expect (company_frame's band): said so, with the check mark, not warned of as a broad fall.
    before = {"2025-10": 200, "2026-07": 80, "2026-08": 80, "2026-09": 80}
    report = open_report(data=str(_orders(tmp_path / "yoy", 100, before)), period="2026-10", region="ALL")
    assert not overview.below_own_swing(report)
    html = overview.executive_summary_panel(report).to_html()
    assert html.startswith('<p class="salesnb-findings-none">✓ ')
    assert "本月销售额 2,000，较上月 +25.0%、较去年同月 -50.0%、较近 3 个月均值 +25.0%。" in html
    assert "较去年同月的下滑仍在本范围平时的波动之内" in html
    assert "整体性" not in html and "较近 3 个月均值的下滑" not in html
    english = overview.executive_summary_panel(open_report(data=str(tmp_path / "yoy"), period="2026-10",
                                                           region="ALL", lang="en")).to_html()  # fmt: skip
    assert "The fall on the same month last year is within the swing the months of this scope usually show" in english


def test_a_fall_below_the_months_own_band_is_warned_of(tmp_path: Path) -> None:
    # the uniform −12 % of the first test: 14 months of exactly 2,000 leave a band of no width, 1,760 is below it
    report = open_report(data=str(_orders(tmp_path / "fall", 88)), period="2026-10", region="ALL")
    assert overview.below_own_swing(report)


def test_a_steady_month_without_findings_keeps_its_check_mark(tmp_path: Path) -> None:
    report = open_report(data=str(_orders(tmp_path / "steady", 100)), period="2026-10", region="ALL", lang="en")
    html = overview.executive_summary_panel(report).to_html()
    assert html.startswith('<p class="salesnb-findings-none">✓ No angle found a problem')
    assert "Revenue this month is 2.0K: 0.0% on last month, 0.0% on the same month last year" in html
    assert "broad" not in html


def test_a_month_without_any_order_says_so_instead_of_all_is_well(tmp_path: Path) -> None:
    # three new buyers a month until June, none from July to October, three in November: a thin business's real
    # zeros (not months missing from the export), with nothing left to expect of October (SAP SHINE's trickle)
    quiet = {"2026-07", "2026-08", "2026-09", "2026-10"}
    months = pd.period_range("2025-09", "2026-11", freq="M").astype(str)
    rows = [(f"{m}-{c}", f"C{m}-{c}", f"{m}-10", 100) for m in months if m not in quiet for c in range(3)]
    folder = tmp_path / "empty"
    folder.mkdir()
    pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"]).to_csv(
        folder / "orders.csv", index=False
    )
    report = open_report(data=str(folder), period="2026-10", region="ALL")
    panel = overview.executive_summary_panel(report)
    html = panel.to_html()
    assert panel.findings == []
    assert html.startswith('<p class="salesnb-findings-none">⚠ 本月（本报告范围内）没有任何订单'), html[:200]
    assert "本月销售额 0，较去年同月 -100.0%。" in html, html
    assert "整体性" not in html and "未发现集中" not in html
