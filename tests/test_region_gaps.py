"""A busy region without a single order in a month of its range: the export left the region's month out.

North has 12 customers buying 100 each month from 2025-09 to 2026-10 except 2026-08 (its sheet was not copied
in); South has 3 customers a month and no order in 2026-05 (a small region's quiet month is real); East opens
in 2026-03 with 15 a month and West closes after 2026-02 with 15 a month (before and after their ranges is no
gap). The data ends on 2026-11-05: November is partial and not judged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.region_gaps import gap_months, region_gaps
from salesnb.data.summary import format_summary, summarize
from salesnb.overview import headline_metrics
from salesnb.report import open_report

REGIONS = {  # region: (customers, first month, last month, months without orders)
    "North": (12, "2025-09", "2026-10", {"2026-08"}),
    "South": (3, "2025-09", "2026-10", {"2026-05"}),
    "East": (15, "2026-03", "2026-10", set()),
    "West": (15, "2025-09", "2026-02", set()),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [
        (f"{region}-{m}-{c}", f"{region}{c}", f"{m}-10", region, 100)
        for region, (buyers, first, last, skip) in REGIONS.items()
        for m in pd.period_range(first, last, freq="M").astype(str)
        if m not in skip
        for c in range(buyers)
    ]
    rows.append(("S-late", "South0", "2026-11-05", "South", 100))  # the data ends inside November
    out = tmp_path_factory.mktemp("gaps")
    columns = ["order_id", "customer_id", "order_date", "region", "amount"]
    pd.DataFrame(rows, columns=columns).to_csv(out / "orders.csv", index=False)
    return out


def test_only_the_busy_regions_month_inside_its_range_is_a_gap(folder: Path) -> None:
    ds = load_dataset(folder)
    assert region_gaps(ds) == {"North": {"2026-08": 12.0}}  # North's other months: 12 each (median 12)
    assert gap_months(ds, "North") == ("2026-08",) and gap_months(ds, "ALL") == ()


def test_validate_names_the_region_month_and_its_usual_orders(folder: Path) -> None:
    text = format_summary(summarize(load_dataset(folder)), "zh")
    assert "! North 2026-08（12） 没有任何订单，而这些区域平常每月有订单" in text


def test_the_regions_baselines_leave_its_missing_month_out(folder: Path) -> None:
    report = open_report(data=str(folder), period="2026-09", region="North")
    assert report.trailing() == ["2026-06", "2026-07"]
    m = headline_metrics(report)
    assert m["revenue"] == 1200 and m["mom_growth"] is None and m["vs_trailing"] == 0.0
    note = "ℹ North 2026-08 没有任何订单（很可能是导出遗漏）：本页的对比基准不计入这些月份。"
    assert note in report._repr_markdown_()
    company = open_report(data=str(folder), period="2026-09", region="ALL")
    assert company.trailing() == ["2026-06", "2026-07", "2026-08"]  # the company did sell in August


def test_the_gap_months_reports_warn_first(folder: Path) -> None:
    own = open_report(data=str(folder), period="2026-08", region="North", lang="en")._repr_markdown_()
    assert "⚠ North has no order at all in 2026-08, where it usually has about 12 a month" in own
    company = open_report(data=str(folder), period="2026-08", region="ALL")._repr_markdown_()
    assert "⚠ North（12） 本月没有任何订单" in company
    assert "没有任何订单" not in open_report(data=str(folder), period="2026-07", region="ALL")._repr_markdown_()


def test_the_company_reports_region_baselines_leave_each_regions_gap_month_out(folder: Path) -> None:
    """In the ALL report North's usual level is its own months: 1,200 a month, not 2026-08's zero averaged in.

    Trailing 2026-06..08: (1,200 + 1,200) / 2 = 1,200, not (1,200 + 1,200 + 0) / 3 = 800; the six months
    before 2026-09: 5 × 1,200 / 5 = 1,200, not 6,000 / 6 = 1,000; its expectation from a flat history: 1,200.
    South's quiet May is real (no gap) and stays in its usual level.
    """
    from salesnb.market.regions import region_frame
    from salesnb.support.common import usual_months

    report = open_report(data=str(folder), period="2026-09", region="ALL")
    assert report.trailing("North") == ["2026-06", "2026-07"]
    assert report.history(6, region="North") == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    assert report.history(6) == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    assert "2026-08" not in usual_months(report, "North") and "2026-08" in usual_months(report)
    frame = region_frame(report).set_index("region")
    north = frame.loc["North"]
    assert north["revenue"] == 1200
    assert north["trailing_avg"] == pytest.approx(1200.0) and north["vs_trailing"] == pytest.approx(0.0)
    assert north["usual"] == pytest.approx(1200.0)
    assert north["expected"] == pytest.approx(1200.0)  # its own flat months; the peer factor is the rest's
    assert frame.loc["South", "usual"] == pytest.approx(5 * 300 / 6)  # 2026-05 had none: a real zero


def test_the_target_run_rate_of_a_region_leaves_its_gap_month_out(folder: Path) -> None:
    """North's run-rate for 2026-09 (trailing: the data does not reach back a year before 2026-06..08).

    (1,200 + 1,200) / 2 = 1,200 from its own months, not (1,200 + 1,200 + 0) / 3 = 800: in the ALL report's
    target check (each region's row) and in North's own report alike.
    """
    from salesnb.team.targets import seasonal_expectation

    for scope in ("ALL", "North"):
        report = open_report(data=str(folder), period="2026-09", region=scope)
        assert seasonal_expectation(report, "2026-09", "North") == (pytest.approx(1200.0), "trailing")
