"""Target realism: the seasonal run-rate and the target_misaligned rule."""

import pandas as pd
import pytest

from salesnb import team
from salesnb.report import open_report
from team.helpers import BASE_REPS, base_sales, base_targets, build, open_tiny


def test_target_misaligned_against_run_rate(tmp_path):
    targets = base_targets()
    targets[("R1", "2026-10")] = 1800  # 华东: 2000 against a run-rate of 800
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), targets))
    frame = team.target_frame(report).set_index("segment")
    assert frame.loc["华东", "expected"] == pytest.approx(800) and frame.loc["华东", "method"] == "trailing"
    assert frame.loc["华东", "ratio"] == pytest.approx(2.5) and bool(frame.loc["华东", "flagged"])
    (f,) = [f for f in team.angle_findings(report) if f["code"] == "target_misaligned"]
    assert f["segment"] == {} and f["effect"] == pytest.approx(1200) and f["severity"] == "high"
    overall = team.target_frame(open_report(report.ds.source, "2026-10", "ALL", dataset=report.ds))
    assert list(overall["segment"]) == ["ALL", "华东", "华南"]
    assert overall.set_index("segment").loc["华南", "ratio"] == pytest.approx(1.0)


def test_seasonal_expectation_uses_the_company_season(tmp_path):
    months = [str(p) for p in pd.period_range("2025-06", "2026-10", freq="M")]
    sales = {("R1", m): [200 if m == "2025-10" else 100] for m in months}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2026-10"): 200}))
    expected, method = team.seasonal_expectation(report, "2026-10", "华东")
    assert method == "seasonal" and expected == pytest.approx(200)  # level 100 × (200 / 100)
    assert team.seasonal_expectation(report, "2025-08", "华东") == (pytest.approx(100), "trailing")


def test_a_festival_month_is_planned_from_last_years_festival_month(tmp_path):
    """春节: 2024-02-10, 2025-01-29. Sales 100 a month, 50 in each festival month. For 2025-02 the trailing months
    (2024-11, 2024-12, 2025-01: mean 250/3) are set against 2023-11, 2023-12 and 2024-02 (the festival February,
    also 250/3), the month itself against 2024-01 (100): 250/3 × 100 / (250/3) = 100. By calendar month it was
    250/3 × 50 / 100 ≈ 42, a February dip that did not come this year."""
    months = [str(p) for p in pd.period_range("2023-11", "2025-02", freq="M")]
    sales = {("R1", m): [50 if m in ("2024-02", "2025-01") else 100] for m in months}
    report = open_tiny(tmp_path, build(BASE_REPS[:1], sales, {("R1", "2025-02"): 100}), period="2025-02")
    assert team.seasonal_expectation(report, "2025-02", "华东") == (pytest.approx(100), "seasonal")
